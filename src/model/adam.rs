//! Adam (Kingma & Ba 2015, arXiv:1412.6980, Algorithm 1 with the bias corrections folded into
//! the step size as at the end of their section 2): β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
//!
//! The moments are f32; β^t is kept in f64 by repeated multiplication (no pow), and the square
//! root is IEEE's correctly rounded one, so a step gives the same bits everywhere.

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPSILON: f64 = 1e-8;

#[derive(Debug, Clone)]
pub struct Adam {
    learning_rate: f64,
    m: Vec<f32>,
    v: Vec<f32>,
    beta1_t: f64,
    beta2_t: f64,
}

impl Adam {
    pub fn new(parameters: usize, learning_rate: f64) -> Adam {
        Adam { learning_rate, m: vec![0.0; parameters], v: vec![0.0; parameters], beta1_t: 1.0, beta2_t: 1.0 }
    }

    /// One step against `grad`. A parameter whose gradient has always been 0 does not move.
    pub fn step(&mut self, params: &mut [f32], grad: &[f32]) {
        self.beta1_t *= BETA1;
        self.beta2_t *= BETA2;
        let correction = (1.0 - self.beta2_t).sqrt();
        let alpha = (self.learning_rate * correction / (1.0 - self.beta1_t)) as f32;
        let epsilon = (EPSILON * correction) as f32;
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2.
            return unsafe { update_avx2(params, grad, &mut self.m, &mut self.v, alpha, epsilon) };
        }
        update(params, grad, &mut self.m, &mut self.v, alpha, epsilon);
    }
}

/// [`update`] in 256-bit vectors: the same operations lane by lane, so the same bits.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn update_avx2(params: &mut [f32], grad: &[f32], m: &mut [f32], v: &mut [f32], alpha: f32, epsilon: f32) {
    update(params, grad, m, v, alpha, epsilon)
}

#[inline(always)]
fn update(params: &mut [f32], grad: &[f32], m: &mut [f32], v: &mut [f32], alpha: f32, epsilon: f32) {
    let (b1, b2) = (BETA1 as f32, BETA2 as f32);
    let (c1, c2) = (1.0 - b1, 1.0 - b2);
    for (((p, &g), m), v) in params.iter_mut().zip(grad).zip(m).zip(v) {
        *m = b1 * *m + c1 * g;
        *v = b2 * *v + c2 * (g * g);
        *p -= alpha * *m / (v.sqrt() + epsilon);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimises_a_quadratic_and_leaves_zero_gradients_alone() {
        // f(p) = (p₀ − 3)² + 10 (p₁ + 1)²; p₂ never has a gradient.
        let mut p = vec![0.0f32, 0.0, 0.0];
        let mut adam = Adam::new(3, 0.05);
        for _ in 0..2_000 {
            let g = [2.0 * (p[0] - 3.0), 20.0 * (p[1] + 1.0), 0.0];
            adam.step(&mut p, &g);
        }
        assert!((p[0] - 3.0).abs() < 1e-3 && (p[1] + 1.0).abs() < 1e-3, "{p:?}");
        assert_eq!(p[2].to_bits(), 0.0f32.to_bits());
    }
}
