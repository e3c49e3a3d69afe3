//! Uniform symmetric quantisation: q = sign(w)·min(round(|w|/α), L), w ≈ q·α.
//!
//! With b bits a weight has L = 2^(b−1) − 1 levels each side of zero (b = 1 is the sign alone:
//! L = 1, so a weight is −α, 0 or +α and only a pruned weight is 0). The scale α is the one of a
//! few clipping candidates (α = c·max|w|/L) with the least squared error over the non-zero
//! weights: clipping the rare large weights buys resolution for the many small ones, which is
//! what low bit widths need (Banner et al. 2019, "Post training 4-bit quantization").

use crate::mdl::tensor::Tensor;

/// Clipping ratios tried for α (as a share of max|w|/L).
const CLIP: [f32; 8] = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3];

/// The tensor of `values` (rows × cols, row-major) at `bits` bits; zeros stay zeros.
pub fn quantise(values: &[f32], rows: usize, cols: usize, bits: u8) -> Tensor {
    let bits = bits.clamp(1, 16);
    let levels = Tensor::levels(bits);
    let max = values.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    if max == 0.0 || !max.is_finite() {
        return Tensor::Quantised { rows, cols, bits, alpha: 0.0, symbols: vec![0; values.len()] };
    }
    let mut best = (f32::INFINITY, max / levels as f32);
    for c in CLIP {
        let alpha = c * max / levels as f32;
        if alpha <= 0.0 || !alpha.is_normal() {
            continue;
        }
        let error: f32 = values
            .iter()
            .filter(|v| **v != 0.0)
            .map(|&w| {
                let d = w - symbol(w, alpha, levels, bits) as f32 * alpha;
                d * d
            })
            .sum();
        if error < best.0 {
            best = (error, alpha);
        }
        if bits >= 8 {
            break; // at 8 bits and more clipping never pays enough to search
        }
    }
    let alpha = best.1;
    let symbols = values.iter().map(|&w| symbol(w, alpha, levels, bits)).collect();
    Tensor::Quantised { rows, cols, bits, alpha, symbols }
}

/// One weight's symbol: 0 for 0; at 1 bit, the sign alone (a kept weight stays ±α); at 2 bits
/// and more, the nearest level (so 2 bits is ternary: −α, 0, +α).
fn symbol(w: f32, alpha: f32, levels: i32, bits: u8) -> i32 {
    if w == 0.0 {
        return 0;
    }
    let magnitude = ((w.abs() / alpha).round() as i32).clamp(if bits == 1 { 1 } else { 0 }, levels);
    if w < 0.0 {
        -magnitude
    } else {
        magnitude
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;

    #[test]
    fn eight_bits_is_close_and_zeros_stay() {
        let w: Vec<f32> = (0..100).map(|i| if i % 7 == 0 { 0.0 } else { (i as f32 * 0.37).sin() }).collect();
        let t = quantise(&w, 10, 10, 8);
        let back = t.values();
        for (a, b) in w.iter().zip(&back) {
            assert!((a - b).abs() <= 1.0 / 127.0 * 0.51 + 1e-6, "{a} vs {b}");
            assert_eq!(*a == 0.0, *b == 0.0);
        }
    }

    #[test]
    fn one_bit_keeps_signs() {
        let w = [0.5f32, -0.01, 0.0, 2.0, -3.0];
        let Tensor::Quantised { symbols, .. } = quantise(&w, 1, 5, 1) else { panic!() };
        assert_eq!(symbols, vec![1, -1, 0, 1, -1]);
    }

    #[test]
    fn fewer_bits_more_error() {
        let w: Vec<f32> = (0..1000).map(|i| ((i * 7919) % 1000) as f32 / 500.0 - 1.0).collect();
        let err = |b| {
            let v = quantise(&w, 1, 1000, b).values();
            w.iter().zip(&v).map(|(a, b)| (a - b) * (a - b)).sum::<f32>()
        };
        assert!(err(2) > err(4) && err(4) > err(8) && err(8) > err(12), "{} {} {} {}", err(2), err(4), err(8), err(12));
    }
}
