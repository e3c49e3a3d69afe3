//! A law's familiar form. A formula search writes Kepler's third law as T = √a³ and the
//! pendulum as T = 2π·√(L/g), because roots are its symbols; people learned them as T² = a³ and
//! T² = 4π²·L/g. [`familiar`] finds that second form for a power law: a monomial
//! c · Π xᵢ^(pᵢ/qᵢ) whose exponents are rational with a common denominator q of 2, 3 or 4, which
//! it writes as y^q = c^q · Π xᵢ^(q·pᵢ/qᵢ), every exponent whole.
//!
//! The form is only offered where it is the same law, not an approximation: every exponent must
//! be an exact rational (a fitted real exponent such as a^1.4998 has none), and an even power of
//! a negative coefficient is refused, since squaring would lose its sign. A coefficient is kept
//! exact where it is exact (a rational times a power of π); a real coefficient keeps the
//! significant digits it was shown with.

use super::node::{Form, Kind};
use super::op::Op;
use super::print::Syntax;
use super::ratio::{lcm, Ratio};
use super::Expr;

/// The largest power [`familiar`] raises a law to: a square, a cube or a fourth power are forms
/// people know; T⁶ = … is not more familiar than the roots it removes.
const MOST_POWER: i64 = 4;

/// y^power = rhs, the same law as the formula it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Familiar {
    /// The power the target is raised to: 2, 3 or 4.
    pub power: u32,
    /// The right-hand side: a product of whole powers of the variables and a coefficient.
    pub rhs: Expr,
}

impl Familiar {
    /// The whole equation in `syntax`, with `names` for the variables and `target` for y.
    pub fn print(&self, syntax: Syntax, names: &[&str], target: &str) -> Option<String> {
        let mut all: Vec<&str> = names.to_vec();
        all.push(target);
        let y = u16::try_from(names.len()).ok()?;
        let lhs = Expr::binary(Op::Pow, Expr::var(y), Expr::with_form(f64::from(self.power), Form::Integer));
        let (lhs, rhs) = (lhs.print(syntax, &all).ok()?, self.rhs.print(syntax, &all).ok()?);
        Some(match syntax {
            Syntax::MathMl => format!("{lhs}<mo>=</mo>{rhs}"),
            _ => format!("{lhs} = {rhs}"),
        })
    }
}

/// The familiar form of `expr`, if it is a power law with roots in it (see the module's text).
pub fn familiar(expr: &Expr) -> Option<Familiar> {
    let root = expr.nodes.len().checked_sub(1)?;
    let m = monomial(expr, root)?;
    let power = m.powers.iter().try_fold(1i64, |q, (_, e)| lcm(q, e.q))?;
    if !(2..=MOST_POWER).contains(&power) || m.powers.is_empty() {
        return None;
    }
    let c = m.coefficient.pow(power)?;
    if m.coefficient.negative() && power % 2 == 0 {
        return None;
    }
    let mut over = Vec::new();
    let mut under = Vec::new();
    for (var, e) in &m.powers {
        let k = e.p.checked_mul(power / e.q)?;
        let factor = |k: i64| if k == 1 { Expr::var(*var) } else { Expr::binary(Op::Pow, Expr::var(*var), integer(k)) };
        match k.signum() {
            1 => over.push(factor(k)),
            -1 => under.push(factor(-k)),
            _ => {}
        }
    }
    let (c_over, c_under) = c.magnitude().factors();
    let over = product(c_over.into_iter().chain(over).collect());
    let rhs = match product(c_under.into_iter().chain(under).collect()) {
        Some(under) => Expr::binary(Op::Div, over.unwrap_or_else(|| integer(1)), under),
        None => over.unwrap_or_else(|| integer(1)),
    };
    let rhs = if c.negative() { Expr::unary(Op::Neg, rhs) } else { rhs };
    Some(Familiar { power: power as u32, rhs })
}

/// rational × π^pi × real, the real (if any) with the significant digits it was shown with.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Coefficient {
    exact: Ratio,
    pi: i64,
    real: Option<(f64, usize)>,
}

impl Coefficient {
    const ONE: Coefficient = Coefficient { exact: Ratio { p: 1, q: 1 }, pi: 0, real: None };

    fn of(value: f64, form: Form) -> Option<Coefficient> {
        let exact = |r| Some(Coefficient { exact: r, ..Coefficient::ONE });
        match form {
            Form::Integer if value.abs() < 1e15 => exact(Ratio::int(value as i64)?),
            Form::Rational(p, q) => exact(Ratio::new(i64::from(p), i64::from(q))?),
            Form::Pi => Some(Coefficient { pi: 1, ..Coefficient::ONE }),
            Form::Real if value.is_finite() && value != 0.0 => {
                Some(Coefficient { real: Some((value, significant_digits(value))), ..Coefficient::ONE })
            }
            _ => None,
        }
    }

    fn mul(self, o: Coefficient) -> Option<Coefficient> {
        let real = match (self.real, o.real) {
            (Some((a, da)), Some((b, db))) => Some((a * b, da.min(db))),
            (a, b) => a.or(b),
        };
        Some(Coefficient { exact: self.exact.mul(o.exact)?, pi: self.pi.checked_add(o.pi)?, real })
    }

    fn inverse(self) -> Option<Coefficient> {
        Some(Coefficient {
            exact: self.exact.inv()?,
            pi: self.pi.checked_neg()?,
            real: self.real.map(|(v, d)| (1.0 / v, d)),
        })
    }

    fn negative(self) -> bool {
        (self.exact.p < 0) != self.real.is_some_and(|(v, _)| v < 0.0)
    }

    fn magnitude(self) -> Coefficient {
        let exact = Ratio { p: self.exact.p.abs(), q: self.exact.q };
        Coefficient { exact, real: self.real.map(|(v, d)| (v.abs(), d)), ..self }
    }

    fn pow(self, k: i64) -> Option<Coefficient> {
        // Past Ratio's bounds (2²⁰) the familiar form would show a longer number than the
        // formula it replaces: none is offered.
        let exact = self.exact.pow(Ratio::int(k)?)?;
        let real = self.real.map(|(v, d)| (libm::pow(v, k as f64), d));
        Some(Coefficient { exact, pi: self.pi.checked_mul(k)?, real })
    }

    /// The factors above and below the fraction bar: the numerator, π's positive power and the
    /// real go above; the denominator and π's negative power below.
    fn factors(self) -> (Vec<Expr>, Vec<Expr>) {
        let mut over = Vec::new();
        let mut under = Vec::new();
        if let Some((v, digits)) = self.real {
            let rounded: f64 = format!("{:.*e}", digits.saturating_sub(1), v).parse().unwrap_or(v);
            over.push(Expr::with_form(rounded, Form::Real));
        }
        if self.exact.p != 1 {
            over.insert(0, integer(self.exact.p));
        }
        if self.exact.q != 1 {
            under.push(integer(self.exact.q));
        }
        let pi = |k: i64| {
            let pi = Expr::with_form(std::f64::consts::PI, Form::Pi);
            if k == 1 {
                pi
            } else {
                Expr::binary(Op::Pow, pi, integer(k))
            }
        };
        match self.pi.signum() {
            1 => over.push(pi(self.pi)),
            -1 => under.push(pi(-self.pi)),
            _ => {}
        }
        (over, under)
    }
}

/// A product of powers of variables: the coefficient and each variable's exponent, in the
/// order the variables first appear.
struct Monomial {
    coefficient: Coefficient,
    powers: Vec<(u16, Ratio)>,
}

impl Monomial {
    fn constant(c: Coefficient) -> Monomial {
        Monomial { coefficient: c, powers: Vec::new() }
    }

    fn mul(mut self, o: Monomial) -> Option<Monomial> {
        self.coefficient = self.coefficient.mul(o.coefficient)?;
        for (var, e) in o.powers {
            match self.powers.iter_mut().find(|(v, _)| *v == var) {
                Some((_, mine)) => *mine = mine.add(e)?,
                None => self.powers.push((var, e)),
            }
        }
        self.powers.retain(|(_, e)| e.p != 0);
        Some(self)
    }

    /// The monomial raised to a rational power; the coefficient only to a whole one (a root of
    /// a coefficient is a real the formula did not send).
    fn pow(self, r: Ratio) -> Option<Monomial> {
        let coefficient = match (r.q, r.p.signum()) {
            (1, 1) => self.coefficient.pow(r.p)?,
            (1, -1) => self.coefficient.inverse()?.pow(-r.p)?,
            (_, 0) => Coefficient::ONE,
            _ if self.coefficient == Coefficient::ONE => Coefficient::ONE,
            _ => return None,
        };
        let powers = self.powers.into_iter().map(|(v, e)| Some((v, e.mul(r)?))).collect::<Option<_>>()?;
        Some(Monomial { coefficient, powers })
    }
}

/// The subtree rooted at `index` as a monomial, if it is one.
fn monomial(expr: &Expr, index: usize) -> Option<Monomial> {
    let node = expr.nodes.get(index)?;
    let child = |k: usize| -> Option<Monomial> {
        let range = expr.children(index).ok()?.get(k)?.clone();
        monomial(expr, range.end.checked_sub(1)?)
    };
    match node.kind {
        Kind::Var(v) => Some(Monomial { coefficient: Coefficient::ONE, powers: vec![(v, Ratio::int(1)?)] }),
        Kind::Const(value, form) => Some(Monomial::constant(Coefficient::of(value, form)?)),
        Kind::Op(op) => match op {
            Op::Mul => child(0)?.mul(child(1)?),
            Op::Div => child(0)?.mul(child(1)?.pow(Ratio::int(-1)?)?),
            Op::Inv => child(0)?.pow(Ratio::int(-1)?),
            Op::Neg => child(0)?.mul(Monomial::constant(Coefficient { exact: Ratio::int(-1)?, ..Coefficient::ONE })),
            Op::Sqrt => child(0)?.pow(Ratio::new(1, 2)?),
            Op::Square => child(0)?.pow(Ratio::int(2)?),
            Op::Cube => child(0)?.pow(Ratio::int(3)?),
            Op::Pow => {
                let exponent = child(1)?;
                let Coefficient { exact, pi: 0, real: None } = exponent.coefficient else { return None };
                if !exponent.powers.is_empty() {
                    return None;
                }
                child(0)?.pow(exact)
            }
            _ => None,
        },
    }
}

/// The significant digits of `v` as written at its shortest (0.2008 has four).
fn significant_digits(v: f64) -> usize {
    let text = format!("{:e}", v.abs());
    let mantissa = text.split('e').next().unwrap_or("");
    mantissa.chars().filter(char::is_ascii_digit).count().max(1)
}

fn integer(k: i64) -> Expr {
    Expr::with_form(k as f64, Form::Integer)
}

fn product(factors: Vec<Expr>) -> Option<Expr> {
    factors.into_iter().reduce(|a, b| Expr::binary(Op::Mul, a, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;

    fn shown(formula: &str, names: &[&str], target: &str) -> Option<String> {
        let e = parse(formula, names).unwrap();
        familiar(&e)?.print(Syntax::Text, names, target)
    }

    #[test]
    fn keplers_law_is_t_squared_equals_a_cubed() {
        assert_eq!(shown("sqrt(a)**3", &["a"], "T").as_deref(), Some("T**2 = a**3"));
        assert_eq!(shown("sqrt(a**3)", &["a"], "T").as_deref(), Some("T**2 = a**3"));
        assert_eq!(shown("a**(3/2)", &["a"], "T").as_deref(), Some("T**2 = a**3"));
        assert_eq!(shown("a*sqrt(a)", &["a"], "T").as_deref(), Some("T**2 = a**3"));
    }

    #[test]
    fn the_pendulum_keeps_its_exact_coefficient() {
        assert_eq!(shown("2*pi*sqrt(L/g)", &["L", "g"], "T").as_deref(), Some("T**2 = 4*pi**2*L/g"));
        assert_eq!(shown("1/5*sqrt(L)", &["L"], "T").as_deref(), Some("T**2 = L/25"));
        // A real coefficient keeps its digits: 0.2008² = 0.04032064, shown to four.
        assert_eq!(shown("0.2008*sqrt(L)", &["L"], "T").as_deref(), Some("T**2 = 0.04032*L"));
    }

    #[test]
    fn cube_roots_and_inverse_roots() {
        assert_eq!(shown("x**(1/3)", &["x"], "y").as_deref(), Some("y**3 = x"));
        assert_eq!(shown("3/sqrt(x)", &["x"], "y").as_deref(), Some("y**2 = 9/x"));
        assert_eq!(shown("sqrt(x*z**3)/z", &["x", "z"], "y").as_deref(), Some("y**2 = x*z"));
    }

    #[test]
    fn only_the_same_law_is_offered() {
        // Already whole powers, a fitted real exponent, a sum, a negative root squared, a root of
        // a real coefficient, a sixth power.
        for formula in ["x**2/2", "x**1.4998", "sqrt(x) + 1", "-sqrt(x)", "sqrt(2.5*x)", "x**(1/6)", "exp(sqrt(x))"] {
            assert_eq!(shown(formula, &["x"], "y"), None, "{formula}");
        }
        assert_eq!(shown("-x**(1/3)", &["x"], "y").as_deref(), Some("y**3 = -x"));
    }

    #[test]
    fn the_equation_prints_as_mathml() {
        let e = parse("sqrt(a)**3", &["a"]).unwrap();
        let m = familiar(&e).unwrap().print(Syntax::MathMl, &["a"], "T").unwrap();
        assert!(m.contains("<mo>=</mo>") && m.contains("<msup>"), "{m}");
    }
}
