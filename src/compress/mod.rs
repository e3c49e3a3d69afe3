//! Networks made shorter: quantisation, magnitude pruning and low-rank factors, per layer, and a
//! search over the per-layer settings that minimises the total code length.

mod code;

pub use code::{LayerCode, NetworkCode, WeightCode};
