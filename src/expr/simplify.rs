//! Simplification: constant folding, identities, canonical operand order, and a structural hash
//! for deduplication.
//!
//! [`Expr::simplify`] rebuilds the postfix vector bottom-up: each operator meets its already
//! simplified operands, and a rule may rewrite the combination (and re-simplify what it builds).
//! The pass repeats until nothing changes, so the result is a fixed point (idempotent).
//!
//! Which identities are allowed: those that give the same IEEE result for every input,
//! including NaN and ±∞, up to the sign of a zero result and the rounding of one operation.
//! - Allowed, exact: x+0, x−0, x·1, x/1, x·(−1) → −x, x^1, x^0 → 1 (IEEE pow(NaN, 0) = 1),
//!   −(−x), −(a−b) → b−a, a+(−b) → a−b, (−a)·b → −(a·b), (−a)/b, a/(−b), x·x → x²,
//!   even functions of −x (x², |x|, cos), odd ones (x³, 1/x, sin, tan, asin, atan, tanh) →
//!   −f(x), ||x|| → |x|, |x²| → x², 1/x → inv, a − c → a + (−c) for a negative constant c.
//! - Allowed, within rounding: x^2 → x², x^3 → x³, x^−1 → 1/x, 1/(1/x) → x, a·(1/b) → a/b,
//!   a/(1/b) → a·b, c₁·(c₂·x) → (c₁c₂)·x.
//! - Refused: x·0 → 0 and x/x → 1 (NaN and ∞ give NaN), x−x → 0 (∞−∞ is NaN), √x² → |x| and
//!   log(eˣ) → x (overflow), (√x)² → x and e^(log x) → x (the domain changes), and any
//!   reassociation of sums (cancellation can change a value entirely).
//!
//! Constants fold when all operands of an operator are real or integer constants; a constant
//! with a special form (π, e, a rational) is left as written, since `2*pi` is cheaper to code
//! than 6.283185307179586. Operands of + and × are put in a canonical order (constants first
//! in products, last in sums), so that formulas that differ only by commuting compare equal
//! under [`Expr::structural_hash`] and [`Expr::same`].

use std::cmp::Ordering;

use super::error::ExprError;
use super::node::{Form, Kind, Node};
use super::op::Op;
use super::Expr;

/// Passes after which simplification stops even without a fixed point (each pass only
/// shrinks or reorders, so in practice two or three suffice).
const MAX_PASSES: usize = 16;

impl Expr {
    /// An equivalent formula after folding, identities and canonical ordering (see the module
    /// documentation for the identities used). Fails only on a malformed node vector.
    pub fn simplify(&self) -> Result<Expr, ExprError> {
        self.validate()?;
        let mut current = self.clone();
        for _ in 0..MAX_PASSES {
            let next = pass(&current);
            if next.same(&current) {
                break;
            }
            current = next;
        }
        Ok(current)
    }

    /// Structural equality: the same nodes, constants compared by bit pattern (forms ignored).
    pub fn same(&self, other: &Expr) -> bool {
        same_tree(&self.nodes, &other.nodes)
    }

    /// A hash of the structure (FNV-1a over operators, variables and constant bits; forms
    /// ignored), equal for [`same`](Expr::same) formulas and stable across platforms and runs,
    /// for deduplicating a population after [`simplify`](Expr::simplify).
    pub fn structural_hash(&self) -> u64 {
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |word: u64| {
            for byte in word.to_le_bytes() {
                hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
            }
        };
        for node in &self.nodes {
            match node.kind {
                Kind::Var(j) => eat(1 << 32 | u64::from(j)),
                Kind::Op(op) => eat(2 << 32 | op as u64),
                Kind::Const(value, _) => {
                    eat(3 << 32);
                    eat(if value.is_nan() { f64::NAN.to_bits() } else { value.to_bits() });
                }
            }
        }
        hash
    }
}

fn same_tree(a: &[Node], b: &[Node]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
}

/// One bottom-up rebuild.
fn pass(expr: &Expr) -> Expr {
    let mut builder = Builder::default();
    for node in &expr.nodes {
        match node.kind {
            Kind::Op(op) => {
                let b = (op.arity() == 2).then(|| builder.pop());
                let a = builder.pop();
                builder.rewrite(op, a, b);
            }
            _ => builder.push(vec![Node { len: 1, ..*node }]),
        }
    }
    let mut out = Expr { nodes: builder.nodes };
    // The builder keeps one tree; recomputing cannot fail and only refreshes lengths.
    let _ = out.recompute_lengths();
    out
}

/// A stack of finished subtrees laid end to end in postfix order.
#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    starts: Vec<usize>,
}

type Tree = Vec<Node>;

impl Builder {
    fn push(&mut self, tree: Tree) {
        self.starts.push(self.nodes.len());
        self.nodes.extend(tree);
    }

    /// The last finished subtree (empty only if the input was malformed, which `simplify`
    /// has ruled out).
    fn pop(&mut self) -> Tree {
        let start = self.starts.pop().unwrap_or(0);
        self.nodes.split_off(start)
    }

    /// Pushes `op` over its operands as they are.
    fn emit(&mut self, op: Op, a: Tree, b: Option<Tree>) {
        let start = self.nodes.len();
        let len = a.len() + b.as_ref().map_or(0, Vec::len) + 1;
        self.nodes.extend(a);
        self.nodes.extend(b.unwrap_or_default());
        self.nodes.push(Node { kind: Kind::Op(op), len: u16::try_from(len).unwrap_or(u16::MAX) });
        self.starts.push(start);
    }

    fn constant(&mut self, value: f64, form: Form) {
        self.push(vec![Node::with_form(value, form)]);
    }

    /// Simplifies `op` applied to the top subtree.
    fn apply_to_top(&mut self, op: Op) {
        let a = self.pop();
        self.rewrite(op, a, None);
    }

    /// Pushes the simplified form of `op(a, b)`, where `a` and `b` are already simplified.
    fn rewrite(&mut self, op: Op, a: Tree, b: Option<Tree>) {
        match b {
            None => self.rewrite_unary(op, a),
            Some(b) => self.rewrite_binary(op, a, b),
        }
    }

    fn rewrite_unary(&mut self, op: Op, a: Tree) {
        if let Some((value, form)) = constant(&a) {
            if let Some(form) = fold_form(op, form, None, value) {
                return self.constant(op.apply(value, 0.0), form);
            }
        }
        let inner = negated(&a).map(<[Node]>::to_vec);
        match (op, root(&a), inner) {
            (Op::Neg, _, Some(x)) => self.push(x),
            (Op::Neg, Some(Op::Sub), _) => {
                let (x, y) = operands(a);
                self.rewrite(Op::Sub, y, Some(x));
            }
            (Op::Neg, Some(Op::Mul), _) if negatable_constant(&operands(a.clone()).0) => {
                let (c, x) = operands(a);
                self.rewrite_unary(Op::Neg, c);
                self.push(x);
                self.finish_binary(Op::Mul);
            }
            (Op::Square | Op::Abs | Op::Cos, _, Some(x)) => self.rewrite_unary(op, x),
            (Op::Cube | Op::Inv | Op::Sin | Op::Tan | Op::Asin | Op::Atan | Op::Tanh, _, Some(x)) => {
                self.rewrite_unary(op, x);
                self.apply_to_top(Op::Neg);
            }
            (Op::Abs, Some(Op::Abs | Op::Square), _) => self.push(a),
            (Op::Inv, Some(Op::Inv), _) => self.push(a[..a.len() - 1].to_vec()),
            _ => self.emit(op, a, None),
        }
    }

    /// Combines the two top subtrees with `op`, simplifying.
    fn finish_binary(&mut self, op: Op) {
        let b = self.pop();
        let a = self.pop();
        self.rewrite_binary(op, a, b);
    }

    fn rewrite_binary(&mut self, op: Op, a: Tree, b: Tree) {
        let (ca, cb) = (constant(&a), constant(&b));
        if let (Some((x, fx)), Some((y, fy))) = (ca, cb) {
            if let Some(form) = fold_form(op, fx, Some(fy), op.apply(x, y)) {
                return self.constant(op.apply(x, y), form);
            }
        }
        let value = |c: Option<(f64, Form)>| c.map(|(v, _)| v);
        let (va, vb) = (value(ca), value(cb));
        match op {
            Op::Add => self.add(a, b, va, vb),
            Op::Sub => self.sub(a, b, va, vb),
            Op::Mul => self.mul(a, b, va, vb),
            Op::Div => self.div(a, b, vb),
            Op::Pow => self.pow(a, b, vb),
            _ => self.emit(op, a, Some(b)),
        }
    }

    fn add(&mut self, a: Tree, b: Tree, va: Option<f64>, vb: Option<f64>) {
        if vb == Some(0.0) {
            return self.push(a);
        }
        if va == Some(0.0) {
            return self.push(b);
        }
        if let Some(y) = negated(&b) {
            return self.rewrite_binary(Op::Sub, a, y.to_vec());
        }
        if let Some(x) = negated(&a) {
            return self.rewrite_binary(Op::Sub, b, x.to_vec());
        }
        if vb.is_some_and(|v| v < 0.0) && negatable_constant(&b) {
            self.push(a);
            self.rewrite_unary(Op::Neg, b);
            return self.finish_sub_plain();
        }
        let (a, b) = ordered(a, b, false);
        self.emit(Op::Add, a, Some(b));
    }

    /// `a − c` for the top two subtrees, without re-examining them (the caller made them).
    fn finish_sub_plain(&mut self) {
        let b = self.pop();
        let a = self.pop();
        self.emit(Op::Sub, a, Some(b));
    }

    fn sub(&mut self, a: Tree, b: Tree, va: Option<f64>, vb: Option<f64>) {
        if vb == Some(0.0) {
            return self.push(a);
        }
        if va == Some(0.0) {
            return self.rewrite_unary(Op::Neg, b);
        }
        if let Some(y) = negated(&b) {
            return self.rewrite_binary(Op::Add, a, y.to_vec());
        }
        if let Some(x) = negated(&a) {
            self.rewrite_binary(Op::Add, x.to_vec(), b);
            return self.apply_to_top(Op::Neg);
        }
        if vb.is_some_and(|v| v < 0.0) && negatable_constant(&b) {
            self.push(a);
            self.rewrite_unary(Op::Neg, b);
            let (b, a) = (self.pop(), self.pop());
            let (a, b) = ordered(a, b, false);
            return self.emit(Op::Add, a, Some(b));
        }
        self.emit(Op::Sub, a, Some(b))
    }

    fn mul(&mut self, a: Tree, b: Tree, va: Option<f64>, vb: Option<f64>) {
        match (va, vb) {
            (_, Some(1.0)) => return self.push(a),
            (Some(1.0), _) => return self.push(b),
            (_, Some(-1.0)) => return self.rewrite_unary(Op::Neg, a),
            (Some(-1.0), _) => return self.rewrite_unary(Op::Neg, b),
            _ => {}
        }
        if let Some(x) = negated(&a) {
            self.rewrite_binary(Op::Mul, x.to_vec(), b);
            return self.apply_to_top(Op::Neg);
        }
        if let Some(y) = negated(&b) {
            self.rewrite_binary(Op::Mul, a, y.to_vec());
            return self.apply_to_top(Op::Neg);
        }
        if same_tree(&a, &b) {
            return self.rewrite_unary(Op::Square, a);
        }
        if root(&b) == Some(Op::Inv) {
            return self.rewrite_binary(Op::Div, a, b[..b.len() - 1].to_vec());
        }
        if root(&a) == Some(Op::Inv) {
            return self.rewrite_binary(Op::Div, b, a[..a.len() - 1].to_vec());
        }
        let (a, b) = ordered(a, b, true);
        // c₁ · (c₂ · x) → (c₁c₂) · x, real constants only.
        if let (Some((c1, f1)), Some(Op::Mul)) = (constant(&a), root(&b)) {
            let (inner, x) = operands(b.clone());
            if let Some(form) = constant(&inner).and_then(|(c2, f2)| fold_form(Op::Mul, f1, Some(f2), c1 * c2)) {
                let c2 = constant(&inner).map_or(1.0, |(c2, _)| c2);
                return self.emit(Op::Mul, vec![Node::with_form(c1 * c2, form)], Some(x));
            }
        }
        self.emit(Op::Mul, a, Some(b));
    }

    fn div(&mut self, a: Tree, b: Tree, vb: Option<f64>) {
        match vb {
            Some(1.0) => return self.push(a),
            Some(-1.0) => return self.rewrite_unary(Op::Neg, a),
            _ => {}
        }
        if let Some(x) = negated(&a) {
            self.rewrite_binary(Op::Div, x.to_vec(), b);
            return self.apply_to_top(Op::Neg);
        }
        if let Some(y) = negated(&b) {
            self.rewrite_binary(Op::Div, a, y.to_vec());
            return self.apply_to_top(Op::Neg);
        }
        if constant(&a).is_some_and(|(v, _)| v == 1.0) {
            return self.rewrite_unary(Op::Inv, b);
        }
        if root(&b) == Some(Op::Inv) {
            return self.rewrite_binary(Op::Mul, a, b[..b.len() - 1].to_vec());
        }
        self.emit(Op::Div, a, Some(b))
    }

    fn pow(&mut self, a: Tree, b: Tree, vb: Option<f64>) {
        match vb {
            Some(1.0) => self.push(a),
            Some(0.0) => self.constant(1.0, Form::Integer),
            Some(2.0) => self.rewrite_unary(Op::Square, a),
            Some(3.0) => self.rewrite_unary(Op::Cube, a),
            Some(-1.0) => self.rewrite_unary(Op::Inv, a),
            _ => self.emit(Op::Pow, a, Some(b)),
        }
    }
}

/// The constant, if the tree is a single constant node.
fn constant(tree: &[Node]) -> Option<(f64, Form)> {
    match tree {
        [node] => match node.kind {
            Kind::Const(value, form) => Some((value, form)),
            _ => None,
        },
        _ => None,
    }
}

fn negatable_constant(tree: &[Node]) -> bool {
    constant(tree).is_some_and(|(_, form)| form.negated().is_some())
}

fn root(tree: &[Node]) -> Option<Op> {
    match tree.last()?.kind {
        Kind::Op(op) => Some(op),
        _ => None,
    }
}

/// `x` when the tree is `−x`.
fn negated(tree: &[Node]) -> Option<&[Node]> {
    (root(tree) == Some(Op::Neg)).then(|| &tree[..tree.len() - 1])
}

/// The two operands of a binary root.
fn operands(mut tree: Tree) -> (Tree, Tree) {
    tree.pop();
    let b_len = tree.last().map_or(0, |n| usize::from(n.len)).min(tree.len());
    let b = tree.split_off(tree.len() - b_len);
    (tree, b)
}

/// The form of a folded constant, or `None` to leave the operation unfolded: operands must be
/// real or integer constants, except that negation keeps any negatable form (−3/2 stays a
/// rational). Sums, differences and products of integers that stay exact integers are integers.
fn fold_form(op: Op, a: Form, b: Option<Form>, result: f64) -> Option<Form> {
    let plain = |f: Form| matches!(f, Form::Real | Form::Integer);
    if op == Op::Neg {
        return a.negated();
    }
    if !plain(a) || !b.is_none_or(plain) {
        return None;
    }
    let integers = a == Form::Integer && b.is_none_or(|b| b == Form::Integer);
    let exact = result.fract() == 0.0 && result.abs() <= 9007199254740992.0;
    if integers && exact && matches!(op, Op::Add | Op::Sub | Op::Mul | Op::Square | Op::Cube | Op::Abs) {
        Some(Form::Integer)
    } else {
        Some(Form::Real)
    }
}

/// The operands of a commutative operator in canonical order: a lone constant goes first in a
/// product (`2*x`) and last in a sum (`x + 2`); otherwise by [`compare`].
fn ordered(a: Tree, b: Tree, constant_first: bool) -> (Tree, Tree) {
    let (ka, kb) = (constant(&a).is_some(), constant(&b).is_some());
    let swap = if ka != kb { ka != constant_first } else { compare(&a, &b) == Ordering::Greater };
    if swap {
        (b, a)
    } else {
        (a, b)
    }
}

/// A total order on trees: by root, then size, then node by node from the root down.
fn compare(a: &[Node], b: &[Node]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| {
        a.iter().rev().zip(b.iter().rev()).map(|(x, y)| key_cmp(x, y)).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
    })
}

fn key_cmp(x: &Node, y: &Node) -> Ordering {
    let rank = |n: &Node| match n.kind {
        Kind::Var(_) => 0,
        Kind::Op(_) => 1,
        Kind::Const(..) => 2,
    };
    rank(x).cmp(&rank(y)).then_with(|| match (x.kind, y.kind) {
        (Kind::Var(i), Kind::Var(j)) => i.cmp(&j),
        (Kind::Op(p), Kind::Op(q)) => p.cmp(&q),
        (Kind::Const(u, _), Kind::Const(v, _)) => u.total_cmp(&v),
        _ => Ordering::Equal,
    })
}

#[cfg(test)]
#[path = "simplify_tests.rs"]
mod tests;
