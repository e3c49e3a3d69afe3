//! Code lengths that need no model of the features, on the same scale as every candidate: the
//! bars a formula or a network has to beat.
//!
//! - **null**: a constant (the mean, sent as a [`Constant`]) plus the [`ResidualCode`]; for
//!   classes, the class counts plus each label at its empirical frequency.
//! - **literal**: every value uniform over the observed range at precision δ.
//! - **deflate** and **xz**: general-purpose compressors run over the column's text, one value per
//!   line as the CSV wrote it, so "occam beats gzip by N×" compares like with like.

use std::collections::HashMap;
use std::io::Write;

use super::constants::{candidates, Constant};
use super::integers::{natural_bits_f64, signed_bits_f64};
use super::residuals::{check_delta, fit_rows, round_half_away, ResidualCode, Rows};
use super::MdlError;

/// The deflate level: miniz_oxide's 10 is its slowest, most thorough match search.
const DEFLATE_LEVEL: u8 = 10;

/// The xz preset: 9, as `xz -9` (its dictionary is cut to the input's size, which changes nothing
/// in the output but the memory).
const XZ_PRESET: u32 = 9;

/// The smallest dictionary xz accepts (the .xz format's LZMA2 minimum, 4 KiB).
const XZ_MIN_DICTIONARY: u64 = 4096;

/// Which baseline a length belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaselineKind {
    Null,
    Literal,
    Deflate,
    Xz,
}

/// One baseline's length.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    pub kind: BaselineKind,
    pub bits: f64,
}

/// The null model of a numeric column: the constant it predicts and the residual code around it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NullModel {
    pub constant: Constant,
    pub residuals: ResidualCode,
    /// `constant.bits()` + `residuals.total_bits`.
    pub total_bits: f64,
}

impl BaselineKind {
    /// The name shown beside the bits: "null", "literal", "deflate", "xz".
    pub fn name(self) -> &'static str {
        match self {
            BaselineKind::Null => "null",
            BaselineKind::Literal => "literal",
            BaselineKind::Deflate => "deflate",
            BaselineKind::Xz => "xz",
        }
    }
}

/// The four baselines of a numeric target: `values` at precision `delta`, with `lines` the
/// column's original text (one entry per value, as the CSV wrote it).
pub fn numeric_baselines<S: AsRef<str>>(values: &[f64], delta: f64, lines: &[S]) -> Result<Vec<Baseline>, MdlError> {
    let text = column_text(lines);
    Ok(vec![
        Baseline { kind: BaselineKind::Null, bits: null_numeric(values, delta)?.total_bits },
        Baseline { kind: BaselineKind::Literal, bits: literal_bits(values, delta)? },
        Baseline { kind: BaselineKind::Deflate, bits: deflate_bits(&text) },
        Baseline { kind: BaselineKind::Xz, bits: xz_bits(&text)? },
    ])
}

/// The three baselines of a class target (null, deflate, xz), from its labels as text.
pub fn class_baselines<S: AsRef<str>>(labels: &[S]) -> Result<Vec<Baseline>, MdlError> {
    let text = column_text(labels);
    Ok(vec![
        Baseline { kind: BaselineKind::Null, bits: null_class_bits(labels)? },
        Baseline { kind: BaselineKind::Deflate, bits: deflate_bits(&text) },
        Baseline { kind: BaselineKind::Xz, bits: xz_bits(&text)? },
    ])
}

/// The cheapest constant prediction: each short form of the mean ([`candidates`]) with its fitted
/// residual code, cheapest total kept.
///
/// To save fits, candidates (which come cheapest first) stop once their own bits plus the
/// residual code at the exact mean, less one bit of slack, cannot beat the best so far: the mean
/// minimises Σr², so rounding it rarely shortens the residual code by more than that.
pub fn null_numeric(values: &[f64], delta: f64) -> Result<NullModel, MdlError> {
    let k = target_units(values, delta)?;
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let fit_at = |c: f64| fit_rows(&Rows::new(k.iter().map(|ki| ki - c / delta).collect()));
    let reference = fit_at(mean).total_bits;
    let mut best: Option<NullModel> = None;
    for constant in candidates(mean) {
        let bits = constant.bits() as f64;
        if best.is_some_and(|b| bits + reference - 1.0 >= b.total_bits) {
            break;
        }
        let residuals = fit_at(constant.value());
        let total_bits = bits + residuals.total_bits;
        if best.is_none_or(|b| total_bits < b.total_bits) {
            best = Some(NullModel { constant, residuals, total_bits });
        }
    }
    best.ok_or(MdlError::NotFinite { what: "the column's mean", value: mean })
}

/// The literal code: k_min = round(min/δ) by the signed universal code, the count of levels
/// K = k_max − k_min + 1 by the universal code, then n·log₂K (each value uniform over the range).
pub fn literal_bits(values: &[f64], delta: f64) -> Result<f64, MdlError> {
    let k = target_units(values, delta)?;
    let (lo, hi) = k.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    let levels = hi - lo + 1.0;
    Ok(signed_bits_f64(lo) + natural_bits_f64(levels - 1.0) + k.len() as f64 * libm::log2(levels))
}

/// The null model of a class column: the class count K and the counts of the first K − 1 classes
/// (in order of first appearance; the last follows from n, which the receiver knows) by the
/// universal code, then each label at its empirical frequency, −Σ log₂(count/n).
pub fn null_class_bits<S: AsRef<str>>(labels: &[S]) -> Result<f64, MdlError> {
    null_class_parts(labels).map(|(model, data)| model + data)
}

/// The null model of a class column in two parts: the class counts (its model) and each label at
/// its empirical frequency (its data).
pub fn null_class_parts<S: AsRef<str>>(labels: &[S]) -> Result<(f64, f64), MdlError> {
    if labels.is_empty() {
        return Err(MdlError::Empty);
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut counts: Vec<u64> = Vec::new();
    for label in labels {
        let next = counts.len();
        let c = *index.entry(label.as_ref()).or_insert(next);
        if c == next {
            counts.push(0);
        }
        counts[c] += 1;
    }
    let n = labels.len() as f64;
    let header = natural_bits_f64(counts.len() as f64 - 1.0)
        + counts[..counts.len() - 1].iter().map(|&c| natural_bits_f64(c as f64 - 1.0)).sum::<f64>();
    let data: f64 = counts.iter().map(|&c| c as f64 * libm::log2(n / c as f64)).sum();
    Ok((header, data))
}

/// 8 × the size of `text` compressed by raw deflate (RFC 1951) at miniz_oxide's best level.
pub fn deflate_bits(text: &[u8]) -> f64 {
    8.0 * miniz_oxide::deflate::compress_to_vec(text, DEFLATE_LEVEL).len() as f64
}

/// 8 × the size of `text` as an .xz file at preset 9 with a CRC64 check, as `xz -9` writes it.
pub fn xz_bits(text: &[u8]) -> Result<f64, MdlError> {
    Ok(8.0 * xz_compress(text)?.len() as f64)
}

/// `text` as an .xz file (preset 9, dictionary cut to the input's size).
pub fn xz_compress(text: &[u8]) -> Result<Vec<u8>, MdlError> {
    let failed = |e: std::io::Error| MdlError::Compressor(e.to_string());
    let mut options = lzma_rust2::XzOptions::with_preset(XZ_PRESET);
    let preset_dictionary = options.lzma_options.dict_size as u64;
    options.lzma_options.dict_size = (text.len() as u64).clamp(XZ_MIN_DICTIONARY, preset_dictionary) as u32;
    let mut writer = lzma_rust2::XzWriter::new(Vec::new(), options).map_err(failed)?;
    writer.write_all(text).map_err(failed)?;
    writer.finish().map_err(failed)
}

/// The column as the compressors see it: each line followed by '\n'.
pub fn column_text<S: AsRef<str>>(lines: &[S]) -> Vec<u8> {
    let mut text = Vec::with_capacity(lines.iter().map(|l| l.as_ref().len() + 1).sum());
    for line in lines {
        text.extend_from_slice(line.as_ref().as_bytes());
        text.push(b'\n');
    }
    text
}

/// kᵢ = round(yᵢ/δ), refusing a bad δ, no values, and any non-finite kᵢ.
fn target_units(values: &[f64], delta: f64) -> Result<Vec<f64>, MdlError> {
    check_delta(delta)?;
    if values.is_empty() {
        return Err(MdlError::Empty);
    }
    values
        .iter()
        .enumerate()
        .map(|(row, &y)| {
            let k = round_half_away(y / delta);
            if k.is_finite() {
                Ok(k)
            } else {
                Err(MdlError::NonFiniteRow { what: "target / δ", row, value: y })
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests compare against std's functions
mod tests {
    use super::*;

    #[test]
    fn literal_code_matches_hand_computation() {
        // δ = 0.5: k = 2, 3, 4, 3. k_min = 2: signed(2) = delta(5) = 5 bits; K = 3 levels:
        // natural(2) = delta(3) = 4 bits; 4 × log₂3 = 6.3398500. Total 15.3398500.
        let bits = literal_bits(&[1.0, 1.5, 2.0, 1.5], 0.5).unwrap();
        assert!((bits - 15.33985).abs() < 1e-6, "{bits}");
        // One level: signed(k) + natural(0) = 1, and log₂1 = 0 a row.
        assert_eq!(literal_bits(&[3.0; 5], 1.0).unwrap(), signed_bits_f64(3.0) + 1.0);
    }

    #[test]
    fn null_model_of_a_constant_column_matches_hand_computation() {
        // y = 2, 2, 2, 2 at δ = 1: the mean 2 as the integer 2 (7 bits: tag 2 + signed(2) = 5);
        // residuals all zero: Gaussian flag 1 + scale 2⁻³ (9 bits) + 4 × 9.2075e−5 bits.
        let null = null_numeric(&[2.0; 4], 1.0).unwrap();
        assert_eq!(null.constant, Constant::Integer(2));
        assert_eq!(null.residuals.scale.value(), 0.125);
        assert!((null.total_bits - (7.0 + 1.0 + 9.0 + 4.0 * 9.2075e-5)).abs() < 1e-6, "{null:?}");
    }

    #[test]
    fn null_model_of_a_noisy_column_beats_the_literal_code() {
        // 500 values from a sum of four scrambled uniforms (bell-shaped, σ ≈ 29 over a range of
        // about ±100): the literal pays log₂201 = 7.65 bits a row, the null about
        // log₂(29·√(2πe)) = 6.9.
        let uniform = |i: u64, p: u64| (i * p % 1000) as f64 / 1000.0;
        let values: Vec<f64> = (0..500u64)
            .map(|i| {
                ((uniform(i, 7919) + uniform(i, 104_729) + uniform(i, 1_299_709) + uniform(i, 15_485_863) - 2.0)
                    * 100.0)
                    .round()
            })
            .collect();
        let null = null_numeric(&values, 1.0).unwrap().total_bits;
        let literal = literal_bits(&values, 1.0).unwrap();
        assert!(null < literal, "null {null}, literal {literal}");
    }

    #[test]
    fn class_null_model_matches_hand_computation() {
        // a b a a: K = 2 → natural(1) = 4 bits; count(a) = 3 → natural(2) = 4 bits (b's follows);
        // data 3·log₂(4/3) + log₂4 = 1.2451125 + 2 = 3.2451125. Total 11.2451125.
        let bits = null_class_bits(&["a", "b", "a", "a"]).unwrap();
        assert!((bits - 11.2451125).abs() < 1e-6, "{bits}");
        // One class: K = 1 costs 1 bit and the labels nothing.
        assert_eq!(null_class_bits(&["x", "x", "x"]).unwrap(), 1.0);
        assert_eq!(null_class_bits::<&str>(&[]), Err(MdlError::Empty));
    }

    #[test]
    fn compressor_lengths_are_the_real_compressed_sizes() {
        let lines: Vec<String> = (0..300).map(|i| format!("{:.3}", (i as f64 * 0.731).sin())).collect();
        let text = column_text(&lines);
        assert_eq!(text.iter().filter(|&&b| b == b'\n').count(), 300);
        let deflated = miniz_oxide::deflate::compress_to_vec(&text, 10);
        assert_eq!(deflate_bits(&text), 8.0 * deflated.len() as f64);
        assert_eq!(miniz_oxide::inflate::decompress_to_vec(&deflated).unwrap(), text);
        let xz = xz_compress(&text).unwrap();
        assert_eq!(xz_bits(&text).unwrap(), 8.0 * xz.len() as f64);
        assert_eq!(&xz[..6], b"\xfd7zXZ\x00"); // the .xz magic
        let mut back = Vec::new();
        std::io::Read::read_to_end(&mut lzma_rust2::XzReader::new(xz.as_slice(), false), &mut back).unwrap();
        assert_eq!(back, text);
        // Both compress; the text is 300 × ~6.5 bytes.
        assert!(deflate_bits(&text) < 8.0 * text.len() as f64 * 0.8);
    }

    #[test]
    fn baselines_come_in_a_fixed_order_and_refuse_bad_columns() {
        let lines = ["1.0", "1.5", "2.0", "1.5"];
        let numeric = numeric_baselines(&[1.0, 1.5, 2.0, 1.5], 0.5, &lines).unwrap();
        let kinds: Vec<_> = numeric.iter().map(|b| b.kind.name()).collect();
        assert_eq!(kinds, ["null", "literal", "deflate", "xz"]);
        assert!(numeric.iter().all(|b| b.bits.is_finite() && b.bits > 0.0));
        let classes = class_baselines(&["a", "b", "a"]).unwrap();
        assert_eq!(
            classes.iter().map(|b| b.kind).collect::<Vec<_>>(),
            [BaselineKind::Null, BaselineKind::Deflate, BaselineKind::Xz]
        );
        assert!(numeric_baselines::<&str>(&[], 1.0, &[]).is_err());
        assert!(numeric_baselines(&[1.0], 0.0, &["1"]).is_err());
        assert!(matches!(literal_bits(&[1.0, f64::NAN], 1.0), Err(MdlError::NonFiniteRow { row: 1, .. })));
    }
}
