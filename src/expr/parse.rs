//! Reading a formula from the plain-text syntax that [`Syntax::Text`](super::Syntax::Text)
//! prints (and that people type): a small Pratt parser.
//!
//! Grammar, loosest first: `+ -` (left), `* /` (left), unary `-` `+`, `**` or `^` (right), then
//! numbers, names, `(expr)` and calls `f(expr)` of sqrt, exp, log (ln), sin, cos, tan, asin,
//! acos, atan, tanh, Abs (abs). `pi`, `E`, `oo`, `inf` and `nan` are constants unless the
//! caller names a variable so. Some spellings map to dedicated operators, as the search would
//! write them: `e**2` → square, `e**3` → cube, `1/e` → inv, `-e` → neg; a minus before a number
//! makes a negative constant, and an integer over an integer is a rational constant.

use std::fmt;

use super::node::{Form, Kind};
use super::op::Op;
use super::Expr;

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_NESTING: usize = 200;

/// Why a text is not a formula. `column` counts characters from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub column: usize,
    pub kind: ParseErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    UnexpectedChar(char),
    UnexpectedEnd,
    /// A token where another was needed (its text).
    Unexpected(String),
    UnknownName {
        name: String,
        variables: Vec<String>,
    },
    UnknownFunction(String),
    BadNumber(String),
    TooDeep,
    TooLong,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: ", self.column)?;
        match &self.kind {
            ParseErrorKind::UnexpectedChar(c) => write!(f, "unexpected character '{c}'"),
            ParseErrorKind::UnexpectedEnd => write!(f, "the formula ends too early"),
            ParseErrorKind::Unexpected(token) => write!(f, "unexpected '{token}'"),
            ParseErrorKind::UnknownName { name, variables } if variables.is_empty() => {
                write!(f, "unknown name '{name}' (there are no variables)")
            }
            ParseErrorKind::UnknownName { name, variables } => {
                write!(f, "unknown name '{name}' (the variables are {})", variables.join(", "))
            }
            ParseErrorKind::UnknownFunction(name) => write!(
                f,
                "unknown function '{name}' (known: sqrt, exp, log, sin, cos, tan, asin, acos, \
                 atan, tanh, Abs)"
            ),
            ParseErrorKind::BadNumber(text) => write!(f, "'{text}' is not a number"),
            ParseErrorKind::TooDeep => write!(f, "nested more than {MAX_NESTING} levels deep"),
            ParseErrorKind::TooLong => write!(f, "more than {} nodes", u16::MAX),
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses `text`; a name that is `names[j]` reads variable `j`.
pub fn parse(text: &str, names: &[&str]) -> Result<Expr, ParseError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, pos: 0, names, depth: 0, end: text.chars().count() + 1 };
    let expr = parser.expr(0)?;
    match parser.peek() {
        None => {}
        Some(t) => return Err(parser.error_at(t.column, ParseErrorKind::Unexpected(t.text()))),
    }
    if expr.len() > usize::from(u16::MAX) {
        return Err(ParseError { column: 1, kind: ParseErrorKind::TooLong });
    }
    Ok(expr)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num { value: f64, integer: bool, text: String },
    Name(String),
    Plus,
    Minus,
    Star,
    Slash,
    Pow,
    Open,
    Close,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    column: usize,
}

impl Token {
    fn text(&self) -> String {
        match &self.tok {
            Tok::Num { text, .. } => text.clone(),
            Tok::Name(name) => name.clone(),
            Tok::Plus => "+".into(),
            Tok::Minus => "-".into(),
            Tok::Star => "*".into(),
            Tok::Slash => "/".into(),
            Tok::Pow => "**".into(),
            Tok::Open => "(".into(),
            Tok::Close => ")".into(),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let column = i + 1;
        let c = chars[i];
        let (tok, len) = match c {
            ' ' | '\t' | '\n' | '\r' => {
                i += 1;
                continue;
            }
            '+' => (Tok::Plus, 1),
            '-' => (Tok::Minus, 1),
            '*' if chars.get(i + 1) == Some(&'*') => (Tok::Pow, 2),
            '*' => (Tok::Star, 1),
            '^' => (Tok::Pow, 1),
            '/' => (Tok::Slash, 1),
            '(' => (Tok::Open, 1),
            ')' => (Tok::Close, 1),
            c if c.is_ascii_digit() || c == '.' => number(&chars[i..], column)?,
            c if c.is_alphabetic() || c == '_' => {
                let len = chars[i..].iter().take_while(|c| c.is_alphanumeric() || **c == '_').count();
                (Tok::Name(chars[i..i + len].iter().collect()), len)
            }
            c => return Err(ParseError { column, kind: ParseErrorKind::UnexpectedChar(c) }),
        };
        tokens.push(Token { tok, column });
        i += len;
    }
    Ok(tokens)
}

/// A number: digits, an optional fraction, an optional exponent (`1.5e-3`).
fn number(chars: &[char], column: usize) -> Result<(Tok, usize), ParseError> {
    let digits = |from: usize| chars[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut len = digits(0);
    let mut integer = true;
    if chars.get(len) == Some(&'.') {
        integer = false;
        len += 1 + digits(len + 1);
    }
    if matches!(chars.get(len), Some('e' | 'E')) {
        let sign = usize::from(matches!(chars.get(len + 1), Some('+' | '-')));
        let exponent = digits(len + 1 + sign);
        if exponent > 0 {
            integer = false;
            len += 1 + sign + exponent;
        }
    }
    let text: String = chars[..len].iter().collect();
    let value: f64 = text.parse().map_err(|_| ParseError { column, kind: ParseErrorKind::BadNumber(text.clone()) })?;
    let integer = integer && value.abs() <= 9007199254740992.0;
    Ok((Tok::Num { value, integer, text }, len))
}

struct Parser<'a> {
    tokens: Vec<Token>,
    pos: usize,
    names: &'a [&'a str],
    depth: usize,
    /// The column just past the text, for "ends too early".
    end: usize,
}

/// Binding powers (left, right) of the infix operators.
fn infix(tok: &Tok) -> Option<(u8, u8, Op)> {
    match tok {
        Tok::Plus => Some((1, 2, Op::Add)),
        Tok::Minus => Some((1, 2, Op::Sub)),
        Tok::Star => Some((3, 4, Op::Mul)),
        Tok::Slash => Some((3, 4, Op::Div)),
        Tok::Pow => Some((7, 6, Op::Pow)),
        _ => None,
    }
}

/// A prefix sign's operand binds tighter than `*` and looser than `**`.
const UNARY_BP: u8 = 5;

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Result<Token, ParseError> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token.ok_or(ParseError { column: self.end, kind: ParseErrorKind::UnexpectedEnd })
    }

    fn error_at(&self, column: usize, kind: ParseErrorKind) -> ParseError {
        ParseError { column, kind }
    }

    fn expr(&mut self, min_bp: u8) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            let column = self.peek().map_or(self.end, |t| t.column);
            return Err(self.error_at(column, ParseErrorKind::TooDeep));
        }
        let mut lhs = self.prefix()?;
        while let Some((lbp, rbp, op)) = self.peek().and_then(|t| infix(&t.tok)) {
            if lbp < min_bp {
                break;
            }
            self.pos += 1;
            let rhs = self.expr(rbp)?;
            lhs = combine(op, lhs, rhs);
            if lhs.len() > usize::from(u16::MAX) {
                return Err(self.error_at(1, ParseErrorKind::TooLong));
            }
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn prefix(&mut self) -> Result<Expr, ParseError> {
        let token = self.next()?;
        match token.tok {
            Tok::Num { value, integer, .. } => {
                let form = if integer { Form::Integer } else { Form::Real };
                Ok(Expr::with_form(value, form))
            }
            Tok::Minus => {
                // Only a bare number folds into a negative constant: `-(-2)` stays a negation.
                let bare = matches!(self.peek(), Some(Token { tok: Tok::Num { .. }, .. }));
                let operand = self.expr(UNARY_BP)?;
                Ok(if bare { negate(operand) } else { Expr::unary(Op::Neg, operand) })
            }
            Tok::Plus => self.expr(UNARY_BP),
            Tok::Open => {
                let inner = self.expr(0)?;
                self.close()?;
                Ok(inner)
            }
            Tok::Name(name) if matches!(self.peek(), Some(Token { tok: Tok::Open, .. })) => {
                let op = function(&name)
                    .ok_or_else(|| self.error_at(token.column, ParseErrorKind::UnknownFunction(name.clone())))?;
                self.pos += 1;
                let argument = self.expr(0)?;
                self.close()?;
                Ok(Expr::unary(op, argument))
            }
            Tok::Name(name) => self.name(&name, token.column),
            _ => Err(self.error_at(token.column, ParseErrorKind::Unexpected(token.text()))),
        }
    }

    fn close(&mut self) -> Result<(), ParseError> {
        let token = self.next()?;
        match token.tok {
            Tok::Close => Ok(()),
            _ => Err(self.error_at(token.column, ParseErrorKind::Unexpected(token.text()))),
        }
    }

    /// A variable (the caller's names win) or a named constant.
    fn name(&self, name: &str, column: usize) -> Result<Expr, ParseError> {
        if let Some(j) = self.names.iter().position(|n| *n == name) {
            if let Ok(j) = u16::try_from(j) {
                return Ok(Expr::var(j));
            }
        }
        match name {
            "pi" => Ok(Expr::with_form(std::f64::consts::PI, Form::Pi)),
            "E" => Ok(Expr::with_form(std::f64::consts::E, Form::E)),
            "oo" | "inf" => Ok(Expr::constant(f64::INFINITY)),
            "nan" => Ok(Expr::constant(f64::NAN)),
            _ => Err(self.error_at(
                column,
                ParseErrorKind::UnknownName {
                    name: name.to_string(),
                    variables: self.names.iter().map(|n| n.to_string()).collect(),
                },
            )),
        }
    }
}

fn function(name: &str) -> Option<Op> {
    match name {
        "sqrt" => Some(Op::Sqrt),
        "exp" => Some(Op::Exp),
        "log" | "ln" => Some(Op::Log),
        "sin" => Some(Op::Sin),
        "cos" => Some(Op::Cos),
        "tan" => Some(Op::Tan),
        "asin" => Some(Op::Asin),
        "acos" => Some(Op::Acos),
        "atan" => Some(Op::Atan),
        "tanh" => Some(Op::Tanh),
        "Abs" | "abs" => Some(Op::Abs),
        _ => None,
    }
}

/// The constant if `e` is a single constant node.
fn literal(e: &Expr) -> Option<(f64, Form)> {
    match e.nodes.as_slice() {
        [node] => match node.kind {
            Kind::Const(value, form) => Some((value, form)),
            _ => None,
        },
        _ => None,
    }
}

/// `-e`: a negative constant when `e` is a number that has a negative form, else neg.
fn negate(e: Expr) -> Expr {
    match literal(&e).and_then(|(value, form)| form.negated().map(|form| (value, form))) {
        Some((value, form)) => Expr::with_form(-value, form),
        None => Expr::unary(Op::Neg, e),
    }
}

/// Applies a binary operator, mapping the spellings of dedicated operators to them.
fn combine(op: Op, lhs: Expr, rhs: Expr) -> Expr {
    let integer = |e: &Expr| match literal(e) {
        Some((value, Form::Integer)) => Some(value),
        _ => None,
    };
    match (op, integer(&lhs), integer(&rhs)) {
        (Op::Pow, _, Some(2.0)) => Expr::unary(Op::Square, lhs),
        (Op::Pow, _, Some(3.0)) => Expr::unary(Op::Cube, lhs),
        (Op::Div, Some(p), Some(q)) if q > 0.0 && p.abs() <= i32::MAX as f64 && q <= i32::MAX as f64 => {
            Expr::with_form(p / q, Form::Rational(p as i32, q as i32))
        }
        (Op::Div, Some(1.0), _) => Expr::unary(Op::Inv, rhs),
        _ => Expr::binary(op, lhs, rhs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(input: &str) -> String {
        parse(input, &["x", "y"]).unwrap().to_text(&["x", "y"]).unwrap()
    }

    #[test]
    fn precedence_and_associativity_follow_python() {
        assert_eq!(text("x + y*x"), "x + y*x");
        assert_eq!(text("x - y - x"), "x - y - x");
        assert_eq!(text("x - (y - x)"), "x - (y - x)");
        assert_eq!(text("-x**2"), "-x**2");
        assert_eq!(text("(-x)**2"), "(-x)**2");
        assert_eq!(text("x**y**2"), "x**y**2");
        assert_eq!(text("2**-x*3"), "2**(-x)*3");
        assert_eq!(text("x^1.5"), "x**1.5");
        assert_eq!(text(" ln( x )+Abs(y) "), "log(x) + Abs(y)");
    }

    #[test]
    fn spellings_map_to_dedicated_operators_and_constants() {
        let e = parse("x**2 + 1/y - 3/2 + -2*pi", &["x", "y"]).unwrap();
        let ops: Vec<Kind> = e.nodes.iter().map(|n| n.kind).collect();
        assert!(ops.contains(&Kind::Op(Op::Square)) && ops.contains(&Kind::Op(Op::Inv)));
        assert!(ops.contains(&Kind::Const(1.5, Form::Rational(3, 2))));
        assert!(ops.contains(&Kind::Const(-2.0, Form::Integer)));
        assert!(ops.contains(&Kind::Const(std::f64::consts::PI, Form::Pi)));
        assert_eq!(text("x**2.0"), "x**2.0");
        assert_eq!(text("1e3*x"), "1000.0*x");
    }

    #[test]
    fn callers_names_win_over_constants() {
        let e = parse("E + pi", &["E"]).unwrap();
        assert_eq!(e.variables(), vec![0]);
    }

    #[test]
    fn errors_name_the_place_and_the_problem() {
        let err = |s: &str| parse(s, &["x", "y"]).unwrap_err().to_string();
        assert_eq!(err("x + foo"), "column 5: unknown name 'foo' (the variables are x, y)");
        assert_eq!(err("x + "), "column 5: the formula ends too early");
        assert_eq!(
            err("sinh(x)"),
            "column 1: unknown function 'sinh' (known: sqrt, exp, log, sin, cos, tan, asin, acos, atan, tanh, Abs)"
        );
        assert_eq!(err("x $ y"), "column 3: unexpected character '$'");
        assert_eq!(err("(x + y"), "column 7: the formula ends too early");
        assert_eq!(err("x y"), "column 3: unexpected 'y'");
        assert_eq!(err("x + )"), "column 5: unexpected ')'");
        assert_eq!(err("1.2.3"), "column 4: unexpected '.3'");
        assert_eq!(err("x + ."), "column 5: '.' is not a number");
        assert!(err(&"(".repeat(10_000)).contains("nested more than"));
        assert!(parse("", &[]).is_err());
    }
}
