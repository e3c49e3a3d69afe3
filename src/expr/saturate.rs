//! Equality saturation with `egg`: the shortest formula among the many that algebra says are
//! equal to a given one.
//!
//! [`Expr::simplify`] in the search loop only applies identities that hold for every IEEE input,
//! so it never reassociates, distributes or cancels: `x·y + x·z` stays as it is and `a/a` is
//! not one. On the final front that caution costs bits, and the front is small, so each member goes
//! once through an e-graph with the ordinary rules of algebra (commuting, associating,
//! distributing, cancelling, merging powers, log/exp and trigonometric identities). The cheapest
//! member of the formula's e-class is extracted with a cost that follows the code length: one
//! per token, more for a real constant, infinite for an operator outside the run's alphabet (a
//! formula must stay codable). Some rules hold only on part of the domain (`a/a = 1` fails at 0,
//! `√(a²) = a` for negative a): the caller rescores what comes back on the data and keeps it
//! only if its code is shorter, so a rewrite is never trusted, only measured.
//!
//! Real constants are opaque leaves named by their bit pattern; integers and simple rationals are
//! numbers that fold (`x^(1/2)·x` becomes `x^(3/2)`). The e-graph is bounded by node and
//! iteration counts, never by time, and uses egg's `deterministic` feature (insertion-ordered
//! maps), so the same formula gives the same result on every machine and thread count.

use std::sync::OnceLock;

use egg::{
    define_language, rewrite as rw, Analysis, CostFunction, DidMerge, EGraph, Extractor, Id, Language, Pattern,
    RecExpr, Rewrite, Runner, Symbol,
};

use super::node::{Form, Kind};
use super::op::{Op, OpSet};
use super::ratio::Ratio;
use super::Expr;

/// The e-graph's size bounds: enough for the rules to meet on formulas of a few dozen nodes,
/// small enough that a front of fifty formulas takes well under a second (about 6 ms a formula
/// of up to 40 nodes natively, 14 ms at worst).
const NODE_LIMIT: usize = 2_000;
const ITER_LIMIT: usize = 10;
/// Extraction cost of a real constant, in tokens: its mantissa costs several tokens' bits.
const REAL_COST: f64 = 6.0;

define_language! {
    /// The formula language of the e-graph: [`Op`]'s operators, numbers, and leaves (`x3` for
    /// column 3, `pi`, `e`, and `r` plus the hex bits of a real constant).
    pub enum Math {
        "+" = Add([Id; 2]),
        "-" = Sub([Id; 2]),
        "*" = Mul([Id; 2]),
        "/" = Div([Id; 2]),
        "pow" = Pow([Id; 2]),
        "square" = Square(Id),
        "cube" = Cube(Id),
        "sqrt" = Sqrt(Id),
        "exp" = Exp(Id),
        "log" = Log(Id),
        "sin" = Sin(Id),
        "cos" = Cos(Id),
        "tan" = Tan(Id),
        "asin" = Asin(Id),
        "acos" = Acos(Id),
        "atan" = Atan(Id),
        "tanh" = Tanh(Id),
        "abs" = Abs(Id),
        "neg" = Neg(Id),
        "inv" = Inv(Id),
        Num(Ratio),
        Leaf(Symbol),
    }
}

impl Math {
    fn op(&self) -> Option<Op> {
        Some(match self {
            Math::Add(_) => Op::Add,
            Math::Sub(_) => Op::Sub,
            Math::Mul(_) => Op::Mul,
            Math::Div(_) => Op::Div,
            Math::Pow(_) => Op::Pow,
            Math::Square(_) => Op::Square,
            Math::Cube(_) => Op::Cube,
            Math::Sqrt(_) => Op::Sqrt,
            Math::Exp(_) => Op::Exp,
            Math::Log(_) => Op::Log,
            Math::Sin(_) => Op::Sin,
            Math::Cos(_) => Op::Cos,
            Math::Tan(_) => Op::Tan,
            Math::Asin(_) => Op::Asin,
            Math::Acos(_) => Op::Acos,
            Math::Atan(_) => Op::Atan,
            Math::Tanh(_) => Op::Tanh,
            Math::Abs(_) => Op::Abs,
            Math::Neg(_) => Op::Neg,
            Math::Inv(_) => Op::Inv,
            Math::Num(_) | Math::Leaf(_) => return None,
        })
    }

    /// The node of `op` over its operands; `b` is ignored by unary operators.
    fn of(op: Op, a: Id, b: Id) -> Math {
        match op {
            Op::Add => Math::Add([a, b]),
            Op::Sub => Math::Sub([a, b]),
            Op::Mul => Math::Mul([a, b]),
            Op::Div => Math::Div([a, b]),
            Op::Pow => Math::Pow([a, b]),
            Op::Square => Math::Square(a),
            Op::Cube => Math::Cube(a),
            Op::Sqrt => Math::Sqrt(a),
            Op::Exp => Math::Exp(a),
            Op::Log => Math::Log(a),
            Op::Sin => Math::Sin(a),
            Op::Cos => Math::Cos(a),
            Op::Tan => Math::Tan(a),
            Op::Asin => Math::Asin(a),
            Op::Acos => Math::Acos(a),
            Op::Atan => Math::Atan(a),
            Op::Tanh => Math::Tanh(a),
            Op::Abs => Math::Abs(a),
            Op::Neg => Math::Neg(a),
            Op::Inv => Math::Inv(a),
        }
    }
}

/// What constant folding knows of an e-class: nothing yet, its one value, or a conflict (two
/// values were made equal, which only a rule that fails at some point, such as a/a = 1 at 0,
/// can do). A lattice, Unknown < Known < Conflict, so merging is a join and the e-graph's
/// rebuild terminates; a conflicted class folds no further, which keeps numbers from
/// multiplying without end.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Folded {
    Unknown,
    Known(Ratio),
    Conflict,
}

impl Folded {
    fn known(self) -> Option<Ratio> {
        match self {
            Folded::Known(r) => Some(r),
            _ => None,
        }
    }
}

/// Constant folding over the rationals: an e-class whose value is known gets that number as a
/// member, so the extractor can pick it.
#[derive(Default)]
struct Fold;

impl Analysis<Math> for Fold {
    type Data = Folded;

    fn merge(&mut self, to: &mut Folded, from: Folded) -> DidMerge {
        let joined = match (*to, from) {
            (Folded::Unknown, x) | (x, Folded::Unknown) => x,
            (Folded::Known(a), Folded::Known(b)) if a == b => Folded::Known(a),
            _ => Folded::Conflict,
        };
        let changed_to = joined != *to;
        let from_differs = joined != from;
        *to = joined;
        DidMerge(changed_to, from_differs)
    }

    fn make(egraph: &mut EGraph<Math, Fold>, enode: &Math) -> Folded {
        let x = |i: &Id| egraph[*i].data.known();
        let value = match enode {
            Math::Num(r) => Some(*r),
            Math::Add([a, b]) => x(a).zip(x(b)).and_then(|(a, b)| a.add(b)),
            Math::Sub([a, b]) => x(a).zip(x(b)).and_then(|(a, b)| a.add(b.neg()?)),
            Math::Mul([a, b]) => x(a).zip(x(b)).and_then(|(a, b)| a.mul(b)),
            Math::Div([a, b]) => x(a).zip(x(b)).and_then(|(a, b)| a.mul(b.inv()?)),
            Math::Pow([a, b]) => x(a).zip(x(b)).and_then(|(a, b)| a.pow(b)),
            Math::Square(a) => x(a).and_then(|a| a.mul(a)),
            Math::Cube(a) => x(a).and_then(|a| a.mul(a)?.mul(a)),
            Math::Neg(a) => x(a).and_then(Ratio::neg),
            Math::Inv(a) => x(a).and_then(Ratio::inv),
            _ => None,
        };
        value.map_or(Folded::Unknown, Folded::Known)
    }

    fn modify(egraph: &mut EGraph<Math, Fold>, id: Id) {
        if let Folded::Known(r) = egraph[id].data {
            let number = egraph.add(Math::Num(r));
            egraph.union(id, number);
        }
    }
}

/// Whether `?c` is known to be a whole number: the condition of the power rules that fail for
/// negative bases at fractional exponents.
fn integer(var: &str) -> impl Fn(&mut EGraph<Math, Fold>, Id, &egg::Subst) -> bool {
    let var: egg::Var = var.parse().expect("a fixed variable name");
    move |egraph, _, subst| matches!(egraph[subst[var]].data, Folded::Known(r) if r.q == 1)
}

/// Whether `?a` is not known to be zero: the condition of the rules that fail at 0.
fn not_zero(var: &str) -> impl Fn(&mut EGraph<Math, Fold>, Id, &egg::Subst) -> bool {
    let var: egg::Var = var.parse().expect("a fixed variable name");
    move |egraph, _, subst| !matches!(egraph[subst[var]].data, Folded::Known(r) if r.p == 0)
}

/// The rules of ordinary algebra. Several hold only where both sides are defined (see the
/// module documentation): what they produce is rescored before it is kept.
fn rules() -> &'static [Rewrite<Math, Fold>] {
    static RULES: OnceLock<Vec<Rewrite<Math, Fold>>> = OnceLock::new();
    RULES.get_or_init(build_rules)
}

/// Parses the rules (once per process: every front member shares them).
fn build_rules() -> Vec<Rewrite<Math, Fold>> {
    let mut rules = vec![
        rw!("add-commute"; "(+ ?a ?b)" => "(+ ?b ?a)"),
        rw!("mul-commute"; "(* ?a ?b)" => "(* ?b ?a)"),
        rw!("add-assoc"; "(+ ?a (+ ?b ?c))" => "(+ (+ ?a ?b) ?c)"),
        rw!("mul-assoc"; "(* ?a (* ?b ?c))" => "(* (* ?a ?b) ?c)"),
        rw!("add-zero"; "(+ ?a 0)" => "?a"),
        rw!("mul-one"; "(* ?a 1)" => "?a"),
        rw!("mul-zero"; "(* ?a 0)" => "0"),
        rw!("sub-self"; "(- ?a ?a)" => "0"),
        rw!("div-self"; "(/ ?a ?a)" => "1" if not_zero("?a")),
        rw!("neg-neg"; "(neg (neg ?a))" => "?a"),
        rw!("inv-inv"; "(inv (inv ?a))" => "?a"),
        rw!("distribute"; "(* ?a (+ ?b ?c))" => "(+ (* ?a ?b) (* ?a ?c))"),
        rw!("factor"; "(+ (* ?a ?b) (* ?a ?c))" => "(* ?a (+ ?b ?c))"),
        rw!("factor-one"; "(+ ?a (* ?a ?c))" => "(* ?a (+ 1 ?c))"),
        rw!("mul-pow"; "(* (pow ?a ?b) (pow ?a ?c))" => "(pow ?a (+ ?b ?c))" if not_zero("?a")),
        rw!("mul-pow-1"; "(* ?a (pow ?a ?c))" => "(pow ?a (+ ?c 1))" if not_zero("?a")),
        // (a^b)^c = a^(bc) and (ab)^c = a^c·b^c hold for negative a only at whole c:
        // √((−1)²) is 1, not −1.
        rw!("pow-pow"; "(pow (pow ?a ?b) ?c)" => "(pow ?a (* ?b ?c))" if integer("?c")),
        rw!("pow-one"; "(pow ?a 1)" => "?a"),
        rw!("pow-mul"; "(pow (* ?a ?b) ?c)" => "(* (pow ?a ?c) (pow ?b ?c))" if integer("?c")),
        rw!("sqrt-square"; "(sqrt (square ?a))" => "(abs ?a)"),
        rw!("abs-square"; "(abs (square ?a))" => "(square ?a)"),
        rw!("log-exp"; "(log (exp ?a))" => "?a"),
        rw!("exp-log"; "(exp (log ?a))" => "?a"),
        rw!("sin-neg"; "(sin (neg ?a))" => "(neg (sin ?a))"),
        rw!("cos-neg"; "(cos (neg ?a))" => "(cos ?a)"),
        rw!("sin-shift"; "(sin (- (* 1/2 pi) ?a))" => "(cos ?a)"),
        rw!("cos-shift"; "(cos (- (* 1/2 pi) ?a))" => "(sin ?a)"),
        rw!("sin-quarter"; "(sin (+ ?a (* 1/2 pi)))" => "(cos ?a)"),
        rw!("cos-quarter"; "(cos (+ ?a (* 1/2 pi)))" => "(neg (sin ?a))"),
        rw!("sin-half"; "(sin (+ ?a pi))" => "(neg (sin ?a))"),
        rw!("cos-half"; "(cos (+ ?a pi))" => "(neg (cos ?a))"),
    ];
    // Each operator written in the others' terms, both ways, so that whichever the alphabet
    // holds can be extracted.
    let both: [(&str, &str, &str); 13] = [
        ("sub", "(- ?a ?b)", "(+ ?a (neg ?b))"),
        ("div", "(/ ?a ?b)", "(* ?a (inv ?b))"),
        ("neg", "(neg ?a)", "(* -1 ?a)"),
        ("inv", "(inv ?a)", "(pow ?a -1)"),
        ("square", "(square ?a)", "(* ?a ?a)"),
        ("square-pow", "(square ?a)", "(pow ?a 2)"),
        ("cube", "(cube ?a)", "(* ?a (square ?a))"),
        ("cube-pow", "(cube ?a)", "(pow ?a 3)"),
        ("sqrt", "(sqrt ?a)", "(pow ?a 1/2)"),
        ("inv-mul", "(inv (* ?a ?b))", "(* (inv ?a) (inv ?b))"),
        ("neg-mul", "(neg (* ?a ?b))", "(* (neg ?a) ?b)"),
        ("exp-add", "(exp (+ ?a ?b))", "(* (exp ?a) (exp ?b))"),
        ("log-mul", "(log (* ?a ?b))", "(+ (log ?a) (log ?b))"),
    ];
    for (name, lhs, rhs) in both {
        // The patterns are fixed text, parsed the same way on every call (a test covers them).
        let lhs: Pattern<Math> = lhs.parse().expect("a fixed pattern");
        let rhs: Pattern<Math> = rhs.parse().expect("a fixed pattern");
        rules.push(Rewrite::new(name, lhs.clone(), rhs.clone()).expect("a fixed rule"));
        rules.push(Rewrite::new(format!("{name}-back"), rhs, lhs).expect("a fixed rule"));
    }
    rules
}

/// Extraction cost: the formula's token count, with real constants weighted by their mantissa
/// and operators outside the alphabet forbidden.
struct Tokens {
    ops: OpSet,
}

impl CostFunction<Math> for Tokens {
    type Cost = f64;

    fn cost<C>(&mut self, enode: &Math, mut costs: C) -> f64
    where
        C: FnMut(Id) -> f64,
    {
        let own = match enode {
            Math::Num(r) if r.q == 1 && r.p.abs() <= 16 => 1.0,
            Math::Num(_) => 2.0,
            Math::Leaf(s) if s.as_str().starts_with('r') => 1.0 + REAL_COST,
            Math::Leaf(_) => 1.0,
            op => match op.op() {
                Some(op) if self.ops.contains(op) => 1.0,
                _ => f64::INFINITY,
            },
        };
        enode.fold(own, |sum, id| sum + costs(id))
    }
}

/// The e-graph form of a formula, or None if a node has no counterpart (a NaN constant).
fn to_rec(expr: &Expr) -> Option<RecExpr<Math>> {
    let mut rec = RecExpr::default();
    let mut stack: Vec<Id> = Vec::new();
    for node in &expr.nodes {
        let id = match node.kind {
            Kind::Var(j) => rec.add(Math::Leaf(Symbol::from(format!("x{j}")))),
            Kind::Const(value, form) => rec.add(match (Ratio::of(value, form), form) {
                (Some(r), _) => Math::Num(r),
                (None, Form::Pi) => Math::Leaf(Symbol::from("pi")),
                (None, Form::E) => Math::Leaf(Symbol::from("e")),
                (None, _) if value.is_finite() => Math::Leaf(Symbol::from(format!("r{:016x}", value.to_bits()))),
                (None, _) => return None,
            }),
            Kind::Op(op) => {
                let b = if op.arity() == 2 { Some(stack.pop()?) } else { None };
                let a = stack.pop()?;
                rec.add(Math::of(op, a, b.unwrap_or(a)))
            }
        };
        stack.push(id);
    }
    (stack.len() == 1).then_some(rec)
}

/// The formula of an extracted term (root last, children before parents).
fn from_rec(rec: &RecExpr<Math>) -> Option<Expr> {
    fn build(rec: &RecExpr<Math>, id: Id) -> Option<Expr> {
        let node = &rec[id];
        match node {
            Math::Num(r) => Some(Expr::with_form(r.value(), r.form())),
            Math::Leaf(s) => {
                let s = s.as_str();
                match s {
                    "pi" => Some(Expr::with_form(std::f64::consts::PI, Form::Pi)),
                    "e" => Some(Expr::with_form(std::f64::consts::E, Form::E)),
                    _ if s.starts_with('x') => s[1..].parse().ok().map(Expr::var),
                    _ if s.starts_with('r') => {
                        u64::from_str_radix(&s[1..], 16).ok().map(|b| Expr::constant(f64::from_bits(b)))
                    }
                    _ => None,
                }
            }
            _ => {
                let op = node.op()?;
                let children: Vec<Expr> = node.children().iter().map(|c| build(rec, *c)).collect::<Option<_>>()?;
                let mut children = children.into_iter();
                let a = children.next()?;
                Some(match children.next() {
                    Some(b) => Expr::binary(op, a, b),
                    None => Expr::unary(op, a),
                })
            }
        }
    }
    let root = Id::from(rec.as_ref().len().checked_sub(1)?);
    build(rec, root)
}

impl Expr {
    /// The cheapest formula that the rules of algebra make equal to this one, written with the
    /// operators of `ops` only; None when the formula cannot enter the e-graph or nothing
    /// cheaper is found. The result is simplified but not scored: rules that hold only on part
    /// of the domain make rescoring on the data the caller's job.
    pub fn saturate(&self, ops: OpSet) -> Option<Expr> {
        let rec = to_rec(self)?;
        let mut cost = Tokens { ops };
        let before = cost.cost_rec(&rec);
        let runner = Runner::<Math, Fold, ()>::default()
            .with_node_limit(NODE_LIMIT)
            .with_iter_limit(ITER_LIMIT)
            // Bounded by size alone: a clock would make the result depend on the machine.
            .with_time_limit(std::time::Duration::from_secs(3600))
            .with_expr(&rec)
            .run(rules());
        // Two numbers made equal: a rule fired outside its domain, and any member of the graph
        // may now be wrong. Nothing from it is offered.
        if runner.egraph.classes().any(|c| c.data == Folded::Conflict) {
            return None;
        }
        let root = *runner.roots.first()?;
        let (after, best) = Extractor::new(&runner.egraph, cost).find_best(root);
        // Costs are finite or infinite, never NaN: `>=` is the negation of `<`.
        if after >= before {
            return None;
        }
        from_rec(&best)?.simplify().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;

    fn saturated(text: &str, ops: OpSet) -> String {
        let names = ["x0", "x1", "x2", "x3"];
        let e = parse(text, &names).expect("parses");
        match e.saturate(ops) {
            Some(s) => s.print(crate::expr::Syntax::Text, &names).expect("prints"),
            None => "unchanged".into(),
        }
    }

    #[test]
    fn factors_and_cancels() {
        assert_eq!(saturated("x0*x1 + x0*x2", OpSet::DEFAULT), "x0*(x1 + x2)");
        assert_eq!(saturated("(x0 + x1) - x1", OpSet::DEFAULT), "x0");
        assert_eq!(saturated("x0*x1/x1", OpSet::DEFAULT), "x0");
    }

    #[test]
    fn merges_powers() {
        assert_eq!(saturated("sqrt(x0)*x0*x0", OpSet::DEFAULT), "x0**(5/2)");
        assert_eq!(saturated("x0*x0*x0", OpSet::DEFAULT), "x0**3");
    }

    #[test]
    fn shifts_sine_by_a_quarter_turn() {
        assert_eq!(saturated("x1*sin(pi/2 - x0)", OpSet::DEFAULT), "x1*cos(x0)");
    }

    #[test]
    fn stays_in_the_alphabet() {
        // Without square or pow, x0*x0 is already the shortest way to write it.
        assert_eq!(saturated("x0*x0 + x1", OpSet::ARITH), "unchanged");
        assert_eq!(saturated("x0*x1 + x0*x2", OpSet::ARITH), "x0*(x1 + x2)");
    }

    #[test]
    fn keeps_real_constants_exactly() {
        let names = ["x0", "x1"];
        let e = parse("1.2345678901*x0 + 1.2345678901*x1", &names).expect("parses");
        let s = e.saturate(OpSet::DEFAULT).expect("factors");
        assert_eq!(s.constants().collect::<Vec<_>>(), vec![1.2345678901]);
        assert_eq!(s.len(), 5);
    }

    #[test]
    fn is_deterministic() {
        let names = ["x0", "x1", "x2", "x3"];
        let e = parse("(x0 + x1)*(x0 - x1) + x2*x3*x2/x3 - sin(x0)*cos(x1)", &names).expect("parses");
        let first = e.saturate(OpSet::DEFAULT);
        for _ in 0..3 {
            assert_eq!(e.saturate(OpSet::DEFAULT), first);
        }
    }

    /// Where both the formula and its saturated form are defined, they agree: no rule (nor a
    /// number made equal to another) changes a value inside the domain.
    #[test]
    fn keeps_values_where_both_are_defined() {
        use crate::expr::random::{random_expr, Grammar};
        use rand_chacha::rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let grammar = Grammar::new(OpSet::DEFAULT, 4);
        // Columns of 20 rows, all positive (where most rules hold).
        let columns: Vec<Vec<f64>> =
            (0..4).map(|j| (0..20).map(|i| 0.5 + 0.07 * f64::from(i) * (1.0 - 0.2 * f64::from(j))).collect()).collect();
        let columns: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
        let (mut a, mut b) = (vec![0.0; 20], vec![0.0; 20]);
        let mut compared = 0;
        for _ in 0..150 {
            let e = random_expr(&mut rng, &grammar, 30);
            let Some(s) = e.saturate(OpSet::DEFAULT) else { continue };
            crate::expr::eval_scalar(&e, &columns, &mut a).expect("evaluates");
            crate::expr::eval_scalar(&s, &columns, &mut b).expect("evaluates");
            for (row, (a, b)) in a.iter().zip(&b).enumerate() {
                if a.is_finite() && b.is_finite() {
                    assert!((a - b).abs() <= 1e-6 * a.abs().max(1.0), "{e:?} gave {a}, {s:?} gave {b} at row {row}");
                    compared += 1;
                }
            }
        }
        assert!(compared > 500, "{compared} comparisons");
    }
}
