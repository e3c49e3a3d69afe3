//! Printing a formula as text for people and other tools: [`Syntax::Text`] (what sympy's
//! `sympify` and [`parse`](super::parse()) read), [`Syntax::Latex`], [`Syntax::MathMl`] (for the
//! page), [`Syntax::Python`] (numpy) and [`Syntax::Rust`].
//!
//! The postfix vector is turned into infix with a stack of `Piece`s, so printing a deep formula
//! needs no recursion. Each piece remembers its precedence and whether it starts with a minus
//! sign; a parent adds parentheses only where precedence, associativity or a leading minus
//! requires them, so the printed text parses back to the same tree (`a + (b + c)` keeps its
//! parentheses, `-x**2` is `-(x**2)` and `(-x)**2` is printed so).

use std::f64::consts::{E, PI};

use super::error::ExprError;
use super::node::{Form, Kind};
use super::op::Op;
use super::Expr;

/// The language a formula is printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Syntax {
    /// Plain text in Python/sympy syntax: `**`, `sqrt`, `Abs`, `pi`, `E`, rationals as `3/2`.
    Text,
    /// LaTeX math: `\frac`, `\sqrt{}`, `^{}`, `\left( \right)`.
    Latex,
    /// Presentation MathML, the elements inside `<math>` (which the caller adds): `<mfrac>`,
    /// `<msqrt>`, `<msup>`, `2x` with an invisible times; names escaped, as they come from
    /// users' files.
    MathMl,
    /// A numpy expression: `np.sqrt(x)`, `x ** 1.5`.
    Python,
    /// A Rust f64 expression: `x.powf(1.5)`, `x.sqrt()`.
    Rust,
}

/// How tightly a printed piece binds, loosest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Add,
    Mul,
    /// A leading minus sign: binds tighter than `*`, looser than `**` (as in Python).
    Unary,
    Pow,
    /// A function or method call, a fraction in LaTeX.
    Call,
    /// A name or an unsigned number.
    Atom,
}

/// A printed subtree.
#[derive(Debug, Clone)]
struct Piece {
    text: String,
    prec: Prec,
    /// Starts with a minus sign (a negation or a negative number).
    minus: bool,
    /// Is a bare number (Rust needs a type suffix on a number that receives a method call).
    number: bool,
    /// Has a known float type in Rust (contains a variable or a typed constant): an untyped
    /// receiver such as `(2.0 * 3.0)` cannot take a method call, so it gets `f64::f(..)`.
    typed: bool,
    /// MathML: one element, as the operands of `<msup>` and `<mfrac>` must be (else an `<mrow>`).
    single: bool,
    /// MathML: a root, an absolute value or a function call, which is a power's base without
    /// parentheses (`√a³`, `|x|²`).
    closed: bool,
    /// MathML: starts with a letter, a root or a bar, so that a number multiplies it without a dot
    /// (`2x`, `1.5√a`).
    letter: bool,
}

impl Piece {
    fn new(text: String, prec: Prec) -> Piece {
        let minus = text.starts_with('-') || text.starts_with(mathml::NEGATED);
        let (number, typed) = (false, true);
        Piece { text, prec, minus, number, typed, single: false, closed: false, letter: false }
    }

    fn number(text: String, prec: Prec) -> Piece {
        Piece { number: true, typed: false, ..Piece::new(text, prec) }
    }

    fn single(self) -> Piece {
        Piece { single: true, ..self }
    }

    fn letter(self) -> Piece {
        Piece { letter: true, ..self }
    }

    /// A root, absolute value or call (MathML): one element that starts with a letter or a sign.
    fn closed(self) -> Piece {
        Piece { closed: true, single: true, letter: true, ..self }
    }

    fn untyped(mut self, a: &Piece, b: Option<&Piece>) -> Piece {
        self.typed = a.typed || b.is_some_and(|b| b.typed);
        self
    }

    /// The text, parenthesised unless the piece binds at least as tightly as `min` (and, when
    /// `no_minus`, does not start with a minus sign).
    fn wrap(&self, syntax: Syntax, min: Prec, no_minus: bool) -> String {
        if self.prec >= min && !(no_minus && self.minus) {
            self.text.clone()
        } else if syntax == Syntax::Latex {
            format!("\\left({}\\right)", self.text)
        } else if syntax == Syntax::MathMl {
            mathml::parens(&self.text)
        } else {
            format!("({})", self.text)
        }
    }
}

impl Expr {
    /// The formula in `syntax`, variable `j` named `names[j]` (or `x{j}` when `names` is
    /// shorter). Fails only on a malformed node vector.
    pub fn print(&self, syntax: Syntax, names: &[&str]) -> Result<String, ExprError> {
        self.validate()?;
        let mut stack: Vec<Piece> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let piece = match node.kind {
                Kind::Var(j) => variable(syntax, names, j),
                Kind::Const(value, form) => constant(syntax, value, form),
                Kind::Op(op) => {
                    // Validation guarantees the operands are on the stack.
                    let b = if op.arity() == 2 { stack.pop() } else { None };
                    let Some(a) = stack.pop() else { break };
                    match b {
                        Some(b) => binary(syntax, op, &a, &b).untyped(&a, Some(&b)),
                        None => unary(syntax, op, &a).untyped(&a, None),
                    }
                }
            };
            stack.push(piece);
        }
        Ok(stack.pop().map(|p| p.text).unwrap_or_default())
    }

    /// Plain text that sympy parses ([`Syntax::Text`]).
    pub fn to_text(&self, names: &[&str]) -> Result<String, ExprError> {
        self.print(Syntax::Text, names)
    }
}

/// Variable `j`'s name; an absolute temperature, `T [C] + 273.15` (prepare names a reading in °C
/// or °F so once it is made absolute: [`crate::units::absolute_name`]), prints as the sum it is,
/// `(T [C] + 273.15)**2`.
fn variable(syntax: Syntax, names: &[&str], j: u16) -> Piece {
    let name = names.get(usize::from(j)).map_or_else(|| format!("x{j}"), |n| n.to_string());
    if let Some((stem, scale)) = crate::units::split_absolute(&name) {
        let number = scale.zero_text();
        let text = match syntax {
            Syntax::Latex => format!("{} + {number}", latex_name(stem)),
            Syntax::MathMl => format!("{}<mo>+</mo><mn>{number}</mn>", mathml::variable(stem).text),
            _ => name.clone(),
        };
        return Piece::new(text, Prec::Add);
    }
    match syntax {
        Syntax::Latex => Piece::new(latex_name(&name), Prec::Atom),
        Syntax::MathMl => mathml::variable(&name),
        _ => Piece::new(name, Prec::Atom),
    }
}

/// `x1` and `x_1` become `x_{1}`, a single character stays, longer names go upright.
fn latex_name(name: &str) -> String {
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &name[stem.len()..];
    let letter = stem.strip_suffix('_').unwrap_or(stem);
    if letter.chars().count() == 1 && !digits.is_empty() {
        format!("{letter}_{{{digits}}}")
    } else if name.chars().count() == 1 {
        name.to_string()
    } else {
        format!("\\mathrm{{{}}}", name.replace('_', "\\_"))
    }
}

fn constant(syntax: Syntax, value: f64, form: Form) -> Piece {
    match form {
        Form::Pi if value == PI => {
            named_constant(syntax, ["pi", "\\pi", "<mi>π</mi>", "np.pi", "std::f64::consts::PI"])
        }
        Form::E if value == E => named_constant(syntax, ["E", "e", "<mi>e</mi>", "np.e", "std::f64::consts::E"]),
        Form::Integer if value.fract() == 0.0 && value.abs() < 1e16 => integer(syntax, value),
        Form::Rational(p, q) if q > 0 && f64::from(p) / f64::from(q) == value => rational(syntax, p, q),
        _ => real(syntax, value),
    }
}

/// A named constant in each syntax: text, LaTeX, MathML, Python, Rust.
fn named_constant(syntax: Syntax, names: [&str; 5]) -> Piece {
    let [text, latex, mathml, python, rust] = names;
    let name = match syntax {
        Syntax::Text => text,
        Syntax::Latex => latex,
        Syntax::MathMl => return Piece::new(mathml.to_string(), Prec::Atom).single().letter(),
        Syntax::Python => python,
        Syntax::Rust => rust,
    };
    Piece::new(name.to_string(), Prec::Atom)
}

fn integer(syntax: Syntax, value: f64) -> Piece {
    let text = match syntax {
        Syntax::Rust => format!("{value:.1}"),
        _ => format!("{value:.0}"),
    };
    if syntax == Syntax::MathMl {
        return mathml::number(&text);
    }
    number_piece(text)
}

fn rational(syntax: Syntax, p: i32, q: i32) -> Piece {
    let minus = if p < 0 { "-" } else { "" };
    let abs = p.unsigned_abs();
    match syntax {
        Syntax::Latex => Piece::new(format!("{minus}\\frac{{{abs}}}{{{q}}}"), Prec::Call),
        Syntax::MathMl => mathml::rational(p < 0, abs, q),
        Syntax::Rust => Piece::new(format!("{p}.0 / {q}.0"), Prec::Mul),
        Syntax::Text => Piece::new(format!("{p}/{q}"), Prec::Mul),
        Syntax::Python => Piece::new(format!("{p} / {q}"), Prec::Mul),
    }
}

/// A real in the shortest form that reads back to the same f64; integral values keep a `.0`
/// so that they stay reals (sympy Float, Rust f64).
fn real(syntax: Syntax, value: f64) -> Piece {
    if value.is_nan() {
        let names = ["nan", "\\mathrm{NaN}", "<mi>NaN</mi>", "np.nan", "f64::NAN"];
        return named_constant(syntax, names);
    }
    if value.is_infinite() {
        let sign = if value < 0.0 { "-" } else { "" };
        return match syntax {
            Syntax::Rust if value < 0.0 => Piece::new("f64::NEG_INFINITY".into(), Prec::Atom),
            Syntax::Rust => Piece::new("f64::INFINITY".into(), Prec::Atom),
            Syntax::Text => Piece::new(format!("{sign}oo"), Prec::Atom),
            Syntax::Python => Piece::new(format!("{sign}np.inf"), Prec::Atom),
            Syntax::Latex => Piece::new(format!("{sign}\\infty"), Prec::Atom),
            Syntax::MathMl => mathml::infinity(value < 0.0),
        };
    }
    let magnitude = value.abs();
    let text = if magnitude != 0.0 && !(1e-5..1e16).contains(&magnitude) {
        let text = format!("{value:e}");
        match (syntax, text.split_once('e')) {
            (Syntax::Latex, Some((mantissa, exponent))) => {
                return Piece::new(format!("{mantissa} \\cdot 10^{{{exponent}}}"), Prec::Mul);
            }
            _ => text,
        }
    } else if value.fract() == 0.0 {
        format!("{value:.1}")
    } else {
        format!("{value}")
    };
    if syntax == Syntax::MathMl {
        return mathml::number(&text);
    }
    number_piece(text)
}

fn number_piece(text: String) -> Piece {
    let prec = if text.starts_with('-') { Prec::Unary } else { Prec::Atom };
    Piece::number(text, prec)
}

fn binary(syntax: Syntax, op: Op, a: &Piece, b: &Piece) -> Piece {
    let s = syntax;
    let (mul, div, pow) = match syntax {
        Syntax::Text => ("*", "/", "**"),
        Syntax::Python => (" * ", " / ", " ** "),
        Syntax::Latex => (" \\cdot ", "/", "^"),
        Syntax::Rust => (" * ", " / ", ""),
        Syntax::MathMl => return mathml::binary(op, a, b),
    };
    match op {
        Op::Add | Op::Sub => {
            let sign = if op == Op::Add { "+" } else { "-" };
            let text = format!("{} {sign} {}", a.wrap(s, Prec::Add, false), b.wrap(s, Prec::Mul, true));
            Piece::new(text, Prec::Add)
        }
        Op::Mul => {
            let text = format!("{}{mul}{}", a.wrap(s, Prec::Mul, false), b.wrap(s, Prec::Unary, true));
            Piece::new(text, Prec::Mul)
        }
        Op::Div if syntax == Syntax::Latex => Piece::new(format!("\\frac{{{}}}{{{}}}", a.text, b.text), Prec::Call),
        Op::Div => {
            let text = format!("{}{div}{}", a.wrap(s, Prec::Mul, false), b.wrap(s, Prec::Unary, true));
            Piece::new(text, Prec::Mul)
        }
        Op::Pow => match syntax {
            Syntax::Rust => method(a, "powf", &b.text),
            Syntax::Latex => power(syntax, a, &format!("{{{}}}", b.text)),
            _ => {
                let text = format!("{}{pow}{}", base(syntax, a), b.wrap(s, Prec::Pow, true));
                Piece::new(text, Prec::Pow)
            }
        },
        // Unary operators never come here; printing the operands keeps this total.
        _ => Piece::new(format!("{}, {}", a.text, b.text), Prec::Add),
    }
}

/// The base of a power: an atom or a call (LaTeX: an atom) stays bare.
fn base(syntax: Syntax, a: &Piece) -> String {
    let min = if syntax == Syntax::Latex { Prec::Atom } else { Prec::Call };
    a.wrap(syntax, min, true)
}

/// `a` raised to an already printed exponent.
fn power(syntax: Syntax, a: &Piece, exponent: &str) -> Piece {
    let op = match syntax {
        Syntax::Text => "**",
        Syntax::Python => " ** ",
        _ => "^",
    };
    Piece::new(format!("{}{op}{exponent}", base(syntax, a)), Prec::Pow)
}

/// A Rust method call `a.name(args)`: a number receiver gets its type suffix, and an
/// expression of numbers alone, whose type Rust cannot infer, is called as `f64::name(a, args)`.
fn method(a: &Piece, name: &str, args: &str) -> Piece {
    let text = if a.number {
        let receiver = if a.minus { format!("({}_f64)", a.text) } else { format!("{}_f64", a.text) };
        format!("{receiver}.{name}({args})")
    } else if !a.typed {
        let comma = if args.is_empty() { "" } else { ", " };
        format!("f64::{name}({}{comma}{args})", a.text)
    } else {
        format!("{}.{name}({args})", a.wrap(Syntax::Rust, Prec::Call, true))
    };
    Piece::new(text, Prec::Call)
}

fn unary(syntax: Syntax, op: Op, a: &Piece) -> Piece {
    match (syntax, op) {
        (Syntax::MathMl, _) => mathml::unary(op, a),
        (_, Op::Neg) => {
            let min = if syntax == Syntax::Rust { Prec::Call } else { Prec::Pow };
            Piece::new(format!("-{}", a.wrap(syntax, min, true)), Prec::Unary)
        }
        (Syntax::Rust, _) => {
            let (name, args) = rust_method(op);
            method(a, name, args)
        }
        (Syntax::Latex, _) => latex_unary(op, a),
        (_, Op::Square) => power(syntax, a, "2"),
        (_, Op::Cube) => power(syntax, a, "3"),
        (_, Op::Inv) => {
            let div = if syntax == Syntax::Python { " / " } else { "/" };
            Piece::new(format!("1{div}{}", a.wrap(syntax, Prec::Unary, true)), Prec::Mul)
        }
        (Syntax::Python, _) => Piece::new(format!("np.{}({})", numpy_name(op), a.text), Prec::Call),
        _ => Piece::new(format!("{}({})", sympy_name(op), a.text), Prec::Call),
    }
}

fn sympy_name(op: Op) -> &'static str {
    match op {
        Op::Abs => "Abs",
        _ => op.name(),
    }
}

fn numpy_name(op: Op) -> &'static str {
    match op {
        Op::Asin => "arcsin",
        Op::Acos => "arccos",
        Op::Atan => "arctan",
        _ => op.name(),
    }
}

/// The f64 method and its extra arguments.
fn rust_method(op: Op) -> (&'static str, &'static str) {
    match op {
        Op::Square => ("powi", "2"),
        Op::Cube => ("powi", "3"),
        Op::Log => ("ln", ""),
        Op::Inv => ("recip", ""),
        _ => (op.name(), ""),
    }
}

fn latex_unary(op: Op, a: &Piece) -> Piece {
    let call = |name: &str| format!("{name}{{\\left({} \\right)}}", a.text);
    let text = match op {
        Op::Square => return power(Syntax::Latex, a, "{2}"),
        Op::Cube => return power(Syntax::Latex, a, "{3}"),
        Op::Exp => return Piece::new(format!("e^{{{}}}", a.text), Prec::Pow),
        Op::Sqrt => format!("\\sqrt{{{}}}", a.text),
        Op::Inv => format!("\\frac{{1}}{{{}}}", a.text),
        Op::Abs => format!("\\left|{}\\right|", a.text),
        Op::Log => call("\\log"),
        Op::Sin => call("\\sin"),
        Op::Cos => call("\\cos"),
        Op::Tan => call("\\tan"),
        Op::Asin => call("\\operatorname{asin}"),
        Op::Acos => call("\\operatorname{acos}"),
        Op::Atan => call("\\operatorname{atan}"),
        _ => call("\\tanh"),
    };
    Piece::new(text, Prec::Call)
}

#[path = "print_mathml.rs"]
mod mathml;

#[cfg(test)]
#[path = "print_tests.rs"]
mod tests;
