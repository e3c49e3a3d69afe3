//! Per-layer compression settings and the network code they produce from a trained model.

use ndarray::Array2;

use crate::mdl::tensor::Tensor;
use crate::model::Mlp;

use super::code::{LayerCode, NetworkCode, WeightCode};
use super::lowrank::factor;
use super::prune::{apply_mask, magnitude_mask};
use super::quantise::quantise;

/// How one layer is sent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerSetting {
    /// Bit width of the weights' symbols (1–16), or None for float32.
    pub bits: Option<u8>,
    /// Share of the weights (of each factor, for low rank) set to zero, 0–0.99.
    pub sparsity: f64,
    /// Rank of W ≈ U·Vᵀ, or None for the whole matrix.
    pub rank: Option<usize>,
}

impl LayerSetting {
    pub const FLOAT32: LayerSetting = LayerSetting { bits: None, sparsity: 0.0, rank: None };

    /// Short text: "8-bit", "90% pruned 4-bit", "rank 8 6-bit", "float32".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = self.rank {
            parts.push(format!("rank {r}"));
        }
        if self.sparsity > 0.0 {
            parts.push(format!("{:.0}% pruned", self.sparsity * 100.0));
        }
        parts.push(self.bits.map_or("float32".to_string(), |b| format!("{b}-bit")));
        parts.join(" ")
    }
}

/// A description of settings for a whole network: one text if all layers agree.
pub fn describe(settings: &[LayerSetting]) -> String {
    match settings.first() {
        Some(first) if settings.iter().all(|s| s == first) => first.describe(),
        _ => settings.iter().map(LayerSetting::describe).collect::<Vec<_>>().join(" | "),
    }
}

/// The network code of `model` under per-layer settings. Pruning is by magnitude within each
/// tensor (already-zero weights, from a fine-tuned pruned model, count among the pruned).
pub fn encode(model: &Mlp, settings: &[LayerSetting]) -> NetworkCode {
    let layers = model
        .layers
        .iter()
        .zip(settings)
        .map(|(layer, s)| {
            let (o, i) = layer.weights.dim();
            let weights = match s.rank.filter(|&r| r < o.min(i)) {
                Some(r) => {
                    let (left, right) = factor(&layer.weights, r);
                    WeightCode::LowRank { left: tensor(&left, s), right: tensor(&right, s) }
                }
                None => WeightCode::Full(tensor(&layer.weights, s)),
            };
            let bias: Vec<f32> = layer.bias.to_vec();
            let bias = match s.bits {
                None => Tensor::Float32 { rows: 1, cols: bias.len(), values: bias },
                Some(b) => quantise(&bias, 1, bias.len(), b.max(8)),
            };
            LayerCode { weights, bias }
        })
        .collect();
    NetworkCode { activation: model.activation, output: model.output, layers }
}

/// One tensor pruned and quantised as the setting says.
fn tensor(w: &Array2<f32>, s: &LayerSetting) -> Tensor {
    let pruned = if s.sparsity > 0.0 { apply_mask(w, &magnitude_mask(w, s.sparsity)) } else { w.clone() };
    let (rows, cols) = pruned.dim();
    let values: Vec<f32> = pruned.iter().copied().collect();
    match s.bits {
        None => Tensor::Float32 { rows, cols, values },
        Some(b) => quantise(&values, rows, cols, b),
    }
}

/// Which weights of each layer a uniform sparsity keeps (for fine-tuning a pruned model).
pub fn masks(model: &Mlp, sparsity: &[f64]) -> Vec<Array2<bool>> {
    model.layers.iter().zip(sparsity).map(|(l, &s)| magnitude_mask(&l.weights, s)).collect()
}
