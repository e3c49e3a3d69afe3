//! The Pareto archive: the formulas no other formula beats on both model bits and data bits.
//! It is the search's memory (islands forget, the archive does not) and its result: the front
//! shown on the MDL plot.

use super::individual::{Individual, Score};

/// Data bits closer than this count as equal: a formula that fits a hair better (exp(log(x))
/// against x, say) must not buy its extra symbols with rounding noise.
pub const DATA_TOLERANCE_BITS: f64 = 0.5;

/// True if a point (model bits, data bits) at `q` dominates one at `p`: no worse on both counts
/// (data within [`DATA_TOLERANCE_BITS`]) and better on one, or equal and `first`.
pub fn dominates(q: (f64, f64), p: (f64, f64), first: bool) -> bool {
    let no_worse = q.0 <= p.0 && q.1 <= p.1 + DATA_TOLERANCE_BITS;
    let better = q.0 < p.0 || q.1 < p.1 - DATA_TOLERANCE_BITS;
    no_worse && (better || first)
}

/// Non-dominated formulas, one per structure, ordered by model bits.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    members: Vec<Individual>,
    capacity: usize,
}

impl Archive {
    pub fn new(capacity: usize) -> Archive {
        Archive { members: Vec::new(), capacity: capacity.max(1) }
    }

    pub fn members(&self) -> &[Individual] {
        &self.members
    }

    /// The member with the shortest total.
    pub fn best(&self) -> Option<&Individual> {
        self.members.iter().min_by(|a, b| a.score.total().total_cmp(&b.score.total()))
    }

    /// Offers a formula; returns true if it joined the front.
    pub fn offer(&mut self, candidate: &Individual) -> bool {
        let s = candidate.score;
        if !s.total().is_finite() {
            return false;
        }
        // A member at least as good on both counts (the same formula, or an equal score found
        // first) keeps its place.
        let point = |s: &Score| (s.model_bits, s.data_bits);
        if self.members.iter().any(|m| dominates(point(&m.score), point(&s), true)) {
            return false;
        }
        self.members.retain(|m| !dominates(point(&s), point(&m.score), false));
        let at = self.members.partition_point(|m| m.score.model_bits < s.model_bits);
        self.members.insert(at, candidate.clone());
        if self.members.len() > self.capacity {
            // Keep the simplest: the long tail of ever-larger formulas explains noise.
            self.members.truncate(self.capacity);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::Expr;

    fn ind(model: f64, data: f64, hash: u64) -> Individual {
        Individual { expr: Expr::var(0), score: Score { model_bits: model, data_bits: data }, hash }
    }

    #[test]
    fn keeps_only_the_front() {
        let mut a = Archive::new(10);
        assert!(a.offer(&ind(10.0, 100.0, 1)));
        assert!(a.offer(&ind(20.0, 50.0, 2)));
        assert!(!a.offer(&ind(25.0, 60.0, 3)), "dominated by (20, 50)");
        assert!(a.offer(&ind(15.0, 40.0, 4)), "dominates (20, 50)");
        let front: Vec<(f64, f64)> = a.members().iter().map(|m| (m.score.model_bits, m.score.data_bits)).collect();
        assert_eq!(front, vec![(10.0, 100.0), (15.0, 40.0)]);
        assert_eq!(a.best().unwrap().hash, 4);
        assert!(!a.offer(&ind(15.0, 40.0, 4)), "the same formula again");
    }
}
