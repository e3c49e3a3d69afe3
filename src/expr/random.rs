//! Random formulas from a seeded generator: the material of the property tests (fast evaluator
//! against the oracle, print → parse, simplification) and of the throughput benchmark. A search
//! has its own initialisation; this one only promises valid trees of bounded size.

use rand_core::RngCore;

use super::node::{Form, Node};
use super::op::{Op, OpSet};
use super::Expr;

/// What random formulas are made of.
#[derive(Debug, Clone, Copy)]
pub struct Grammar {
    pub ops: OpSet,
    /// Variables are drawn from `0..vars` (no variables when 0).
    pub vars: u16,
    /// Probability that a leaf is a variable rather than a constant.
    pub var_probability: f64,
}

impl Grammar {
    pub fn new(ops: OpSet, vars: u16) -> Self {
        Grammar { ops, vars, var_probability: 0.7 }
    }
}

/// A random formula of at most `max_len` nodes (at least 1; capped at 4,096). Its size is drawn
/// uniformly, then operators are drawn from the grammar until the size is spent.
pub fn random_expr(rng: &mut impl RngCore, grammar: &Grammar, max_len: usize) -> Expr {
    let max_len = max_len.clamp(1, 4096);
    let size = 1 + (rng.next_u64() % max_len as u64) as usize;
    let mut nodes = Vec::with_capacity(size);
    grow(rng, grammar, size, &mut nodes);
    let mut expr = Expr { nodes };
    // `grow` builds exactly one tree, so this cannot fail.
    let _ = expr.recompute_lengths();
    expr
}

/// Appends a subtree of at most `budget` nodes in postfix order.
fn grow(rng: &mut impl RngCore, grammar: &Grammar, budget: usize, nodes: &mut Vec<Node>) {
    let unary: Vec<Op> = grammar.ops.with_arity(1).collect();
    let binary: Vec<Op> = grammar.ops.with_arity(2).collect();
    let can_binary = budget >= 3 && !binary.is_empty();
    let can_unary = budget >= 2 && !unary.is_empty();
    if !can_binary && !can_unary {
        nodes.push(leaf(rng, grammar));
        return;
    }
    // Prefer binary operators two to one, so that trees branch.
    let use_binary = can_binary && (!can_unary || rng.next_u64() % 3 != 0);
    if use_binary {
        let left = 1 + (rng.next_u64() % (budget as u64 - 2)) as usize;
        grow(rng, grammar, left, nodes);
        grow(rng, grammar, budget - 1 - left, nodes);
        nodes.push(Node::op(pick(rng, &binary)));
    } else {
        grow(rng, grammar, budget - 1, nodes);
        nodes.push(Node::op(pick(rng, &unary)));
    }
}

fn leaf(rng: &mut impl RngCore, grammar: &Grammar) -> Node {
    if grammar.vars > 0 && uniform(rng) < grammar.var_probability {
        return Node::var((rng.next_u64() % u64::from(grammar.vars)) as u16);
    }
    match rng.next_u64() % 4 {
        0 => Node::with_form((rng.next_u64() % 7) as f64 - 3.0, Form::Integer),
        _ => Node::constant((uniform(rng) * 10.0 - 5.0) * 0.999),
    }
}

fn pick(rng: &mut impl RngCore, ops: &[Op]) -> Op {
    ops[(rng.next_u64() % ops.len() as u64) as usize]
}

/// A uniform draw from [0, 1).
pub fn uniform(rng: &mut impl RngCore) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}
