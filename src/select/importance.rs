//! Importance in bits under a fitted model: how much longer the target's code gets when a column
//! is shuffled (permutation importance, Breiman 2001, measured in bits), and the support a
//! network's first layer gives each input (the share of its absolute weight on standardised
//! inputs; a pruned network's zero-support inputs are the ones it dropped).

use ndarray::Array2;
use rayon::prelude::*;

use crate::compress::Judge;
use crate::model::Mlp;
use crate::random::Rng;

/// Bits the data code grows by when each feature's column is shuffled, on the test rows (or the
/// training rows when fewer than 20 are held out): a column the model does not use costs nothing
/// when shuffled; negative values are noise.
pub fn permutation_bits(model: &Mlp, judge: &Judge, seed: u64) -> Vec<f64> {
    let dataset = judge.dataset();
    let (train, test) = judge.rows();
    let (x, rows) = if dataset.test.len() >= 20 { (test, &dataset.test) } else { (train, &dataset.train) };
    let base = judge.bits_on(model, x, rows);
    (0..x.ncols())
        .into_par_iter()
        .map(|j| {
            let mut order: Vec<usize> = (0..x.nrows()).collect();
            Rng::stream(seed, j as u64).shuffle(&mut order);
            let mut shuffled: Array2<f32> = x.clone();
            for (i, &from) in order.iter().enumerate() {
                shuffled[[i, j]] = x[[from, j]];
            }
            judge.bits_on(model, &shuffled, rows) - base
        })
        .collect()
}

/// Each input's share of the first layer's absolute weights (sums to 1; all 0 for an empty
/// layer).
pub fn support(model: &Mlp) -> Vec<f64> {
    let Some(first) = model.layers.first() else { return Vec::new() };
    let per_input: Vec<f64> =
        first.weights.columns().into_iter().map(|c| c.iter().map(|w| w.abs() as f64).sum()).collect();
    let total: f64 = per_input.iter().sum();
    per_input.iter().map(|v| if total > 0.0 { v / total } else { 0.0 }).collect()
}

/// The features to keep, by descending `score`: the top `k`, or the fewest whose scores (the
/// positive ones) add up to `share` of the total. Ties keep the earlier column; at least one.
pub fn choose(score: &[f64], k: Option<usize>, share: Option<f64>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..score.len()).collect();
    order.sort_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));
    let keep = match (k, share) {
        (Some(k), _) => k.clamp(1, score.len().max(1)),
        (None, Some(share)) => {
            let total: f64 = score.iter().map(|s| s.max(0.0)).sum();
            let mut sum = 0.0;
            let mut n = 0;
            for &j in &order {
                if total <= 0.0 || sum >= share * total {
                    break;
                }
                sum += score[j].max(0.0);
                n += 1;
            }
            n.max(1)
        }
        (None, None) => score.len(),
    };
    let mut chosen: Vec<usize> = order.into_iter().take(keep).collect();
    chosen.sort_unstable();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choose_by_count_and_by_share() {
        let s = [0.1, 5.0, -0.2, 3.0, 1.0];
        assert_eq!(choose(&s, Some(2), None), vec![1, 3]);
        assert_eq!(choose(&s, None, Some(0.8)), vec![1, 3]);
        assert_eq!(choose(&s, None, Some(0.95)), vec![1, 3, 4]);
        assert_eq!(choose(&[0.0, 0.0], None, Some(0.9)), vec![0]);
    }
}
