//! Symmetry: a target that depends on two features only through their difference, sum, ratio or
//! product, y = f(…, xᵢ − xⱼ, …). Such a law is a search over one variable fewer: the Gaussian
//! e^(−((θ − θ₁)/σ)²/2)/(√(2π)·σ) is a law of two variables, θ − θ₁ and σ, and the polarisation
//! n·α/(1 − n·α/3) one of a single variable. AI Feynman (Udrescu & Tegmark 2020) tests the same
//! four symmetries, on a network fitted to the data; here the table is dense enough to test
//! them on the data themselves.
//!
//! The test ([`Symmetry::find`]) reads the target's gradient, estimated at each of a spread of
//! training rows by a least-squares plane through its nearest neighbours. A function of
//! xᵢ − xⱼ has ∂y/∂xᵢ = −∂y/∂xⱼ; of xᵢ + xⱼ, ∂y/∂xᵢ = ∂y/∂xⱼ; of xᵢ·xⱼ, xᵢ·∂y/∂xᵢ = xⱼ·∂y/∂xⱼ;
//! of xᵢ/xⱼ, xᵢ·∂y/∂xᵢ = −xⱼ·∂y/∂xⱼ (AI Feynman tests the same four, on a network fitted to
//! the data). Each symmetry's mismatch at a row is how far the two sides differ, relative to
//! their size; the symmetry whose median mismatch is lowest is taken when it is below
//! [`THRESHOLD`]. With units known, a sum or difference needs both features in the same unit.
//!
//! [`Symmetry::reduced`] writes the table over u, and [`Symmetry::expand`] turns a formula over
//! u back into one over the features, which the search then scores as any other: like the
//! dimensionless groups, a symmetry only adds candidates to the search and never restricts it.

use ndarray::{Array2, ShapeBuilder};

use crate::expr::{Expr, Op};
use crate::prepare::{Dataset, Feature, Target};
use crate::units::Dimension;

/// A symmetry is taken when the median mismatch of its gradient condition is below this: a few
/// hundredths where it holds (the planes' error: 0.01–0.07 on the public Feynman tables), a
/// large fraction of 1 where it does not, though a law can come close (relativistic aberration
/// over v/c and θ looks like a function of v/c + θ at 0.098).
pub const THRESHOLD: f64 = 0.08;

/// Training rows the test reads at most (evenly spread): the neighbour search is quadratic
/// (2,000 rows of eight features: 40 ms), and denser rows make the planes' slopes truer.
const TEST_ROWS: usize = 2000;

/// Fewer training rows than this are too sparse for neighbours to tell anything.
const MIN_ROWS: usize = 50;

/// The operators a symmetry may combine two features with.
const OPS: [Op; 4] = [Op::Sub, Op::Add, Op::Div, Op::Mul];

/// y depends on features `i` and `j` only through `xᵢ op xⱼ`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Symmetry {
    pub i: usize,
    pub j: usize,
    pub op: Op,
    /// The test's median mismatch (0 where the gradient condition holds exactly).
    pub mismatch: f64,
}

impl Symmetry {
    /// The strongest symmetry the training rows show, if any passes the test. `units`: whether
    /// the features' units are to be respected (a sum of metres and seconds is no symmetry).
    pub fn find(dataset: &Dataset, units: bool) -> Option<Symmetry> {
        let Target::Regression(target) = &dataset.target else { return None };
        let features = dataset.features.len();
        let n = dataset.train.len();
        if features < 2 || n < MIN_ROWS {
            return None;
        }
        let wanted = n.min(TEST_ROWS);
        let rows: Vec<usize> = (0..wanted).map(|k| dataset.train[k * n / wanted]).collect();
        let y: Vec<f64> = rows.iter().map(|&r| target.values[r]).collect();
        let columns: Vec<Vec<f64>> =
            (0..features).map(|j| rows.iter().map(|&r| dataset.column(j)[r]).collect()).collect();
        let gradients = gradients(&columns, &y)?;
        let mut best: Option<Symmetry> = None;
        for i in 0..features {
            for j in i + 1..features {
                for op in OPS {
                    if units
                        && matches!(op, Op::Add | Op::Sub)
                        && !same_unit(&dataset.features[i], &dataset.features[j])
                    {
                        continue;
                    }
                    let Some(mismatch) = median_mismatch(&gradients, &columns, i, j, op) else { continue };
                    if mismatch < THRESHOLD && best.is_none_or(|b| mismatch < b.mismatch) {
                        best = Some(Symmetry { i, j, op, mismatch });
                    }
                }
            }
        }
        best
    }

    /// The features of the reduced table as formulas over the original ones: the others in
    /// their order, then xᵢ op xⱼ.
    fn sources(&self, features: usize) -> Vec<Expr> {
        let var = |k: usize| Expr::var(k as u16);
        (0..features)
            .filter(|&k| k != self.i && k != self.j)
            .map(var)
            .chain([Expr::binary(self.op, var(self.i), var(self.j))])
            .collect()
    }

    /// The table over the reduced features (the same target, rows and split); None if the
    /// combined feature is not finite on some row.
    pub fn reduced(&self, dataset: &Dataset) -> Option<Dataset> {
        let rows = dataset.rows();
        let features = dataset.features.len();
        let (a, b) = (dataset.column(self.i), dataset.column(self.j));
        let combined: Vec<f64> = a.iter().zip(b).map(|(&a, &b)| self.op.apply(a, b)).collect();
        if !combined.iter().all(|v| v.is_finite()) {
            return None;
        }
        let kept: Vec<usize> = (0..features).filter(|&k| k != self.i && k != self.j).collect();
        let mut x = Vec::with_capacity(rows * (kept.len() + 1));
        for &k in &kept {
            x.extend_from_slice(dataset.column(k));
        }
        x.extend_from_slice(&combined);
        let x = Array2::from_shape_vec((rows, kept.len() + 1).f(), x).ok()?;
        let names: Vec<&str> = dataset.features.iter().map(|f| f.name.as_str()).collect();
        let unit = self.unit(&dataset.features[self.i], &dataset.features[self.j]);
        let combined = Feature::derived(self.describe(&names), unit, &combined, &dataset.train);
        let features = kept.iter().map(|&k| dataset.features[k].clone()).chain([combined]).collect();
        Some(dataset.with_features(features, x))
    }

    /// `f` over the reduced features as a formula over the original ones.
    pub fn expand(&self, f: &Expr, features: usize) -> Option<Expr> {
        f.substitute(&self.sources(features))
    }

    /// "θ − θ1" in the features' names.
    pub fn describe(&self, names: &[&str]) -> String {
        let symbol = match self.op {
            Op::Sub => "−",
            Op::Add => "+",
            Op::Div => "/",
            _ => "·",
        };
        format!("{} {symbol} {}", names.get(self.i).unwrap_or(&"?"), names.get(self.j).unwrap_or(&"?"))
    }

    /// The combined feature's unit, where both are known.
    fn unit(&self, a: &Feature, b: &Feature) -> Option<Dimension> {
        let (a, b) = (a.unit?, b.unit?);
        match self.op {
            Op::Mul => Some(a.times(b)),
            Op::Div => Some(a.over(b)),
            _ => Some(a),
        }
    }
}

/// Whether two features have the same unit (or either's is unknown).
fn same_unit(a: &Feature, b: &Feature) -> bool {
    match (a.unit, b.unit) {
        (Some(a), Some(b)) => a.same(b),
        _ => true,
    }
}

/// The target's gradient at every row (row-major, a partial per column): the slope of the
/// least-squares plane through the row and its nearest neighbours (in the columns standardised).
/// None if a column is constant or not finite.
fn gradients(columns: &[Vec<f64>], y: &[f64]) -> Option<Vec<Vec<f64>>> {
    let (n, d) = (y.len(), columns.len());
    let k = (3 * d + 3).min(n.saturating_sub(1));
    if k < d + 1 {
        return None;
    }
    let mut scaled: Vec<Vec<f64>> = Vec::with_capacity(d);
    let mut stds = Vec::with_capacity(d);
    for c in columns {
        let mean = c.iter().sum::<f64>() / n as f64;
        let std = (c.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
        if !(std.is_finite() && std > 0.0) {
            return None;
        }
        scaled.push(c.iter().map(|v| (v - mean) / std).collect());
        stds.push(std);
    }
    let mut out = Vec::with_capacity(n);
    let mut near: Vec<(f64, usize)> = Vec::with_capacity(n);
    let p = d + 1;
    let (mut a, mut b, mut x, mut row) = (vec![0.0; p * p], vec![0.0; p], Vec::new(), vec![1.0; p]);
    for r in 0..n {
        near.clear();
        near.extend(
            (0..n).filter(|&s| s != r).map(|s| (scaled.iter().map(|c| (c[r] - c[s]) * (c[r] - c[s])).sum::<f64>(), s)),
        );
        near.select_nth_unstable_by(k - 1, |u, v| u.0.total_cmp(&v.0));
        // Normal equations of y ≈ c + Σ gⱼ·(zⱼ − zⱼ(r)) over the row and its k neighbours.
        a.iter_mut().for_each(|v| *v = 0.0);
        b.iter_mut().for_each(|v| *v = 0.0);
        for s in near[..k].iter().map(|&(_, s)| s).chain([r]) {
            for (v, c) in row[1..].iter_mut().zip(&scaled) {
                *v = c[s] - c[r];
            }
            for u in 0..p {
                b[u] += row[u] * y[s];
                for v in 0..p {
                    a[u * p + v] += row[u] * row[v];
                }
            }
        }
        if !super::optimize::solve(&mut a, &mut b, &mut x, p) {
            return None;
        }
        out.push(x[1..].iter().zip(&stds).map(|(g, s)| g / s).collect());
    }
    Some(out)
}

/// The median over rows of how far `op`'s gradient condition on features i and j is from
/// holding, |left − right|/(|left| + |right|), over the rows where the two sides are not both
/// negligible; None if there are too few such rows.
fn median_mismatch(gradients: &[Vec<f64>], columns: &[Vec<f64>], i: usize, j: usize, op: Op) -> Option<f64> {
    let sides = |r: usize| -> (f64, f64) {
        let (gi, gj) = (gradients[r][i], gradients[r][j]);
        let (xi, xj) = (columns[i][r], columns[j][r]);
        match op {
            Op::Sub => (gi, -gj),
            Op::Add => (gi, gj),
            Op::Mul => (xi * gi, xj * gj),
            _ => (xi * gi, -xj * gj),
        }
    };
    let sizes: Vec<f64> = (0..gradients.len())
        .map(|r| {
            let (l, s) = sides(r);
            l.abs() + s.abs()
        })
        .collect();
    let typical = sizes.iter().sum::<f64>() / sizes.len().max(1) as f64;
    let mut mismatches: Vec<f64> = (0..gradients.len())
        .filter(|&r| sizes[r] > 1e-3 * typical && sizes[r].is_finite())
        .map(|r| {
            let (l, s) = sides(r);
            (l - s).abs() / (l.abs() + s.abs())
        })
        .collect();
    if mismatches.len() < gradients.len() / 2 || typical <= 0.0 {
        return None;
    }
    let middle = mismatches.len() / 2;
    mismatches.select_nth_unstable_by(middle, f64::total_cmp);
    Some(mismatches[middle])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(header: &str, rows: usize, law: impl Fn(&[f64]) -> f64, columns: usize) -> Dataset {
        let mut text = format!("{header}\n");
        let mut rng = crate::random::Rng::new(3);
        for _ in 0..rows {
            let x: Vec<f64> = (0..columns).map(|_| 1.0 + 2.0 * rng.uniform()).collect();
            let cells: Vec<String> = x.iter().map(|v| format!("{v}")).chain([format!("{}", law(&x))]).collect();
            text.push_str(&cells.join(","));
            text.push('\n');
        }
        let loaded = crate::data::load("t", text.as_bytes(), &Default::default()).unwrap();
        crate::prepare::prepare(&loaded.table, &Default::default()).unwrap()
    }

    #[test]
    fn a_gaussian_depends_on_the_difference_of_its_mean_and_its_variable() {
        let d = table(
            "sigma,theta,theta1,f",
            500,
            |x| libm::exp(-((x[1] - x[2]) / x[0]).powi(2) / 2.0) / (x[0] * 2.5066),
            3,
        );
        let s = Symmetry::find(&d, true).expect("a symmetry");
        assert_eq!((s.i, s.j, s.op), (1, 2, Op::Sub), "{s:?}");
        let reduced = s.reduced(&d).unwrap();
        assert_eq!(reduced.features.len(), 2);
        assert_eq!(reduced.features[1].name, "theta − theta1");
        // sigma and z over the reduced table are x0 and x1; expanded, z is theta − theta1.
        let f = crate::expr::parse("x1 / x0", &["x0", "x1"]).unwrap();
        let e = s.expand(&f, 3).unwrap();
        assert_eq!(
            e.print(crate::expr::Syntax::Text, &["sigma", "theta", "theta1"]).unwrap(),
            "(theta - theta1)/sigma"
        );
    }

    #[test]
    fn a_product_is_found_and_a_law_of_every_variable_has_no_symmetry() {
        let d = table("n,alpha,P", 400, |x| x[0] * x[1] / (1.0 - x[0] * x[1] / 30.0), 2);
        let s = Symmetry::find(&d, true).expect("n·alpha");
        assert_eq!((s.i, s.j, s.op), (0, 1, Op::Mul), "{s:?}");
        let none = table("a,b,c,y", 400, |x| x[0] * libm::sin(x[1]) + x[2] * x[2], 3);
        assert_eq!(Symmetry::find(&none, true), None);
    }
}
