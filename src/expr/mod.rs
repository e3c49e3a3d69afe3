//! The formula as a value.
//!
//! An [`Expr`] is a flat postfix vector of [`Node`]s, each of which records the length of the
//! subtree it closes (Operon's representation): a subtree is the slice
//! `nodes[i + 1 - len ..= i]`, so crossover and mutation are slice surgery and evaluation is one
//! pass over the vector. Around that value sit:
//!
//! - [`op`]: the operator alphabet ([`Op`], [`OpSet`]) and each operator's scalar meaning;
//! - [`alphabet`]: the symbols a formula may use on a table and the code of its structure (a
//!   token's arity, then its symbol), shared by the search's score and the .occam file;
//! - [`tree`]: structure queries (validity, subtrees, children, depth, constants, variables);
//! - [`eval`](mod@eval): the scalar oracle [`eval_scalar`] and the block evaluator [`eval()`] that
//!   vectorises (AVX2+FMA natively, simd128 on wasm), with [`approx`]'s branch-free
//!   transcendental functions;
//! - [`print`](mod@print) and [`parse`](mod@parse): text that sympy reads, LaTeX, Python and
//!   Rust, and back;
//! - [`familiar`]: a power law's familiar form (T = √a³ read as T² = a³);
//! - [`simplify`]: constant folding, exact identities, canonical order and a structural hash;
//! - [`saturate`]: equality saturation with `egg`, for the final front's shortest equal forms.
//!
//! `expr` is a leaf: it knows nothing of data files, search, scoring or the page.

pub mod alphabet;
pub mod approx;
pub mod error;
pub mod eval;
pub mod familiar;
pub mod node;
pub mod op;
pub mod parse;
pub mod print;
pub mod random;
mod ratio;
pub mod saturate;
pub mod simplify;
pub mod throughput;
pub mod tree;

pub use alphabet::{Alphabet, Arity};
pub use error::{EvalError, ExprError};
pub use eval::{eval, eval_batch, eval_scalar, Columns, Evaluator, Real};
pub use node::{Form, Kind, Node};
pub use op::{Op, OpSet, UnknownOp};
pub use parse::{parse, ParseError};
pub use print::Syntax;

/// A formula: nodes in postfix order, the root last. The vector is public so that a search can
/// splice it; everything that reads it checks it first ([`Expr::validate`]) and answers a
/// malformed vector with an [`ExprError`] rather than a panic.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expr {
    pub nodes: Vec<Node>,
}

impl Expr {
    /// Wraps a node vector after checking it.
    pub fn from_nodes(nodes: Vec<Node>) -> Result<Expr, ExprError> {
        let expr = Expr { nodes };
        expr.validate()?;
        Ok(expr)
    }

    /// The formula that reads column `index`.
    pub fn var(index: u16) -> Expr {
        Expr { nodes: vec![Node::var(index)] }
    }

    /// The formula that is the real constant `value`.
    pub fn constant(value: f64) -> Expr {
        Expr { nodes: vec![Node::constant(value)] }
    }

    /// A constant with a display form.
    pub fn with_form(value: f64, form: Form) -> Expr {
        Expr { nodes: vec![Node::with_form(value, form)] }
    }

    /// `op(a)`. The lengths are saturated, never wrapped; a result longer than `u16::MAX` nodes
    /// fails validation.
    pub fn unary(op: Op, a: Expr) -> Expr {
        Expr::apply(op, vec![a])
    }

    /// `a op b`.
    pub fn binary(op: Op, a: Expr, b: Expr) -> Expr {
        Expr::apply(op, vec![a, b])
    }

    fn apply(op: Op, operands: Vec<Expr>) -> Expr {
        let mut nodes: Vec<Node> = operands.into_iter().flat_map(|e| e.nodes).collect();
        let len = u16::try_from(nodes.len() + 1).unwrap_or(u16::MAX);
        nodes.push(Node { kind: Kind::Op(op), len });
        Expr { nodes }
    }

    /// The root node, if the vector is not empty.
    pub fn root(&self) -> Option<&Node> {
        self.nodes.last()
    }
}
