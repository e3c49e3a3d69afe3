//! The Pareto archive: the formulas no other formula beats on both model bits and data bits.
//! It is the search's memory (islands forget, the archive does not) and its result: the front
//! shown on the MDL plot.

use super::individual::Individual;

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
        if self.members.iter().any(|m| m.score.model_bits <= s.model_bits && m.score.data_bits <= s.data_bits) {
            return false;
        }
        self.members.retain(|m| {
            let dominates = s.model_bits <= m.score.model_bits && s.data_bits <= m.score.data_bits;
            !dominates
        });
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
    use crate::search::individual::Score;

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
