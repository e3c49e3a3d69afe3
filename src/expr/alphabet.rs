//! The formula's alphabet and the code of its structure: what a token costs, in the search's
//! score and in the .occam file alike (one home for both).
//!
//! A formula is sent as its tokens in prefix order. Each token says first its arity, a leaf, a
//! unary or a binary operator, by a fixed prefix code, then which symbol of that class it is,
//! uniformly over the class: the features and one constant token for a leaf, the enabled
//! operators of that arity otherwise. With every class present the arities cost 1, 2 and 2 bits
//! (a leaf is "0", a unary operator "10", a binary one "11"); a class the alphabet lacks takes no
//! code space.
//!
//! Why arity first rather than one uniform choice over every symbol: a formula's tokens are
//! about half leaves (a tree with b binary operators has b + 1 leaves), yet a uniform alphabet of
//! fourteen operators, one feature and a constant gives the leaves 2 of its 16 symbols, an
//! eighth of the probability for half of what is sent. The arity code matches that shape, so a
//! law such as c·aᵏ or c₀ + c₁·e^(c₂t) costs 1.7 bits less a binary operator and 2 bits less for
//! its extra leaf, while a chain of unary operators (√√t) costs about 1.2 bits more a link. It is
//! a complete prefix code (Kraft sum 1 over any finite tree), so the score stays a file's length.

use super::node::Kind;
use super::op::{Op, OpSet};
use super::Expr;

/// A token's class, the first thing its code says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// A feature or the constant token.
    Leaf,
    Unary,
    Binary,
}

/// The symbols a formula may use on a table, and the length of each token's code.
#[derive(Debug, Clone, PartialEq)]
pub struct Alphabet {
    unary: Vec<Op>,
    binary: Vec<Op>,
    features: usize,
}

/// A token's codeword: its class's prefix bits, then `index` uniform over `size` symbols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub arity: Arity,
    /// The class's prefix code: `bits` (most significant first) of length `len`.
    pub prefix: (u64, u32),
    pub index: u64,
    pub size: u64,
}

impl Alphabet {
    /// The alphabet of a search over `features` prepared features with the operators `ops`.
    pub fn new(ops: OpSet, features: usize) -> Alphabet {
        Alphabet { unary: ops.with_arity(1).collect(), binary: ops.with_arity(2).collect(), features }
    }

    /// How many symbols a class holds: every feature and the one constant token for leaves,
    /// the enabled operators of that arity otherwise.
    pub fn size(&self, arity: Arity) -> u64 {
        match arity {
            Arity::Leaf => self.features as u64 + 1,
            Arity::Unary => self.unary.len() as u64,
            Arity::Binary => self.binary.len() as u64,
        }
    }

    /// The class's prefix code, or None if the alphabet has no symbol of that arity. Leaves come
    /// first with "0"; of the operators' classes, a lone one is "1", two are "10" and "11".
    pub fn prefix(&self, arity: Arity) -> Option<(u64, u32)> {
        let (unary, binary) = (!self.unary.is_empty(), !self.binary.is_empty());
        match arity {
            Arity::Leaf if !unary && !binary => Some((0, 0)),
            Arity::Leaf => Some((0b0, 1)),
            Arity::Unary if unary && binary => Some((0b10, 2)),
            Arity::Unary if unary => Some((0b1, 1)),
            Arity::Binary if unary && binary => Some((0b11, 2)),
            Arity::Binary if binary => Some((0b1, 1)),
            Arity::Unary | Arity::Binary => None,
        }
    }

    /// The codeword of one node's kind, or None for an operator outside the alphabet or a
    /// feature beyond it.
    pub fn token(&self, kind: &Kind) -> Option<Token> {
        let (arity, index) = match *kind {
            Kind::Var(j) if usize::from(j) < self.features => (Arity::Leaf, u64::from(j)),
            Kind::Var(_) => return None,
            Kind::Const(..) => (Arity::Leaf, self.features as u64),
            Kind::Op(op) if op.arity() == 2 => (Arity::Binary, self.binary.iter().position(|o| *o == op)? as u64),
            Kind::Op(op) => (Arity::Unary, self.unary.iter().position(|o| *o == op)? as u64),
        };
        Some(Token { arity, prefix: self.prefix(arity)?, index, size: self.size(arity) })
    }

    /// The kind a decoder makes of a class and an index within it (a constant's value comes
    /// later, with the constants); None if the index is outside the class.
    pub fn kind(&self, arity: Arity, index: u64) -> Option<Kind> {
        match arity {
            Arity::Leaf if index < self.features as u64 => Some(Kind::Var(index as u16)),
            Arity::Leaf if index == self.features as u64 => Some(Kind::Const(0.0, Default::default())),
            Arity::Leaf => None,
            Arity::Unary => self.unary.get(index as usize).map(|&op| Kind::Op(op)),
            Arity::Binary => self.binary.get(index as usize).map(|&op| Kind::Op(op)),
        }
    }

    /// Reads a class's prefix code bit by bit (`next` gives the next bit), as [`Alphabet::prefix`]
    /// wrote it.
    pub fn read_arity<E>(&self, mut next: impl FnMut() -> Result<bool, E>) -> Result<Arity, E> {
        let (unary, binary) = (!self.unary.is_empty(), !self.binary.is_empty());
        if !unary && !binary || !next()? {
            return Ok(Arity::Leaf);
        }
        Ok(match (unary, binary) {
            (true, true) if next()? => Arity::Binary,
            (true, _) => Arity::Unary,
            (false, _) => Arity::Binary,
        })
    }

    /// The bits of one node's token: its class's prefix and log₂ of the class's size; +∞ for a
    /// symbol outside the alphabet.
    pub fn token_bits(&self, kind: &Kind) -> f64 {
        match self.token(kind) {
            Some(t) => t.prefix.1 as f64 + libm::log2(t.size as f64),
            None => f64::INFINITY,
        }
    }

    /// The bits of a formula's structure: the sum of its tokens' (its constants' values are sent
    /// after, each by its own code).
    pub fn structure_bits(&self, expr: &Expr) -> f64 {
        expr.nodes.iter().map(|n| self.token_bits(&n.kind)).sum()
    }

    /// The bits of the constant token: what a leaf that is a constant costs before its value.
    pub fn constant_bits(&self) -> f64 {
        self.token_bits(&Kind::Const(0.0, Default::default()))
    }

    /// The bits of an operator's token (+∞ outside the alphabet).
    pub fn op_bits(&self, op: Op) -> f64 {
        self.token_bits(&Kind::Op(op))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, names: &[&str]) -> Expr {
        crate::expr::parse(text, names).expect("a valid formula")
    }

    /// The default alphabet on one feature: 5 binary and 9 unary operators, 2 leaves.
    #[test]
    fn token_lengths_match_a_hand_count() {
        let a = Alphabet::new(OpSet::DEFAULT, 1);
        assert_eq!(a.token_bits(&Kind::Var(0)), 2.0);
        assert_eq!(a.constant_bits(), 2.0);
        assert!((a.op_bits(Op::Mul) - (2.0 + libm::log2(5.0))).abs() < 1e-12);
        assert!((a.op_bits(Op::Sqrt) - (2.0 + libm::log2(9.0))).abs() < 1e-12);
        assert_eq!(a.op_bits(Op::Tanh), f64::INFINITY);
        assert_eq!(a.token_bits(&Kind::Var(1)), f64::INFINITY);
        // c·a^c: two binary operators and three leaves.
        let law = parse("2.5*a**1.5", &["a"]);
        assert!((a.structure_bits(&law) - (2.0 * (2.0 + libm::log2(5.0)) + 3.0 * 2.0)).abs() < 1e-12);
    }

    #[test]
    fn missing_classes_take_no_code_space() {
        let arith = Alphabet::new(OpSet::ARITH, 3);
        assert_eq!(arith.prefix(Arity::Leaf), Some((0, 1)));
        assert_eq!(arith.prefix(Arity::Binary), Some((1, 1)));
        assert_eq!(arith.prefix(Arity::Unary), None);
        assert_eq!(arith.token_bits(&Kind::Var(2)), 3.0);
        assert_eq!(arith.op_bits(Op::Add), 3.0);
        let bare = Alphabet::new(OpSet::EMPTY, 1);
        assert_eq!(bare.prefix(Arity::Leaf), Some((0, 0)));
        assert_eq!(bare.token_bits(&Kind::Var(0)), 1.0);
    }

    /// Kraft: over every alphabet shape, the classes' prefix codes and the uniform choice within
    /// each sum to probability one, and reading a prefix gives back its class.
    #[test]
    fn the_code_is_complete_and_reads_back() {
        for ops in [OpSet::EMPTY, OpSet::ARITH, OpSet::DEFAULT, OpSet::ALL, OpSet::of(&[Op::Sqrt, Op::Exp])] {
            for features in [0, 1, 4] {
                let a = Alphabet::new(ops, features);
                let mut kinds: Vec<Kind> = (0..features as u16).map(Kind::Var).collect();
                kinds.push(Kind::Const(1.0, Default::default()));
                kinds.extend(ops.iter().map(Kind::Op));
                let kraft: f64 = kinds.iter().map(|k| libm::exp2(-a.token_bits(k))).sum();
                assert!((kraft - 1.0).abs() < 1e-12, "{ops:?} over {features}: Kraft sum {kraft}");
                for kind in &kinds {
                    let t = a.token(kind).expect("in the alphabet");
                    let (bits, len) = t.prefix;
                    let mut i = len;
                    let arity = a
                        .read_arity(|| {
                            i -= 1;
                            Ok::<bool, ()>(bits >> i & 1 == 1)
                        })
                        .unwrap();
                    assert_eq!((arity, i), (t.arity, 0));
                    let back = a.kind(arity, t.index).expect("an index in the class");
                    assert_eq!(std::mem::discriminant(&back), std::mem::discriminant(kind));
                    if let (Kind::Op(x), Kind::Op(y)) = (back, *kind) {
                        assert_eq!(x, y);
                    }
                }
            }
        }
    }
}
