//! Universal codes for integers, and the bit stream that realises them.
//!
//! Every count, width, exponent and index that occam sends goes through one of these codes. The
//! length functions ([`elias_delta_bits`], [`natural_bits`], [`signed_bits`]) are the lengths of
//! what [`BitWriter`] actually writes, and [`BitReader`] reads it back; the tests check both.
//! [`log_star_bits`] is Rissanen's ideal length, kept for comparison (it needs an arithmetic coder
//! to be realised, so occam's figures use Elias delta instead).
//!
//! Values that may be zero or negative are mapped onto the positive integers first: a natural
//! number n is sent as delta(n + 1), a signed one through the zigzag map 0, −1, 1, −2, … → 0, 1,
//! 2, 3, …. The map is computed in u128 so that u64::MAX and i64::MIN have codewords too.

use std::num::NonZeroU64;

use super::MdlError;

/// Rissanen's normalising constant c₀ ≈ 2.865064, chosen so that Σₙ 2^−L*(n) = 1 (Rissanen 1983,
/// "A universal prior for integers and estimation by minimum description length", Ann. Stat.
/// 11(2), eq. 2.4).
pub const LOG_STAR_C0: f64 = 2.865064;

/// Length of n's Elias gamma codeword: ⌊log₂n⌋ zeros, then n in ⌊log₂n⌋ + 1 binary digits
/// (Elias 1975, "Universal codeword sets and representations of the integers", IEEE Trans. Inf.
/// Theory 21(2), code γ′), so 2⌊log₂n⌋ + 1 bits.
pub fn elias_gamma_bits(n: NonZeroU64) -> u32 {
    2 * floor_log2(n.get() as u128) + 1
}

/// Length of n's Elias delta codeword: gamma(⌊log₂n⌋ + 1), then the ⌊log₂n⌋ bits of n below its
/// leading one (Elias 1975, code δ), so ⌊log₂n⌋ + 2⌊log₂(⌊log₂n⌋ + 1)⌋ + 1 bits. Its lengths grow
/// as log₂n + 2 log₂log₂n, close to log* for the values occam sends.
pub fn elias_delta_bits(n: NonZeroU64) -> u32 {
    delta_bits_wide(n.get() as u128)
}

/// Length of the codeword for a natural number n ≥ 0: Elias delta of n + 1 (77 bits for
/// u64::MAX, whose n + 1 = 2⁶⁴ is computed without overflow).
pub fn natural_bits(n: u64) -> u32 {
    delta_bits_wide(n as u128 + 1)
}

/// Length of the codeword for a signed integer: [`natural_bits`] of its [`zigzag`] image, so
/// 0 costs 1 bit, ±1 cost 4, and the sign costs about one bit everywhere.
pub fn signed_bits(i: i64) -> u32 {
    natural_bits(zigzag(i))
}

/// Rissanen's log* length: log₂c₀ + log₂n + log₂log₂n + …, summing the positive terms
/// (Rissanen 1983, eq. 2.4). It is an ideal length, not always an integer; L*(1) = log₂c₀ ≈ 1.519.
pub fn log_star_bits(n: NonZeroU64) -> f64 {
    let mut bits = libm::log2(LOG_STAR_C0);
    let mut term = libm::log2(n.get() as f64);
    while term > 0.0 {
        bits += term;
        term = libm::log2(term);
    }
    bits
}

/// The zigzag map from signed to natural numbers: 0, −1, 1, −2, 2, … → 0, 1, 2, 3, 4, ….
pub fn zigzag(i: i64) -> u64 {
    ((i << 1) ^ (i >> 63)) as u64
}

/// The inverse of [`zigzag`].
pub fn unzigzag(u: u64) -> i64 {
    ((u >> 1) as i64) ^ -((u & 1) as i64)
}

/// [`natural_bits`] for a natural number held in an f64 (rounded to the nearest integer), so that
/// values beyond u64 (a literal code's range, a wild residual) still get a finite length: the
/// delta length formula applied to ⌊log₂(n + 1)⌋, exact below 2⁶³. NaN, infinities and negative
/// values give +∞.
pub fn natural_bits_f64(n: f64) -> f64 {
    if n.is_nan() || n <= -0.5 || n.is_infinite() {
        return f64::INFINITY;
    }
    if n < TWO_POW_63 {
        return natural_bits(round_magnitude(n)) as f64;
    }
    // n ≥ 2⁶³ is an even integer in f64, so n + 1 is not a power of two and ⌊log₂(n + 1)⌋ is n's
    // binary exponent.
    delta_length_from_log2(binary_exponent(n)) as f64
}

/// [`signed_bits`] for a signed integer held in an f64 (rounded to the nearest integer), finite
/// for every finite input; NaN and infinities give +∞.
pub fn signed_bits_f64(i: f64) -> f64 {
    if !i.is_finite() {
        return f64::INFINITY;
    }
    let magnitude = i.abs();
    if magnitude < TWO_POW_62 {
        // zigzag of round(i), rounding half away from zero, without a call to round().
        let j = round_magnitude(magnitude);
        let z = if i < 0.0 && j > 0 { 2 * j - 1 } else { 2 * j };
        return natural_bits(z) as f64;
    }
    // zigzag(i) + 1 is 2|i| or 2|i| + 1, whose ⌊log₂⌋ is |i|'s binary exponent plus one.
    delta_length_from_log2(binary_exponent(magnitude) + 1) as f64
}

/// round(x) for −½ < x < 2⁶³, half away from zero, by truncation (f64::round is a library
/// call on baseline x86-64, and these lengths are computed once a row).
fn round_magnitude(x: f64) -> u64 {
    let whole = x as u64;
    whole + (x - whole as f64 >= 0.5) as u64
}

const TWO_POW_62: f64 = 4_611_686_018_427_387_904.0;
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// ⌊log₂x⌋ of a normal positive f64 (every caller passes x ≥ 2⁶²).
fn binary_exponent(x: f64) -> u32 {
    (((x.to_bits() >> 52) & 0x7ff) as u32).saturating_sub(1023)
}

fn floor_log2(n: u128) -> u32 {
    127 - n.leading_zeros()
}

/// Delta length of n ≥ 1 given as u128 (n ≤ 2⁶⁴ in practice).
fn delta_bits_wide(n: u128) -> u32 {
    delta_length_from_log2(floor_log2(n.max(1)))
}

fn delta_length_from_log2(l: u32) -> u32 {
    l + 2 * floor_log2(l as u128 + 1) + 1
}

/// Where the universal codes write to: a [`BitWriter`], or an entropy coder's stream
/// ([`stream::Encoder`](super::stream::Encoder)) that codes each bit at probability ½.
///
/// Only [`BitSink::write_bit`] is required; every `write_*` method writes exactly as many bits
/// as the matching length function says ([`natural_bits`], [`signed_bits`], …).
pub trait BitSink {
    /// Appends one bit.
    fn write_bit(&mut self, bit: bool);

    /// Appends the low `count` bits of `value`, most significant first. `count` may be 0 to 64,
    /// and `value` must have no bit set at or above `count`.
    fn write_bits(&mut self, value: u64, count: u32) -> Result<(), MdlError> {
        check_width(value, count)?;
        push_bits(self, value, count);
        Ok(())
    }

    /// Appends n's Elias gamma codeword ([`elias_gamma_bits`] long).
    fn write_elias_gamma(&mut self, n: NonZeroU64) {
        push_gamma(self, n.get());
    }

    /// Appends n's Elias delta codeword ([`elias_delta_bits`] long).
    fn write_elias_delta(&mut self, n: NonZeroU64) {
        push_delta(self, n.get() as u128);
    }

    /// Appends a natural number's codeword ([`natural_bits`] long).
    fn write_natural(&mut self, n: u64) {
        push_delta(self, n as u128 + 1);
    }

    /// Appends a signed integer's codeword ([`signed_bits`] long).
    fn write_signed(&mut self, i: i64) {
        self.write_natural(zigzag(i));
    }
}

/// Where the universal codes read from: a [`BitReader`], or an entropy decoder's stream
/// ([`stream::Decoder`](super::stream::Decoder)). Only [`BitSource::read_bit`] and
/// [`BitSource::position`] are required.
pub trait BitSource {
    /// Reads one bit.
    fn read_bit(&mut self) -> Result<bool, MdlError>;

    /// How far the source has read, for error messages (bits for a [`BitReader`]).
    fn position(&self) -> u64;

    /// Reads `count ≤ 64` bits as an unsigned number, most significant first.
    fn read_bits(&mut self, count: u32) -> Result<u64, MdlError> {
        if count > 64 {
            return Err(MdlError::TooManyBits { count });
        }
        let mut value = 0u64;
        for _ in 0..count {
            value = (value << 1) | self.read_bit()? as u64;
        }
        Ok(value)
    }

    /// Reads an Elias gamma codeword.
    fn read_elias_gamma(&mut self) -> Result<NonZeroU64, MdlError> {
        let value = read_gamma(self, 63)?;
        NonZeroU64::new(value).ok_or(invalid(self, "gamma codeword of zero"))
    }

    /// Reads an Elias delta codeword.
    fn read_elias_delta(&mut self) -> Result<NonZeroU64, MdlError> {
        let value = read_delta(self)?;
        let value = u64::try_from(value).map_err(|_| invalid(self, "delta value beyond u64"))?;
        NonZeroU64::new(value).ok_or(invalid(self, "delta codeword of zero"))
    }

    /// Reads a natural number written by [`BitSink::write_natural`].
    fn read_natural(&mut self) -> Result<u64, MdlError> {
        let value = read_delta(self)? - 1;
        u64::try_from(value).map_err(|_| invalid(self, "natural number beyond u64"))
    }

    /// Reads a signed integer written by [`BitSink::write_signed`].
    fn read_signed(&mut self) -> Result<i64, MdlError> {
        Ok(unzigzag(self.read_natural()?))
    }
}

fn check_width(value: u64, count: u32) -> Result<(), MdlError> {
    if count > 64 {
        return Err(MdlError::TooManyBits { count });
    }
    if count < 64 && value >> count != 0 {
        return Err(MdlError::ValueTooWide { value, count });
    }
    Ok(())
}

/// The low `count ≤ 64` bits of `value`, most significant first (callers guarantee the range).
fn push_bits<S: BitSink + ?Sized>(sink: &mut S, value: u64, count: u32) {
    for shift in (0..count.min(64)).rev() {
        sink.write_bit((value >> shift) & 1 == 1);
    }
}

fn push_gamma<S: BitSink + ?Sized>(sink: &mut S, n: u64) {
    let l = floor_log2(n.max(1) as u128);
    push_bits(sink, 0, l);
    push_bits(sink, n, l + 1);
}

/// Delta of 1 ≤ n ≤ 2⁶⁴: gamma(L + 1) with L + 1 ≤ 65, then the L ≤ 64 bits under n's leading
/// one.
fn push_delta<S: BitSink + ?Sized>(sink: &mut S, n: u128) {
    let n = n.clamp(1, 1 << 64);
    let l = floor_log2(n);
    push_gamma(sink, l as u64 + 1);
    let below_leading_one = (n - (1u128 << l)) as u64;
    push_bits(sink, below_leading_one, l);
}

fn invalid<S: BitSource + ?Sized>(source: &S, what: &'static str) -> MdlError {
    MdlError::InvalidCode { position: source.position(), what }
}

/// A gamma codeword whose value has at most `max_log2 + 1` binary digits.
fn read_gamma<S: BitSource + ?Sized>(source: &mut S, max_log2: u32) -> Result<u64, MdlError> {
    let mut zeros = 0;
    while !source.read_bit()? {
        zeros += 1;
        if zeros > max_log2 {
            return Err(invalid(source, "gamma prefix too long"));
        }
    }
    let below = source.read_bits(zeros)?;
    Ok((1u64 << zeros) | below)
}

/// A delta codeword, 1 ≤ n ≤ 2⁶⁴.
fn read_delta<S: BitSource + ?Sized>(source: &mut S) -> Result<u128, MdlError> {
    // L + 1 ≤ 65 has at most 7 binary digits.
    let l = read_gamma(source, 6)? - 1;
    if l > 64 {
        return Err(invalid(source, "delta length beyond 64 bits"));
    }
    let below = source.read_bits(l as u32)?;
    Ok((1u128 << l) | below as u128)
}

/// Writes bits most significant first into bytes; the last byte is padded with zeros.
///
/// Every `write_*` method ([`BitSink`]) writes exactly as many bits as the matching length
/// function says, so `len_bits()` after writing a value is the sum of those lengths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BitWriter {
    bytes: Vec<u8>,
    len: u64,
}

impl BitWriter {
    /// An empty stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of bits written so far.
    pub fn len_bits(&self) -> u64 {
        self.len
    }

    /// The bytes written so far (the last one zero-padded).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes written, the last one zero-padded; keep `len_bits()` to know where the stream
    /// ends.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

impl BitSink for BitWriter {
    fn write_bit(&mut self, bit: bool) {
        let offset = (self.len % 8) as u32;
        if offset == 0 {
            self.bytes.push(0);
        }
        if bit {
            if let Some(last) = self.bytes.last_mut() {
                *last |= 0x80 >> offset;
            }
        }
        self.len += 1;
    }
}

/// Reads what a [`BitWriter`] wrote, bit by bit, most significant first.
#[derive(Debug, Clone)]
pub struct BitReader<'a> {
    bytes: &'a [u8],
    position: u64,
    len: u64,
}

impl<'a> BitReader<'a> {
    /// A reader over all the bits of `bytes` (padding included).
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, position: 0, len: bytes.len() as u64 * 8 }
    }

    /// A reader over the first `len_bits` bits of `bytes` (at most all of them).
    pub fn with_len(bytes: &'a [u8], len_bits: u64) -> Self {
        Self { bytes, position: 0, len: len_bits.min(bytes.len() as u64 * 8) }
    }

    /// The number of bits left.
    pub fn remaining(&self) -> u64 {
        self.len - self.position
    }
}

impl BitSource for BitReader<'_> {
    fn read_bit(&mut self) -> Result<bool, MdlError> {
        if self.position >= self.len {
            return Err(MdlError::EndOfStream { position: self.position });
        }
        let byte = self.bytes.get((self.position / 8) as usize).copied().unwrap_or(0);
        let bit = (byte >> (7 - self.position % 8)) & 1 == 1;
        self.position += 1;
        Ok(bit)
    }

    /// The number of bits read so far.
    fn position(&self) -> u64 {
        self.position
    }

    fn read_bits(&mut self, count: u32) -> Result<u64, MdlError> {
        if count > 64 {
            return Err(MdlError::TooManyBits { count });
        }
        if self.remaining() < count as u64 {
            return Err(MdlError::EndOfStream { position: self.len });
        }
        let mut value = 0u64;
        for _ in 0..count {
            value = (value << 1) | self.read_bit()? as u64;
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nz(n: u64) -> NonZeroU64 {
        NonZeroU64::new(n).unwrap()
    }

    #[test]
    fn gamma_and_delta_lengths_match_hand_computation() {
        // (n, gamma = 2⌊log₂n⌋ + 1, delta = L + 2⌊log₂(L + 1)⌋ + 1 with L = ⌊log₂n⌋)
        let table: &[(u64, u32, u32)] = &[
            (1, 1, 1),           // γ "1"; δ "1"
            (2, 3, 4),           // γ "010"; δ: L = 1, γ(2) = "010", then "0"
            (3, 3, 4),           // L = 1: 1 + 2·1 + 1
            (4, 5, 5),           // L = 2: 2 + 2·1 + 1
            (7, 5, 5),           //
            (8, 7, 8),           // L = 3: 3 + 2·2 + 1
            (16, 9, 9),          // L = 4: 4 + 2·2 + 1
            (100, 13, 11),       // L = 6: 6 + 2·2 + 1
            (u64::MAX, 127, 76), // L = 63: 63 + 2·6 + 1
        ];
        for &(n, gamma, delta) in table {
            assert_eq!(elias_gamma_bits(nz(n)), gamma, "gamma({n})");
            assert_eq!(elias_delta_bits(nz(n)), delta, "delta({n})");
        }
    }

    #[test]
    fn natural_and_signed_lengths_match_hand_computation() {
        assert_eq!(natural_bits(0), 1); // delta(1)
        assert_eq!(natural_bits(1), 4); // delta(2)
        assert_eq!(natural_bits(u64::MAX), 77); // delta(2⁶⁴): L = 64, 64 + 2·6 + 1
                                                // signed: zigzag then natural.
        let table: &[(i64, u32)] = &[(0, 1), (-1, 4), (1, 4), (-2, 5), (3, 5), (-4, 8), (i64::MAX, 76), (i64::MIN, 77)];
        for &(i, bits) in table {
            assert_eq!(signed_bits(i), bits, "signed({i})");
        }
    }

    #[test]
    fn f64_lengths_agree_with_integer_lengths_and_stay_finite() {
        for i in [-1000i64, -3, -1, 0, 1, 2, 77, 1 << 40] {
            assert_eq!(signed_bits_f64(i as f64), signed_bits(i) as f64);
            assert_eq!(natural_bits_f64(i.unsigned_abs() as f64), natural_bits(i.unsigned_abs()) as f64);
        }
        // 2⁶² is where the f64 path takes over: both sides of it agree with the u64 formula.
        assert_eq!(signed_bits_f64(TWO_POW_62), signed_bits(1 << 62) as f64);
        assert_eq!(natural_bits_f64(TWO_POW_63), natural_bits(1 << 63) as f64);
        // 1e300 ≈ 2^996.6: zigzag ≈ 2^997.6, L = 997, 997 + 2·9 + 1 = 1016.
        assert_eq!(signed_bits_f64(1e300), 1016.0);
        assert_eq!(signed_bits_f64(f64::MAX), 1024.0 + 2.0 * 10.0 + 1.0);
        assert!(signed_bits_f64(f64::NAN).is_infinite());
        assert!(natural_bits_f64(-1.0).is_infinite());
    }

    #[test]
    fn log_star_matches_hand_computation() {
        // log₂ 2.865064 = 1.518567; L*(16) = 1.518567 + 4 + 2 + 1;
        // L*(1000) = 1.518567 + 9.965784 + 3.317016 + 1.729896 + 0.790710 (log₂0.79 < 0 stops).
        let table: &[(u64, f64)] =
            &[(1, 1.518567), (2, 2.518567), (16, 8.518567), (65536, 24.518567), (1000, 17.321872)];
        for &(n, bits) in table {
            assert!((log_star_bits(nz(n)) - bits).abs() < 1e-5, "log*({n})");
        }
    }

    #[test]
    fn zigzag_round_trips() {
        for i in [0, 1, -1, 2, -2, i64::MAX, i64::MIN, 12345, -98765] {
            assert_eq!(unzigzag(zigzag(i)), i);
        }
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
        assert_eq!(zigzag(i64::MIN), u64::MAX);
    }

    /// Values near every power of two, plus the extremes.
    fn sample_naturals() -> Vec<u64> {
        let mut values = vec![0, 1, 2, 3, 4, 5, 1000, u64::MAX - 1, u64::MAX];
        for shift in 1..64 {
            let p = 1u64 << shift;
            values.extend([p - 1, p, p + 1]);
        }
        values
    }

    #[test]
    fn writer_and_reader_round_trip_with_the_stated_lengths() {
        let values = sample_naturals();
        let mut w = BitWriter::new();
        let mut expected = 0u64;
        for &v in &values {
            w.write_natural(v);
            expected += natural_bits(v) as u64;
            if let Some(n) = NonZeroU64::new(v) {
                w.write_elias_delta(n);
                w.write_elias_gamma(n);
                expected += (elias_delta_bits(n) + elias_gamma_bits(n)) as u64;
            }
            let signed = v as i64;
            w.write_signed(signed);
            expected += signed_bits(signed) as u64;
            w.write_bits(v & 0x1f, 5).unwrap();
            expected += 5;
            assert_eq!(w.len_bits(), expected, "after {v}");
        }
        let len = w.len_bits();
        let bytes = w.into_bytes();
        assert_eq!(bytes.len() as u64, len.div_ceil(8));
        let mut r = BitReader::with_len(&bytes, len);
        for &v in &values {
            assert_eq!(r.read_natural().unwrap(), v);
            if let Some(n) = NonZeroU64::new(v) {
                assert_eq!(r.read_elias_delta().unwrap(), n);
                assert_eq!(r.read_elias_gamma().unwrap(), n);
            }
            assert_eq!(r.read_signed().unwrap(), v as i64);
            assert_eq!(r.read_bits(5).unwrap(), v & 0x1f);
        }
        assert_eq!(r.remaining(), 0);
        assert!(matches!(r.read_bit(), Err(MdlError::EndOfStream { .. })));
    }

    #[test]
    fn writer_refuses_bad_widths_and_reader_refuses_bad_codes() {
        let mut w = BitWriter::new();
        assert_eq!(w.write_bits(0, 65), Err(MdlError::TooManyBits { count: 65 }));
        assert_eq!(w.write_bits(4, 2), Err(MdlError::ValueTooWide { value: 4, count: 2 }));
        w.write_bits(u64::MAX, 64).unwrap();
        w.write_bits(0, 0).unwrap();
        assert_eq!(w.len_bits(), 64);
        // All zeros: the gamma prefix never ends.
        let zeros = [0u8; 32];
        assert!(matches!(BitReader::new(&zeros).read_natural(), Err(MdlError::InvalidCode { .. })));
        assert!(matches!(BitReader::new(&zeros).read_elias_gamma(), Err(MdlError::InvalidCode { .. })));
        // A truncated codeword.
        let mut w = BitWriter::new();
        w.write_natural(1 << 40);
        let bytes = w.into_bytes();
        assert!(matches!(BitReader::with_len(&bytes, 10).read_natural(), Err(MdlError::EndOfStream { .. })));
        // Delta of 2⁶⁴ is a natural number but not a NonZeroU64.
        let mut w = BitWriter::new();
        w.write_natural(u64::MAX);
        let bytes = w.into_bytes();
        assert!(matches!(BitReader::new(&bytes).read_elias_delta(), Err(MdlError::InvalidCode { .. })));
        assert!(BitReader::new(&[]).read_bits(65).is_err());
    }
}
