//! Printing: each syntax on a table of formulas, parentheses by precedence, and text that parses
//! back to the same values.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::expr::random::{random_expr, uniform, Grammar};
use crate::expr::{eval_scalar, parse, Form, Node, OpSet};

fn x() -> Expr {
    Expr::var(0)
}
fn y() -> Expr {
    Expr::var(1)
}
fn c(v: f64) -> Expr {
    Expr::constant(v)
}
fn int(v: f64) -> Expr {
    Expr::with_form(v, Form::Integer)
}
fn bin(op: Op, a: Expr, b: Expr) -> Expr {
    Expr::binary(op, a, b)
}
fn un(op: Op, a: Expr) -> Expr {
    Expr::unary(op, a)
}

/// (formula, text, latex, python, rust)
fn table() -> Vec<(Expr, &'static str, &'static str, &'static str, &'static str)> {
    use Op::*;
    vec![
        (bin(Add, x(), y()), "x + y", "x + y", "x + y", "x + y"),
        (
            bin(Add, x(), bin(Add, y(), c(1.5))),
            "x + (y + 1.5)",
            "x + \\left(y + 1.5\\right)",
            "x + (y + 1.5)",
            "x + (y + 1.5)",
        ),
        (
            bin(Sub, bin(Sub, x(), y()), int(2.0)),
            "x - y - 2",
            "x - y - 2",
            "x - y - 2",
            "x - y - 2.0",
        ),
        (
            bin(Mul, bin(Add, x(), y()), x()),
            "(x + y)*x",
            "\\left(x + y\\right) \\cdot x",
            "(x + y) * x",
            "(x + y) * x",
        ),
        (
            bin(Div, x(), bin(Mul, y(), x())),
            "x/(y*x)",
            "\\frac{x}{y \\cdot x}",
            "x / (y * x)",
            "x / (y * x)",
        ),
        (un(Neg, un(Square, x())), "-x**2", "-x^{2}", "-x ** 2", "-x.powi(2)"),
        (un(Square, un(Neg, x())), "(-x)**2", "\\left(-x\\right)^{2}", "(-x) ** 2", "(-x).powi(2)"),
        (bin(Pow, x(), c(1.5)), "x**1.5", "x^{1.5}", "x ** 1.5", "x.powf(1.5)"),
        (
            bin(Pow, bin(Pow, x(), y()), x()),
            "(x**y)**x",
            "\\left(x^{y}\\right)^{x}",
            "(x ** y) ** x",
            "x.powf(y).powf(x)",
        ),
        (
            bin(Pow, x(), bin(Pow, y(), x())),
            "x**y**x",
            "x^{y^{x}}",
            "x ** y ** x",
            "x.powf(y.powf(x))",
        ),
        (bin(Pow, x(), un(Neg, y())), "x**(-y)", "x^{-y}", "x ** (-y)", "x.powf(-y)"),
        (
            un(Sqrt, bin(Add, x(), int(1.0))),
            "sqrt(x + 1)",
            "\\sqrt{x + 1}",
            "np.sqrt(x + 1)",
            "(x + 1.0).sqrt()",
        ),
        (
            un(Abs, un(Asin, x())),
            "Abs(asin(x))",
            "\\left|\\operatorname{asin}{\\left(x \\right)}\\right|",
            "np.abs(np.arcsin(x))",
            "x.asin().abs()",
        ),
        (
            un(Inv, bin(Mul, x(), y())),
            "1/(x*y)",
            "\\frac{1}{x \\cdot y}",
            "1 / (x * y)",
            "(x * y).recip()",
        ),
        (un(Exp, un(Neg, x())), "exp(-x)", "e^{-x}", "np.exp(-x)", "(-x).exp()"),
        (un(Log, c(2.0)), "log(2.0)", "\\log{\\left(2.0 \\right)}", "np.log(2.0)", "2.0_f64.ln()"),
        (
            un(Exp, bin(Mul, c(2.0), c(3.0))),
            "exp(2.0*3.0)",
            "e^{2.0 \\cdot 3.0}",
            "np.exp(2.0 * 3.0)",
            "f64::exp(2.0 * 3.0)",
        ),
        (
            bin(Mul, Expr::with_form(std::f64::consts::PI, Form::Pi), x()),
            "pi*x",
            "\\pi \\cdot x",
            "np.pi * x",
            "std::f64::consts::PI * x",
        ),
        (
            bin(Add, x(), Expr::with_form(-1.5, Form::Rational(-3, 2))),
            "x + (-3/2)",
            "x + \\left(-\\frac{3}{2}\\right)",
            "x + (-3 / 2)",
            "x + (-3.0 / 2.0)",
        ),
        (
            bin(Pow, x(), Expr::with_form(1.5, Form::Rational(3, 2))),
            "x**(3/2)",
            "x^{\\frac{3}{2}}",
            "x ** (3 / 2)",
            "x.powf(3.0 / 2.0)",
        ),
        (bin(Mul, c(-2.5), x()), "-2.5*x", "-2.5 \\cdot x", "-2.5 * x", "-2.5 * x"),
        (
            bin(Mul, x(), c(-2.5)),
            "x*(-2.5)",
            "x \\cdot \\left(-2.5\\right)",
            "x * (-2.5)",
            "x * (-2.5)",
        ),
        (un(Sqrt, c(-2.0)), "sqrt(-2.0)", "\\sqrt{-2.0}", "np.sqrt(-2.0)", "(-2.0_f64).sqrt()"),
        (
            bin(Mul, c(1.5e-300), x()),
            "1.5e-300*x",
            "1.5 \\cdot 10^{-300} \\cdot x",
            "1.5e-300 * x",
            "1.5e-300 * x",
        ),
        (un(Neg, un(Neg, x())), "-(-x)", "-\\left(-x\\right)", "-(-x)", "-(-x)"),
        (
            un(Tanh, Expr::with_form(std::f64::consts::E, Form::E)),
            "tanh(E)",
            "\\tanh{\\left(e \\right)}",
            "np.tanh(np.e)",
            "std::f64::consts::E.tanh()",
        ),
    ]
}

#[test]
fn prints_each_syntax_with_minimal_parentheses() {
    for (e, text, latex, python, rust) in table() {
        let names = ["x", "y"];
        assert_eq!(e.print(Syntax::Text, &names).unwrap(), text);
        assert_eq!(e.print(Syntax::Latex, &names).unwrap(), latex);
        assert_eq!(e.print(Syntax::Python, &names).unwrap(), python);
        assert_eq!(e.print(Syntax::Rust, &names).unwrap(), rust);
    }
}

#[test]
fn names_are_the_callers_and_latex_subscripts_digits() {
    let e = bin(Op::Add, Expr::var(0), bin(Op::Mul, Expr::var(1), Expr::var(2)));
    assert_eq!(e.to_text(&["mass_kg", "x1"]).unwrap(), "mass_kg + x1*x2");
    assert_eq!(
        e.print(Syntax::Latex, &["mass_kg", "x1"]).unwrap(),
        "\\mathrm{mass\\_kg} + x_{1} \\cdot x_{2}"
    );
}

#[test]
fn special_constants_print_in_each_syntax() {
    assert_eq!(c(f64::NAN).to_text(&[]).unwrap(), "nan");
    assert_eq!(c(f64::NEG_INFINITY).to_text(&[]).unwrap(), "-oo");
    assert_eq!(c(f64::INFINITY).print(Syntax::Rust, &[]).unwrap(), "f64::INFINITY");
    assert_eq!(c(0.1).to_text(&[]).unwrap(), "0.1");
    assert_eq!(c(1e16).to_text(&[]).unwrap(), "1e16");
    // A form that does not match the value falls back to the value.
    assert_eq!(Expr::with_form(2.5, Form::Integer).to_text(&[]).unwrap(), "2.5");
    assert_eq!(Expr::with_form(2.0, Form::Pi).to_text(&[]).unwrap(), "2.0");
}

#[test]
fn malformed_formulas_are_errors() {
    let e = Expr { nodes: vec![Node::op(Op::Add)] };
    assert!(e.to_text(&[]).is_err());
}

/// Values of two formulas on the same random rows agree (both NaN, equal, or within 1e-12).
fn assert_same_values(a: &Expr, b: &Expr, cols: &[&[f64]]) {
    let rows = cols[0].len();
    let (mut va, mut vb) = (vec![0.0; rows], vec![0.0; rows]);
    eval_scalar(a, cols, &mut va).unwrap();
    eval_scalar(b, cols, &mut vb).unwrap();
    for (p, q) in va.iter().zip(&vb) {
        let same =
            (p.is_nan() && q.is_nan()) || p == q || (p - q).abs() <= 1e-12 * p.abs().max(q.abs());
        assert!(same, "{a:?} gives {p}, {b:?} gives {q}");
    }
}

#[test]
fn random_formulas_round_trip_through_text() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let grammar = Grammar::new(OpSet::ALL, 3);
    let data: Vec<Vec<f64>> =
        (0..3).map(|_| (0..50).map(|_| uniform(&mut rng) * 4.0 - 1.0).collect()).collect();
    let cols: Vec<&[f64]> = data.iter().map(Vec::as_slice).collect();
    let names = ["x", "y", "z"];
    for _ in 0..500 {
        let e = random_expr(&mut rng, &grammar, 40);
        let text = e.to_text(&names).unwrap();
        let back = parse(&text, &names).unwrap_or_else(|err| panic!("{text}: {err}"));
        assert_same_values(&e, &back, &cols);
        assert_eq!(back.to_text(&names).unwrap(), text, "printing is stable");
    }
}

/// Writes random formulas in every syntax to $OCCAM_PRINT_DUMP (one per line, tab-separated),
/// for checking with sympy, Python's parser and rustc outside the test suite.
#[test]
#[ignore]
fn dump_random_formulas() {
    let Ok(path) = std::env::var("OCCAM_PRINT_DUMP") else { return };
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let grammar = Grammar::new(OpSet::ALL, 3);
    let names = ["x", "y", "z"];
    let mut lines = String::new();
    for _ in 0..300 {
        let e = random_expr(&mut rng, &grammar, 30);
        let row: Vec<String> = [Syntax::Text, Syntax::Python, Syntax::Rust, Syntax::Latex]
            .iter()
            .map(|s| e.print(*s, &names).unwrap())
            .collect();
        lines.push_str(&row.join("\t"));
        lines.push('\n');
    }
    std::fs::write(path, lines).unwrap();
}
