//! Structure queries on a postfix [`Expr`]: validity, subtree ranges, children, depth, and the
//! constants and variables a formula uses. The search builds its variation operators from these
//! (a subtree is a range of the node vector, so crossover is a splice).

use std::ops::Range;

use super::error::ExprError;
use super::node::{Kind, Node};
use super::Expr;

/// What a validation pass learns besides "well formed": enough to size an evaluator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// The most subtrees alive at once while evaluating left to right.
    pub stack_depth: usize,
    /// The largest variable index read, if any variable is.
    pub max_var: Option<u16>,
}

impl Expr {
    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Checks arities and stored lengths.
    pub fn validate(&self) -> Result<(), ExprError> {
        self.shape().map(|_| ())
    }

    /// Checks the vector and reports the evaluation stack depth and the largest variable read.
    pub fn shape(&self) -> Result<Shape, ExprError> {
        let lengths = subtree_lengths(&self.nodes)?;
        for (index, (node, &actual)) in self.nodes.iter().zip(&lengths).enumerate() {
            if usize::from(node.len) != actual {
                return Err(ExprError::WrongLength { index, stored: node.len, actual });
            }
        }
        let mut depth = 0usize;
        let mut stack_depth = 0;
        let mut max_var = None;
        for node in &self.nodes {
            depth = depth + 1 - node.arity();
            stack_depth = stack_depth.max(depth);
            if let Kind::Var(j) = node.kind {
                max_var = max_var.max(Some(j));
            }
        }
        Ok(Shape { stack_depth, max_var })
    }

    /// The formula with each variable j replaced by `sources[j]`: a formula over derived
    /// features (dimensionless groups, a symmetry's combination) written over the originals.
    /// None if a variable has no source.
    pub fn substitute(&self, sources: &[Expr]) -> Option<Expr> {
        let mut nodes = Vec::with_capacity(self.len() * 2);
        for node in &self.nodes {
            match node.kind {
                Kind::Var(j) => nodes.extend_from_slice(&sources.get(usize::from(j))?.nodes),
                _ => nodes.push(*node),
            }
        }
        let mut e = Expr { nodes };
        e.recompute_lengths().ok()?;
        Some(e)
    }

    /// Rewrites every stored length from the arities, after an edit that changed the size of a
    /// subtree (its ancestors' lengths are then stale). Fails only if the arities do not form one
    /// tree.
    pub fn recompute_lengths(&mut self) -> Result<(), ExprError> {
        let lengths = subtree_lengths(&self.nodes)?;
        for (node, len) in self.nodes.iter_mut().zip(lengths) {
            // `subtree_lengths` refuses vectors longer than u16::MAX, so this never saturates.
            node.len = u16::try_from(len).unwrap_or(u16::MAX);
        }
        Ok(())
    }

    /// The node range of the subtree rooted at `index`: `index + 1 - len .. index + 1`.
    pub fn subtree(&self, index: usize) -> Result<Range<usize>, ExprError> {
        let node = self.node(index)?;
        let start = (index + 1)
            .checked_sub(usize::from(node.len))
            .filter(|_| node.len > 0)
            .ok_or(ExprError::WrongLength { index, stored: node.len, actual: 0 })?;
        Ok(start..index + 1)
    }

    /// The subtree ranges of the operands of the node at `index`, first operand first (empty for
    /// a leaf).
    pub fn children(&self, index: usize) -> Result<Vec<Range<usize>>, ExprError> {
        let node = self.node(index)?;
        let mut children = Vec::with_capacity(node.arity());
        let mut end = index;
        for _ in 0..node.arity() {
            let child = end.checked_sub(1).ok_or(ExprError::NoSuchNode { index: end, nodes: self.nodes.len() })?;
            let range = self.subtree(child)?;
            end = range.start;
            children.push(range);
        }
        children.reverse();
        Ok(children)
    }

    /// Replaces the subtree rooted at `index` with `replacement` (itself a well-formed
    /// subtree), fixing the ancestors' lengths: the splice at the heart of crossover and subtree
    /// mutation.
    pub fn replace_subtree(&self, index: usize, replacement: &[Node]) -> Result<Expr, ExprError> {
        let range = self.subtree(index)?;
        let mut nodes = Vec::with_capacity(self.nodes.len() - range.len() + replacement.len());
        nodes.extend_from_slice(&self.nodes[..range.start]);
        nodes.extend_from_slice(replacement);
        nodes.extend_from_slice(&self.nodes[range.end..]);
        let mut expr = Expr { nodes };
        expr.recompute_lengths()?;
        Ok(expr)
    }

    /// Levels from the root to the deepest leaf (a lone leaf has depth 1; 0 when empty).
    pub fn depth(&self) -> usize {
        let mut stack: Vec<usize> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let arity = node.arity().min(stack.len());
            let deepest = stack.drain(stack.len() - arity..).max().unwrap_or(0);
            stack.push(deepest + 1);
        }
        stack.into_iter().max().unwrap_or(0)
    }

    /// How many constant nodes the formula has.
    pub fn num_constants(&self) -> usize {
        self.nodes.iter().filter(|n| matches!(n.kind, Kind::Const(..))).count()
    }

    /// The constants' values in node order, for constant tuning to read.
    pub fn constants(&self) -> impl Iterator<Item = f64> + '_ {
        self.nodes.iter().filter_map(Node::value)
    }

    /// The constants' values in node order, for constant tuning to write.
    pub fn constants_mut(&mut self) -> impl Iterator<Item = &mut f64> {
        self.nodes.iter_mut().filter_map(|n| match &mut n.kind {
            Kind::Const(value, _) => Some(value),
            _ => None,
        })
    }

    /// The distinct variable indices read, ascending.
    pub fn variables(&self) -> Vec<u16> {
        let mut vars: Vec<u16> = self
            .nodes
            .iter()
            .filter_map(|n| match n.kind {
                Kind::Var(j) => Some(j),
                _ => None,
            })
            .collect();
        vars.sort_unstable();
        vars.dedup();
        vars
    }

    fn node(&self, index: usize) -> Result<&Node, ExprError> {
        self.nodes.get(index).ok_or(ExprError::NoSuchNode { index, nodes: self.nodes.len() })
    }
}

/// The length each node's subtree must have, from the arities alone; checks that the vector is
/// one tree.
fn subtree_lengths(nodes: &[Node]) -> Result<Vec<usize>, ExprError> {
    if nodes.is_empty() {
        return Err(ExprError::Empty);
    }
    if nodes.len() > usize::from(u16::MAX) {
        return Err(ExprError::TooLong { nodes: nodes.len() });
    }
    let mut lengths = Vec::with_capacity(nodes.len());
    let mut stack: Vec<usize> = Vec::with_capacity(nodes.len());
    for (index, node) in nodes.iter().enumerate() {
        let arity = node.arity();
        if let Kind::Op(op) = node.kind {
            if stack.len() < arity {
                return Err(ExprError::MissingOperand { index, op, available: stack.len() });
            }
        }
        let len = 1 + stack.drain(stack.len() - arity..).sum::<usize>();
        stack.push(len);
        lengths.push(len);
    }
    match stack.len() {
        1 => Ok(lengths),
        roots => Err(ExprError::SeveralRoots { roots }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{Node, Op};

    /// (x0 + 2) * sin(x1)
    fn sample() -> Expr {
        let sum = Expr::binary(Op::Add, Expr::var(0), Expr::constant(2.0));
        Expr::binary(Op::Mul, sum, Expr::unary(Op::Sin, Expr::var(1)))
    }

    #[test]
    fn builders_make_valid_trees_with_subtree_lengths() {
        let e = sample();
        let lens: Vec<u16> = e.nodes.iter().map(|n| n.len).collect();
        assert_eq!(lens, [1, 1, 3, 1, 2, 6]);
        assert_eq!(e.shape().unwrap(), Shape { stack_depth: 2, max_var: Some(1) });
        assert_eq!(e.subtree(2).unwrap(), 0..3);
        assert_eq!(e.children(5).unwrap(), vec![0..3, 3..5]);
        assert_eq!(e.children(0).unwrap(), Vec::<Range<usize>>::new());
        assert_eq!(e.depth(), 3);
        assert_eq!(e.num_constants(), 1);
        assert_eq!(e.variables(), vec![0, 1]);
    }

    #[test]
    fn malformed_vectors_are_errors_not_panics() {
        assert_eq!(Expr::default().validate(), Err(ExprError::Empty));
        let lone_op = Expr { nodes: vec![Node::op(Op::Add)] };
        assert!(matches!(lone_op.validate(), Err(ExprError::MissingOperand { index: 0, .. })));
        let two = Expr { nodes: vec![Node::var(0), Node::var(1)] };
        assert_eq!(two.validate(), Err(ExprError::SeveralRoots { roots: 2 }));
        let mut stale = sample();
        stale.nodes[5].len = 4;
        assert!(matches!(stale.validate(), Err(ExprError::WrongLength { index: 5, .. })));
        stale.nodes[5].len = 0;
        assert!(stale.subtree(5).is_err());
        assert!(stale.children(9).is_err());
        stale.recompute_lengths().unwrap();
        assert_eq!(stale, sample());
        let mut zero_len = Expr::var(0);
        zero_len.nodes[0].len = 0;
        assert!(zero_len.validate().is_err() && zero_len.subtree(0).is_err());
    }

    #[test]
    fn replacing_a_subtree_fixes_ancestor_lengths() {
        let e = sample();
        let cube = Expr::unary(Op::Cube, Expr::var(2));
        let spliced = e.replace_subtree(4, &cube.nodes).unwrap();
        assert_eq!(spliced.subtree(5).unwrap(), 0..6);
        spliced.validate().unwrap();
        assert_eq!(spliced.variables(), vec![0, 2]);
    }

    #[test]
    fn a_node_fits_in_half_a_cache_line() {
        assert_eq!(std::mem::size_of::<Node>(), 32);
    }

    #[test]
    fn constants_can_be_tuned_in_place() {
        let mut e = sample();
        for c in e.constants_mut() {
            *c += 1.0;
        }
        assert_eq!(e.constants().collect::<Vec<_>>(), vec![3.0]);
    }
}
