//! A tensor of weights as it is sent: float32 values, or integer symbols q with a scale α
//! (w = q·α) and a bit width.
//!
//! Pruned weights are symbols 0; the entropy coder then pays for the positions of the non-zeros
//! through the symbol distribution (about log₂ C(n, nnz) bits) without a separate mask.

/// Weights of one tensor (rows × cols, row-major), as sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Tensor {
    /// 32 bits a value.
    Float32 { rows: usize, cols: usize, values: Vec<f32> },
    /// Symbols q in [−L, L] with L = max(1, 2^(bits−1) − 1), and the scale α.
    Quantised { rows: usize, cols: usize, bits: u8, alpha: f32, symbols: Vec<i32> },
}

impl Tensor {
    pub fn shape(&self) -> (usize, usize) {
        match self {
            Tensor::Float32 { rows, cols, .. } | Tensor::Quantised { rows, cols, .. } => (*rows, *cols),
        }
    }

    /// The values a decoder reconstructs, row-major: q·α in f32 for a quantised tensor.
    pub fn values(&self) -> Vec<f32> {
        match self {
            Tensor::Float32 { values, .. } => values.clone(),
            Tensor::Quantised { alpha, symbols, .. } => symbols.iter().map(|&q| q as f32 * alpha).collect(),
        }
    }

    /// The largest symbol magnitude a bit width allows.
    pub fn levels(bits: u8) -> i32 {
        if bits <= 1 {
            1
        } else {
            (1i32 << (bits.min(16) - 1)) - 1
        }
    }
}
