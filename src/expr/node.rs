//! One node of a postfix formula: [`Node`] pairs a [`Kind`] (variable, constant or operator)
//! with the length of the subtree it closes, and [`Form`] says how a constant is written.

use super::op::Op;

/// How a constant is written and coded. The value in [`Kind::Const`] is always the number the
/// evaluator uses; the form only changes printing and, for the scorer, the constant's code
/// length (an integer or a simple rational costs a few bits, a real costs its mantissa).
/// New constants are [`Form::Real`]; the scorer sets the others once it has recognised them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Form {
    #[default]
    Real,
    /// The value is an integer and is printed without a decimal point.
    Integer,
    /// The value is `p / q` (`q > 0`), printed as a fraction.
    Rational(i32, i32),
    /// The value is π.
    Pi,
    /// The value is Euler's number e.
    E,
}

impl Form {
    /// The form of `-value` when the constant `value` has this form, if the negation still has
    /// one (π and e have no negative form, so `-pi` stays a negation of `pi`).
    pub fn negated(self) -> Option<Form> {
        match self {
            Form::Real | Form::Integer => Some(self),
            Form::Rational(p, q) => p.checked_neg().map(|p| Form::Rational(p, q)),
            Form::Pi | Form::E => None,
        }
    }
}

/// What a node computes. The display form lives inside the constant (rather than in a parallel
/// vector) so that slice surgery on the node vector moves it along with its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Column `j` of the data.
    Var(u16),
    /// A constant and its display form.
    Const(f64, Form),
    /// An operator applied to the one or two subtrees that precede it.
    Op(Op),
}

/// One node of the postfix vector: its kind and `len`, the number of nodes of the subtree it
/// closes (1 for a leaf). The subtree of the node at `i` is `nodes[i + 1 - len ..= i]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub len: u16,
}

impl Node {
    pub fn var(index: u16) -> Node {
        Node { kind: Kind::Var(index), len: 1 }
    }

    /// A real constant ([`Form::Real`]).
    pub fn constant(value: f64) -> Node {
        Node::with_form(value, Form::Real)
    }

    pub fn with_form(value: f64, form: Form) -> Node {
        Node { kind: Kind::Const(value, form), len: 1 }
    }

    /// An operator node; `len` must still be set (the builders and
    /// [`Expr::recompute_lengths`](super::Expr::recompute_lengths) do).
    pub fn op(op: Op) -> Node {
        Node { kind: Kind::Op(op), len: 1 }
    }

    /// How many operands the node takes (0 for leaves).
    pub fn arity(&self) -> usize {
        match self.kind {
            Kind::Op(op) => op.arity(),
            _ => 0,
        }
    }

    pub fn is_leaf(&self) -> bool {
        self.arity() == 0
    }

    /// The constant's value, if the node is one.
    pub fn value(&self) -> Option<f64> {
        match self.kind {
            Kind::Const(value, _) => Some(value),
            _ => None,
        }
    }

    /// Structural equality: like `==` but constants compare by bit pattern, so a NaN constant
    /// equals itself and `0.0` differs from `-0.0`. Forms are ignored (they do not change values).
    pub fn same(&self, other: &Node) -> bool {
        self.len == other.len
            && match (self.kind, other.kind) {
                (Kind::Const(a, _), Kind::Const(b, _)) => a.to_bits() == b.to_bits(),
                (a, b) => a == b,
            }
    }
}

/// The operator of which `nodes[i]` is the right operand, when it is a leaf (a variable or a
/// constant) right before + − × ÷ in the postfix order. Both evaluators (the block evaluator and
/// the fit's dual numbers) apply such a leaf to the top of their stack where it lies instead of
/// pushing it: the same operation on the same operands, so the same bits.
pub fn leaf_operand_of(nodes: &[Node], i: usize) -> Option<Op> {
    let leaf = matches!(nodes.get(i)?.kind, Kind::Var(_) | Kind::Const(..));
    match nodes.get(i + 1)?.kind {
        Kind::Op(op @ (Op::Add | Op::Sub | Op::Mul | Op::Div)) if leaf => Some(op),
        _ => None,
    }
}
