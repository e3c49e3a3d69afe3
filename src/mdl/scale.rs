//! Choosing a residual code's scale: the σ/δ (or b/δ), and the mantissa width it is sent with,
//! that minimise scale bits + data bits.
//!
//! Two paths, split at a scale of 1.5δ:
//!
//! - **From sums.** Above it the data bits are, to within 10⁻³ bits a row, a closed form in a few
//!   sums over the rows the family codes (the Gaussian's midpoint rule; the Laplace's exact tail
//!   formula plus a second-order expansion for the rows within ½ of the prediction). Rows that
//!   the escape codes more cheaply are set aside and the scale re-estimated until that set
//!   settles (a trimmed maximum likelihood that the floor itself defines); then every mantissa
//!   width is scored in O(1).
//! - **Exact search.** Below it (a near-exact law) each candidate costs a pass over the rows,
//!   with the exact per-row bits tabulated over |r| and interpolated: the power of two that the
//!   rows' largest residual bounds best (which alone settles an exact law), a descent over powers
//!   of two from the maximum-likelihood scale, parabolic refinement of log₂ s, then wider
//!   mantissas while one could still pay for its bits.
//!
//! Either way the caller sums the exact code once for the scale chosen.

use std::f64::consts::LN_2;

use super::constants::Real;
use super::integers::signed_bits_f64;
use super::residuals::{
    mantissa_roundings, row_bits, row_bits_main, scale_total, Family, LaplaceTail, Midpoint, Rows, CONTINUOUS_ABOVE,
    ESCAPE_LOG2, FAMILY_BITS, KEEP_BITS,
};
use super::tails::LN_SQRT_2PI;

/// The scale (units of δ) from which the closed form chooses the scale. At 1.5 the Gaussian
/// midpoint rule is within 10⁻³ bits a row of the exact code on average, and what matters for
/// the choice, its change between neighbouring scales, is far smaller.
pub(crate) const FROM_SUMS_ABOVE: f64 = 1.5;

/// Powers of two the exact search tries (log₂ of the scale in units of δ): 2⁻⁸ already gives an
/// all-zero residual P(0) = 1 − 10⁻¹⁴⁰⁰⁰; 2³ is past [`FROM_SUMS_ABOVE`].
const SEARCH_LOG2_RANGE: (i32, i32) = (-8, 3);

/// At most this many re-estimates of the scale after setting rows aside.
const TRIM_ROUNDS: u32 = 8;

/// Golden-section steps over a closed form (O(1) each): a width of 4 in log₂ s shrinks to 10⁻⁹.
const CLOSED_FORM_STEPS: u32 = 50;

/// Parabolic refinement stops when the parabola promises less than [`REFINE_GAIN`] bits, when a
/// step moves log₂ s by less than [`REFINE_TOLERANCE`] (0.1 %), or after [`REFINE_STEPS`] passes.
const REFINE_GAIN: f64 = 0.05;
const REFINE_TOLERANCE: f64 = 0.0015;
const REFINE_STEPS: u32 = 10;

/// How many mantissa widths the exact search evaluates, the ones the refined parabola predicts
/// cheapest.
const WIDTHS_EVALUATED: usize = 2;

/// What [`choose`] found for one family: the scale, and an estimate of flag + scale + data bits
/// (from the closed form, or from the tabulated search); the exact length is one pass away
/// ([`code_at`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScaleChoice {
    pub scale: Real,
    pub estimate: f64,
}

/// The scale for `family` on these rows.
pub(crate) fn choose(family: Family, rows: &Rows) -> ScaleChoice {
    let seed = plain_mle(family, rows.len(), rows.sum_sq, rows.sum_abs);
    let (scale, estimate) = Some(seed)
        .filter(|s| *s > FROM_SUMS_ABOVE && s.is_finite())
        .and_then(|s| from_sums(family, rows, s))
        .unwrap_or_else(|| exact_search(family, rows, seed));
    ScaleChoice { scale, estimate: FAMILY_BITS as f64 + estimate }
}

/// The continuous density's maximum-likelihood scale: √(Σr²/n) or Σ|r|/n.
fn plain_mle(family: Family, n: f64, sum_sq: f64, sum_abs: f64) -> f64 {
    match family {
        Family::Gaussian => (sum_sq / n).sqrt(),
        Family::Laplace => sum_abs / n,
    }
}

/// The rows the family codes (inliers), summarised for the closed forms, and what the rows set
/// aside cost through the escape.
#[derive(Debug, Clone, Copy, Default)]
struct Split {
    inliers: f64,
    sum_sq: f64,
    /// Laplace: inliers with |r| ≥ ½ and Σ|r| over them.
    tail_rows: f64,
    tail_abs: f64,
    /// Laplace: inliers with |r| < ½, and Σr² and Σ|r| over them.
    peak_rows: f64,
    peak_sq: f64,
    peak_abs: f64,
    escaped_bits: f64,
}

/// The closed-form bits of one family at one scale: per row and summed over a [`Split`].
#[derive(Debug, Clone, Copy)]
enum ClosedForm {
    Gaussian(Midpoint),
    /// The exact tail formula, and for |r| < ½ the expansion −log₂(1 − e^−x) + q₂r² with
    /// x = 1/(2b), q₂ = e^−x/(2b²(1 − e^−x) ln 2), from 1 − e^−x·cosh(r/b) to second order.
    Laplace {
        tail: LaplaceTail,
        peak: f64,
        q2: f64,
    },
}

impl ClosedForm {
    fn new(family: Family, s: f64) -> ClosedForm {
        match family {
            Family::Gaussian => ClosedForm::Gaussian(Midpoint::new(s)),
            Family::Laplace => {
                let x = 0.5 / s;
                let inside = -libm::expm1(-x);
                ClosedForm::Laplace {
                    tail: LaplaceTail::new(s),
                    peak: -libm::log2(inside),
                    q2: libm::exp(-x) / (2.0 * s * s * inside * LN_2),
                }
            }
        }
    }

    fn row_bits(&self, r: f64) -> f64 {
        match self {
            ClosedForm::Gaussian(m) => m.bits(r),
            ClosedForm::Laplace { tail, peak, q2 } => {
                if r.abs() >= 0.5 {
                    tail.tail + (r.abs() - 0.5) * tail.slope
                } else {
                    peak + q2 * r * r
                }
            }
        }
    }

    /// Σ of `row_bits` over the inliers + the escaped rows' bits.
    fn total(&self, split: &Split) -> f64 {
        let family = match self {
            ClosedForm::Gaussian(m) => split.inliers * m.c0 + m.k * split.sum_sq,
            ClosedForm::Laplace { tail, peak, q2 } => {
                split.tail_rows * (tail.tail - 0.5 * tail.slope)
                    + tail.slope * split.tail_abs
                    + split.peak_rows * peak
                    + q2 * split.peak_sq
            }
        };
        family + split.escaped_bits
    }

    /// Splits the rows into those this form codes no dearer than the escape, and the rest.
    fn split(&self, rows: &Rows) -> Split {
        let mut split = Split::default();
        for (&r, &escape) in rows.r.iter().zip(&rows.escape) {
            if self.row_bits(r) <= escape {
                split.inliers += 1.0;
                split.sum_sq += r * r;
                if r.abs() >= 0.5 {
                    split.tail_rows += 1.0;
                    split.tail_abs += r.abs();
                } else {
                    split.peak_rows += 1.0;
                    split.peak_sq += r * r;
                    split.peak_abs += r.abs();
                }
            } else {
                split.escaped_bits += escape;
            }
        }
        split
    }
}

/// The scale from sums, and the closed form's estimate of scale + data bits; None when the
/// settled scale falls to [`FROM_SUMS_ABOVE`] or below (the exact search takes over).
fn from_sums(family: Family, rows: &Rows, seed: f64) -> Option<(Real, f64)> {
    let mut s = seed;
    let mut split = ClosedForm::new(family, s).split(rows);
    for _ in 0..TRIM_ROUNDS {
        let centre = plain_mle(family, split.inliers, split.sum_sq, split.tail_abs + split.peak_abs);
        if !(centre > 0.0 && centre.is_finite()) {
            return None;
        }
        let objective = |t: f64| ClosedForm::new(family, libm::exp2(t)).total(&split);
        let (lo, hi) = (libm::log2(centre) - 2.0, libm::log2(centre) + 2.0);
        let (t, _) = golden_section(objective, lo, hi, CLOSED_FORM_STEPS);
        s = libm::exp2(t);
        if s <= FROM_SUMS_ABOVE {
            return None;
        }
        let next = ClosedForm::new(family, s).split(rows);
        let settled = next.inliers == split.inliers;
        split = next;
        if settled {
            break;
        }
    }
    let mut best: Option<(Real, f64)> = None;
    for real in mantissa_roundings(s) {
        let total = scale_total(real, ClosedForm::new(family, real.value()).total(&split));
        if best.is_none_or(|(_, b)| total < b) {
            best = Some((real, total));
        }
    }
    best
}

/// The exact search for scales within a few δ (see the module documentation). Candidates are
/// scored with [`approximate_data_bits`]; returns the scale and its estimated scale + data bits.
fn exact_search(family: Family, rows: &Rows, seed: f64) -> (Real, f64) {
    let n = rows.len();
    let eval = |t: f64| approximate_data_bits(family, rows, libm::exp2(t));
    let (lowest, highest) = SEARCH_LOG2_RANGE;
    let mut grid: Vec<(i32, f64)> = Vec::new();
    let at = |t: i32, grid: &mut Vec<(i32, f64)>| -> f64 {
        if let Some(&(_, d)) = grid.iter().find(|(u, _)| *u == t) {
            return d;
        }
        let d = eval(t as f64);
        grid.push((t, d));
        d
    };

    // 1. The power of two whose scale bits + n × (the largest residual's bits) is least. That
    //    product bounds the data bits from above (P falls and the escape grows with |r|) and
    //    n × (the bits of r = 0) bounds them from below, so when no other power's bits + lower
    //    bound can beat this candidate, nothing can: an exact law is settled in one pass.
    let worst_escape = -ESCAPE_LOG2 + signed_bits_f64(rows.max_abs);
    let power_bound = |t: i32, r: f64, escape: f64| {
        scale_total(Real::power_of_two(t), n * row_bits(family, r, escape, libm::exp2(t as f64)))
    };
    let upper = |t: i32| power_bound(t, rows.max_abs, worst_escape);
    let t_bound = (lowest..=highest).min_by(|&a, &b| upper(a).total_cmp(&upper(b))).unwrap_or(0);
    let d_bound = at(t_bound, &mut grid);
    let mut best = (Real::power_of_two(t_bound), scale_total(Real::power_of_two(t_bound), d_bound));
    let zero_escape = -ESCAPE_LOG2 + 1.0;
    let beyond = scale_total(Real::power_of_two(lowest - 1), 0.0);
    let settled =
        beyond >= best.1 && (lowest..=highest).all(|t| t == t_bound || power_bound(t, 0.0, zero_escape) >= best.1);
    if settled {
        return best;
    }

    // 2. Descent over powers of two from the maximum-likelihood scale, by data bits.
    let start = if seed > 0.0 { (libm::log2(seed).round() as i32).clamp(lowest, highest) } else { lowest };
    let mut t = start;
    loop {
        let here = at(t, &mut grid);
        if here - n * KEEP_BITS < 0.01 {
            break;
        }
        if t > lowest && at(t - 1, &mut grid) < here {
            t -= 1;
        } else if t < highest && at(t + 1, &mut grid) < here {
            t += 1;
        } else {
            break;
        }
    }
    for &(u, d) in &grid {
        keep_cheaper(&mut best, Real::power_of_two(u), d);
    }

    // 3. Refine log₂ s between the neighbours of the best power, if a wider mantissa (3 bits or
    //    more dearer) could pay. Then score each width by the refined parabola, and evaluate the
    //    two that it predicts cheapest.
    let d_grid = at(t, &mut grid);
    if d_grid >= 3.0 && t > lowest && t < highest {
        let (a, b) = ((t - 1) as f64, (t + 1) as f64);
        let (fa, fb) = (at(t - 1, &mut grid), at(t + 1, &mut grid));
        let vertex = parabolic_minimum(eval, (a, fa), (t as f64, d_grid), (b, fb));
        let mut predicted: Vec<(Real, f64)> = mantissa_roundings(libm::exp2(vertex.at))
            .into_iter()
            .filter(|x| x.width() > 0)
            .map(|real| (real, scale_total(real, vertex.predict(libm::log2(real.value())))))
            .filter(|&(_, total)| total < best.1)
            .collect();
        predicted.sort_by(|x, y| x.1.total_cmp(&y.1));
        for &(real, _) in predicted.iter().take(WIDTHS_EVALUATED) {
            keep_cheaper(&mut best, real, approximate_data_bits(family, rows, real.value()));
        }
    }
    best
}

/// The data bits at scale s for the search: each row's family bits from a [`RowTable`] (when
/// there are enough rows to pay for one), mixed with the escape by min(family + log₂(1/(1 − ε)),
/// escape), which overstates the mixture by at most one bit on the rare rows where the two are
/// close and by 2^−gap/ln 2 elsewhere.
pub(crate) fn approximate_data_bits(family: Family, rows: &Rows, s: f64) -> f64 {
    let table = RowTable::new(family, s, rows.r.len() / 4);
    let mut total = 0.0;
    for (&r, &escape) in rows.r.iter().zip(&rows.escape) {
        let main = match &table {
            Some(t) => t.bits(family, r, s),
            None => row_bits_main(family, r, s),
        };
        let main = if main.is_nan() { f64::INFINITY } else { main.max(0.0) };
        total += (main + KEEP_BITS).min(escape);
    }
    total
}

/// A family's per-row bits at one scale tabulated over |r| (with ½ a node), interpolated by cubic
/// Hermite from exact values and slopes. Nodes are s/16 apart for the Gaussian and min(s, ½)/64
/// for the Laplace; the error, about h⁴/384 × the fourth derivative, measures below 2·10⁻⁸ bits
/// a row (tested). Beyond the table (Gaussian: ½ + 10s; Laplace: ½, where its exact tail formula
/// is as cheap) the exact bits are used.
struct RowTable {
    h: f64,
    limit: f64,
    values: Vec<f64>,
    slopes: Vec<f64>,
}

impl RowTable {
    /// None when s is beyond the exact code (the Gaussian's midpoint rule is already a closed
    /// form) or the table would need more than `max_nodes` nodes (it pays for itself only when
    /// the rows outnumber its nodes several times).
    fn new(family: Family, s: f64, max_nodes: usize) -> Option<RowTable> {
        if s.is_nan() || s <= 0.0 || (family == Family::Gaussian && s > CONTINUOUS_ABOVE) {
            return None;
        }
        // The Gaussian's bits vary on the scale s; the Laplace's within ½ on the scale min(s, ½),
        // and more sharply next to the kink at ½, hence its finer nodes.
        let (per_half, reach) = match family {
            Family::Gaussian => ((8.0 / s).ceil(), 0.5 + 10.0 * s),
            Family::Laplace => ((32.0 / s.min(0.5)).ceil(), 0.5),
        };
        let h = 0.5 / per_half;
        let nodes = (reach / h).ceil() + 1.0;
        if nodes.is_nan() || nodes > max_nodes as f64 {
            return None;
        }
        let nodes = nodes as usize;
        let (values, slopes) = (0..nodes).map(|i| family_bits_and_slope(family, i as f64 * h, s)).unzip();
        Some(RowTable { h, limit: (nodes - 1) as f64 * h, values, slopes })
    }

    fn bits(&self, family: Family, r: f64, s: f64) -> f64 {
        let a = r.abs();
        if a.is_nan() || a >= self.limit {
            return row_bits_main(family, r, s);
        }
        let x = a / self.h;
        let i = x as usize;
        let t = x - i as f64;
        let (v, d) = (&self.values, &self.slopes);
        let (Some(&y0), Some(&y1), Some(&s0), Some(&s1)) = (v.get(i), v.get(i + 1), d.get(i), d.get(i + 1)) else {
            return row_bits_main(family, r, s);
        };
        let (d0, d1) = (s0 * self.h, s1 * self.h);
        let (t2, t3) = (t * t, t * t * t);
        (2.0 * t3 - 3.0 * t2 + 1.0) * y0 + (t3 - 2.0 * t2 + t) * d0 + (3.0 * t2 - 2.0 * t3) * y1 + (t3 - t2) * d1
    }
}

/// −log₂P and its derivative in r for the family's own code (before the escape), r ≥ 0.
///
/// Gaussian: d/dr of −log₂(Φ(hi) − Φ(lo)) is −(φ(hi) − φ(lo))/(s P ln 2), with each φ/P formed
/// as exp(ln φ − ln P) so that it survives the far tail. Laplace within ½:
/// P = 1 − e^(−1/(2b)) cosh(r/b), so the derivative is e^(−1/(2b)) sinh(r/b)/(b P ln 2).
fn family_bits_and_slope(family: Family, r: f64, s: f64) -> (f64, f64) {
    let bits = row_bits_main(family, r, s);
    let ln_p = -bits * LN_2;
    let slope = match family {
        Family::Gaussian => {
            let (lo, hi) = ((r - 0.5) / s, (r + 0.5) / s);
            let ratio = |x: f64| libm::exp(-0.5 * x * x - LN_SQRT_2PI - ln_p);
            -(ratio(hi) - ratio(lo)) / (s * LN_2)
        }
        Family::Laplace if r < 0.5 => libm::exp(-0.5 / s) * (r / s).sinh() / (s * libm::exp(ln_p) * LN_2),
        Family::Laplace => 1.0 / (s * LN_2),
    };
    (bits, slope)
}

/// Replaces `best` when `real` with these data bits is strictly cheaper in total.
fn keep_cheaper(best: &mut (Real, f64), real: Real, data: f64) {
    let total = scale_total(real, data);
    if total < best.1 {
        *best = (real, total);
    }
}

/// Minimises f on [lo, hi] by golden-section search; returns (argmin, min) of the last bracket.
fn golden_section(f: impl Fn(f64) -> f64, lo: f64, hi: f64, steps: u32) -> (f64, f64) {
    const INV_PHI: f64 = 0.618_033_988_749_894_8;
    let (mut a, mut b) = (lo, hi);
    let mut c = b - INV_PHI * (b - a);
    let mut d = a + INV_PHI * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..steps {
        if fc <= fd {
            (b, d, fd) = (d, c, fc);
            c = b - INV_PHI * (b - a);
            fc = f(c);
        } else {
            (a, c, fc) = (c, d, fd);
            d = a + INV_PHI * (b - a);
            fd = f(d);
        }
    }
    if fc <= fd {
        (c, fc)
    } else {
        (d, fd)
    }
}

/// A minimum found by [`parabolic_minimum`]: where, its value, and the curvature f'' of the last
/// parabola, to predict f nearby.
#[derive(Debug, Clone, Copy)]
struct Vertex {
    at: f64,
    value: f64,
    curvature: f64,
}

impl Vertex {
    fn predict(&self, t: f64) -> f64 {
        self.value + 0.5 * self.curvature * (t - self.at) * (t - self.at)
    }
}

/// Successive parabolic interpolation inside a bracket a < m < b with f(m) ≤ f(a), f(b)
/// (Brent 1973, "Algorithms for Minimization without Derivatives", ch. 5, without the golden
/// fallback: a vertex outside the bracket or too close to m is replaced by a small step into the
/// wider side). It stops when the parabola promises less than [`REFINE_GAIN`] bits, or a step
/// moves less than the tolerance. Returns the best point seen.
fn parabolic_minimum(f: impl Fn(f64) -> f64, a: (f64, f64), m: (f64, f64), b: (f64, f64)) -> Vertex {
    let ((mut a, mut fa), (mut m, mut fm), (mut b, mut fb)) = (a, m, b);
    let mut curvature = 0.0;
    for _ in 0..REFINE_STEPS {
        let p = (m - a) * (m - a) * (fm - fb) - (m - b) * (m - b) * (fm - fa);
        let q = 2.0 * ((m - a) * (fm - fb) - (m - b) * (fm - fa));
        // The parabola through the three points:
        // f'' = 2[(fa − fm)/(a − m) − (fb − fm)/(b − m)]/(a − b).
        curvature = 2.0 * ((fa - fm) / (a - m) - (fb - fm) / (b - m)) / (a - b);
        let vertex = m - p / q;
        let promised = 0.5 * curvature * (vertex - m) * (vertex - m);
        if (promised.is_nan() || promised <= REFINE_GAIN) && vertex > a && vertex < b {
            break;
        }
        let step_aside = if b - m > m - a { m + 2.0 * REFINE_TOLERANCE } else { m - 2.0 * REFINE_TOLERANCE };
        let v = if vertex > a && vertex < b && (vertex - m).abs() >= REFINE_TOLERANCE { vertex } else { step_aside };
        let fv = f(v);
        let moved = (v - m).abs();
        if fv < fm {
            if v < m {
                (b, fb) = (m, fm);
            } else {
                (a, fa) = (m, fm);
            }
            (m, fm) = (v, fv);
        } else if v < m {
            (a, fa) = (v, fv);
        } else {
            (b, fb) = (v, fv);
        }
        if moved <= 2.0 * REFINE_TOLERANCE || b - a <= 4.0 * REFINE_TOLERANCE {
            break;
        }
    }
    Vertex { at: m, value: fm, curvature: curvature.max(0.0) }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests compare against std's functions
mod tests {
    use super::*;
    use crate::mdl::residuals::tests::normal_draws;
    use crate::mdl::residuals::{code_at, fit_rows};

    #[test]
    fn the_row_table_interpolates_the_exact_bits_closely() {
        // Measured worst error: 1.8e−8 bits a row (the Laplace at s = 1/64, next to its kink).
        for family in [Family::Gaussian, Family::Laplace] {
            for s in [1.0 / 64.0, 0.1, 0.3, 0.77, 1.0, 1.5, 2.9, 4.0] {
                let table = RowTable::new(family, s, usize::MAX).unwrap();
                for i in 0..20_000 {
                    let r = i as f64 / 20_000.0 * (table.limit + 1.0);
                    let exact = row_bits_main(family, r, s);
                    let error = (table.bits(family, r, s) - exact).abs();
                    assert!(error < 1e-7, "{family:?} s = {s} r = {r}: {error}");
                }
            }
        }
        assert!(RowTable::new(Family::Gaussian, 5.0, usize::MAX).is_none());
        assert!(RowTable::new(Family::Gaussian, 1.0, 10).is_none());
    }

    #[test]
    fn the_tabulated_exact_search_is_within_half_a_bit_of_brute_force() {
        // 2,000 rows make the table pay, so this is the path a near-exact law takes at scale.
        // Brute force: every scale 2^e × (1 + f/2^w), −6 ≤ e ≤ 2, w ≤ 4, summed exactly.
        let draws = normal_draws(2000, 17);
        for (sigma, offset) in [(0.2, 0.15), (0.6, 0.0), (1.1, 0.3)] {
            let r = draws.iter().map(|z| (z * sigma + offset).round() - offset).collect();
            let rows = Rows::new(r);
            let fitted = fit_rows(&rows).total_bits;
            let mut brute = f64::INFINITY;
            for family in [Family::Gaussian, Family::Laplace] {
                for e in -6..=2 {
                    for w in 0..=4u32 {
                        for f in (0..1u64 << w).filter(|f| w == 0 || f % 2 == 1) {
                            let v = (e as f64).exp2() * (1.0 + f as f64 / (1u64 << w) as f64);
                            let real = Real::new(v, w).unwrap();
                            brute = brute.min(code_at(family, real, &rows).total_bits);
                        }
                    }
                }
            }
            assert!(fitted <= brute + 0.5, "σ = {sigma}: fit {fitted}, brute force {brute}");
        }
    }
}
