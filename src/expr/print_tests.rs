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
        (bin(Sub, bin(Sub, x(), y()), int(2.0)), "x - y - 2", "x - y - 2", "x - y - 2", "x - y - 2.0"),
        (bin(Mul, bin(Add, x(), y()), x()), "(x + y)*x", "\\left(x + y\\right) \\cdot x", "(x + y) * x", "(x + y) * x"),
        (bin(Div, x(), bin(Mul, y(), x())), "x/(y*x)", "\\frac{x}{y \\cdot x}", "x / (y * x)", "x / (y * x)"),
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
        (bin(Pow, x(), bin(Pow, y(), x())), "x**y**x", "x^{y^{x}}", "x ** y ** x", "x.powf(y.powf(x))"),
        (bin(Pow, x(), un(Neg, y())), "x**(-y)", "x^{-y}", "x ** (-y)", "x.powf(-y)"),
        (un(Sqrt, bin(Add, x(), int(1.0))), "sqrt(x + 1)", "\\sqrt{x + 1}", "np.sqrt(x + 1)", "(x + 1.0).sqrt()"),
        (
            un(Abs, un(Asin, x())),
            "Abs(asin(x))",
            "\\left|\\operatorname{asin}{\\left(x \\right)}\\right|",
            "np.abs(np.arcsin(x))",
            "x.asin().abs()",
        ),
        (un(Inv, bin(Mul, x(), y())), "1/(x*y)", "\\frac{1}{x \\cdot y}", "1 / (x * y)", "(x * y).recip()"),
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
        (bin(Mul, x(), c(-2.5)), "x*(-2.5)", "x \\cdot \\left(-2.5\\right)", "x * (-2.5)", "x * (-2.5)"),
        (un(Sqrt, c(-2.0)), "sqrt(-2.0)", "\\sqrt{-2.0}", "np.sqrt(-2.0)", "(-2.0_f64).sqrt()"),
        (bin(Mul, c(1.5e-300), x()), "1.5e-300*x", "1.5 \\cdot 10^{-300} \\cdot x", "1.5e-300 * x", "1.5e-300 * x"),
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
    assert_eq!(e.print(Syntax::Latex, &["mass_kg", "x1"]).unwrap(), "\\mathrm{mass\\_kg} + x_{1} \\cdot x_{2}");
}

#[test]
fn a_variable_named_as_a_sum_prints_as_one() {
    // An absolute temperature: prepare names a column in °C `T [C] + 273.15`.
    let names = ["T [C] + 273.15"];
    let e = bin(Op::Mul, int(20.0), un(Op::Sqrt, x()));
    assert_eq!(e.to_text(&names).unwrap(), "20*sqrt(T [C] + 273.15)");
    let e = un(Op::Square, x());
    assert_eq!(e.to_text(&names).unwrap(), "(T [C] + 273.15)**2");
    assert_eq!(e.print(Syntax::Latex, &names).unwrap(), "\\left(\\mathrm{T [C]} + 273.15\\right)^{2}");
    assert!(e.print(Syntax::MathMl, &names).unwrap().contains("<mo>+</mo><mn>273.15</mn>"));
    check_mathml(&bin(Op::Div, x(), c(2.0)).print(Syntax::MathMl, &names).unwrap()).unwrap();
    // A name with a plus that is no thermometer's zero is a name.
    assert_eq!(e.to_text(&["a + b"]).unwrap(), "a + b**2");
    assert_eq!(e.to_text(&["a + 5"]).unwrap(), "a + 5**2");
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
        let same = (p.is_nan() && q.is_nan()) || p == q || (p - q).abs() <= 1e-12 * p.abs().max(q.abs());
        assert!(same, "{a:?} gives {p}, {b:?} gives {q}");
    }
}

#[test]
fn random_formulas_round_trip_through_text() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let grammar = Grammar::new(OpSet::ALL, 3);
    let data: Vec<Vec<f64>> = (0..3).map(|_| (0..50).map(|_| uniform(&mut rng) * 4.0 - 1.0).collect()).collect();
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

/// (formula over x and y, MathML)
fn mathml_table() -> Vec<(Expr, &'static str)> {
    use Op::*;
    vec![
        (bin(Add, x(), y()), "<mi>x</mi><mo>+</mo><mi>y</mi>"),
        (
            bin(Add, x(), bin(Add, y(), c(1.5))),
            "<mi>x</mi><mo>+</mo><mrow><mo>(</mo><mi>y</mi><mo>+</mo><mn>1.5</mn><mo>)</mo></mrow>",
        ),
        (bin(Sub, bin(Sub, x(), y()), int(2.0)), "<mi>x</mi><mo>−</mo><mi>y</mi><mo>−</mo><mn>2</mn>"),
        (
            bin(Mul, bin(Add, x(), y()), x()),
            "<mrow><mo>(</mo><mi>x</mi><mo>+</mo><mi>y</mi><mo>)</mo></mrow><mo>·</mo><mi>x</mi>",
        ),
        (bin(Div, x(), bin(Mul, y(), x())), "<mfrac><mi>x</mi><mrow><mi>y</mi><mo>·</mo><mi>x</mi></mrow></mfrac>"),
        (
            bin(Div, bin(Add, x(), int(1.0)), bin(Mul, int(2.0), y())),
            "<mfrac><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow>\
             <mrow><mn>2</mn><mo>&#x2062;</mo><mi>y</mi></mrow></mfrac>",
        ),
        (un(Neg, un(Square, x())), "<mrow><mo>−</mo><msup><mi>x</mi><mn>2</mn></msup></mrow>"),
        (
            un(Square, un(Neg, x())),
            "<msup><mrow><mo>(</mo><mrow><mo>−</mo><mi>x</mi></mrow><mo>)</mo></mrow><mn>2</mn></msup>",
        ),
        (bin(Pow, x(), c(1.5)), "<msup><mi>x</mi><mn>1.5</mn></msup>"),
        (
            bin(Pow, bin(Pow, x(), y()), x()),
            "<msup><mrow><mo>(</mo><msup><mi>x</mi><mi>y</mi></msup><mo>)</mo></mrow><mi>x</mi></msup>",
        ),
        (bin(Pow, x(), bin(Pow, y(), x())), "<msup><mi>x</mi><msup><mi>y</mi><mi>x</mi></msup></msup>"),
        (bin(Pow, x(), un(Neg, y())), "<msup><mi>x</mi><mrow><mo>−</mo><mi>y</mi></mrow></msup>"),
        (un(Sqrt, bin(Add, x(), int(1.0))), "<msqrt><mi>x</mi><mo>+</mo><mn>1</mn></msqrt>"),
        (
            un(Abs, un(Asin, x())),
            "<mrow><mo>|</mo><mrow><mi>asin</mi><mo>&#x2061;</mo>\
             <mrow><mo>(</mo><mi>x</mi><mo>)</mo></mrow></mrow><mo>|</mo></mrow>",
        ),
        (
            un(Square, un(Sin, x())),
            "<msup><mrow><mi>sin</mi><mo>&#x2061;</mo><mrow><mo>(</mo><mi>x</mi><mo>)</mo></mrow></mrow>\
             <mn>2</mn></msup>",
        ),
        (un(Square, un(Abs, x())), "<msup><mrow><mo>|</mo><mi>x</mi><mo>|</mo></mrow><mn>2</mn></msup>"),
        (
            un(Square, bin(Div, x(), y())),
            "<msup><mrow><mo>(</mo><mfrac><mi>x</mi><mi>y</mi></mfrac><mo>)</mo></mrow><mn>2</mn></msup>",
        ),
        (
            un(Cube, un(Exp, x())),
            "<msup><mrow><mo>(</mo><msup><mi>e</mi><mi>x</mi></msup><mo>)</mo></mrow><mn>3</mn></msup>",
        ),
        (un(Inv, bin(Mul, x(), y())), "<mfrac><mn>1</mn><mrow><mi>x</mi><mo>·</mo><mi>y</mi></mrow></mfrac>"),
        (un(Exp, un(Neg, x())), "<msup><mi>e</mi><mrow><mo>−</mo><mi>x</mi></mrow></msup>"),
        (un(Log, c(2.0)), "<mrow><mi>log</mi><mo>&#x2061;</mo><mrow><mo>(</mo><mn>2.0</mn><mo>)</mo></mrow></mrow>"),
        (bin(Mul, Expr::with_form(std::f64::consts::PI, Form::Pi), x()), "<mi>π</mi><mo>·</mo><mi>x</mi>"),
        (
            bin(Add, x(), Expr::with_form(-1.5, Form::Rational(-3, 2))),
            "<mi>x</mi><mo>+</mo><mrow><mo>(</mo><mrow><mo>−</mo><mfrac><mn>3</mn><mn>2</mn></mfrac></mrow>\
             <mo>)</mo></mrow>",
        ),
        (
            bin(Mul, Expr::with_form(0.5, Form::Rational(1, 2)), x()),
            "<mfrac><mn>1</mn><mn>2</mn></mfrac><mo>&#x2062;</mo><mi>x</mi>",
        ),
        (bin(Mul, c(-2.5), x()), "<mrow><mo>−</mo><mn>2.5</mn></mrow><mo>&#x2062;</mo><mi>x</mi>"),
        (
            bin(Mul, x(), c(-2.5)),
            "<mi>x</mi><mo>·</mo><mrow><mo>(</mo><mrow><mo>−</mo><mn>2.5</mn></mrow><mo>)</mo></mrow>",
        ),
        (
            bin(Sub, x(), int(-3.0)),
            "<mi>x</mi><mo>−</mo><mrow><mo>(</mo><mrow><mo>−</mo><mn>3</mn></mrow><mo>)</mo></mrow>",
        ),
        (bin(Mul, int(2.0), un(Sqrt, x())), "<mn>2</mn><mo>&#x2062;</mo><msqrt><mi>x</mi></msqrt>"),
        (bin(Mul, int(2.0), bin(Pow, int(3.0), x())), "<mn>2</mn><mo>·</mo><msup><mn>3</mn><mi>x</mi></msup>"),
        (bin(Mul, int(2.0), int(3.0)), "<mn>2</mn><mo>·</mo><mn>3</mn>"),
        (
            bin(Mul, c(1.5e-300), x()),
            "<mn>1.5</mn><mo>·</mo><msup><mn>10</mn><mrow><mo>−</mo><mn>300</mn></mrow></msup>\
             <mo>·</mo><mi>x</mi>",
        ),
        (
            un(Neg, un(Neg, x())),
            "<mrow><mo>−</mo><mrow><mo>(</mo><mrow><mo>−</mo><mi>x</mi></mrow><mo>)</mo></mrow></mrow>",
        ),
        (
            un(Tanh, Expr::with_form(std::f64::consts::E, Form::E)),
            "<mrow><mi>tanh</mi><mo>&#x2061;</mo><mrow><mo>(</mo><mi>e</mi><mo>)</mo></mrow></mrow>",
        ),
        (c(f64::NAN), "<mi>NaN</mi>"),
        (c(f64::NEG_INFINITY), "<mrow><mo>−</mo><mi>∞</mi></mrow>"),
        (c(1e16), "<mn>1</mn><mo>·</mo><msup><mn>10</mn><mn>16</mn></msup>"),
    ]
}

#[test]
fn prints_mathml_with_fractions_powers_and_minimal_parentheses() {
    for (e, expected) in mathml_table() {
        let printed = e.print(Syntax::MathMl, &["x", "y"]).unwrap();
        assert_eq!(printed, expected, "{}", e.to_text(&["x", "y"]).unwrap());
        check_mathml(&printed).unwrap_or_else(|err| panic!("{printed}: {err}"));
    }
}

#[test]
fn keplers_law_in_mathml() {
    let a = || Expr::var(0);
    let root_cubed = un(Op::Cube, un(Op::Sqrt, a()));
    let expected = "<msup><msqrt><mi>a</mi></msqrt><mn>3</mn></msup>";
    assert_eq!(root_cubed.print(Syntax::MathMl, &["a"]).unwrap(), expected);
    let power = bin(Op::Pow, un(Op::Sqrt, a()), int(3.0));
    assert_eq!(power.print(Syntax::MathMl, &["a"]).unwrap(), expected);
    let three_halves = bin(Op::Pow, a(), Expr::with_form(1.5, Form::Rational(3, 2)));
    assert_eq!(
        three_halves.print(Syntax::MathMl, &["a"]).unwrap(),
        "<msup><mi>a</mi><mfrac><mn>3</mn><mn>2</mn></mfrac></msup>"
    );
}

#[test]
fn mathml_escapes_names_and_subscripts_digits() {
    let names = ["a<b&c", "x_1", "mass_kg", "\"q'>"];
    let e = bin(
        Op::Add,
        bin(Op::Mul, Expr::var(0), Expr::var(1)),
        bin(Op::Mul, Expr::var(2), bin(Op::Mul, Expr::var(3), Expr::var(4))),
    );
    let printed = e.print(Syntax::MathMl, &names).unwrap();
    assert_eq!(
        printed,
        "<mi>a&lt;b&amp;c</mi><mo>·</mo><msub><mi>x</mi><mn>1</mn></msub><mo>+</mo>\
         <mi>mass_kg</mi><mo>·</mo><mrow><mo>(</mo><mi>&quot;q&#39;&gt;</mi><mo>·</mo>\
         <msub><mi>x</mi><mn>4</mn></msub><mo>)</mo></mrow>"
    );
    check_mathml(&printed).unwrap();
    // A number multiplies a name that starts with a digit visibly: `2·2020`, not `2 2020`.
    let year = bin(Op::Mul, int(2.0), Expr::var(0));
    assert_eq!(year.print(Syntax::MathMl, &["2020"]).unwrap(), "<mn>2</mn><mo>·</mo><mi>2020</mi>");
}

#[test]
fn random_formulas_print_well_formed_mathml() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let grammar = Grammar::new(OpSet::ALL, 4);
    let names = ["x", "y_2", "a<b&c", "T>0 \"K\""];
    for _ in 0..500 {
        let e = random_expr(&mut rng, &grammar, 40);
        let printed = e.print(Syntax::MathMl, &names).unwrap();
        check_mathml(&printed).unwrap_or_else(|err| panic!("{}\n{printed}\n{err}", e.to_text(&names).unwrap()));
    }
}

/// A parsed MathML element: its name, child elements and text.
struct Element {
    name: String,
    children: Vec<Element>,
    text: String,
}

/// Parses a MathML fragment as XML tags (no attributes are printed) and checks it: every tag
/// closed in order, text without markup characters (`&` only in an entity), only the elements
/// the printer makes, `<msup>`, `<msub>` and `<mfrac>` with two children, tokens with text only.
fn check_mathml(fragment: &str) -> Result<(), String> {
    let empty = |name: &str| Element { name: name.into(), children: vec![], text: String::new() };
    let mut open = vec![empty("")];
    let mut rest = fragment;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').ok_or("a tag is not closed by >")?;
            let tag = &after[..end];
            rest = &after[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                if open.len() < 2 {
                    return Err(format!("</{name}> closes nothing"));
                }
                let element = open.pop().expect("an open element");
                if element.name != name {
                    return Err(format!("<{}> closed by </{name}>", element.name));
                }
                open.last_mut().expect("the root").children.push(element);
            } else if tag.is_empty() || !tag.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!("a malformed tag <{tag}>"));
            } else {
                open.push(empty(tag));
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..end];
            rest = &rest[end..];
            if text.contains('>') {
                return Err(format!("a bare > in {text:?}"));
            }
            for (i, _) in text.match_indices('&') {
                let entity = text[i + 1..].split(';').next().unwrap_or_default();
                let named = ["amp", "lt", "gt", "quot"].contains(&entity);
                let hex = entity
                    .strip_prefix("#x")
                    .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()));
                let decimal =
                    entity.strip_prefix('#').is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
                if !(named || hex || decimal) || !text[i..].contains(';') {
                    return Err(format!("a bare & in {text:?}"));
                }
            }
            open.last_mut().expect("the root").text.push_str(text);
        }
    }
    if open.len() != 1 {
        return Err(format!("<{}> is not closed", open[open.len() - 1].name));
    }
    let root = open.pop().expect("the root");
    if !root.text.is_empty() {
        return Err(format!("text {:?} outside any element", root.text));
    }
    root.children.iter().try_for_each(check_element)
}

fn check_element(e: &Element) -> Result<(), String> {
    let children = e.children.len();
    let ok = match e.name.as_str() {
        "mi" | "mn" | "mo" => children == 0 && (e.name == "mi" || !e.text.is_empty()),
        "msup" | "msub" | "mfrac" => children == 2 && e.text.is_empty(),
        "mrow" | "msqrt" => children > 0 && e.text.is_empty(),
        _ => false,
    };
    if !ok {
        return Err(format!("<{}> with {children} children and text {:?}", e.name, e.text));
    }
    // Two operators side by side (`(` then `−`, `+` then `−`): the second would be spaced as an
    // infix operator; a prefix minus must come first in its own row.
    if e.children.windows(2).any(|w| w[0].name == "mo" && w[1].name == "mo") {
        return Err(format!("two operators side by side in <{}>", e.name));
    }
    e.children.iter().try_for_each(check_element)
}

#[test]
fn the_mathml_checker_finds_malformed_fragments() {
    assert!(check_mathml("<mi>x</mi><mo>+</mo><msup><mi>y</mi><mn>2</mn></msup>").is_ok());
    for bad in [
        "<mi>x",
        "<mi>x</mn>",
        "</mi>",
        "<mi>a<b</mi>",
        "<mi>a&b</mi>",
        "<mi>a>b</mi>",
        "<msup><mi>x</mi></msup>",
        "x",
        "<mrow><mi>x</mi>",
        "<math><mi>x</mi></math>",
        "<mrow><mo>(</mo><mo>−</mo><mi>x</mi><mo>)</mo></mrow>",
    ] {
        assert!(check_mathml(bad).is_err(), "{bad}");
    }
}
