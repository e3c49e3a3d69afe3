//! Low-rank factors W ≈ (U·Σ)·Vᵀ from the singular value decomposition (nalgebra's, in f64 so the
//! factors rounded to f32 do not depend on the platform's last-bit differences).

use nalgebra::DMatrix;
use ndarray::Array2;

/// The rank-`rank` factors (outputs × r, r × inputs) of `w` (outputs × inputs), r clamped to
/// 1..=min(outputs, inputs); the best approximation in the Frobenius norm (Eckart–Young).
pub fn factor(w: &Array2<f32>, rank: usize) -> (Array2<f32>, Array2<f32>) {
    let (o, i) = w.dim();
    let r = rank.clamp(1, o.min(i).max(1));
    let m = DMatrix::from_fn(o, i, |a, b| w[[a, b]] as f64);
    let svd = m.svd(true, true);
    let (u, vt) = (svd.u.expect("asked for U"), svd.v_t.expect("asked for Vᵀ"));
    // nalgebra does not sort the singular values; take the r largest in a stable order.
    let mut order: Vec<usize> = (0..svd.singular_values.len()).collect();
    order.sort_by(|&a, &b| svd.singular_values[b].total_cmp(&svd.singular_values[a]).then(a.cmp(&b)));
    let mut left = Array2::zeros((o, r));
    let mut right = Array2::zeros((r, i));
    for (k, &s) in order.iter().take(r).enumerate() {
        let sigma = svd.singular_values[s];
        // Split Σ evenly (√σ each side) so both factors have similar ranges for quantisation.
        let root = libm::sqrt(sigma);
        for a in 0..o {
            left[[a, k]] = (u[(a, s)] * root) as f32;
        }
        for b in 0..i {
            right[[k, b]] = (vt[(s, b)] * root) as f32;
        }
    }
    (left, right)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rank_two_matrix_is_recovered_at_rank_two() {
        let w =
            Array2::from_shape_fn((6, 5), |(a, b)| (a as f32 + 1.0) * (b as f32 - 2.0) + (a % 2) as f32 * (b as f32));
        let (l, r) = factor(&w, 2);
        let back = l.dot(&r);
        for (x, y) in w.iter().zip(back.iter()) {
            assert!((x - y).abs() < 1e-4, "{x} vs {y}");
        }
        let (l1, r1) = factor(&w, 1);
        let err1: f32 = (&w - &l1.dot(&r1)).iter().map(|d| d * d).sum();
        assert!(err1 > 1e-2);
    }
}
