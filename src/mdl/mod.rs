//! Code lengths in bits: the one scale on which occam compares every explanation of a table.
//!
//! `mdl` knows bits, not models. A caller hands it numbers (counts, constants, residuals,
//! probabilities, a column's text) and gets back the length of the stream that would send them:
//!
//! - [`BitWriter`] and [`BitReader`] are that stream; the universal integer codes in
//!   [`integers`] (Elias gamma and delta, zigzag for signs) are the lengths of what they write.
//! - [`Constant`] is how a formula's number is sent: an integer, a rational p/q, π, e, or a
//!   [`Real`] with as many mantissa bits as pay for themselves; [`constants::choose`] picks one.
//! - [`ResidualCode`] codes a numeric target given a regression's predictions (discretised
//!   Gaussian or Laplace at precision δ), and [`categorical_bits`] a class target given a
//!   classifier's probabilities.
//! - [`baselines`] gives the lengths that need no model: null, literal, deflate and xz.
//! - [`stream`] realises these lengths: an [`Encoder`](stream::Encoder) and
//!   [`Decoder`](stream::Decoder) over a range coder whose coded length is the information
//!   content of what it codes; [`tensor`] sends a network's weights through it.
//!
//! Invariants: nothing here knows about formulas, networks, files, the clock or threads; every
//! function is deterministic and total (bad input is an [`MdlError`], never a panic or a NaN).

pub mod baselines;
pub mod categorical;
pub mod constants;
mod error;
pub mod integers;
pub mod residuals;
mod scale;
pub mod stream;
mod tails;
pub mod tensor;

pub use baselines::{class_baselines, numeric_baselines, Baseline, BaselineKind, NullModel};
pub use categorical::{categorical_bits, quantise};
pub use constants::{candidates, choose, round_mantissa, Choice, Constant, Rational, Real};
pub use error::MdlError;
pub use integers::{
    elias_delta_bits, elias_gamma_bits, log_star_bits, natural_bits, signed_bits, BitReader, BitSink, BitSource,
    BitWriter,
};
pub use residuals::{Family, FastEstimate, ResidualCode, ResidualSums};
