//! A formula in a population, with its code length.

use crate::expr::Expr;

/// A formula's two-part code length, in bits.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Score {
    /// The formula: structure tokens and constants.
    pub model_bits: f64,
    /// The target given the formula: the residual code, σ included.
    pub data_bits: f64,
}

impl Score {
    /// A formula that cannot be scored (not finite on the data): worse than any other.
    pub const INVALID: Score = Score { model_bits: f64::INFINITY, data_bits: f64::INFINITY };

    pub fn total(&self) -> f64 {
        self.model_bits + self.data_bits
    }

    /// Shorter total first; on a tie, the smaller formula.
    pub fn better_than(&self, other: &Score) -> bool {
        self.total() < other.total() || (self.total() == other.total() && self.model_bits < other.model_bits)
    }
}

/// A member of an island or of the archive.
#[derive(Debug, Clone)]
pub struct Individual {
    pub expr: Expr,
    pub score: Score,
    /// The structure hash of the (simplified) formula, for deduplication.
    pub hash: u64,
}
