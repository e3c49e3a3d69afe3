//! Magnitude pruning: the smallest |w| of a tensor set to zero (Han et al. 2015, "Learning both
//! weights and connections").

use ndarray::Array2;

/// Which weights to keep at a sparsity in [0, 0.99]: the largest magnitudes, ties broken by
/// position so the mask is a function of the weights alone.
pub fn magnitude_mask(w: &Array2<f32>, sparsity: f64) -> Array2<bool> {
    let n = w.len();
    let drop = ((sparsity.clamp(0.0, 0.99)) * n as f64).round() as usize;
    let mut order: Vec<usize> = (0..n).collect();
    let flat: Vec<f32> = w.iter().copied().collect();
    order.sort_by(|&a, &b| flat[a].abs().total_cmp(&flat[b].abs()).then(a.cmp(&b)));
    let mut keep = vec![true; n];
    for &i in &order[..drop.min(n)] {
        keep[i] = false;
    }
    Array2::from_shape_vec(w.raw_dim(), keep).expect("the mask has the weights' shape")
}

/// `w` with the weights `keep` drops set to 0.
pub fn apply_mask(w: &Array2<f32>, keep: &Array2<bool>) -> Array2<f32> {
    let mut out = w.clone();
    out.zip_mut_with(keep, |v, &k| {
        if !k {
            *v = 0.0;
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_the_smallest() {
        let w = Array2::from_shape_vec((2, 3), vec![0.1f32, -5.0, 0.3, -0.2, 4.0, 0.0]).unwrap();
        let keep = magnitude_mask(&w, 0.5);
        assert_eq!(keep.iter().filter(|k| **k).count(), 3);
        let kept = apply_mask(&w, &keep);
        assert_eq!(kept.iter().copied().collect::<Vec<_>>(), vec![0.0, -5.0, 0.3, 0.0, 4.0, 0.0]);
        assert!(magnitude_mask(&w, 0.0).iter().all(|k| *k));
    }
}
