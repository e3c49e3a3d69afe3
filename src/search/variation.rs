//! Small edits that make new formulas from old ones: subtree crossover; point, subtree, hoist,
//! insertion and deletion mutations; and for constants the arithmetic crossover
//! c = a + λ(b − a) and the Gaussian mutation c' = c + ε·N(0, 1) of the seed pipeline.
//!
//! A formula is a postfix vector where each node knows its subtree's length, so every edit is
//! a splice of slices ([`Expr::replace_subtree`]). Edits that would exceed the length limit or
//! have nothing to act on return `None`; the caller then tries another.

use crate::expr::{Expr, Form, Kind, Node, Op, OpSet};
use crate::random::Rng;

/// What formulas may be made of.
#[derive(Debug, Clone)]
pub struct Grammar {
    pub unary: Vec<Op>,
    pub binary: Vec<Op>,
    /// Variables are 0..vars.
    pub vars: u16,
    pub max_len: usize,
}

impl Grammar {
    pub fn new(ops: OpSet, vars: u16, max_len: usize) -> Grammar {
        Grammar { unary: ops.with_arity(1).collect(), binary: ops.with_arity(2).collect(), vars, max_len }
    }

    /// A leaf: mostly a variable; otherwise a small integer or a real constant.
    pub fn leaf(&self, rng: &mut Rng) -> Node {
        if self.vars > 0 && rng.chance(0.75) {
            return Node::var(rng.below(self.vars as usize) as u16);
        }
        if rng.chance(0.4) {
            Node::with_form((1 + rng.below(3)) as f64, Form::Integer)
        } else {
            Node::constant(rng.normal() * 2.0)
        }
    }

    /// A random tree of at most `budget` nodes, grown to a random size.
    pub fn tree(&self, rng: &mut Rng, budget: usize) -> Vec<Node> {
        let size = 1 + rng.below(budget.max(1));
        let mut nodes = Vec::with_capacity(size);
        self.grow(rng, size, &mut nodes);
        nodes
    }

    fn grow(&self, rng: &mut Rng, budget: usize, nodes: &mut Vec<Node>) {
        let can_binary = budget >= 3 && !self.binary.is_empty();
        let can_unary = budget >= 2 && !self.unary.is_empty();
        if !can_binary && !can_unary {
            nodes.push(self.leaf(rng));
            return;
        }
        let start = nodes.len();
        if can_binary && (!can_unary || rng.chance(0.7)) {
            let left = 1 + rng.below(budget - 2);
            self.grow(rng, left, nodes);
            self.grow(rng, budget - 1 - left, nodes);
            let op = *rng.pick(&self.binary).expect("checked non-empty");
            nodes.push(Node { kind: Kind::Op(op), len: (nodes.len() - start + 1) as u16 });
        } else {
            self.grow(rng, budget - 1, nodes);
            let op = *rng.pick(&self.unary).expect("checked non-empty");
            nodes.push(Node { kind: Kind::Op(op), len: (nodes.len() - start + 1) as u16 });
        }
    }
}

/// A node index, preferring operators (90 %) as Koza advised: picking leaves too often makes
/// crossover swap single leaves.
fn pick_node(expr: &Expr, rng: &mut Rng, prefer_ops: bool) -> usize {
    let n = expr.len();
    if prefer_ops && rng.chance(0.9) {
        let ops: Vec<usize> = (0..n).filter(|&i| !expr.nodes[i].is_leaf()).collect();
        if let Some(&i) = rng.pick(&ops) {
            return i;
        }
    }
    rng.below(n)
}

fn fits(expr: Expr, grammar: &Grammar) -> Option<Expr> {
    (expr.len() <= grammar.max_len && !expr.is_empty()).then_some(expr)
}

/// Subtree crossover: a subtree of `a` replaced by a subtree of `b`.
pub fn crossover(a: &Expr, b: &Expr, rng: &mut Rng, grammar: &Grammar) -> Option<Expr> {
    let i = pick_node(a, rng, true);
    let j = pick_node(b, rng, true);
    let donor = b.subtree(j).ok()?;
    fits(a.replace_subtree(i, &b.nodes[donor]).ok()?, grammar)
}

/// Point mutation: one node changed in place (an operator for another of its arity, a variable
/// for another, a constant perturbed).
pub fn point(a: &Expr, rng: &mut Rng, grammar: &Grammar) -> Option<Expr> {
    let i = pick_node(a, rng, false);
    let mut e = a.clone();
    let node = &mut e.nodes[i];
    node.kind = match node.kind {
        Kind::Op(op) => {
            let same: &[Op] = if op.arity() == 2 { &grammar.binary } else { &grammar.unary };
            Kind::Op(*rng.pick(same)?)
        }
        Kind::Var(_) => grammar.leaf(rng).kind,
        Kind::Const(value, _) => Kind::Const(gaussian(value, rng), Form::Real),
    };
    Some(e)
}

/// Subtree mutation: a subtree replaced by a new random one.
pub fn subtree(a: &Expr, rng: &mut Rng, grammar: &Grammar) -> Option<Expr> {
    let i = pick_node(a, rng, false);
    let room = grammar.max_len.saturating_sub(a.len() - a.nodes[i].len as usize);
    let fresh = grammar.tree(rng, room.clamp(1, 12));
    fits(a.replace_subtree(i, &fresh).ok()?, grammar)
}

/// Hoist: a subtree replaced by one of its own subtrees (the formula shrinks).
pub fn hoist(a: &Expr, rng: &mut Rng) -> Option<Expr> {
    let i = pick_node(a, rng, true);
    let range = a.subtree(i).ok()?;
    if range.len() < 2 {
        return None;
    }
    let j = range.start + rng.below(range.len() - 1);
    let inner = a.subtree(j).ok()?;
    a.replace_subtree(i, &a.nodes[inner]).ok()
}

/// Insertion: a subtree wrapped in a new operator (a unary one, or a binary one with a new leaf
/// on a random side).
pub fn insert(a: &Expr, rng: &mut Rng, grammar: &Grammar) -> Option<Expr> {
    let i = pick_node(a, rng, false);
    let range = a.subtree(i).ok()?;
    let mut wrapped: Vec<Node> = a.nodes[range].to_vec();
    let use_unary = !grammar.unary.is_empty() && (grammar.binary.is_empty() || rng.chance(0.4));
    if use_unary {
        wrapped.push(Node::op(*rng.pick(&grammar.unary)?));
    } else {
        let leaf = grammar.leaf(rng);
        if rng.chance(0.5) {
            wrapped.push(leaf);
        } else {
            wrapped.insert(0, leaf);
        }
        wrapped.push(Node::op(*rng.pick(&grammar.binary)?));
    }
    fits(a.replace_subtree(i, &wrapped).ok()?, grammar)
}

/// Deletion: an operator replaced by one of its operands.
pub fn delete(a: &Expr, rng: &mut Rng) -> Option<Expr> {
    let ops: Vec<usize> = (0..a.len()).filter(|&i| !a.nodes[i].is_leaf()).collect();
    let &i = rng.pick(&ops)?;
    let children = a.children(i).ok()?;
    let child = rng.pick(&children)?.clone();
    a.replace_subtree(i, &a.nodes[child]).ok()
}

/// Gaussian mutation of every constant: c' = c + ε·N(0, 1), with ε proportional to |c| (and
/// never zero), so large and small constants move on their own scale.
pub fn constants(a: &Expr, rng: &mut Rng) -> Option<Expr> {
    if a.num_constants() == 0 {
        return None;
    }
    let mut e = a.clone();
    for node in e.nodes.iter_mut() {
        if let Kind::Const(value, form) = &mut node.kind {
            if rng.chance(0.5) {
                *value = gaussian(*value, rng);
                *form = Form::Real;
            }
        }
    }
    Some(e)
}

/// Arithmetic crossover of constants, c = a + λ(b − a) with λ ~ U(0, 1), between two formulas
/// of the same shape (their constants pair up by position). None when the shapes differ.
pub fn blend(a: &Expr, b: &Expr, rng: &mut Rng) -> Option<Expr> {
    if a.len() != b.len() || a.num_constants() == 0 {
        return None;
    }
    let same_shape = a.nodes.iter().zip(&b.nodes).all(|(x, y)| match (x.kind, y.kind) {
        (Kind::Const(..), Kind::Const(..)) => true,
        (p, q) => p == q,
    });
    if !same_shape {
        return None;
    }
    let lambda = rng.uniform();
    let mut e = a.clone();
    for (node, other) in e.nodes.iter_mut().zip(&b.nodes) {
        if let (Kind::Const(x, form), Kind::Const(y, _)) = (&mut node.kind, other.kind) {
            if *x != y {
                *x += lambda * (y - *x);
                *form = Form::Real;
            }
        }
    }
    Some(e)
}

fn gaussian(value: f64, rng: &mut Rng) -> f64 {
    let scale = 0.1 * value.abs().max(0.1);
    value + scale * rng.normal()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;

    fn grammar() -> Grammar {
        Grammar::new(OpSet::DEFAULT, 2, 30)
    }

    #[test]
    fn every_edit_gives_a_valid_formula_within_the_limit() {
        let g = grammar();
        let mut rng = Rng::new(11);
        let mut pool: Vec<Expr> = ["x * sqrt(y) + 1.5", "sin(x) / (y - 2)", "x", "3"]
            .iter()
            .map(|t| parse(t, &["x", "y"]).unwrap())
            .collect();
        for round in 0..4000 {
            let a = pool[rng.below(pool.len())].clone();
            let b = pool[rng.below(pool.len())].clone();
            let child = match round % 8 {
                0 => crossover(&a, &b, &mut rng, &g),
                1 => point(&a, &mut rng, &g),
                2 => subtree(&a, &mut rng, &g),
                3 => hoist(&a, &mut rng),
                4 => insert(&a, &mut rng, &g),
                5 => delete(&a, &mut rng),
                6 => constants(&a, &mut rng),
                _ => blend(&a, &a.clone(), &mut rng),
            };
            if let Some(child) = child {
                child.validate().unwrap_or_else(|e| panic!("round {round}: {e:?}"));
                assert!(child.len() <= g.max_len);
                if pool.len() < 64 {
                    pool.push(child);
                } else {
                    let k = rng.below(pool.len());
                    pool[k] = child;
                }
            }
        }
    }

    #[test]
    fn blend_moves_constants_between_parents() {
        let a = parse("2 * x + 1", &["x"]).unwrap();
        let b = parse("4 * x + 3", &["x"]).unwrap();
        let c = blend(&a, &b, &mut Rng::new(3)).unwrap();
        let values: Vec<f64> = c.constants().collect();
        assert!(values[0] > 2.0 && values[0] < 4.0 && (values[1] - values[0] + 1.0).abs() < 1e-12, "{values:?}");
        assert!(blend(&a, &parse("x * x", &["x"]).unwrap(), &mut Rng::new(3)).is_none());
    }
}
