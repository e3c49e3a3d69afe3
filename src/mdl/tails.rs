//! Natural logs of interval probabilities under the Gaussian and the Laplace, finite far into the
//! tails: a prediction a million standard deviations away must give a large number, not −∞ or NaN.
//!
//! The Gaussian works with the upper tail Q(x) = P(Z > x) = ½ erfc(x/√2) and takes differences in
//! log space; beyond x = 30, where erfc approaches the bottom of binary64's range, it switches to
//! Laplace's continued fraction for Mills' ratio. (The Laplace needs only exp and expm1; it
//! lives with the residual code, `LaplaceTail`.)

use std::f64::consts::SQRT_2;

/// ln √(2π).
pub(crate) const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_7;

/// Above this x, ln Q(x) comes from the continued fraction: erfc(30/√2) ≈ 5e−198 is still a
/// normal float with full precision, and the fraction has converged to 1e−16 well before 30.
const CONTINUED_FRACTION_FROM: f64 = 30.0;

/// Depth of the continued fraction; at x ≥ 30 ten levels already agree with twenty to 1e−16.
const CONTINUED_FRACTION_DEPTH: u32 = 20;

/// ln Q(x) = ln P(Z > x) for the standard normal, for every x (−∞ at +∞, 0 at −∞).
pub(crate) fn ln_gauss_upper(x: f64) -> f64 {
    if x < 0.0 {
        libm::log1p(-0.5 * libm::erfc(-x / SQRT_2))
    } else if x < CONTINUED_FRACTION_FROM {
        libm::log(0.5 * libm::erfc(x / SQRT_2))
    } else {
        -0.5 * x * x - LN_SQRT_2PI - libm::log(mills_denominator(x))
    }
}

/// The denominator t in Q(x) = φ(x)/t, from Laplace's continued fraction
/// t = x + 1/(x + 2/(x + 3/(x + …))) (Abramowitz & Stegun 1964, eq. 26.2.14), evaluated bottom up.
fn mills_denominator(x: f64) -> f64 {
    let mut t = x;
    for k in (1..=CONTINUED_FRACTION_DEPTH).rev() {
        t = x + k as f64 / t;
    }
    t
}

/// ln(e^a − e^b) for a ≥ b, without forming e^a: a + ln(1 − e^(b−a)).
fn ln_sub_exp(a: f64, b: f64) -> f64 {
    if b == f64::NEG_INFINITY {
        return a;
    }
    a + libm::log(-libm::expm1(b - a))
}

/// ln(Φ(hi) − Φ(lo)) for lo ≤ hi in standard units. Both bounds on one side of zero: a difference
/// of upper tails in log space (so both far in a tail is still accurate); straddling zero: the sum
/// of two erf terms, which cannot cancel.
pub(crate) fn ln_gauss_interval(lo: f64, hi: f64) -> f64 {
    if lo >= 0.0 {
        ln_upper_difference(lo, hi)
    } else if hi <= 0.0 {
        ln_upper_difference(-hi, -lo)
    } else {
        libm::log(0.5 * (libm::erf(hi / SQRT_2) + libm::erf(-lo / SQRT_2)))
    }
}

/// Below this lower bound the upper-tail difference Q(a) − Q(b) is formed directly (two erfc
/// and one log); beyond it, in log space. Q(5) ≈ 2.9e−7 is still far from underflow, and the
/// difference loses at most log₁₀(Q(a)/P) digits, a few for the widths (≥ 1/8) the exact code
/// is used at.
const DIRECT_DIFFERENCE_BELOW: f64 = 5.0;

/// ln(Q(a) − Q(b)) for 0 ≤ a ≤ b.
fn ln_upper_difference(a: f64, b: f64) -> f64 {
    if a < DIRECT_DIFFERENCE_BELOW {
        libm::log(0.5 * (libm::erfc(a / SQRT_2) - libm::erfc(b / SQRT_2)))
    } else {
        ln_sub_exp(ln_gauss_upper(a), ln_gauss_upper(b))
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests compare against std's functions
mod tests {
    use super::*;

    #[test]
    fn upper_tail_is_continuous_where_the_method_changes() {
        let below = ln_gauss_upper(CONTINUED_FRACTION_FROM - 1e-9);
        let above = ln_gauss_upper(CONTINUED_FRACTION_FROM);
        assert!((below - above).abs() < 1e-7, "{below} vs {above}");
        // Q(0) = ½; Q(1) = 0.158655253931457; Q(−1) = 0.841344746068543.
        assert!((ln_gauss_upper(0.0) - 0.5f64.ln()).abs() < 1e-15);
        assert!((ln_gauss_upper(1.0) - 0.158655253931457f64.ln()).abs() < 1e-12);
        assert!((ln_gauss_upper(-1.0) - 0.841344746068543f64.ln()).abs() < 1e-12);
        // Far tail: ln Q(x) ≈ −x²/2 − ln(x√(2π)).
        let x = 1e6;
        assert!((ln_gauss_upper(x) - (-0.5 * x * x - LN_SQRT_2PI - x.ln())).abs() < 1e-6);
        assert_eq!(ln_gauss_upper(f64::INFINITY), f64::NEG_INFINITY);
    }

    #[test]
    fn intervals_stay_finite_far_in_either_tail() {
        for (lo, hi) in [(1e6, 1e6 + 0.25), (-1e6 - 0.25, -1e6), (40.0, 41.0), (-0.1, 0.1)] {
            let v = ln_gauss_interval(lo, hi);
            assert!(v.is_finite() && v <= 0.0, "[{lo}, {hi}] gave {v}");
        }
        // Symmetry.
        assert_eq!(ln_gauss_interval(1.0, 2.0), ln_gauss_interval(-2.0, -1.0));
    }
}
