//! How a formula's constants are sent, and which short forms of a fitted value are worth trying.
//!
//! A [`Constant`] is one of five kinds, each with its own token so that exact laws with exact
//! constants are cheap: "2" costs 7 bits, "3/2" 8, π and e 3 each, while a fitted real pays for
//! every mantissa bit it keeps ([`Real`]). [`candidates`] lists the short forms near a fitted
//! value and [`choose`] picks the one that minimises constant bits + data bits, so that a fitted
//! 1.4999999 becomes 3/2 when the data code barely notices.
//!
//! Every length here is a whole number of bits, and [`Constant::write`] writes exactly
//! [`Constant::bits`] bits.

use std::fmt;

use super::integers::{natural_bits, signed_bits, BitSink, BitSource};
use super::MdlError;

/// The most mantissa bits a [`Real`] keeps after its leading one: binary64's precision
/// (IEEE 754-2008, §3.6: 52 explicit fraction bits).
pub const MAX_MANTISSA_BITS: u32 = 52;

/// The largest denominator [`candidates`] tries for a rational approximation.
pub const MAX_CANDIDATE_DENOMINATOR: u64 = 1000;

/// The kind tags, a complete prefix code over the five kinds (Kraft sum 3·2⁻² + 2·2⁻³ = 1):
/// the three kinds with payloads get 2 bits, the two named constants 3.
const TAG_INTEGER: (u64, u32) = (0b00, 2);
const TAG_RATIONAL: (u64, u32) = (0b01, 2);
const TAG_REAL: (u64, u32) = (0b10, 2);
const TAG_PI: (u64, u32) = (0b110, 3);
const TAG_E: (u64, u32) = (0b111, 3);

/// A constant as the decoder receives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Constant {
    /// Tag + signed universal code of the integer.
    Integer(i64),
    /// Tag + signed code of p + universal code of q − 1, for p/q in lowest terms with q ≥ 2.
    Rational(Rational),
    /// π: the tag only.
    Pi,
    /// e: the tag only.
    E,
    /// Tag + a binary floating-point number with a chosen mantissa width.
    Real(Real),
}

/// p/q in lowest terms with q ≥ 2 (q = 1 is an [`Constant::Integer`]); built only by
/// [`Rational::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rational {
    p: i64,
    q: u64,
}

/// ±2^e × (1 + f/2^m): a sign bit, a signed universal exponent e, a universal code for the width
/// m ≤ 52, and the m bits of f. Built only by [`Real::new`], which rounds a value to m bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Real {
    negative: bool,
    exponent: i32,
    width: u32,
    fraction: u64,
}

/// The constant [`choose`] picked, with its cost split into the constant and the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    pub constant: Constant,
    pub constant_bits: u32,
    pub data_bits: f64,
    pub total_bits: f64,
}

impl Constant {
    /// A rational p/q reduced to lowest terms: an [`Constant::Integer`] when q divides p, an error
    /// when q = 0.
    pub fn ratio(p: i64, q: u64) -> Result<Constant, MdlError> {
        let (p, q) = reduce(p, q).ok_or(MdlError::BadRational { p, q })?;
        Ok(if q == 1 { Constant::Integer(p) } else { Constant::Rational(Rational { p, q }) })
    }

    /// The length of this constant's codeword: kind tag + payload.
    pub fn bits(&self) -> u32 {
        match self {
            Constant::Integer(i) => TAG_INTEGER.1 + signed_bits(*i),
            Constant::Rational(r) => TAG_RATIONAL.1 + r.payload_bits(),
            Constant::Pi => TAG_PI.1,
            Constant::E => TAG_E.1,
            Constant::Real(r) => TAG_REAL.1 + r.payload_bits(),
        }
    }

    /// The value the decoder computes: i as f64, p as f64 / q as f64 (IEEE division, so the same
    /// on every machine), π and e to binary64 precision, or the rounded real.
    pub fn value(&self) -> f64 {
        match self {
            Constant::Integer(i) => *i as f64,
            Constant::Rational(r) => r.value(),
            Constant::Pi => std::f64::consts::PI,
            Constant::E => std::f64::consts::E,
            Constant::Real(r) => r.value(),
        }
    }

    /// Writes the codeword: exactly [`Constant::bits`] bits, to a
    /// [`BitWriter`](super::BitWriter) or an entropy coder's stream.
    pub fn write<W: BitSink + ?Sized>(&self, w: &mut W) {
        let (tag, tag_bits) = self.tag();
        w.write_bits(tag, tag_bits).unwrap_or(());
        match self {
            Constant::Integer(i) => w.write_signed(*i),
            Constant::Rational(r) => {
                w.write_signed(r.p);
                w.write_natural(r.q - 2);
            }
            Constant::Pi | Constant::E => {}
            Constant::Real(r) => r.write(w),
        }
    }

    /// Reads a codeword written by [`Constant::write`].
    pub fn read<R: BitSource + ?Sized>(r: &mut R) -> Result<Constant, MdlError> {
        let start = r.position();
        let invalid = |what| MdlError::InvalidCode { position: start, what };
        let tag = r.read_bits(2)?;
        Ok(match tag {
            0b00 => Constant::Integer(r.read_signed()?),
            0b01 => {
                let p = r.read_signed()?;
                let q = r.read_natural()?.checked_add(2).ok_or(invalid("rational denominator overflows"))?;
                let rational = Rational::new(p, q).map_err(|_| invalid("rational not in lowest terms"))?;
                Constant::Rational(rational)
            }
            0b10 => Constant::Real(Real::read(r)?),
            _ => {
                if r.read_bit()? {
                    Constant::E
                } else {
                    Constant::Pi
                }
            }
        })
    }

    fn tag(&self) -> (u64, u32) {
        match self {
            Constant::Integer(_) => TAG_INTEGER,
            Constant::Rational(_) => TAG_RATIONAL,
            Constant::Pi => TAG_PI,
            Constant::E => TAG_E,
            Constant::Real(_) => TAG_REAL,
        }
    }
}

impl fmt::Display for Constant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Constant::Integer(i) => write!(f, "{i}"),
            Constant::Rational(r) => write!(f, "{}/{}", r.p, r.q),
            Constant::Pi => write!(f, "π"),
            Constant::E => write!(f, "e"),
            Constant::Real(r) => write!(f, "{}", r.value()),
        }
    }
}

impl Rational {
    /// p/q in lowest terms; an error unless the reduced denominator is at least 2.
    pub fn new(p: i64, q: u64) -> Result<Rational, MdlError> {
        match reduce(p, q) {
            Some((rp, rq)) if rq >= 2 => Ok(Rational { p: rp, q: rq }),
            _ => Err(MdlError::BadRational { p, q }),
        }
    }

    /// The numerator.
    pub fn numerator(&self) -> i64 {
        self.p
    }

    /// The denominator, at least 2.
    pub fn denominator(&self) -> u64 {
        self.q
    }

    /// p as f64 / q as f64.
    pub fn value(&self) -> f64 {
        self.p as f64 / self.q as f64
    }

    /// signed(p) + natural(q − 2), i.e. Elias delta of q − 1 ≥ 1.
    fn payload_bits(&self) -> u32 {
        signed_bits(self.p) + natural_bits(self.q - 2)
    }
}

impl Real {
    /// `value` rounded to nearest (ties to even) with `width` mantissa bits after its leading one.
    /// Errors for zero (send [`Constant::Integer`]`(0)`), NaN, infinities, a width above 52, and a
    /// value that rounds past f64::MAX.
    pub fn new(value: f64, width: u32) -> Result<Real, MdlError> {
        if width > MAX_MANTISSA_BITS {
            return Err(MdlError::MantissaWidth(width));
        }
        let not_a_real = |why| MdlError::NotAReal { value, why };
        if !value.is_finite() {
            return Err(not_a_real("not finite"));
        }
        let (exponent, significand) = decompose(value).ok_or(not_a_real("zero"))?;
        let (exponent, kept) = round_significand(exponent, significand, width);
        if exponent > f64::MAX_EXP - 1 {
            return Err(not_a_real("rounds past the largest finite f64"));
        }
        Ok(Real { negative: value < 0.0, exponent, width, fraction: kept - (1u64 << width) })
    }

    /// 2^exponent with no mantissa bits, the exponent clamped to binary64's range [−1074, 1023].
    pub fn power_of_two(exponent: i32) -> Real {
        Real { negative: false, exponent: exponent.clamp(-1074, 1023), width: 0, fraction: 0 }
    }

    /// The mantissa width m.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// The binary exponent e.
    pub fn exponent(&self) -> i32 {
        self.exponent
    }

    /// ±2^e × (1 + f/2^m), computed exactly when representable (always, for a Real from
    /// [`Real::new`]).
    pub fn value(&self) -> f64 {
        let significand = ((1u64 << self.width) | self.fraction) as f64;
        let magnitude = libm::scalbn(significand, self.exponent - self.width as i32);
        if self.negative {
            -magnitude
        } else {
            magnitude
        }
    }

    /// Sign bit + signed(e) + natural(m) + m.
    fn payload_bits(&self) -> u32 {
        1 + signed_bits(self.exponent as i64) + natural_bits(self.width as u64) + self.width
    }

    fn write<W: BitSink + ?Sized>(&self, w: &mut W) {
        w.write_bit(self.negative);
        w.write_signed(self.exponent as i64);
        w.write_natural(self.width as u64);
        w.write_bits(self.fraction, self.width).unwrap_or(());
    }

    fn read<R: BitSource + ?Sized>(r: &mut R) -> Result<Real, MdlError> {
        let start = r.position();
        let invalid = |what| MdlError::InvalidCode { position: start, what };
        let negative = r.read_bit()?;
        let exponent = r.read_signed()?;
        let lowest_exponent = f64::MIN_EXP as i64 - MAX_MANTISSA_BITS as i64 - 1; // −1074
        if exponent < lowest_exponent || exponent > f64::MAX_EXP as i64 - 1 {
            return Err(invalid("real exponent outside binary64's range"));
        }
        let width = r.read_natural()?;
        if width > MAX_MANTISSA_BITS as u64 {
            return Err(invalid("real mantissa wider than 52 bits"));
        }
        let fraction = r.read_bits(width as u32)?;
        Ok(Real { negative, exponent: exponent as i32, width: width as u32, fraction })
    }
}

/// `v` rounded to nearest (ties to even) with `m` mantissa bits after its leading one: the value a
/// [`Real`] of width m decodes to. Zero, NaN and infinities come back unchanged, so do widths of
/// 52 and more; a value that rounds past f64::MAX gives ±∞ (IEEE overflow).
pub fn round_mantissa(v: f64, m: u32) -> f64 {
    if !v.is_finite() || v == 0.0 || m >= MAX_MANTISSA_BITS {
        return v;
    }
    match Real::new(v, m) {
        Ok(real) => real.value(),
        Err(_) => f64::INFINITY.copysign(v),
    }
}

/// How far, relative to the value, a constant shown to people may be from the one the formula
/// computes with: 2⁻¹⁰, about 0.1 %, within a table's usual precision.
pub const SHOWN_CLOSE: f64 = 1.0 / 1024.0;

/// The shortest decimal within half a unit of the last of `width` mantissa bits of `v`, and
/// within [`SHOWN_CLOSE`] of `v`: the digits a constant sent at that width carries, for showing
/// it to people (0.2008351753680859 sent with 9 bits shows as 0.201). With `width` 52 or more,
/// `v` itself.
///
/// Why the second bound: a narrow width is the code's choice of a value near the fit, not an
/// uncertainty. 64 sent as a bare power of two has width 0, and half its quantum is 32, so the
/// first bound alone would show e^(t/64) as e^(t/60), 25 % off at t = 210; a reader computing
/// from the formula on the page must get the formula's predictions.
pub fn shortest_decimal(v: f64, width: u32) -> f64 {
    if !v.is_finite() || v == 0.0 || width >= MAX_MANTISSA_BITS {
        return v;
    }
    let Some((exponent, _)) = decompose(v) else { return v };
    let half = libm::ldexp(0.5, exponent - width as i32).min(v.abs() * SHOWN_CLOSE);
    for digits in 1..=17 {
        if let Ok(d) = format!("{:.*e}", digits - 1, v).parse::<f64>() {
            if (d - v).abs() <= half {
                return d;
            }
        }
    }
    v
}

/// The width a value's mantissa needs: the bits after its leading one up to its last one (so
/// a constant rounded to m bits needs at most m).
pub fn needed_width(v: f64) -> u32 {
    match decompose(v) {
        Some((_, significand)) if significand != 0 => 52 - significand.trailing_zeros().min(52),
        _ => 0,
    }
}

/// The short forms near `v` worth trying, cheapest first, without two of the same value:
/// - the nearest integer;
/// - the continued-fraction convergents p/q of v with 2 ≤ q ≤ 1000 (the best approximations of
///   the second kind: no fraction with a smaller denominator is closer; Khinchin 1964,
///   "Continued Fractions", Theorems 16–17);
/// - π and e when within ½ of v;
/// - v as a [`Real`] at every width m = 0, 1, … up to the first that holds v exactly (at most 52).
///
/// Empty for NaN and infinities.
pub fn candidates(v: f64) -> Vec<Constant> {
    if !v.is_finite() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let nearest = v.round();
    if nearest.abs() < TWO_POW_63 {
        found.push(Constant::Integer(nearest as i64));
    }
    found.extend(convergents(v).into_iter().map(Constant::Rational));
    for (named, value) in [(Constant::Pi, std::f64::consts::PI), (Constant::E, std::f64::consts::E)] {
        if (v - value).abs() <= 0.5 {
            found.push(named);
        }
    }
    for width in 0..=MAX_MANTISSA_BITS {
        let Ok(real) = Real::new(v, width) else { continue };
        found.push(Constant::Real(real));
        if real.value() == v {
            break;
        }
    }
    // Stable: among equal lengths the order above (integer, rational, named, real) stands.
    found.sort_by_key(Constant::bits);
    let mut seen: Vec<u64> = Vec::with_capacity(found.len());
    found.retain(|c| {
        let key = c.value().to_bits();
        let fresh = !seen.contains(&key);
        seen.push(key);
        fresh
    });
    found
}

/// The candidate of `v` minimising constant bits + `data_bits(value)`, where `data_bits` is the
/// caller's code length for the data when the constant decodes to `value`. NaN data lengths are
/// skipped; ties go to the cheaper constant. `None` when `v` is not finite or every candidate's
/// data length is NaN.
pub fn choose(v: f64, data_bits: impl FnMut(f64) -> f64) -> Option<Choice> {
    choose_among(v, |_| true, f64::NEG_INFINITY, data_bits)
}

/// [`choose`] over the candidates that `keep` accepts (the reals alone, say), given `floor`, a
/// length the data cannot go below whatever the constant (their length at the fitted value, say):
/// candidates come cheapest first, so once a candidate's own bits plus the floor reach the best
/// total, no later one can win and `data_bits` is not asked for them (what makes a costly
/// `data_bits`, one that refits other constants, affordable).
pub fn choose_among(
    v: f64,
    mut keep: impl FnMut(&Constant) -> bool,
    floor: f64,
    mut data_bits: impl FnMut(f64) -> f64,
) -> Option<Choice> {
    let mut best: Option<Choice> = None;
    for constant in candidates(v).into_iter().filter(|c| keep(c)) {
        let constant_bits = constant.bits();
        if best.is_some_and(|b| constant_bits as f64 + floor >= b.total_bits) {
            break;
        }
        let data = data_bits(constant.value());
        if data.is_nan() {
            continue;
        }
        let total = constant_bits as f64 + data;
        if best.is_none_or(|b| total < b.total_bits) {
            best = Some(Choice { constant, constant_bits, data_bits: data, total_bits: total });
        }
    }
    best
}

const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// (p/g, q/g) with g = gcd(|p|, q); None when q = 0.
fn reduce(p: i64, q: u64) -> Option<(i64, u64)> {
    if q == 0 {
        return None;
    }
    let g = gcd(p.unsigned_abs(), q);
    let p = i64::try_from(p as i128 / g as i128).ok()?;
    Some((p, q / g))
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Convergents h/k of v's continued fraction with 2 ≤ k ≤ 1000, by the recurrence
/// h_n = a_n h_{n−1} + h_{n−2}, k_n = a_n k_{n−1} + k_{n−2} (Khinchin 1964, Theorem 1).
fn convergents(v: f64) -> Vec<Rational> {
    let mut found = Vec::new();
    let (mut h_prev, mut h) = (0i128, 1i128);
    let (mut k_prev, mut k) = (1i128, 0i128);
    let mut x = v;
    // Denominators at least double every two steps, so 32 steps pass 1000 whatever v is.
    for _ in 0..32 {
        let a = x.floor();
        if a.is_nan() || a.abs() >= 1e18 {
            break;
        }
        let a = a as i128;
        (h_prev, h) = (h, a * h + h_prev);
        (k_prev, k) = (k, a * k + k_prev);
        if k > MAX_CANDIDATE_DENOMINATOR as i128 {
            break;
        }
        if k >= 2 {
            if let Ok(p) = i64::try_from(h) {
                if let Ok(r) = Rational::new(p, k as u64) {
                    found.push(r);
                }
            }
        }
        let fraction = x - x.floor();
        if fraction == 0.0 {
            break;
        }
        x = 1.0 / fraction;
    }
    found
}

/// (e, s) with |v| = s × 2^(e − 52) and 2⁵² ≤ s < 2⁵³, for finite non-zero v (subnormals too).
fn decompose(v: f64) -> Option<(i32, u64)> {
    let bits = v.abs().to_bits();
    let biased = (bits >> 52) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    if biased == 0 {
        if fraction == 0 {
            return None;
        }
        // Subnormal: fraction × 2^−1074, with its leading one at bit `top`.
        let top = 63 - fraction.leading_zeros() as i32;
        return Some((top - 1074, fraction << (52 - top)));
    }
    Some((biased - 1023, fraction | (1u64 << 52)))
}

/// Keeps the leading one and `width` bits of a 53-bit significand, rounding to nearest with ties
/// to even; a carry out of the top bumps the exponent. Returns (exponent, kept) with
/// 2^width ≤ kept < 2^(width+1).
fn round_significand(exponent: i32, significand: u64, width: u32) -> (i32, u64) {
    let shift = MAX_MANTISSA_BITS - width;
    if shift == 0 {
        return (exponent, significand);
    }
    let mut kept = significand >> shift;
    let rest = significand & ((1u64 << shift) - 1);
    let half = 1u64 << (shift - 1);
    if rest > half || (rest == half && kept & 1 == 1) {
        kept += 1;
    }
    if kept == 1u64 << (width + 1) {
        (exponent + 1, kept >> 1)
    } else {
        (exponent, kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mdl::integers::{BitReader, BitWriter};

    fn real(v: f64, m: u32) -> Constant {
        Constant::Real(Real::new(v, m).unwrap())
    }

    #[test]
    fn lengths_match_hand_computation() {
        // Tags: integer/rational/real 2 bits, π/e 3 bits.
        // signed(i) = delta(zigzag(i) + 1): 0 → 1; 2 → zigzag 4 → delta(5) = 5;
        //   −7 → zigzag 13 → delta(14) = 8.
        // Rational: tag 2 + signed(p) + delta(q − 1).
        //   3/2: signed(3) = delta(7) = 5, delta(1) = 1 → 8.
        //   −22/7: signed(−22) = delta(44) = 5 + 2·2 + 1 = 10, delta(6) = 5 → 17.
        // Real: tag 2 + sign 1 + signed(e) + delta(m + 1) + m.
        //   1.5 = 2⁰ × 1.1₂, m = 1: 2 + 1 + 1 + 4 + 1 = 9.
        //   π = 2¹ × 1.1001…₂ at m = 0 rounds up to 2² × 1 = 4: 2 + 1 + signed(2) = 5 + 1 + 0 = 9.
        //   π at m = 10: 2¹ × 1.1001001000₂ (3.140625): 2 + 1 + 4 + delta(11) = 8 + 10 = 25.
        //   π at m = 52: 2 + 1 + 4 + delta(53) = 10 + 52 = 69.
        //   −0.1 at m = 3: 2⁻⁴ × 1.101₂ (0.1015625):
        //     2 + 1 + signed(−4) = 8 + delta(4) = 5 + 3 = 19.
        let table: &[(Constant, u32, f64)] = &[
            (Constant::Integer(0), 3, 0.0),
            (Constant::Integer(2), 7, 2.0),
            (Constant::Integer(-7), 10, -7.0),
            (Constant::ratio(3, 2).unwrap(), 8, 1.5),
            (Constant::ratio(-44, 14).unwrap(), 17, -22.0 / 7.0),
            (Constant::Pi, 3, std::f64::consts::PI),
            (Constant::E, 3, std::f64::consts::E),
            (real(1.5, 1), 9, 1.5),
            (real(std::f64::consts::PI, 0), 9, 4.0),
            (real(std::f64::consts::PI, 10), 25, 3.140625),
            (real(std::f64::consts::PI, 52), 69, std::f64::consts::PI),
            (real(-0.1, 3), 19, -0.1015625),
        ];
        for (c, bits, value) in table {
            assert_eq!(c.bits(), *bits, "bits of {c:?}");
            assert_eq!(c.value(), *value, "value of {c:?}");
        }
    }

    #[test]
    fn a_constant_is_shown_with_the_digits_its_width_carries() {
        // 0.2008351753680859 at 9 bits is 823·2^-12 = 0.200928…; half its quantum is 2^-13, and
        // 0.201 is within it.
        let v = round_mantissa(0.2008351753680859, 9);
        assert_eq!(v, 823.0 / 4096.0);
        assert!(needed_width(v) <= 9);
        let shown = shortest_decimal(v, 9);
        assert_eq!(shown, 0.201);
        assert!((shown - v).abs() <= libm::ldexp(0.5, -3 - 9));
        // More bits, more digits; full width is the value itself.
        assert_eq!(shortest_decimal(0.2008351753680859, 52), 0.2008351753680859);
        assert_eq!(shortest_decimal(round_mantissa(1408.3, 10), 10), 1408.0);
        // A small width is no licence to move the value: what is shown stays within 0.1 % of
        // what the formula computes with (64 at width 0 is not shown as 60, nor −3.125 as −3.1).
        assert_eq!(shortest_decimal(64.0, 0), 64.0);
        assert_eq!(shortest_decimal(round_mantissa(-3.14159, 4), 4), -3.125);
        assert_eq!(shortest_decimal(round_mantissa(0.0123456, 3), 3), 0.0127);
        assert_eq!(needed_width(1.0), 0);
        assert_eq!(needed_width(1.5), 1);
        assert_eq!(needed_width(0.1), 51); // 0x3FB999999999999A: its last fraction bit is 0
    }

    #[test]
    fn ratio_reduces_and_refuses_zero_denominators() {
        assert_eq!(Constant::ratio(6, 4).unwrap(), Constant::ratio(3, 2).unwrap());
        assert_eq!(Constant::ratio(8, 4).unwrap(), Constant::Integer(2));
        assert_eq!(Constant::ratio(0, 5).unwrap(), Constant::Integer(0));
        assert!(Constant::ratio(1, 0).is_err());
        assert!(Rational::new(4, 2).is_err());
        assert_eq!(Constant::ratio(i64::MIN, 1 << 63).unwrap(), Constant::Integer(-1));
    }

    #[test]
    fn round_mantissa_rounds_to_nearest_even_and_carries() {
        let table: &[(f64, u32, f64)] = &[
            (1.4999999, 1, 1.5),
            (1.25, 1, 1.0), // tie 1.01₂ → even 1.0₂
            (1.75, 1, 2.0), // tie 1.11₂ → 10.0₂: the exponent carries
            (3.0, 0, 4.0),  // tie 1.1₂ × 2 → 2 × 2
            (-0.1, 3, -0.1015625),
            (0.0, 3, 0.0),
            (f64::MAX, 10, f64::INFINITY),
            (f64::MIN_POSITIVE / 3.0, 2, libm::scalbn(1.25, -1024)), // subnormal 2⁻¹⁰²⁴ × 1.0101…₂
            (5e-324, 0, 5e-324),
            (5e-324, 52, 5e-324),
        ];
        for &(v, m, expected) in table {
            assert_eq!(round_mantissa(v, m), expected, "round_mantissa({v}, {m})");
        }
        assert!(round_mantissa(f64::NAN, 3).is_nan());
        assert!(matches!(Real::new(1.0, 53), Err(MdlError::MantissaWidth(53))));
        assert!(Real::new(0.0, 3).is_err());
        assert!(Real::new(f64::INFINITY, 3).is_err());
    }

    #[test]
    fn every_constant_round_trips_through_the_stream_with_its_stated_length() {
        let mut constants = vec![
            Constant::Integer(0),
            Constant::Integer(i64::MIN),
            Constant::Integer(i64::MAX),
            Constant::ratio(-355, 113).unwrap(),
            Constant::ratio(1, u64::MAX).unwrap(),
            Constant::Pi,
            Constant::E,
        ];
        for v in [1.0, -2.5, 1e-300, 5e-324, f64::MAX, 6.02214076e23, -std::f64::consts::LN_2] {
            for m in [0, 1, 7, 23, 52] {
                if let Ok(r) = Real::new(v, m) {
                    constants.push(Constant::Real(r));
                }
            }
        }
        let mut w = BitWriter::new();
        let mut expected = 0u64;
        for c in &constants {
            c.write(&mut w);
            expected += c.bits() as u64;
            assert_eq!(w.len_bits(), expected, "{c:?}");
        }
        let len = w.len_bits();
        let bytes = w.into_bytes();
        let mut r = BitReader::with_len(&bytes, len);
        for c in &constants {
            let back = Constant::read(&mut r).unwrap();
            assert_eq!(&back, c);
            assert_eq!(back.value().to_bits(), c.value().to_bits());
        }
        assert_eq!(r.remaining(), 0);
    }

    #[test]
    fn reading_garbage_gives_constants_or_errors_never_a_panic() {
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..200 {
            let bytes: Vec<u8> = (0..64).map(|_| next() as u8).collect();
            let mut r = BitReader::new(&bytes);
            while let Ok(c) = Constant::read(&mut r) {
                // Whatever decodes re-encodes to the same length it was read from.
                let mut w = BitWriter::new();
                c.write(&mut w);
                assert_eq!(w.len_bits(), c.bits() as u64);
                assert!(!c.value().is_nan());
            }
        }
    }

    #[test]
    fn candidates_hold_the_short_forms_cheapest_first() {
        let found = candidates(1.4999999);
        // 1.0 as a 0-bit real (5 bits) is cheaper than the integer 1 (6 bits), which is dropped.
        assert_eq!(found[0], real(1.0, 0));
        assert!(!found.contains(&Constant::Integer(1)));
        assert!(found.contains(&Constant::ratio(3, 2).unwrap()));
        // 1.5 as a 1-bit real has the same value as 3/2 and costs more, so it is dropped.
        assert!(!found.contains(&real(1.4999999, 1)));
        assert!(found.windows(2).all(|w| w[0].bits() <= w[1].bits()));
        assert!(found.contains(&real(1.4999999, 52)));

        let near_pi = std::f64::consts::PI - 3e-6;
        let found = candidates(near_pi);
        assert!(found.contains(&Constant::Pi));
        assert!(found.contains(&Constant::ratio(22, 7).unwrap()));
        assert!(found.contains(&Constant::ratio(355, 113).unwrap()));
        assert!(found.contains(&Constant::E)); // |π − e| = 0.42 ≤ ½
        assert!(!candidates(2.0).contains(&Constant::Pi) && !candidates(3.3).contains(&Constant::E));

        // An exact small value stops the reals early: 0.75 = 2⁻¹ × 1.1₂ needs one mantissa bit.
        let found = candidates(0.75);
        assert!(found.contains(&Constant::ratio(3, 4).unwrap()));
        assert!(found.iter().all(|c| !matches!(c, Constant::Real(r) if r.width() > 1)));

        assert!(candidates(f64::NAN).is_empty());
        assert!(candidates(f64::NEG_INFINITY).is_empty());
        assert_eq!(candidates(0.0), vec![Constant::Integer(0)]);
        assert!(!candidates(1e300).is_empty());
    }

    #[test]
    fn choose_prefers_three_halves_when_the_data_barely_change() {
        // Data bits that grow with the squared distance from the true slope 1.5 (a stand-in for
        // the residual code: 1,000 rows whose costs change by (c − 1.5)² × 10⁹ bits).
        let data = |c: f64| 1000.0 + 1e9 * (c - 1.5) * (c - 1.5);
        let choice = choose(1.4999999, data).unwrap();
        assert_eq!(choice.constant, Constant::ratio(3, 2).unwrap());
        assert_eq!(choice.constant_bits, 8);
        assert_eq!(choice.total_bits, 1008.0);
        // When the data really want 1.4999999, the real wins instead.
        let sharp = |c: f64| 1000.0 + 1e20 * (c - 1.4999999) * (c - 1.4999999);
        let choice = choose(1.4999999, sharp).unwrap();
        assert!(matches!(choice.constant, Constant::Real(_)));
        assert!(choose(f64::NAN, data).is_none());
        assert!(choose(1.0, |_| f64::NAN).is_none());
    }
}
