//! Networks made shorter: quantisation, magnitude pruning and low-rank factors, per layer, and a
//! search over the per-layer settings that minimises the total code length.
//!
//! Every variant is a [`NetworkCode`] (what is sent) measured by the [`Judge`]: model bits from
//! the code, data bits from the network the decoder rebuilds from it. Nothing here trains from
//! scratch: pruning's fine-tuning calls `model::fine_tune`.

mod code;
mod judge;
mod lowrank;
mod prune;
mod quantise;
mod search;
mod settings;

pub use code::{LayerCode, NetworkCode, WeightCode};
pub use judge::{float32_bits, model_bits, r2, Judge, Scores};
pub use lowrank::factor;
pub use prune::{apply_mask, magnitude_mask};
pub use quantise::quantise;
pub use search::{ratio, CompressOptions, Compressor, Variant};
pub use settings::{describe, encode, masks, LayerSetting};
