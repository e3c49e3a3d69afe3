//! A network as it is sent: per layer, the weights (whole or as a low-rank product) and the bias,
//! each a [`Tensor`].

use ndarray::{Array1, Array2};

use crate::mdl::integers::natural_bits;
use crate::mdl::tensor::Tensor;
use crate::model::{Activation, Dense, Inputs, Mlp, Output};

/// A layer's weight matrix (outputs × inputs) as sent.
#[derive(Debug, Clone, PartialEq)]
pub enum WeightCode {
    Full(Tensor),
    /// W ≈ left · right, left outputs × r (U·Σ), right r × inputs (Vᵀ).
    LowRank {
        left: Tensor,
        right: Tensor,
    },
}

/// One layer as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerCode {
    pub weights: WeightCode,
    /// 1 × outputs.
    pub bias: Tensor,
}

/// A whole network as sent. The input standardisation is not in it: the receiver computes it
/// from the feature columns ([`Inputs::of`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkCode {
    pub activation: Activation,
    pub output: Output,
    pub layers: Vec<LayerCode>,
}

impl WeightCode {
    /// The matrix the decoder reconstructs (outputs × inputs), the product summed in a fixed
    /// order without fused multiply-adds.
    pub fn matrix(&self) -> Array2<f32> {
        match self {
            WeightCode::Full(t) => {
                let (r, c) = t.shape();
                Array2::from_shape_vec((r, c), t.values()).expect("a tensor's values fill its shape")
            }
            WeightCode::LowRank { left, right } => {
                let ((o, k), (_, i)) = (left.shape(), right.shape());
                let (l, r) = (left.values(), right.values());
                let mut w = Array2::zeros((o, i));
                for a in 0..o {
                    for b in 0..i {
                        let mut acc = 0.0f32;
                        for j in 0..k {
                            acc += l[a * k + j] * r[j * i + b];
                        }
                        w[[a, b]] = acc;
                    }
                }
                w
            }
        }
    }
}

impl NetworkCode {
    /// Bits of the network as the .occam file writes it (codec): the layer count, activation and
    /// hidden widths, each layer's full/low-rank flag (and rank), then its tensors. The input
    /// width and output are known to the receiver from the features and the target.
    pub fn bits(&self) -> f64 {
        let layers = &self.layers;
        let mut bits = natural_bits(layers.len().saturating_sub(1) as u64) as f64 + 1.0;
        for (i, layer) in layers.iter().enumerate() {
            if i + 1 < layers.len() {
                bits += natural_bits(layer.bias.shape().1.saturating_sub(1) as u64) as f64;
            }
            bits += 1.0;
            bits += match &layer.weights {
                WeightCode::Full(t) => t.bits(),
                WeightCode::LowRank { left, right } => {
                    natural_bits(left.shape().1.saturating_sub(1) as u64) as f64 + left.bits() + right.bits()
                }
            };
            bits += layer.bias.bits();
        }
        bits
    }

    /// The network a decoder rebuilds, given the inputs' standardisation it computes itself.
    pub fn to_mlp(&self, inputs: Inputs) -> Mlp {
        let layers = self
            .layers
            .iter()
            .map(|l| Dense { weights: l.weights.matrix(), bias: Array1::from(l.bias.values()) })
            .collect();
        Mlp { inputs, layers, activation: self.activation, output: self.output }
    }
}
