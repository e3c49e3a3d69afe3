//! The targets given a regression's predictions: a discretised Gaussian or Laplace code.
//!
//! The receiver gets the integers kᵢ = round(yᵢ/δ) and computes the predictions μᵢ itself, so all
//! that is coded is where kᵢ falls relative to μᵢ/δ. Everything below works in units of δ: the
//! residual rᵢ = kᵢ − μᵢ/δ and the scale s = σ/δ (or b/δ for the Laplace). The scale is sent as a
//! [`Real`] in units of δ, which the receiver knows already (it needs δ to turn k back into y):
//! that makes the code independent of the target's units, and an exact law's scale cheap.
//!
//! [`ResidualCode::fit`] chooses the family (one flag bit) and the scale that minimise the scale's
//! bits plus the data's (how: `scale.rs`); [`ResidualCode::fast`] ranks candidates from two sums
//! without a pass over the rows.
//!
//! **The floor.** Each kᵢ is coded with the mixture P′(k) = (1 − ε)·P(k) + ε·2^−signed_bits(j),
//! ε = 2⁻²⁰, j = k − round(μ/δ): the family's probability, or an escape to the universal code of
//! the integer error. Every k therefore keeps P′ ≥ 2^−(20 + signed_bits(j)) and stays decodable
//! by a finite-precision arithmetic coder; a prediction 10⁶σ away costs about 20 + 2·log₂|j| bits
//! instead of 10¹² or ∞, and the escape costs ordinary rows log₂(1/(1 − ε)) ≈ 1.4·10⁻⁶ bits each.
//! The mixture's length is exact to 2⁻⁴⁰ bits a row (a term below that is dropped).

use std::f64::consts::LN_2;

use super::constants::{Constant, Real, MAX_MANTISSA_BITS};
use super::integers::signed_bits_f64;
use super::scale;
use super::tails::{ln_gauss_interval, LN_SQRT_2PI};
use super::MdlError;

/// log₂ ε, the escape probability of the floor (see the module documentation).
pub const ESCAPE_LOG2: f64 = -20.0;

/// Above this scale (in units of δ) the Gaussian uses the midpoint rule with its second-order
/// correction instead of the erfc difference. The next Euler–Maclaurin term bounds the difference
/// by about (z⁴ + 4z² + 2)/(2880 s⁴ ln 2) bits a row: 10⁻⁵ bits a row on average for Gaussian
/// residuals at s = 4, 10⁻³ for a row at z = 4.5 (the tests check both).
pub const CONTINUOUS_ABOVE: f64 = 4.0;

/// Bits of the family flag.
pub const FAMILY_BITS: u32 = 1;

/// −log₂(1 − ε): what the escape costs a row the family codes.
pub(crate) const KEEP_BITS: f64 = 1.375_861_862_964_634_1e-6;

/// Beyond this gap between the two parts of the mixture, the smaller part changes the length by
/// less than 2⁻⁴⁰/ln 2 bits and is dropped.
const NEGLIGIBLE_GAP: f64 = 40.0;

/// Which distribution the residuals are coded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Discretised N(μ, σ²): flag bit 0.
    Gaussian,
    /// Discretised Laplace(μ, b): flag bit 1.
    Laplace,
}

/// A fitted residual code: the family, its scale as sent, and what the whole thing costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResidualCode {
    pub family: Family,
    /// σ/δ (Gaussian) or b/δ (Laplace), as the [`Constant::Real`] that is transmitted.
    pub scale: Constant,
    /// `scale.bits()`.
    pub scale_bits: u32,
    /// −Σ log₂ P′(kᵢ).
    pub data_bits: f64,
    /// [`FAMILY_BITS`] + `scale_bits` + `data_bits`.
    pub total_bits: f64,
}

/// The sums [`ResidualCode::fast`] needs, in the target's units: n, Σ(y − μ)², Σ|y − μ|.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ResidualSums {
    pub n: usize,
    pub sum_sq: f64,
    pub sum_abs: f64,
}

/// What [`ResidualCode::fast`] estimates: the family, the scale (units of δ) and the total bits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FastEstimate {
    pub family: Family,
    pub scale: f64,
    pub total_bits: f64,
}

/// Residuals in units of δ, with what every pass over them needs computed once: each row's
/// escape length and the sums the scale is estimated from.
#[derive(Debug, Clone)]
pub(crate) struct Rows {
    pub r: Vec<f64>,
    /// −log₂ ε + signed_bits(round(rᵢ)): the escape's length for each row.
    pub escape: Vec<f64>,
    pub sum_sq: f64,
    pub sum_abs: f64,
    pub max_abs: f64,
}

impl ResidualCode {
    /// The cheapest residual code for targets `y` at precision `delta` given predictions `mu`.
    ///
    /// Cost, for n rows: about five cheap passes when σ ≥ 1.5δ (the scale is chosen from sums,
    /// then the exact code summed once or twice); when σ is below 1.5δ (a near-exact law), 1 to
    /// ~12 passes with each row's bits interpolated from a table, then the exact sum (an erf or
    /// erfc pair a row for the Gaussian) once or twice. On 10,000 rows, measured on one core:
    /// 0.4–0.7 ms, 1 ms at σ ≈ 3δ, 2–6 ms for near-exact laws.
    pub fn fit(y: &[f64], mu: &[f64], delta: f64) -> Result<ResidualCode, MdlError> {
        Ok(fit_rows(&Rows::new(residuals_in_units(y, mu, delta)?)))
    }

    /// The code of `family` at a given scale (units of δ), without choosing anything.
    pub fn at(family: Family, scale: Real, y: &[f64], mu: &[f64], delta: f64) -> Result<ResidualCode, MdlError> {
        Ok(code_at(family, scale, &Rows::new(residuals_in_units(y, mu, delta)?)))
    }

    /// The data bits of other rows (held-out ones, say) under this code's family and scale.
    pub fn evaluate(&self, y: &[f64], mu: &[f64], delta: f64) -> Result<f64, MdlError> {
        let rows = Rows::new(residuals_in_units(y, mu, delta)?);
        Ok(data_bits(self.family, &rows, self.scale.value()))
    }

    /// σ (or b) in the target's units.
    pub fn sigma(&self, delta: f64) -> f64 {
        self.scale.value() * delta
    }

    /// An estimate of [`ResidualCode::fit`]'s total from sums alone, for ranking many candidates
    /// without a second pass. It is an approximation: the continuous densities
    /// n·log₂(s√(2π)) + Σr²/(2s² ln 2) and n·log₂(2b) + Σ|r|/(b ln 2) (with the Gaussian's
    /// second-order discretisation correction when s > 4), floored at 0 data bits, ignoring the
    /// escape floor; the scale is the maximum-likelihood one at every mantissa width, or a power
    /// of two from 2⁻⁴ to 2³.
    pub fn fast(sums: &ResidualSums, delta: f64) -> Result<FastEstimate, MdlError> {
        check_delta(delta)?;
        if sums.n == 0 {
            return Err(MdlError::Empty);
        }
        for (what, value) in [("Σ(y − μ)²", sums.sum_sq), ("Σ|y − μ|", sums.sum_abs)] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(MdlError::NotFinite { what, value });
            }
        }
        let n = sums.n as f64;
        let sq = sums.sum_sq / (delta * delta);
        let abs = sums.sum_abs / delta;
        // Residuals too large to count in units of δ (a wild formula): refused rather than
        // letting ∞ − ∞ turn into a NaN that would read as 0 bits.
        for (what, value) in [("Σ(y − μ)² / δ²", sq), ("Σ|y − μ| / δ", abs)] {
            if !value.is_finite() {
                return Err(MdlError::NotFinite { what, value });
            }
        }
        let gaussian = |s: f64| {
            let mut bits = n * (log2(s) + LN_SQRT_2PI / LN_2) + sq / (2.0 * s * s * LN_2);
            if s > CONTINUOUS_ABOVE {
                bits -= (sq / (s * s) - n) / (24.0 * s * s * LN_2);
            }
            if bits.is_nan() {
                f64::INFINITY
            } else {
                bits.max(0.0)
            }
        };
        let laplace = |b: f64| (n * log2(2.0 * b) + abs / (b * LN_2)).max(0.0);
        let (g_scale, g_bits) = cheapest_scale((sq / n).sqrt(), n, gaussian);
        let (l_scale, l_bits) = cheapest_scale(abs / n, n, laplace);
        let flag = FAMILY_BITS as f64;
        Ok(if g_bits <= l_bits {
            FastEstimate { family: Family::Gaussian, scale: g_scale, total_bits: flag + g_bits }
        } else {
            FastEstimate { family: Family::Laplace, scale: l_scale, total_bits: flag + l_bits }
        })
    }
}

impl ResidualSums {
    /// The sums over paired rows; the same validation as [`ResidualCode::fit`] except δ.
    pub fn of(y: &[f64], mu: &[f64]) -> Result<ResidualSums, MdlError> {
        check_pairs(y, mu)?;
        let mut sums = ResidualSums { n: y.len(), ..ResidualSums::default() };
        for (row, (&yi, &mi)) in y.iter().zip(mu).enumerate() {
            let e = finite_row("target − prediction", row, yi - mi)?;
            sums.sum_sq += e * e;
            sums.sum_abs += e.abs();
        }
        Ok(sums)
    }
}

impl Rows {
    /// Rows from residuals in units of δ, all finite (as [`residuals_in_units`] makes them).
    pub(crate) fn new(r: Vec<f64>) -> Rows {
        let escape = r.iter().map(|&x| -ESCAPE_LOG2 + signed_bits_f64(x)).collect();
        let sum_sq = r.iter().map(|x| x * x).sum();
        let sum_abs = r.iter().map(|x| x.abs()).sum();
        let max_abs = r.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        Rows { r, escape, sum_sq, sum_abs, max_abs }
    }

    pub(crate) fn len(&self) -> f64 {
        self.r.len() as f64
    }
}

/// The code for prepared rows (at least one), with the cheaper family; ties go to the Gaussian.
///
/// Each family's scale comes with an estimate of its total; the exact code is summed for both
/// families unless the estimates differ by more than max(2 bits, 0.5 %), and then only for the
/// cheaper one.
pub(crate) fn fit_rows(rows: &Rows) -> ResidualCode {
    let choices = [Family::Gaussian, Family::Laplace].map(|family| (family, scale::choose(family, rows)));
    let (g, l) = (choices[0].1.estimate, choices[1].1.estimate);
    let clear = (g - l).abs() > 2.0f64.max(0.005 * g.min(l));
    let mut best: Option<ResidualCode> = None;
    for (family, choice) in choices {
        if clear && choice.estimate > g.min(l) {
            continue;
        }
        let code = code_at(family, choice.scale, rows);
        if best.is_none_or(|b| code.total_bits < b.total_bits) {
            best = Some(code);
        }
    }
    // The cheaper family always survives, so `best` is set; this arm is never taken.
    best.unwrap_or_else(|| code_at(Family::Gaussian, choices[0].1.scale, rows))
}

/// rᵢ = round(yᵢ/δ) − μᵢ/δ, refusing a bad δ, unequal lengths, no rows, and any non-finite value.
pub(crate) fn residuals_in_units(y: &[f64], mu: &[f64], delta: f64) -> Result<Vec<f64>, MdlError> {
    check_delta(delta)?;
    check_pairs(y, mu)?;
    let mut r = Vec::with_capacity(y.len());
    for (row, (&yi, &mi)) in y.iter().zip(mu).enumerate() {
        finite_row("target", row, yi)?;
        finite_row("prediction", row, mi)?;
        r.push(finite_row("residual / δ", row, round_half_away(yi / delta) - mi / delta)?);
    }
    Ok(r)
}

/// round(x), half away from zero (as f64::round), by truncation where it matters for speed.
pub(crate) fn round_half_away(x: f64) -> f64 {
    const EXACT_FROM: f64 = 4_503_599_627_370_496.0; // 2⁵²: every f64 beyond is an integer
    let magnitude = x.abs();
    if magnitude.is_nan() || magnitude >= EXACT_FROM {
        return x;
    }
    let whole = magnitude as u64 as f64;
    let rounded = if magnitude - whole >= 0.5 { whole + 1.0 } else { whole };
    rounded.copysign(x)
}

pub(crate) fn check_delta(delta: f64) -> Result<(), MdlError> {
    if delta.is_finite() && delta > 0.0 {
        Ok(())
    } else {
        Err(MdlError::BadPrecision(delta))
    }
}

fn check_pairs(y: &[f64], mu: &[f64]) -> Result<(), MdlError> {
    if y.len() != mu.len() {
        return Err(MdlError::LengthMismatch { left: y.len(), right: mu.len() });
    }
    if y.is_empty() {
        return Err(MdlError::Empty);
    }
    Ok(())
}

fn finite_row(what: &'static str, row: usize, value: f64) -> Result<f64, MdlError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(MdlError::NonFiniteRow { what, row, value })
    }
}

pub(crate) fn code_at(family: Family, scale: Real, rows: &Rows) -> ResidualCode {
    let scale = Constant::Real(scale);
    let scale_bits = scale.bits();
    let data = data_bits(family, rows, scale.value());
    ResidualCode { family, scale, scale_bits, data_bits: data, total_bits: (FAMILY_BITS + scale_bits) as f64 + data }
}

/// −Σ log₂ P′(kᵢ) at scale s (units of δ), summed in row order.
pub(crate) fn data_bits(family: Family, rows: &Rows, s: f64) -> f64 {
    let pairs = rows.r.iter().zip(&rows.escape);
    match family {
        Family::Gaussian if s > CONTINUOUS_ABOVE => {
            let midpoint = Midpoint::new(s);
            pairs.map(|(&r, &escape)| mix(midpoint.bits(r), escape)).sum()
        }
        Family::Gaussian => pairs.map(|(&r, &escape)| mix(gauss_exact_bits(r, s), escape)).sum(),
        Family::Laplace => {
            let laplace = LaplaceTail::new(s);
            pairs.map(|(&r, &escape)| mix(laplace.bits(r), escape)).sum()
        }
    }
}

/// −log₂ P′ for one residual with the given escape length.
pub(crate) fn row_bits(family: Family, r: f64, escape: f64, s: f64) -> f64 {
    mix(row_bits_main(family, r, s), escape)
}

/// −log₂ P for one residual under the family alone (before the escape), as [`data_bits`] has it.
pub(crate) fn row_bits_main(family: Family, r: f64, s: f64) -> f64 {
    match family {
        Family::Gaussian if s > CONTINUOUS_ABOVE => Midpoint::new(s).bits(r),
        Family::Gaussian => gauss_exact_bits(r, s),
        Family::Laplace => LaplaceTail::new(s).bits(r),
    }
}

/// −log₂((1 − ε)·2^−main + 2^−escape), the mixture of the family's code and the escape.
fn mix(main_bits: f64, escape_bits: f64) -> f64 {
    // NaN (0/0 or ∞ − ∞ at absurd scales) means the family gives this row nothing.
    let main = if main_bits.is_nan() { f64::INFINITY } else { main_bits.max(0.0) } + KEEP_BITS;
    let (low, gap) = if main <= escape_bits { (main, escape_bits - main) } else { (escape_bits, main - escape_bits) };
    if gap > NEGLIGIBLE_GAP {
        return low;
    }
    low - ln_1p_small(libm::exp2(-gap)) / LN_2
}

/// ln(1 + x) for 0 < x ≤ 1, by its series when x < 10⁻⁴ (the next term is below 10⁻¹⁷x).
fn ln_1p_small(x: f64) -> f64 {
    if x < 1e-4 {
        x * (1.0 - x * (0.5 - x / 3.0))
    } else {
        libm::log1p(x)
    }
}

/// −log₂ of the exact discretised Gaussian probability (erf/erfc difference).
fn gauss_exact_bits(r: f64, s: f64) -> f64 {
    -ln_gauss_interval((r - 0.5) / s, (r + 0.5) / s) / LN_2
}

/// The Gaussian's midpoint-rule bits c₀ + k·r²: P ≈ (φ(z)/s)·(1 + (z² − 1)/(24s²)), z = r/s, the
/// Euler–Maclaurin expansion of ∫φ over a width 1/s (Abramowitz & Stegun 1964, eq. 25.4.2), so
/// −log₂P ≈ log₂s + log₂√(2π) + z²/(2 ln 2) − (z² − 1)/(24 s² ln 2). See [`CONTINUOUS_ABOVE`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Midpoint {
    pub c0: f64,
    pub k: f64,
}

impl Midpoint {
    pub(crate) fn new(s: f64) -> Midpoint {
        let s2 = s * s;
        Midpoint {
            c0: libm::log2(s) + LN_SQRT_2PI / LN_2 + 1.0 / (24.0 * s2 * LN_2),
            k: (0.5 / s2 - 1.0 / (24.0 * s2 * s2)) / LN_2,
        }
    }

    pub(crate) fn bits(&self, r: f64) -> f64 {
        self.c0 + self.k * r * r
    }
}

/// The discretised Laplace(0, b)'s bits for the unit interval [r − ½, r + ½] (units of δ), with
/// what depends on b alone computed once:
/// - |r| ≥ ½, one side of the peak: P = ½(1 − e^(−1/b))·e^(−(|r| − ½)/b), so the bits are
///   `tail + (|r| − ½)·slope` with tail = 1 − log₂(1 − e^(−1/b)) and slope = 1/(b ln 2);
/// - |r| < ½, straddling it: P = 1 − e^(−x)·cosh(r/b) with x = 1/(2b), written without
///   cancellation as (1 − e^(−x)) − 2e^(−x)·sinh²(r/(2b)) when x ≤ 1 (large b), and as
///   1 − ½(e^((r − ½)/b) + e^((−r − ½)/b)) otherwise (both exponents ≤ 0: nothing overflows as
///   b → 0).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LaplaceTail {
    pub b: f64,
    pub tail: f64,
    pub slope: f64,
    /// e^(−x) and 1 − e^(−x), x = 1/(2b).
    near: f64,
    inside: f64,
}

impl LaplaceTail {
    pub(crate) fn new(b: f64) -> LaplaceTail {
        let x = 0.5 / b;
        LaplaceTail {
            b,
            tail: 1.0 - libm::log2(-libm::expm1(-1.0 / b)),
            slope: 1.0 / (b * LN_2),
            near: libm::exp(-x),
            inside: -libm::expm1(-x),
        }
    }

    pub(crate) fn bits(&self, r: f64) -> f64 {
        let excess = r.abs() - 0.5;
        if excess > 0.0 {
            self.tail + excess * self.slope
        } else if excess == 0.0 {
            self.tail
        } else {
            -self.ln_peak(r) / LN_2
        }
    }

    /// ln P for |r| < ½.
    fn ln_peak(&self, r: f64) -> f64 {
        if self.b >= 0.5 {
            let sinh_half = (0.5 * r / self.b).sinh();
            libm::log(self.inside - 2.0 * self.near * sinh_half * sinh_half)
        } else {
            let outside = 0.5 * (libm::exp((r - 0.5) / self.b) + libm::exp((-r - 0.5) / self.b));
            libm::log1p(-outside)
        }
    }
}

/// `s` as a Real at widths 0, 1, … up to the first that holds it exactly; empty when s is not a
/// positive finite number.
pub(crate) fn mantissa_roundings(s: f64) -> Vec<Real> {
    let mut found = Vec::new();
    for width in 0..=MAX_MANTISSA_BITS {
        let Ok(real) = Real::new(s, width) else { break };
        found.push(real);
        if real.value() == s {
            break;
        }
    }
    found
}

/// Scale bits + data bits.
pub(crate) fn scale_total(real: Real, data: f64) -> f64 {
    Constant::Real(real).bits() as f64 + data
}

/// log₂ x, as libm gives it, read off the exponent for a power of two (where libm's answer is
/// that exponent exactly). [`ResidualCode::fast`] runs for every formula the search scores and
/// tries sixteen powers of two as scales among some thirty-eight logarithms; libm's log2 was
/// 8 % of a search's time.
fn log2(x: f64) -> f64 {
    const MANTISSA: u64 = (1 << 52) - 1;
    let bits = x.to_bits();
    if x.is_normal() && x > 0.0 && bits & MANTISSA == 0 {
        ((bits >> 52) as i64 - 1023) as f64
    } else {
        libm::log2(x)
    }
}

/// The cheapest scale for [`ResidualCode::fast`]: `mle` at the mantissa widths that can pay for
/// themselves and the powers of two from 2⁻⁴ to 2³, by scale bits + `data(scale)`.
///
/// Rounding the scale to m bits moves it by a relative ε ≤ 2^−(m+1) from its optimum, which
/// costs n·ε²/ln 2 bits of data to second order; one more mantissa bit costs a bit and saves at
/// most three quarters of that. So widths beyond ½·log₂(n/ln 2) cannot pay; three more are tried
/// for the terms the second order leaves out.
fn cheapest_scale(mle: f64, n: f64, data: impl Fn(f64) -> f64) -> (f64, f64) {
    let widest = (0.5 * libm::log2(n / LN_2)).ceil().max(0.0) as usize + 3;
    let powers = (-4..=3).map(Real::power_of_two);
    let mut best = (1.0, f64::INFINITY);
    let mut exact = false;
    let roundings = (0..=widest.min(MAX_MANTISSA_BITS as usize) as u32).map_while(|width| {
        let real = Real::new(mle, width).ok().filter(|_| !exact)?;
        exact = real.value() == mle;
        Some(real)
    });
    for real in roundings.chain(powers) {
        let total = scale_total(real, data(real.value()));
        if total < best.1 {
            best = (real.value(), total);
        }
    }
    best
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests compare against std's functions
pub(crate) mod tests {
    use super::*;

    #[test]
    fn log2_of_a_power_of_two_is_libms_exactly() {
        for k in -1022..=1023 {
            let x = libm::ldexp(1.0, k);
            assert_eq!(log2(x).to_bits(), libm::log2(x).to_bits(), "2^{k}");
            assert_eq!(log2(x), k as f64);
        }
        for x in [0.0, -2.0, 3.0, 0.1, f64::MIN_POSITIVE / 2.0, f64::INFINITY, f64::NAN] {
            assert_eq!(log2(x).to_bits(), libm::log2(x).to_bits(), "{x}");
        }
    }

    /// Deterministic standard normal draws (xorshift64* + Box–Muller), for tests only.
    pub(crate) fn normal_draws(n: usize, seed: u64) -> Vec<f64> {
        let mut state = seed.max(1);
        let mut uniform = || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            ((state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        (0..n)
            .map(|_| {
                let (u, v) = (uniform(), uniform());
                (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
            })
            .collect()
    }

    fn real(v: f64, m: u32) -> Real {
        Real::new(v, m).unwrap()
    }

    #[test]
    fn three_gaussian_rows_match_hand_computation() {
        // δ = 0.1, σ = 0.1 (s = 1), μ = 1.0 throughout; y = 1.0, 1.2, 0.9 gives r = 0, 2, −1.
        // P(r = 0)  = Φ(0.5) − Φ(−0.5) = erf(0.5/√2)            = 0.3829249
        // P(r = 2)  = Φ(2.5) − Φ(1.5)  = 0.9937903 − 0.9331928   = 0.0605975
        // P(r = −1) = Φ(−0.5) − Φ(−1.5) = 0.3085375 − 0.0668072  = 0.2417303
        // bits = 1.3848665 + 4.0445971 + 2.0485296 = 7.4779931; the escape's (1 − ε) adds
        // 3 × 1.376e−6 and its ε·Q term takes off 2.8e−6: 7.4779944.
        let y = [1.0, 1.2, 0.9];
        let mu = [1.0; 3];
        let code = ResidualCode::at(Family::Gaussian, real(1.0, 0), &y, &mu, 0.1).unwrap();
        assert!((code.data_bits - 7.4779944).abs() < 1e-7, "{}", code.data_bits);
        // Scale 1.0 = 2⁰ × 1: tag 2 + sign 1 + signed(0) 1 + natural(0) 1 = 5 bits; flag 1.
        assert_eq!(code.scale_bits, 5);
        assert!((code.total_bits - (6.0 + code.data_bits)).abs() < 1e-12);
    }

    #[test]
    fn laplace_rows_match_hand_computation() {
        // b = 1 (units of δ). r = 0: P = 1 − e^−½ = 0.3934693 → 1.3456769 bits.
        // r = 2: P = ½(1 − e⁻¹)e^−1.5 = ½ × 0.6321206 × 0.2231302 = 0.0705226 → 3.8257709 bits.
        // Sum 5.1714478, and 5.1714482 with the escape's (1 − ε).
        let y = [1.0, 1.2];
        let code = ResidualCode::at(Family::Laplace, real(1.0, 0), &y, &[1.0, 1.0], 0.1).unwrap();
        assert!((code.data_bits - 5.1714482).abs() < 1e-7, "{}", code.data_bits);
    }

    #[test]
    fn laplace_unit_intervals_sum_to_one_and_stay_finite() {
        for b in [0.05, 0.3, 0.5, 0.7, 3.0, 40.0] {
            let laplace = LaplaceTail::new(b);
            let total: f64 = (-4000..=4000).map(|k| (-laplace.bits(k as f64 + 0.3) * LN_2).exp()).sum();
            assert!((total - 1.0).abs() < 1e-12, "b = {b}: {total}");
        }
        for r in [0.0, 0.3, -0.49, 0.5, 7.0, -1e9] {
            for b in [1e-300, 1e-3, 0.5, 1.0, 1e6, 1e300] {
                let bits = LaplaceTail::new(b).bits(r);
                assert!(!bits.is_nan() && bits >= 0.0, "laplace({r}, {b}) gave {bits}");
            }
        }
    }

    #[test]
    fn continuous_approximation_is_within_the_next_euler_maclaurin_term_from_4_delta() {
        // The midpoint rule with its (z² − 1)/(24s²) correction against the erfc difference, on
        // Gaussian residuals with σ = s, at the threshold and above. The neglected term is
        // −(z⁴ + 4z² − 2)/(2880 s⁴) nats: E = 5/(2880·256) nats = 9.8e−6 bits a row at s = 4, and
        // 9.6e−4 bits at z = 4.5. Measured at s = 4: AVG bits a row on average, WORST at worst.
        let draws = normal_draws(20_000, 7);
        for s in [4.0, 4.5, 8.0, 30.0, 1000.0] {
            let (mut total, mut worst_excess) = (0.0f64, f64::NEG_INFINITY);
            for &z in &draws {
                let r = z * s + 0.37;
                let exact = gauss_exact_bits(r, s);
                let approx = Midpoint::new(s).bits(r);
                let zr = r / s;
                let bound = 1.2 * (zr.powi(4) + 4.0 * zr * zr + 2.0) / (2880.0 * s.powi(4) * LN_2) + 1e-9;
                total += exact - approx;
                worst_excess = worst_excess.max((exact - approx).abs() - bound);
            }
            let per_row = total.abs() / draws.len() as f64;
            assert!(per_row < 1.2e-5, "s = {s}: {per_row} bits a row on average");
            assert!(worst_excess <= 0.0, "s = {s}: a row exceeds its bound by {worst_excess}");
        }
        // The plain density (no correction), as DESIGN.md states it, is off by about
        // (z² − 1)/(24s² ln 2) a row: up to 0.04 bits at s = 4, z = 3, near 0 on average.
        let s = 4.0;
        let r = 3.0 * s;
        let exact = gauss_exact_bits(r, s);
        let plain = s.log2() + LN_SQRT_2PI / LN_2 + 9.0 / (2.0 * LN_2);
        assert!((exact - plain + 8.0 / (24.0 * 16.0 * LN_2)).abs() < 1e-3);
    }

    #[test]
    fn an_exact_law_costs_under_20_bits_for_1000_rows() {
        // y = 2.5x on a grid where 2.5x has two decimals, so y is exact at δ = 0.01.
        let x: Vec<f64> = (0..1000).map(|i| i as f64 * 0.02).collect();
        let y: Vec<f64> = x.iter().map(|v| ((2.5 * v) * 100.0).round() / 100.0).collect();
        // Predictions off by floating noise, and by up to 0.1δ.
        for offset in [0.0, 1e-12, 0.001] {
            let mu: Vec<f64> = x.iter().map(|v| 2.5 * v + offset).collect();
            let code = ResidualCode::fit(&y, &mu, 0.01).unwrap();
            assert!(code.total_bits < 20.0, "offset {offset}: {code:?}");
            assert!(code.data_bits < 2.0, "offset {offset}: {code:?}");
        }
        // All zero residuals: s = 2⁻³ (9 bits) leaves −log₂ P′(0) = −log₂((1 − ε)·erf(4/√2) + ε/2)
        // = 9.2075e−5 bits a row, 0.0921 in all; 2⁻⁴ would cost 12 bits.
        let code = ResidualCode::fit(&y, &y, 0.01).unwrap();
        assert_eq!(code.family, Family::Gaussian);
        assert_eq!(code.scale.value(), 0.125);
        assert!((code.total_bits - (1.0 + 9.0 + 0.0920747)).abs() < 1e-6, "{code:?}");
    }

    #[test]
    fn a_wild_row_costs_its_escape_not_the_tail() {
        // 1,000 exact rows and one prediction 10⁶ δ away: about 20 + signed_bits(10⁶) = 49 bits for
        // that row on top of the exact law.
        let mut y: Vec<f64> = (0..1001).map(|i| i as f64).collect();
        let mut mu = y.clone();
        mu[500] += 1e6;
        let code = ResidualCode::fit(&y, &mu, 1.0).unwrap();
        assert!(code.total_bits < 70.0, "{code:?}");
        // Absurd inputs stay finite.
        y[3] = 1e300;
        let code = ResidualCode::fit(&y, &mu, 1e-3).unwrap();
        assert!(code.total_bits.is_finite(), "{code:?}");
        for s in [1e-300, 1e-3, 1.0, 1e300] {
            for r in [0.0, 0.5, 1e6, -1e300] {
                for family in [Family::Gaussian, Family::Laplace] {
                    let bits = row_bits(family, r, -ESCAPE_LOG2 + signed_bits_f64(r), s);
                    assert!(bits.is_finite() && bits >= 0.0, "{family:?} r = {r} s = {s}: {bits}");
                }
            }
        }
    }

    #[test]
    fn bad_inputs_are_errors_naming_the_row() {
        let ok = [1.0, 2.0];
        assert_eq!(ResidualCode::fit(&ok, &ok, 0.0), Err(MdlError::BadPrecision(0.0)));
        assert!(matches!(ResidualCode::fit(&ok, &ok, f64::NAN), Err(MdlError::BadPrecision(_))));
        assert!(matches!(ResidualCode::fit(&ok, &ok, -1.0), Err(MdlError::BadPrecision(_))));
        assert_eq!(ResidualCode::fit(&ok, &[1.0], 1.0), Err(MdlError::LengthMismatch { left: 2, right: 1 }));
        assert_eq!(ResidualCode::fit(&[], &[], 1.0), Err(MdlError::Empty));
        assert!(matches!(
            ResidualCode::fit(&[1.0, f64::NAN], &ok, 1.0),
            Err(MdlError::NonFiniteRow { what: "target", row: 1, .. })
        ));
        assert!(matches!(
            ResidualCode::fit(&ok, &[f64::INFINITY, 1.0], 1.0),
            Err(MdlError::NonFiniteRow { what: "prediction", row: 0, .. })
        ));
        assert!(matches!(ResidualCode::fit(&[1e308, 1.0], &ok, 1e-10), Err(MdlError::NonFiniteRow { row: 0, .. })));
        let sums = ResidualSums { n: 2, sum_sq: f64::NAN, sum_abs: 1.0 };
        assert!(ResidualCode::fast(&sums, 1.0).is_err());
        assert!(ResidualCode::fast(&ResidualSums::default(), 1.0).is_err());
    }

    /// The best total over every scale 2^e × (1 + f/2^w) with −9 ≤ e ≤ 12 and w ≤ 6, by brute
    /// force.
    fn brute_force_best(family: Family, rows: &Rows) -> f64 {
        let mut best = f64::INFINITY;
        for e in -9..=12 {
            for w in 0..=6u32 {
                // Odd f only: an even f has the same value at a narrower width, which is cheaper.
                for f in (0..1u64 << w).filter(|f| w == 0 || f % 2 == 1) {
                    let v = (e as f64).exp2() * (1.0 + f as f64 / (1u64 << w) as f64);
                    best = best.min(code_at(family, real(v, w), rows).total_bits);
                }
            }
        }
        best
    }

    #[test]
    fn fit_is_within_half_a_bit_of_brute_force_in_both_regimes() {
        let draws = normal_draws(300, 11);
        for (sigma, offset) in [(0.3, 0.1), (1.7, 0.0), (3.9, 0.2), (25.0, 0.0), (600.0, 0.4)] {
            let rows = Rows::new(draws.iter().map(|z| (z * sigma + offset).round() - offset).collect());
            for family in [Family::Gaussian, Family::Laplace] {
                let fitted = code_at(family, scale::choose(family, &rows).scale, &rows).total_bits;
                let brute = brute_force_best(family, &rows);
                assert!(fitted <= brute + 0.5, "{family:?} σ = {sigma}: fit {fitted}, brute force {brute}");
            }
        }
    }

    #[test]
    fn the_family_follows_the_residuals() {
        let draws = normal_draws(4000, 3);
        let y: Vec<f64> = draws.iter().map(|z| (z * 50.0).round()).collect();
        let code = ResidualCode::fit(&y, &vec![0.0; y.len()], 1.0).unwrap();
        assert_eq!(code.family, Family::Gaussian);
        assert!((code.sigma(1.0) / 50.0 - 1.0).abs() < 0.05, "{code:?}");
        // Laplace draws: the difference of two exponentials.
        let u = normal_draws(8000, 5);
        let y: Vec<f64> = u
            .chunks(2)
            .map(|p| {
                let e = |z: f64| -(0.5 * libm::erfc(z / std::f64::consts::SQRT_2)).ln();
                ((e(p[0]) - e(p[1])) * 30.0).round()
            })
            .collect();
        let code = ResidualCode::fit(&y, &vec![0.0; y.len()], 1.0).unwrap();
        assert_eq!(code.family, Family::Laplace);
    }

    #[test]
    fn fast_refuses_residuals_too_large_for_the_step() {
        // Regression: Σr²/δ² = ∞ once gave ∞ − ∞ = NaN in the correction term, floored to 0
        // bits, and a wildly wrong formula looked like an exact law to the search.
        let sums = ResidualSums { n: 8, sum_sq: 1e300, sum_abs: 1e150 };
        assert!(ResidualCode::fast(&sums, 1e-5).is_err());
        let sums = ResidualSums { n: 8, sum_sq: 1e200, sum_abs: 1e100 };
        let estimate = ResidualCode::fast(&sums, 1e-5).unwrap();
        assert!(estimate.total_bits > 8.0 * 300.0, "{estimate:?}");
    }

    #[test]
    fn fast_tracks_fit_in_the_continuous_regime() {
        let draws = normal_draws(5000, 9);
        for sigma in [6.0, 40.0, 2000.0] {
            let delta = 0.01;
            let y: Vec<f64> = draws.iter().map(|z| (z * sigma).round() * delta).collect();
            let mu = vec![0.0; y.len()];
            let fit = ResidualCode::fit(&y, &mu, delta).unwrap();
            let fast = ResidualCode::fast(&ResidualSums::of(&y, &mu).unwrap(), delta).unwrap();
            let gap = (fast.total_bits - fit.total_bits).abs() / fit.total_bits;
            assert!(gap < 0.002, "σ/δ = {sigma}: fast {fast:?} fit {fit:?}");
        }
        // An exact law: fast says a dozen bits, as fit does.
        let sums = ResidualSums { n: 1000, sum_sq: 0.0, sum_abs: 0.0 };
        let fast = ResidualCode::fast(&sums, 0.01).unwrap();
        assert!(fast.total_bits <= 11.0, "{fast:?}");
    }

    #[test]
    fn held_out_rows_are_coded_with_the_fitted_scale() {
        let draws = normal_draws(2000, 13);
        let y: Vec<f64> = draws.iter().map(|z| (z * 20.0).round()).collect();
        let mu = vec![0.0; y.len()];
        let code = ResidualCode::fit(&y[..1000], &mu[..1000], 1.0).unwrap();
        let train = code.evaluate(&y[..1000], &mu[..1000], 1.0).unwrap();
        assert_eq!(train, code.data_bits);
        let test = code.evaluate(&y[1000..], &mu[1000..], 1.0).unwrap();
        // log₂(20√(2πe)) ≈ 6.37 bits a row for both halves.
        assert!((test / 1000.0 - 6.37).abs() < 0.1, "{test}");
    }
}
