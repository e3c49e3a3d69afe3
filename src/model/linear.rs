//! Linear regression in closed form: the ridge normal equations in f64, solved by Cholesky.
//!
//! Training minimises (1/n)·Σ(z − y)² + (λ/2)·‖w‖² (the mean squared error plus the L2 penalty
//! whose gradient is λw, as [`super::train`] adds it); its minimum solves
//! (ZᵀZ + (nλ/2)·P)·β = Zᵀy, with Z the inputs and a column of ones, and P the identity with a
//! 0 for the intercept (the bias is not penalised). A singular system (collinear columns with
//! λ = 0) gets a small ridge, 1e-10 × the largest diagonal entry, growing until it factors.

/// The weights and intercept minimising the penalised mean squared error of x (rows × inputs,
/// row-major) against y; None when the system cannot be solved (non-finite data).
pub fn ridge(x: &[f32], y: &[f32], inputs: usize, decay: f64) -> Option<(Vec<f64>, f64)> {
    let rows = y.len();
    let d = inputs + 1;
    // ZᵀZ and Zᵀy, summed in row order.
    let mut a = vec![0.0f64; d * d];
    let mut b = vec![0.0f64; d];
    let mut z = vec![0.0f64; d];
    for (row, &target) in x.chunks_exact(inputs.max(1)).zip(y).take(rows) {
        for (zi, &v) in z.iter_mut().zip(row) {
            *zi = f64::from(v);
        }
        z[inputs] = 1.0;
        let t = f64::from(target);
        for i in 0..d {
            b[i] += z[i] * t;
            for j in 0..=i {
                a[i * d + j] += z[i] * z[j];
            }
        }
    }
    let penalty = rows as f64 * decay / 2.0;
    for i in 0..inputs {
        a[i * d + i] += penalty;
    }
    let largest = (0..d).map(|i| a[i * d + i]).fold(0.0f64, f64::max);
    if !largest.is_finite() || b.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut jitter = 0.0;
    for _ in 0..12 {
        if let Some(l) = cholesky(&a, d, jitter) {
            let beta = solve(&l, d, &b);
            let intercept = beta[inputs];
            return beta.iter().all(|v| v.is_finite()).then(|| (beta[..inputs].to_vec(), intercept));
        }
        jitter = if jitter == 0.0 { 1e-10 * largest.max(1e-300) } else { jitter * 100.0 };
    }
    None
}

/// The lower Cholesky factor of the symmetric matrix whose lower triangle is `a` (d × d), plus
/// `jitter` on the diagonal; None if it is not (numerically) positive definite.
fn cholesky(a: &[f64], d: usize, jitter: f64) -> Option<Vec<f64>> {
    let mut l = vec![0.0f64; d * d];
    for i in 0..d {
        for j in 0..=i {
            let mut s = a[i * d + j] + if i == j { jitter } else { 0.0 };
            for k in 0..j {
                s -= l[i * d + k] * l[j * d + k];
            }
            if i == j {
                // A pivot lost to rounding (a column that repeats others) counts as singular.
                if s <= 1e-12 * (a[i * d + i] + jitter) || !s.is_finite() {
                    return None;
                }
                l[i * d + i] = s.sqrt();
            } else {
                l[i * d + j] = s / l[j * d + j];
            }
        }
    }
    Some(l)
}

/// Solves L·Lᵀ·β = b.
fn solve(l: &[f64], d: usize, b: &[f64]) -> Vec<f64> {
    let mut y = vec![0.0f64; d];
    for i in 0..d {
        let s: f64 = (0..i).map(|k| l[i * d + k] * y[k]).sum();
        y[i] = (b[i] - s) / l[i * d + i];
    }
    let mut beta = vec![0.0f64; d];
    for i in (0..d).rev() {
        let s: f64 = (i + 1..d).map(|k| l[k * d + i] * beta[k]).sum();
        beta[i] = (y[i] - s) / l[i * d + i];
    }
    beta
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_an_exact_plane_and_survives_a_repeated_column() {
        // y = 2a − 3b + 1, and a third column equal to the first (singular without a ridge).
        let rows: Vec<[f32; 3]> = (0..20).map(|i| [i as f32 * 0.3, ((i * 7) % 5) as f32, i as f32 * 0.3]).collect();
        let x: Vec<f32> = rows.iter().flatten().copied().collect();
        let y: Vec<f32> = rows.iter().map(|r| 2.0 * r[0] - 3.0 * r[1] + 1.0).collect();
        let (w, c) = ridge(&x, &y, 3, 0.0).unwrap();
        assert!((w[0] + w[2] - 2.0).abs() < 1e-6 && (w[1] + 3.0).abs() < 1e-6 && (c - 1.0).abs() < 1e-6, "{w:?} {c}");
        assert!(ridge(&[f32::NAN, 1.0], &[1.0, 2.0], 1, 0.0).is_none());
    }
}
