//! Presentation MathML for [`Syntax::MathMl`](super::Syntax::MathMl): the elements that go inside
//! `<math>`, for browsers that render MathML Core.
//!
//! The pieces and precedences are the LaTeX printer's: division and `1/x` are `<mfrac>` (no
//! parentheses needed), powers `<msup>` with the exponent bare, functions
//! `sin⁡(x)` with a function application operator. Where MathML differs: an element that must be
//! a single child (of `<msup>`, `<mfrac>`, `<msub>`) is grouped in `<mrow>`, a root, an absolute
//! value or a call is a power's base without parentheses (`√a³`), a negation is its own `<mrow>`
//! (so that its minus is a prefix operator, unspaced, also after an opening parenthesis), and a
//! number multiplies a name, a root or a call without a dot (`2x`, with an invisible times for
//! screen readers).
//! Names are escaped, since they come from users' files; `x1` and `x_1` are `x` with subscript 1.

use super::{Op, Piece, Prec, Syntax};

/// A minus sign (U+2212), as an operator.
const MINUS: &str = "<mo>−</mo>";
/// How a negation starts: the minus sign first in its own `<mrow>`, so that it is a prefix
/// operator (no space after it), also inside parentheses.
pub(super) const NEGATED: &str = "<mrow><mo>−</mo>";
/// A middle dot (U+00B7) for a multiplication.
const TIMES: &str = "<mo>·</mo>";
/// U+2062 INVISIBLE TIMES: `2x`.
const INVISIBLE_TIMES: &str = "<mo>&#x2062;</mo>";
/// U+2061 FUNCTION APPLICATION: `sin⁡(x)`.
const APPLY: &str = "<mo>&#x2061;</mo>";

/// Text with the characters that are markup in XML and HTML escaped.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `−text`, one element.
fn negated(text: &str) -> String {
    format!("{NEGATED}{text}</mrow>")
}

/// `(…)` as one element; the parentheses stretch around fractions.
pub(super) fn parens(text: &str) -> String {
    format!("<mrow><mo>(</mo>{text}<mo>)</mo></mrow>")
}

/// The piece as one element: itself, or grouped in `<mrow>`.
fn one(p: &Piece) -> String {
    if p.single {
        p.text.clone()
    } else {
        format!("<mrow>{}</mrow>", p.text)
    }
}

/// A name: `x1` and `x_1` are `x` with subscript 1 (as in LaTeX), any other name one `<mi>`
/// (several letters render upright).
pub(super) fn variable(name: &str) -> Piece {
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &name[stem.len()..];
    let letter = stem.strip_suffix('_').unwrap_or(stem);
    let text = if letter.chars().count() == 1 && !digits.is_empty() {
        format!("<msub><mi>{}</mi><mn>{digits}</mn></msub>", escape(letter))
    } else {
        format!("<mi>{}</mi>", escape(name))
    };
    let piece = Piece::new(text, Prec::Atom).single();
    if name.starts_with(char::is_alphabetic) {
        piece.letter()
    } else {
        piece
    }
}

/// A number as the text syntax prints it (`3`, `-2.5`, `1.5e-300`): a leading minus becomes `−`,
/// an exponent `· 10^k` (as in LaTeX).
pub(super) fn number(text: &str) -> Piece {
    let signed = |digits: &str| match digits.strip_prefix('-') {
        Some(rest) => negated(&format!("<mn>{rest}</mn>")),
        None => format!("<mn>{digits}</mn>"),
    };
    if let Some((mantissa, exponent)) = text.split_once('e') {
        let text = format!("{}{TIMES}<msup><mn>10</mn>{}</msup>", signed(mantissa), signed(exponent));
        return Piece::new(text, Prec::Mul);
    }
    let prec = if text.starts_with('-') { Prec::Unary } else { Prec::Atom };
    Piece::number(signed(text), prec).single()
}

/// `p/q` as a fraction, with a leading minus when negative.
pub(super) fn rational(negative: bool, p: u32, q: i32) -> Piece {
    let fraction = format!("<mfrac><mn>{p}</mn><mn>{q}</mn></mfrac>");
    if negative {
        Piece::number(negated(&fraction), Prec::Unary).single()
    } else {
        Piece::number(fraction, Prec::Call).single()
    }
}

pub(super) fn infinity(negative: bool) -> Piece {
    if negative {
        Piece::new(negated("<mi>∞</mi>"), Prec::Unary).single()
    } else {
        Piece::new("<mi>∞</mi>".to_string(), Prec::Atom).single()
    }
}

pub(super) fn binary(op: Op, a: &Piece, b: &Piece) -> Piece {
    let s = Syntax::MathMl;
    match op {
        Op::Add | Op::Sub => {
            let sign = if op == Op::Add { "<mo>+</mo>" } else { MINUS };
            let text = format!("{}{sign}{}", a.wrap(s, Prec::Add, false), b.wrap(s, Prec::Mul, true));
            Piece::new(text, Prec::Add)
        }
        Op::Mul => {
            // A letter-led piece binds at least as tightly as a unary minus and has no minus,
            // so it is never parenthesised and follows the number directly.
            let times = if a.number && b.letter { INVISIBLE_TIMES } else { TIMES };
            let (a, b) = (a.wrap(s, Prec::Mul, false), b.wrap(s, Prec::Unary, true));
            let text = format!("{a}{times}{b}");
            Piece::new(text, Prec::Mul)
        }
        Op::Div => Piece::new(format!("<mfrac>{}{}</mfrac>", one(a), one(b)), Prec::Call).single(),
        Op::Pow => power(a, &one(b)),
        // Unary operators never come here; printing the operands keeps this total.
        _ => Piece::new(format!("{}<mo>,</mo>{}", a.text, b.text), Prec::Add),
    }
}

/// `a` raised to an exponent that is one element: a name, a number, a root, an absolute value
/// or a call stays bare, anything else goes in parentheses.
fn power(a: &Piece, exponent: &str) -> Piece {
    let bare = (a.prec == Prec::Atom && !a.minus) || a.closed;
    let base = if bare { one(a) } else { parens(&a.text) };
    let piece = Piece::new(format!("<msup>{base}{exponent}</msup>"), Prec::Pow).single();
    if bare && a.letter {
        piece.letter()
    } else {
        piece
    }
}

pub(super) fn unary(op: Op, a: &Piece) -> Piece {
    match op {
        Op::Neg => Piece::new(negated(&a.wrap(Syntax::MathMl, Prec::Pow, true)), Prec::Unary).single(),
        Op::Square => power(a, "<mn>2</mn>"),
        Op::Cube => power(a, "<mn>3</mn>"),
        Op::Exp => {
            let text = format!("<msup><mi>e</mi>{}</msup>", one(a));
            Piece::new(text, Prec::Pow).single().letter()
        }
        Op::Sqrt => Piece::new(format!("<msqrt>{}</msqrt>", a.text), Prec::Call).closed(),
        Op::Inv => Piece::new(format!("<mfrac><mn>1</mn>{}</mfrac>", one(a)), Prec::Call).single(),
        Op::Abs => Piece::new(format!("<mrow><mo>|</mo>{}<mo>|</mo></mrow>", a.text), Prec::Call).closed(),
        // log, sin, cos, tan, asin, acos, atan, tanh (binary operators never come here).
        _ => {
            let text = format!("<mrow><mi>{}</mi>{APPLY}{}</mrow>", op.name(), parens(&a.text));
            Piece::new(text, Prec::Call).closed()
        }
    }
}
