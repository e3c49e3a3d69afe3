//! A tensor of weights as it is sent: float32 values, or integer symbols q with a scale α
//! (w = q·α) and a bit width.
//!
//! Pruned weights are symbols 0; the entropy coder then pays for the positions of the non-zeros
//! through the symbol distribution (about log₂ C(n, nnz) bits) without a separate mask.
//!
//! **The code** ([`Tensor::write`], [`Tensor::read`], [`Tensor::bits`]). The shape is not sent:
//! the receiver knows it from the network's architecture, which is sent before the tensors. Then:
//!
//! - one bit: float32 (0) or quantised (1);
//! - float32: one bit, dense (0) or sparse (1), whichever is shorter; dense is 32 bits a value
//!   (its IEEE bits); sparse (a pruned float32 tensor) is the number of non-zeros nnz by the
//!   universal code, which values are non-zero under the static model of the counts
//!   (n − nnz, nnz), about log₂ C(n, nnz) bits, and 32 bits a non-zero value. (+0.0 is the zero;
//!   −0.0 is sent as a value.)
//! - quantised: the bit width − 1 in 4 bits (widths 1 to 16), α as float32 (32 bits), then the
//!   histogram of the symbols: the number of distinct symbols m − 1, the smallest symbol + L and
//!   each next one's gap − 1, and the counts − 1 of all but the last symbol (whose count follows
//!   from n), each by the universal code for natural numbers; then every symbol in row-major
//!   order under the static model of those counts ([`CountModel`]: counts quantised to 2³²
//!   units), about n·H(counts/n) bits. A tensor of one repeated symbol costs no symbol bits.

use super::integers::{natural_bits, BitSink, BitSource};
use super::stream::{CountModel, Decoder, Encoder};
use super::MdlError;

/// Bits of the float32/quantised flag.
const KIND_BITS: u32 = 1;
/// Bits of the width field (width − 1, for widths 1 to 16).
const WIDTH_BITS: u32 = 4;
/// Bits of α and of a float32 value.
const FLOAT_BITS: u32 = 32;
/// The most values one tensor may hold when it is read (2²⁶, 256 MiB of f32): a guard against
/// a damaged file that names an absurd shape.
pub const MAX_VALUES: usize = 1 << 26;

/// Weights of one tensor (rows × cols, row-major), as sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Tensor {
    /// 32 bits a value.
    Float32 { rows: usize, cols: usize, values: Vec<f32> },
    /// Symbols q in [−L, L] with L = max(1, 2^(bits−1) − 1), and the scale α.
    Quantised { rows: usize, cols: usize, bits: u8, alpha: f32, symbols: Vec<i32> },
}

/// The histogram of a quantised tensor: distinct symbols ascending and their counts.
struct Histogram {
    symbols: Vec<i32>,
    counts: Vec<u64>,
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

    /// The length of what [`Tensor::write`] emits: the kind bit, then 32 bits a value, or the
    /// width, α, the histogram and Σ −log₂(f/2³²) over the symbols under the quantised counts.
    /// The coded stream matches it to within 10⁻⁶ bits (the tests check it); +∞ for a tensor
    /// that cannot be written (see [`Tensor::check`]).
    pub fn bits(&self) -> f64 {
        if self.check().is_err() {
            return f64::INFINITY;
        }
        KIND_BITS as f64
            + match self {
                Tensor::Float32 { values, .. } => 1.0 + dense_or_sparse(values).1,
                Tensor::Quantised { bits, symbols, .. } => {
                    let Ok(histogram) = Histogram::of(symbols) else { return f64::INFINITY };
                    let symbol_bits: f64 = match CountModel::from_counts(&histogram.counts) {
                        Ok(model) => histogram.counts.iter().enumerate().map(|(s, &c)| c as f64 * model.bits(s)).sum(),
                        Err(_) => 0.0, // no symbols
                    };
                    (WIDTH_BITS + FLOAT_BITS) as f64 + histogram.bits(Tensor::levels(*bits)) + symbol_bits
                }
            }
    }

    /// Refuses a tensor whose values do not fill its shape, whose width is not 1 to 16, or whose
    /// symbols lie outside [−L, L].
    pub fn check(&self) -> Result<(), MdlError> {
        let (rows, cols) = self.shape();
        let n = rows.checked_mul(cols).ok_or(MdlError::OutOfRange { what: "a tensor's size", value: rows as i128 })?;
        let len = match self {
            Tensor::Float32 { values, .. } => values.len(),
            Tensor::Quantised { symbols, .. } => symbols.len(),
        };
        if len != n {
            return Err(MdlError::LengthMismatch { left: n, right: len });
        }
        if let Tensor::Quantised { bits, symbols, .. } = self {
            if !(1..=16).contains(bits) {
                return Err(MdlError::OutOfRange { what: "a tensor's bit width", value: *bits as i128 });
            }
            let l = Tensor::levels(*bits);
            if let Some(&q) = symbols.iter().find(|q| q.abs() > l) {
                return Err(MdlError::OutOfRange { what: "a tensor's symbol", value: q as i128 });
            }
        }
        Ok(())
    }

    /// Writes the tensor (its shape is the receiver's to know; see the module docs).
    pub fn write(&self, e: &mut Encoder) -> Result<(), MdlError> {
        self.check()?;
        match self {
            Tensor::Float32 { values, .. } => {
                e.write_bit(false);
                let sparse = dense_or_sparse(values).0;
                e.write_bit(sparse);
                if sparse {
                    let nnz = values.iter().filter(|v| v.to_bits() != 0).count();
                    e.write_natural(nnz as u64);
                    if nnz > 0 && nnz < values.len() {
                        let model = CountModel::from_counts(&[(values.len() - nnz) as u64, nnz as u64])?;
                        for v in values {
                            e.write_counted(usize::from(v.to_bits() != 0), &model)?;
                        }
                    }
                }
                for v in values.iter().filter(|v| !sparse || v.to_bits() != 0) {
                    e.write_raw(v.to_bits() as u64, FLOAT_BITS)?;
                }
            }
            Tensor::Quantised { bits, alpha, symbols, .. } => {
                e.write_bit(true);
                e.write_raw(*bits as u64 - 1, WIDTH_BITS)?;
                e.write_raw(alpha.to_bits() as u64, FLOAT_BITS)?;
                let histogram = Histogram::of(symbols)?;
                histogram.write(e, Tensor::levels(*bits));
                if symbols.is_empty() {
                    return Ok(());
                }
                let model = CountModel::from_counts(&histogram.counts)?;
                for q in symbols {
                    let s = histogram.symbols.binary_search(q).unwrap_or(0);
                    e.write_counted(s, &model)?;
                }
            }
        }
        Ok(())
    }

    /// Reads a tensor of the given shape written by [`Tensor::write`].
    pub fn read(d: &mut Decoder, rows: usize, cols: usize) -> Result<Tensor, MdlError> {
        let n = rows
            .checked_mul(cols)
            .filter(|&n| n <= MAX_VALUES)
            .ok_or(MdlError::OutOfRange { what: "a tensor's size", value: rows as i128 * cols as i128 })?;
        if !d.read_bit()? {
            let sparse = d.read_bit()?;
            let mut nonzero = vec![true; n];
            if sparse {
                let nnz = d.read_natural()?;
                if nnz > n as u64 {
                    return Err(MdlError::OutOfRange { what: "a tensor's non-zeros", value: nnz as i128 });
                }
                let nnz = nnz as usize;
                if nnz == 0 {
                    nonzero.fill(false);
                } else if nnz < n {
                    let model = CountModel::from_counts(&[(n - nnz) as u64, nnz as u64])?;
                    for flag in nonzero.iter_mut() {
                        *flag = d.read_counted(&model)? == 1;
                    }
                }
            }
            // 32 raw bits a value: more values than the stream holds bits for is a cut stream.
            let sent = nonzero.iter().filter(|f| **f).count();
            if sent as f64 * FLOAT_BITS as f64 > d.room_bits() + 128.0 {
                return Err(MdlError::EndOfStream { position: d.position() });
            }
            let mut values = Vec::with_capacity(n);
            for &flag in &nonzero {
                values.push(if flag { f32::from_bits(d.read_raw(FLOAT_BITS)? as u32) } else { 0.0 });
            }
            return Ok(Tensor::Float32 { rows, cols, values });
        }
        let bits = d.read_raw(WIDTH_BITS)? as u8 + 1;
        let alpha = f32::from_bits(d.read_raw(FLOAT_BITS)? as u32);
        let histogram = Histogram::read(d, Tensor::levels(bits), n as u64)?;
        let mut symbols = Vec::with_capacity(n);
        if n > 0 {
            let model = CountModel::from_counts(&histogram.counts)?;
            for _ in 0..n {
                symbols.push(histogram.symbols[d.read_counted(&model)?]);
            }
        }
        Ok(Tensor::Quantised { rows, cols, bits, alpha, symbols })
    }
}

/// Whether a float32 tensor is shorter sent sparse, and its length after the kind bit and the
/// dense/sparse bit.
fn dense_or_sparse(values: &[f32]) -> (bool, f64) {
    let n = values.len();
    let dense = FLOAT_BITS as f64 * n as f64;
    let nnz = values.iter().filter(|v| v.to_bits() != 0).count();
    let mask = if nnz > 0 && nnz < n {
        match CountModel::from_counts(&[(n - nnz) as u64, nnz as u64]) {
            Ok(model) => (n - nnz) as f64 * model.bits(0) + nnz as f64 * model.bits(1),
            Err(_) => f64::INFINITY,
        }
    } else {
        0.0
    };
    let sparse = natural_bits(nnz as u64) as f64 + mask + FLOAT_BITS as f64 * nnz as f64;
    if sparse < dense {
        (true, sparse)
    } else {
        (false, dense)
    }
}

impl Histogram {
    fn of(symbols: &[i32]) -> Result<Histogram, MdlError> {
        if symbols.len() > MAX_VALUES {
            return Err(MdlError::OutOfRange { what: "a tensor's size", value: symbols.len() as i128 });
        }
        let mut sorted = symbols.to_vec();
        sorted.sort_unstable();
        let mut histogram = Histogram { symbols: Vec::new(), counts: Vec::new() };
        for q in sorted {
            if histogram.symbols.last() == Some(&q) {
                if let Some(c) = histogram.counts.last_mut() {
                    *c += 1;
                }
            } else {
                histogram.symbols.push(q);
                histogram.counts.push(1);
            }
        }
        Ok(histogram)
    }

    /// The histogram's length (nothing for an empty tensor).
    fn bits(&self, levels: i32) -> f64 {
        let Some(&first) = self.symbols.first() else { return 0.0 };
        let m = self.symbols.len();
        let mut bits = natural_bits(m as u64 - 1) + natural_bits((first + levels) as u64);
        for pair in self.symbols.windows(2) {
            bits += natural_bits((pair[1] - pair[0] - 1) as u64);
        }
        for &c in &self.counts[..m - 1] {
            bits += natural_bits(c - 1);
        }
        bits as f64
    }

    fn write(&self, e: &mut Encoder, levels: i32) {
        let Some(&first) = self.symbols.first() else { return };
        let m = self.symbols.len();
        e.write_natural(m as u64 - 1);
        e.write_natural((first + levels) as u64);
        for pair in self.symbols.windows(2) {
            e.write_natural((pair[1] - pair[0] - 1) as u64);
        }
        for &c in &self.counts[..m - 1] {
            e.write_natural(c - 1);
        }
    }

    fn read(d: &mut Decoder, levels: i32, n: u64) -> Result<Histogram, MdlError> {
        let mut histogram = Histogram { symbols: Vec::new(), counts: Vec::new() };
        if n == 0 {
            return Ok(histogram);
        }
        let position = d.position();
        let invalid = |what| MdlError::InvalidCode { position, what };
        let span = 2 * levels as u64 + 1;
        let m = d
            .read_natural()?
            .checked_add(1)
            .filter(|&m| m <= span.min(n))
            .ok_or(invalid("too many distinct symbols"))?;
        let mut q = d.read_natural()?;
        for i in 0..m {
            if i > 0 {
                q = q
                    .checked_add(d.read_natural()?)
                    .and_then(|v| v.checked_add(1))
                    .ok_or(invalid("a symbol gap overflows"))?;
            }
            if q >= span {
                return Err(invalid("a symbol beyond the bit width's levels"));
            }
            histogram.symbols.push(q as i32 - levels);
        }
        let mut total = 0u64;
        for _ in 1..m {
            let c = d.read_natural()?.checked_add(1).ok_or(invalid("a count overflows"))?;
            total = total.checked_add(c).filter(|&t| t < n).ok_or(invalid("symbol counts beyond the tensor's size"))?;
            histogram.counts.push(c);
        }
        histogram.counts.push(n - total);
        Ok(histogram)
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests compare against std's functions
mod tests {
    use super::*;

    /// Writes the tensors in order, checks the coded length against Σ bits(), reads them back.
    fn round_trip(tensors: &[Tensor]) -> f64 {
        let mut e = Encoder::new();
        for t in tensors {
            t.write(&mut e).unwrap();
        }
        let expected: f64 = tensors.iter().map(Tensor::bits).sum();
        assert!((e.bits() - expected).abs() < 1e-6, "coded {} vs bits() {expected}", e.bits());
        let coded = e.bits();
        let bytes = e.finish();
        assert!(bytes.len() as f64 * 8.0 <= coded + 10.0, "{} bytes for {coded} bits", bytes.len());
        let mut d = Decoder::new(&bytes);
        for t in tensors {
            let (rows, cols) = t.shape();
            assert_eq!(&Tensor::read(&mut d, rows, cols).unwrap(), t);
        }
        expected
    }

    /// A deterministic stream of small integers.
    fn draws(n: usize, seed: u64) -> Vec<u64> {
        let mut next = crate::testing::xorshift(seed);
        (0..n).map(|_| next()).collect()
    }

    #[test]
    fn tensors_round_trip_at_their_stated_length() {
        let values: Vec<f32> = (0..12).map(|i| i as f32 * -0.37 + 1e-7).collect();
        let dense = Tensor::Float32 { rows: 3, cols: 4, values: values.clone() };
        assert_eq!(dense.bits(), 2.0 + 32.0 * 12.0);
        let symbols: Vec<i32> = draws(60, 3).iter().map(|&r| (r % 15) as i32 - 7).collect();
        let quantised = Tensor::Quantised { rows: 6, cols: 10, bits: 4, alpha: 0.031, symbols };
        let constant = Tensor::Quantised { rows: 1, cols: 5, bits: 2, alpha: 1.5, symbols: vec![-1; 5] };
        // One repeated symbol: kind 1 + width 4 + α 32 + m − 1 = 0 (1 bit) + (−1 + 1) (1 bit).
        assert_eq!(constant.bits(), 39.0);
        let binary = Tensor::Quantised { rows: 2, cols: 2, bits: 1, alpha: 0.5, symbols: vec![1, -1, 0, 1] };
        let empty = Tensor::Quantised { rows: 0, cols: 3, bits: 8, alpha: 0.0, symbols: vec![] };
        let wide = Tensor::Quantised { rows: 1, cols: 3, bits: 16, alpha: 1e-3, symbols: vec![-32767, 0, 32767] };
        let mut pruned = vec![0.0f32; 200];
        for i in (0..200).step_by(9) {
            pruned[i] = i as f32 * 0.01 - 1.0;
        }
        pruned[5] = -0.0; // a negative zero is a value, and comes back as one
        let sparse = Tensor::Float32 { rows: 10, cols: 20, values: pruned };
        let zeros = Tensor::Float32 { rows: 2, cols: 2, values: vec![0.0; 4] };
        round_trip(&[dense, quantised, constant, binary, empty, wide, sparse.clone(), zeros]);
        // 24 of 200 sent: 24 × 32 bits and about log₂ C(200, 24) ≈ 103 for where they are.
        let b = sparse.bits();
        assert!(b > 2.0 + 24.0 * 32.0 + 100.0 && b < 2.0 + 24.0 * 32.0 + 130.0, "{b}");
    }

    #[test]
    fn a_sparse_tensor_pays_for_its_positions_and_its_nonzero_symbols() {
        let (n, nnz) = (10_000usize, 100usize);
        let r = draws(2 * nnz, 11);
        let mut symbols = vec![0i32; n];
        let mut placed = 0;
        for (i, pair) in r.chunks(2).enumerate() {
            let position = (pair[0] % n as u64) as usize;
            if symbols[position] == 0 {
                symbols[position] = if i % 2 == 0 { 1 + (pair[1] % 3) as i32 } else { -1 - (pair[1] % 3) as i32 };
                placed += 1;
            }
        }
        let tensor = Tensor::Quantised { rows: 100, cols: 100, bits: 3, alpha: 0.25, symbols: symbols.clone() };
        let bits = round_trip(std::slice::from_ref(&tensor));
        // log₂ C(n, nnz) for the positions, plus the non-zero symbols at their own frequencies.
        let log2_choose: f64 = (0..placed).map(|i| ((n - i) as f64 / (i + 1) as f64).log2()).sum();
        let mut counts = std::collections::BTreeMap::new();
        for &q in symbols.iter().filter(|&&q| q != 0) {
            *counts.entry(q).or_insert(0usize) += 1;
        }
        let nonzero: f64 = counts.values().map(|&c| c as f64 * (placed as f64 / c as f64).log2()).sum();
        let ideal = log2_choose + nonzero;
        // The header (37 bits), the histogram (a few dozen) and the static model's excess over
        // the enumerative code (about ½ log₂ n a symbol value, 7 values).
        assert!(bits > ideal && bits < ideal + 37.0 + 60.0 + 50.0, "{bits} bits, ideal {ideal}");
        // Against dense float32: 320,001 bits.
        assert!(bits < 1500.0);
    }

    #[test]
    fn bad_tensors_are_refused_and_garbage_reads_are_errors() {
        let short = Tensor::Float32 { rows: 2, cols: 2, values: vec![1.0] };
        assert!(short.check().is_err() && short.bits().is_infinite());
        let wide = Tensor::Quantised { rows: 1, cols: 1, bits: 2, alpha: 1.0, symbols: vec![2] };
        assert!(wide.write(&mut Encoder::new()).is_err());
        let zero_width = Tensor::Quantised { rows: 1, cols: 1, bits: 0, alpha: 1.0, symbols: vec![0] };
        assert!(zero_width.check().is_err());
        for seed in 1..100 {
            let bytes: Vec<u8> = draws(24, seed).iter().map(|&r| r as u8).collect();
            let mut d = Decoder::new(&bytes);
            let _ = Tensor::read(&mut d, 30, 7);
        }
        assert!(Tensor::read(&mut Decoder::new(&[]), 1 << 20, 1 << 20).is_err());
    }
}
