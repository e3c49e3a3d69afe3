//! The targets given a classifier: each row's class under the model's probabilities, quantised to
//! the integer frequencies an entropy coder works with.
//!
//! An arithmetic or range coder codes a symbol of frequency f out of a total T in log₂(T/f) bits
//! (Witten, Neal & Cleary 1987, "Arithmetic coding for data compression", CACM 30(6)). occam uses
//! T = 2¹⁶ and gives every one of the K classes at least frequency 1, so no class is impossible
//! and a confidently wrong prediction costs at most 16 bits:
//!
//! f_c = 1 + ⌊p_c·(2¹⁶ − K)⌋, with the few units left over (at most K) added to the most probable
//! class, so the frequencies sum to exactly 2¹⁶ ([`quantise`]).

use super::MdlError;

/// Bits of the coder's frequency total T = 2¹⁶.
pub const FREQUENCY_BITS: u32 = 16;

const TOTAL: u64 = 1 << FREQUENCY_BITS;

/// Integer frequencies summing to 2¹⁶, each at least 1, for one row's class probabilities
/// (normalised by their sum first; all zero is treated as uniform).
pub fn quantise(probabilities: &[f64]) -> Result<Vec<u32>, MdlError> {
    let k = class_count(probabilities.len())?;
    for (row, &p) in probabilities.iter().enumerate() {
        check_probability(row, p)?;
    }
    let sum: f64 = probabilities.iter().sum();
    let spread = (TOTAL - k) as f64;
    let mut freqs: Vec<u64> =
        probabilities.iter().map(|&p| 1 + if sum > 0.0 { (p / sum * spread).floor() as u64 } else { 0 }).collect();
    let mut top = 0;
    for (c, &p) in probabilities.iter().enumerate() {
        if p > probabilities[top] {
            top = c;
        }
    }
    let assigned: u64 = freqs.iter().sum();
    // Rounding can only leave units over (Σ⌊x⌋ ≤ ⌊Σx⌋); the saturating arms keep that true even
    // for sums a hair above one.
    if assigned <= TOTAL {
        freqs[top] += TOTAL - assigned;
    } else {
        freqs[top] = freqs[top].saturating_sub(assigned - TOTAL).max(1);
    }
    Ok(freqs.into_iter().map(|f| f as u32).collect())
}

/// Σᵢ log₂(2¹⁶/fᵢ) with fᵢ = 1 + ⌊pᵢ·(2¹⁶ − K)⌋, from each row's probability of its true class.
///
/// This is the length [`quantise`] gives every class but the most probable one, and an upper
/// bound within log₂(1 + K/f) bits a row for that one (it may receive the left-over units).
pub fn categorical_bits(p_true: &[f64], classes: usize) -> Result<f64, MdlError> {
    let k = class_count(classes)?;
    let spread = (TOTAL - k) as f64;
    let mut bits = 0.0;
    for (row, &p) in p_true.iter().enumerate() {
        check_probability(row, p)?;
        let f = 1.0 + (p * spread).floor();
        bits += FREQUENCY_BITS as f64 - libm::log2(f);
    }
    Ok(bits)
}

fn class_count(k: usize) -> Result<u64, MdlError> {
    if (1..=TOTAL as usize).contains(&k) {
        Ok(k as u64)
    } else {
        Err(MdlError::ClassCount(k))
    }
}

fn check_probability(row: usize, p: f64) -> Result<(), MdlError> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(MdlError::BadProbability { row, value: p })
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests compare against std's functions
mod tests {
    use super::*;

    #[test]
    fn frequencies_sum_to_the_total_and_keep_every_class() {
        // (probabilities, frequencies): f = 1 + ⌊p(65536 − K)⌋, left-over units to the largest p.
        let table: &[(&[f64], &[u32])] = &[
            (&[0.5, 0.5], &[32768, 32768]),     // 1 + 32767 each
            (&[1.0, 0.0, 0.0], &[65534, 1, 1]), // 1 + 65533
            (&[0.0, 0.0], &[65535, 1]),         // all zero: uniform ones, the rest to class 0
            // 1 + ⌊0.2 × 65533⌋ = 13107, 1 + ⌊19659.9⌋ = 19660, 1 + ⌊32766.5⌋ = 32767; 2 left over.
            (&[0.2, 0.3, 0.5], &[13107, 19660, 32769]),
            (&[1.0], &[65536]),
        ];
        for (p, expected) in table {
            let f = quantise(p).unwrap();
            assert_eq!(&f, expected, "{p:?}");
            assert_eq!(f.iter().map(|&x| x as u64).sum::<u64>(), TOTAL);
        }
        assert!(quantise(&[]).is_err());
        assert!(quantise(&[0.5, f64::NAN]).is_err());
        assert!(quantise(&[1.5, 0.0]).is_err());
    }

    #[test]
    fn categorical_bits_match_hand_computation() {
        // K = 2: p = 1 → f = 65535 → 16 − log₂65535 = 2.2e−5; p = ½ → f = 32768 → 1 bit;
        // p = 0 → f = 1 → 16 bits.
        let bits = categorical_bits(&[1.0, 0.5, 0.0], 2).unwrap();
        assert!((bits - (17.0 + 16.0 - 65535f64.log2())).abs() < 1e-12, "{bits}");
        assert_eq!(categorical_bits(&[], 3).unwrap(), 0.0);
        assert_eq!(categorical_bits(&[0.5], 0), Err(MdlError::ClassCount(0)));
        assert!(matches!(categorical_bits(&[0.5, -0.1], 2), Err(MdlError::BadProbability { row: 1, .. })));
        // The bound against quantise's actual frequency for the most probable class.
        let p = [0.7, 0.2, 0.1];
        let f = quantise(&p).unwrap();
        let exact = FREQUENCY_BITS as f64 - (f[0] as f64).log2();
        let bound = categorical_bits(&p[..1], 3).unwrap();
        assert!(bound >= exact && bound - exact < (1.0 + 3.0 / f[0] as f64).log2());
    }
}
