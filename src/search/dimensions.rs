//! Dimensional analysis of formulas: with the table's units known, a formula whose units do not
//! work out is not a law, and the search leaves it out of its grammar.
//!
//! Each subtree gets a dimension, bottom up. A variable has its column's; a constant is a pure
//! number, or, by default, a number with a unit of its own to be fitted (a *free* dimension,
//! after SymbolicRegression.jl's wildcard constants), so c·t can be made to match anything and
//! 9·(1 − e^(−t/12)) reads as 9 V·(1 − e^(−t/12 s)). π and e are always pure numbers: a fitted
//! 2.718 s is a measurement, sent as one, not Euler's number. The rules:
//!
//! - a sum or difference needs its two sides to agree (a free side takes the other's);
//! - a product or quotient combines them, and is free if either side is;
//! - √, square, cube and 1/x take powers; e^x, log, sin, cos, tan, their inverses and tanh need a
//!   pure number (or a free one) and give a pure number;
//! - except that the logarithm of a dimensional quantity is a pure number up to an additive
//!   constant (log(c·x) = log c + log x: the unit shows as an offset), so log x may stand where a
//!   fitted constant is added to it, 94 − 20·log₁₀(d) for decibels at d metres, and a constant
//!   factor may scale it on the way; anything else it meets is not a law;
//! - a power xᵖ needs a pure exponent; a dimensional base needs an exponent that does not vary
//!   with the data (its value, a fitted one included, multiplies the base's dimension), a base
//!   that is a pure number takes any;
//! - the whole must have the target's dimension, unless it is free.
//!
//! A column whose unit is unknown is free too: it constrains nothing. So a table without units
//! checks nothing, and one with a few units checks what they decide.
//!
//! Whether this costs bits: the code is not told of the units (its structure code is the same),
//! so a consistent formula is sent as before and the inconsistent ones are simply never sent.
//! The code stays complete on the formulas it can send and merely wastes the probability of the
//! others, which a receiver who knows the units could reclaim; the totals are therefore upper
//! bounds on that tighter code, and honest file lengths as they are.

use crate::expr::{Expr, Form, Kind, Op};
use crate::units::Dimension;

/// What a constant may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConstantUnits {
    /// A constant has a unit of its own, fitted with its value (the default).
    #[default]
    Fitted,
    /// A constant is a pure number (PySR's `dimensionless_constants_only`).
    Dimensionless,
}

/// The units a search checks its formulas against.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Units {
    /// Each feature's dimension, None where unknown.
    pub features: Vec<Option<Dimension>>,
    /// The target's dimension, None where unknown.
    pub target: Option<Dimension>,
    pub constants: ConstantUnits,
}

/// A subtree's dimension as the check sees it.
#[derive(Debug, Clone, Copy)]
struct Value {
    dimension: Dimension,
    /// The dimension can still be anything: a constant's fitted unit (or an unknown column's)
    /// can absorb what it needs to.
    free: bool,
    /// The subtree reads no variable.
    constant: bool,
    /// Its value, when it reads no variable and every constant in it is known.
    value: Option<f64>,
    /// A pure number up to an additive constant that depends on the units (the logarithm of a
    /// dimensional quantity), still waiting for a fitted constant to be added to it.
    shifted: bool,
}

impl Units {
    /// Whether any unit is known (otherwise every formula passes and checking is skipped).
    pub fn known(&self) -> bool {
        self.target.is_some() || self.features.iter().any(Option::is_some)
    }

    /// Whether the formula's units work out. `fitted` says whether its real constants hold
    /// their fitted values; before a fit (an enumerated structure), a power by a free constant
    /// is given the benefit of the doubt and checked again once fitted.
    pub fn consistent(&self, expr: &Expr, fitted: bool) -> bool {
        self.check(expr, fitted, true)
    }

    /// Whether the formula's units work out inside, whatever its result's unit: what a formula
    /// needs to be scaled, b·f + a, into one whose units work out.
    pub fn consistent_inside(&self, expr: &Expr, fitted: bool) -> bool {
        self.check(expr, fitted, false)
    }

    fn check(&self, expr: &Expr, fitted: bool, whole: bool) -> bool {
        if !self.known() {
            return true;
        }
        let mut stack: Vec<Value> = Vec::with_capacity(expr.nodes.len());
        for node in &expr.nodes {
            let value = match node.kind {
                Kind::Var(j) => match self.features.get(usize::from(j)).copied().flatten() {
                    Some(dimension) => Value { dimension, free: false, constant: false, value: None, shifted: false },
                    None => {
                        Value { dimension: Dimension::NONE, free: true, constant: false, value: None, shifted: false }
                    }
                },
                Kind::Const(v, form) => Value {
                    dimension: Dimension::NONE,
                    // π and e are mathematics, never a measured quantity with a unit.
                    free: self.constants == ConstantUnits::Fitted && !matches!(form, Form::Pi | Form::E),
                    constant: true,
                    value: (fitted || form != Form::Real).then_some(v),
                    shifted: false,
                },
                Kind::Op(op) if op.arity() == 2 => {
                    let (Some(b), Some(a)) = (stack.pop(), stack.pop()) else { return false };
                    match binary(op, a, b) {
                        Some(v) => v,
                        None => return false,
                    }
                }
                Kind::Op(op) => {
                    let Some(a) = stack.pop() else { return false };
                    match unary(op, a) {
                        Some(v) => v,
                        None => return false,
                    }
                }
            };
            stack.push(value);
        }
        match (stack.pop(), self.target.filter(|_| whole)) {
            (Some(root), _) if root.shifted => false,
            (Some(root), Some(target)) => root.free || root.dimension.same(target),
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

/// A pure number, or one that can be made one.
fn pure(v: &Value) -> bool {
    v.free || v.dimension.is_none()
}

fn unary(op: Op, a: Value) -> Option<Value> {
    let value = a.value.map(|x| op.apply(x, 0.0));
    if a.shifted {
        // −log x is still log x up to a constant; nothing else keeps the offset outside.
        return (op == Op::Neg).then_some(Value { value, ..a });
    }
    let power = |p: f64| Some(Value { dimension: a.dimension.power(p), value, ..a });
    let pure_number = Value { dimension: Dimension::NONE, free: false, constant: a.constant, value, shifted: false };
    match op {
        Op::Neg | Op::Abs => Some(Value { value, ..a }),
        Op::Square => power(2.0),
        Op::Cube => power(3.0),
        Op::Sqrt => power(0.5),
        Op::Inv => power(-1.0),
        _ if pure(&a) => Some(pure_number),
        Op::Log => Some(Value { shifted: true, ..pure_number }),
        _ => None,
    }
}

fn binary(op: Op, a: Value, b: Value) -> Option<Value> {
    let constant = a.constant && b.constant;
    let value = match (a.value, b.value) {
        (Some(x), Some(y)) => Some(op.apply(x, y)),
        _ => None,
    };
    if a.shifted || b.shifted {
        return shifted(op, a, b, constant, value);
    }
    match op {
        Op::Add | Op::Sub => {
            let (dimension, free) = match (a.free, b.free) {
                (true, true) => (a.dimension, true),
                (true, false) => (b.dimension, false),
                (false, true) => (a.dimension, false),
                (false, false) if a.dimension.same(b.dimension) => (a.dimension, false),
                (false, false) => return None,
            };
            Some(Value { dimension, free, constant, value, shifted: false })
        }
        Op::Mul => Some(Value {
            dimension: a.dimension.times(b.dimension),
            free: a.free || b.free,
            constant,
            value,
            shifted: false,
        }),
        Op::Div => Some(Value {
            dimension: a.dimension.over(b.dimension),
            free: a.free || b.free,
            constant,
            value,
            shifted: false,
        }),
        Op::Pow => {
            if !pure(&b) {
                return None;
            }
            match (b.constant, b.value) {
                // A known exponent multiplies the base's dimension.
                (true, Some(p)) => {
                    let dimension = a.dimension.power(p);
                    dimension.is_finite().then_some(Value { dimension, free: a.free, constant, value, shifted: false })
                }
                // An exponent of constants not fitted yet: any power of the base may come out.
                (true, None) => Some(Value {
                    dimension: Dimension::NONE,
                    free: a.free || !a.dimension.is_none(),
                    constant,
                    value,
                    shifted: false,
                }),
                // An exponent that varies with the data needs a pure base.
                (false, _) if pure(&a) => {
                    Some(Value { dimension: Dimension::NONE, free: false, constant, value, shifted: false })
                }
                (false, _) => None,
            }
        }
        _ => None,
    }
}

/// A sum or difference with a free side absorbs a logarithm's offset; a constant factor scales
/// it and keeps it; two logarithms' offsets add up (log x − log y = log(x/y) is fine only if
/// their units cancel, which the dimension of x/y decides, so it is refused here and left to the
/// quotient written inside one logarithm).
fn shifted(op: Op, a: Value, b: Value, constant: bool, value: Option<f64>) -> Option<Value> {
    let (log, other) = if a.shifted { (a, b) } else { (b, a) };
    if a.shifted && b.shifted {
        return None;
    }
    match op {
        Op::Add | Op::Sub if other.free => {
            Some(Value { dimension: Dimension::NONE, free: false, constant, value, shifted: false })
        }
        Op::Add | Op::Sub if other.dimension.is_none() => Some(Value { shifted: true, constant, value, ..log }),
        Op::Mul if other.constant && other.dimension.is_none() => Some(Value { shifted: true, constant, value, ..log }),
        Op::Div if b.constant && b.dimension.is_none() && a.shifted => {
            Some(Value { shifted: true, constant, value, ..log })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::parse;

    /// Units of a table whose columns are named in `names`, with their unit texts.
    fn units(features: &[&str], target: &str, constants: ConstantUnits) -> Units {
        let dim = |t: &str| if t == "?" { None } else { Some(parse(t).unwrap().dimension) };
        Units { features: features.iter().map(|t| dim(t)).collect(), target: dim(target), constants }
    }

    fn check(u: &Units, formula: &str, names: &[&str]) -> bool {
        u.consistent(&crate::expr::parse(formula, names).unwrap(), true)
    }

    #[test]
    fn laws_pass_and_their_impostors_do_not() {
        // A capacitor charging: V [V] against t [s].
        let u = units(&["s"], "V", ConstantUnits::Fitted);
        assert!(check(&u, "9*(1 - exp(-t/12))", &["t"]));
        assert!(check(&u, "9 - 9*exp(-0.083*t)", &["t"]));
        assert!(check(&u, "2.1*t**0.5", &["t"]));
        assert!(!check(&u, "t**t**(-1/7)", &["t"]), "a power that varies with the data on seconds");
        assert!(!check(&u, "sqrt(t + t)", &["t"]), "s^½ is not volts");
        assert!(!check(&u, "log(sqrt(t)) + 2", &["t"]), "the logarithm of seconds");
        // 1/x is read as the reciprocal, which no constant scales: seconds, not volts. With a
        // constant in front, a·t/(b + t) is a saturation and fine.
        assert!(!check(&u, "1/(1/t + 1/11)", &["t"]));
        assert!(check(&u, "t/(t/11.5 + 1)", &["t"]));
        assert!(check(&u, "3*log(t/2)", &["t"]));
        // Kepler: T [d] against a [Mm].
        let k = units(&["Mm"], "d", ConstantUnits::Fitted);
        assert!(check(&k, "sqrt(a/193)**3", &["a"]));
        assert!(check(&k, "0.000204*a**1.5", &["a"]));
        assert!(!check(&k, "a**1.5", &["a"]), "Mm^1.5 is not days without a constant");
        // An exponential in time needs a rate: b^t is not a law, e^(k·t) is.
        let g = units(&["min"], "1", ConstantUnits::Fitted);
        assert!(!check(&g, "12*1.0156**t", &["t"]));
        assert!(check(&g, "12*exp(0.0155*t)", &["t"]));
    }

    /// The logarithm of a dimensional quantity stands where a fitted constant is added to it.
    #[test]
    fn a_logarithm_of_metres_needs_a_constant_beside_it() {
        let db = units(&["m"], "dB", ConstantUnits::Fitted);
        assert!(check(&db, "94 - 8.7*log(d)", &["d"]));
        assert!(check(&db, "-8.7*log(d) + 94", &["d"]));
        assert!(check(&db, "-8.7*log(0.02*d)", &["d"]));
        assert!(!check(&db, "log(d)", &["d"]), "no constant takes the unit's offset");
        assert!(!check(&db, "-8.7*log(d)", &["d"]));
        assert!(!check(&db, "d*log(d) + 3", &["d"]), "the offset times a variable is no constant");
        assert!(!check(&db, "exp(log(d)) + 3", &["d"]));
        let pure = units(&["m"], "dB", ConstantUnits::Dimensionless);
        assert!(!check(&pure, "94 - 8.7*log(d)", &["d"]), "a pure 94 cannot take the offset");
    }

    /// π and e carry no unit: t/(e + t) is no law in seconds, t/(2.7 + t) may be.
    #[test]
    fn pi_and_e_are_pure_numbers() {
        let u = units(&["s"], "V", ConstantUnits::Fitted);
        let with = |form| {
            let mut e = crate::expr::parse("11*(t/(2.718281828459045 + t))", &["t"]).unwrap();
            for n in e.nodes.iter_mut() {
                if let Kind::Const(v, f) = &mut n.kind {
                    if (*v - std::f64::consts::E).abs() < 1e-12 {
                        *f = form;
                    }
                }
            }
            u.consistent(&e, true)
        };
        assert!(with(Form::Real));
        assert!(!with(Form::E));
        assert!(check(&u, "2*pi*sqrt(t)*3", &["t"]), "a free factor still scales 2π√t");
    }

    #[test]
    fn dimensionless_constants_constrain_more() {
        let u = units(&["s"], "V", ConstantUnits::Dimensionless);
        assert!(!check(&u, "9*(1 - exp(-t/12))", &["t"]));
        let same = units(&["m", "m"], "m", ConstantUnits::Dimensionless);
        assert!(check(&same, "(x + y)/2", &["x", "y"]));
        assert!(!check(&same, "x*y", &["x", "y"]));
    }

    #[test]
    fn unknown_units_constrain_nothing() {
        let none = Units { features: vec![None], target: None, constants: ConstantUnits::Fitted };
        assert!(!none.known());
        assert!(check(&none, "log(x)**x", &["x"]));
        // Only the target known: a formula of an unknown column is free.
        let target = units(&["?"], "m", ConstantUnits::Dimensionless);
        assert!(check(&target, "sqrt(x)", &["x"]));
        // Inside a formula, a known column still needs a pure number under exp.
        let x = units(&["m"], "?", ConstantUnits::Fitted);
        assert!(!check(&x, "exp(x)", &["x"]));
        assert!(check(&x, "exp(2.5*x)", &["x"]));
    }

    /// Before a fit the exponent's value is unknown: a power by a free constant passes, and the
    /// fitted value is checked.
    #[test]
    fn structures_are_checked_before_and_after_the_fit() {
        let k = units(&["Mm"], "d", ConstantUnits::Fitted);
        let structure = crate::expr::parse("a**1.0", &["a"]).unwrap();
        assert!(k.consistent(&structure, false));
        assert!(!k.consistent(&structure, true));
    }
}
