//! Rational relations: a target, or its square, that is a ratio of two polynomials in the
//! features. Many laws are: the weighted mean (m₁r₁ + m₂r₂)/(m₁ + m₂), a relativistic Doppler
//! factor whose square is (1 + β)/(1 − β), a lens's image distance u·f/(u − f). Such a law can be
//! long in symbols (eleven for the weighted mean) and yet lie on a plane in the right
//! coordinates: T(y)·Q(x) − P(x) = 0 is linear in the coefficients of P and Q. AI Feynman
//! (Udrescu & Tegmark 2020) fits polynomials after transforming the target the same way;
//! here the denominator is fitted with the numerator, so that ratios are found as well.
//!
//! [`find`] builds, on a spread of training rows, the matrix whose columns are T(y)·m(x) for
//! each monomial m of Q and −m(x) for each of P, for the transforms T(y) = y and y² and the
//! degrees in [`DEGREES`], lowest first; the variables are the features and the cosines of the
//! dimensionless ones within a turn (angles, and the groups of a reduced table), so that
//! Compton's 1/(1 + a·(1 − cos θ)) is a ratio too. A relation the rows obey is a null vector of
//! that matrix: its smallest singular value, relative to its largest, drops to rounding
//! ([`EXACT`]), or by a large factor below what the lower degrees reached ([`DROP`]). Each
//! transform's lowest exact relation (else its first drop) is written as a formula, its
//! coefficients at the simple fractions they sit on, and offered to the search, which refits and
//! scores it as any other: like the dimensionless groups, a relation only adds candidates and
//! never restricts them.

use crate::expr::{Expr, Form, Op, OpSet};
use crate::prepare::{Dataset, Target};

/// Training rows the relation is fitted on at most (evenly spread): an exact relation holds on
/// any few dozen rows, and 400 keep even the largest matrix (90 columns) well determined.
const FIT_ROWS: usize = 400;

/// The numerator's and denominator's greatest total degrees tried, in the order tried (fewest
/// columns first). A denominator of degree 0 is a polynomial.
pub const DEGREES: [(u32, u32); 7] = [(1, 0), (0, 1), (1, 1), (2, 0), (2, 1), (1, 2), (2, 2)];

/// Most variables a relation is looked for over (features, and the cosines of the angles among
/// them): 8 variables of degree 2 are 45 monomials a side.
const MAX_VARIABLES: usize = 8;

/// Smallest singular value over the largest (columns at unit length) below which the rows obey
/// the relation to rounding: a law written at full precision reaches 10⁻¹⁵ or so, while a
/// rational approximation of a transcendental one can come to 10⁻¹¹ (1/√(1 − x²) over
/// x ≤ 0.7 in x and cos x).
pub const EXACT: f64 = 1e-12;

/// A relation is also taken when its ratio falls this far below the lowest reached by the
/// lower degrees: on noisy rows a true relation drops by the noise, an extra column by little.
pub const DROP: f64 = 1e-3;

/// Coefficients below this share of the largest are taken for zero.
const NEGLIGIBLE: f64 = 1e-7;

/// Most terms (monomials with a coefficient) a relation may keep to be offered.
const MAX_TERMS: usize = 12;

/// How nearly a quadratic numerator must be a square (relative to its largest entry) for a
/// signed root.
const SQUARE_TOLERANCE: f64 = 1e-6;

/// Largest denominator a coefficient is snapped to, and how near (relatively) it must sit.
const SNAP_DENOMINATOR: i64 = 12;
const SNAP_TOLERANCE: f64 = 1e-6;

/// What is done to the target before it is fitted as P/Q.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// y = P/Q.
    Identity,
    /// y² = P/Q, with y's sign recovered as [`Root`] says.
    Square(Root),
}

/// How y follows from y² = P/Q.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// y > 0 on every row: y = √(P/Q).
    Positive,
    /// y < 0 on every row: y = −√(P/Q).
    Negative,
    /// Both signs: the numerator must be a square, ±L², and y = L/√(±Q), its sign L's (the
    /// relativistic time (t − u·x/c²)/√(1 − u²/c²) changes sign with t − u·x/c²). The search's
    /// scaling finds the −1 if the sign is the other way. (A numerator that is a square is
    /// written so whatever the sign: L/√Q is shorter than √(L²/Q).)
    Signed,
}

/// A relation the rows obey, as found.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub transform: Transform,
    /// The numerator's and denominator's greatest total degrees.
    pub degrees: (u32, u32),
    /// Smallest singular value over the largest: how nearly the rows obey it.
    pub mismatch: f64,
    /// The target as a formula over the features.
    pub formula: Expr,
}

impl Relation {
    /// The relation in words, its formula over `names`: "y² = P/Q of degrees 2 and 2 (to
    /// 8e-17): …".
    pub fn describe(&self, names: &[&str]) -> String {
        let target = match self.transform {
            Transform::Identity => "the target",
            Transform::Square(_) => "the target's square",
        };
        let formula = self.formula.print(crate::expr::Syntax::Text, names).unwrap_or_default();
        format!(
            "{target} is a ratio of polynomials of degrees {} and {} (to {:.0e}): {formula}",
            self.degrees.0, self.degrees.1, self.mismatch
        )
    }
}

/// The relations the dataset's training rows obey, at most one for each transform.
pub fn find(dataset: &Dataset, ops: OpSet) -> Vec<Relation> {
    let Target::Regression(target) = &dataset.target else { return Vec::new() };
    let features = dataset.features.len();
    let n = dataset.train.len();
    if features == 0 || features > MAX_VARIABLES || !ops.contains(Op::Add) || !ops.contains(Op::Mul) {
        return Vec::new();
    }
    let wanted = n.min(FIT_ROWS);
    let rows: Vec<usize> = (0..wanted).map(|k| dataset.train[k * n / wanted]).collect();
    let y: Vec<f64> = rows.iter().map(|&r| target.values[r]).collect();
    let mut x: Vec<Vec<f64>> = (0..features).map(|j| rows.iter().map(|&r| dataset.column(j)[r]).collect()).collect();
    if y.iter().chain(x.iter().flatten()).any(|v| !v.is_finite()) {
        return Vec::new();
    }
    let mut bases: Vec<Expr> = (0..features).map(|j| Expr::var(j as u16)).collect();
    // An angle enters a law through its cosine (or sine, its square through the cosine's): a
    // dimensionless feature within a turn either way is offered as cos x too.
    for j in 0..features {
        let angle = dataset.features[j].unit.is_some_and(|u| u.is_none())
            && x[j].iter().all(|v| v.abs() <= std::f64::consts::TAU);
        if angle && ops.contains(Op::Cos) && bases.len() < MAX_VARIABLES {
            x.push(x[j].iter().map(|&v| libm::cos(v)).collect());
            bases.push(Expr::unary(Op::Cos, Expr::var(j as u16)));
        }
    }
    let mut found = Vec::new();
    let root = if y.iter().all(|&v| v > 0.0) {
        Root::Positive
    } else if y.iter().all(|&v| v < 0.0) {
        Root::Negative
    } else {
        Root::Signed
    };
    let squares: Vec<f64> = y.iter().map(|v| v * v).collect();
    let mut tried = vec![(Transform::Identity, &y)];
    if ops.contains(Op::Sqrt) {
        tried.push((Transform::Square(root), &squares));
    }
    let features: Vec<&[f64]> = x[..features].iter().map(Vec::as_slice).collect();
    for (transform, t) in tried {
        let Some(relation) = first_relation(&x, &bases, t, transform, ops) else { continue };
        if let Some(relation) = signed_as(relation, &features, &y) {
            found.push(relation);
        }
    }
    found
}

/// The relation with its formula's sign turned to the target's where the two disagree (a root
/// L/√Q takes L's sign, which the null vector leaves open); None if the formula is not finite
/// on the rows.
fn signed_as(mut relation: Relation, features: &[&[f64]], y: &[f64]) -> Option<Relation> {
    let columns = crate::expr::Columns::new(features.to_vec(), y.len()).ok()?;
    let mut mu = vec![0.0; y.len()];
    crate::expr::eval(&relation.formula, &columns, &mut mu).ok()?;
    if !mu.iter().all(|v| v.is_finite()) {
        return None;
    }
    if mu.iter().zip(y).map(|(m, y)| m * y).sum::<f64>() < 0.0 {
        relation.formula =
            Expr::binary(Op::Mul, Expr::with_form(-1.0, Form::Integer), relation.formula).simplify().ok()?;
    }
    Some(relation)
}

/// The lowest-degree relation T(y)·Q − P = 0 the rows obey exactly, else the first that
/// [`DROP`]s, written as a formula for y; `x` holds the values of the variables `bases` writes.
fn first_relation(x: &[Vec<f64>], bases: &[Expr], t: &[f64], transform: Transform, ops: OpSet) -> Option<Relation> {
    let mut lowest = f64::INFINITY;
    let mut approximate: Option<Relation> = None;
    for degrees in DEGREES {
        if degrees.1 > 0 && !ops.contains(Op::Div) {
            continue;
        }
        let numerator = monomials(x.len(), degrees.0);
        let denominator = monomials(x.len(), degrees.1);
        let columns = numerator.len() + denominator.len();
        if columns * 3 > t.len() {
            continue;
        }
        let Some((mismatch, next, coefficients)) = null_vector(x, t, &numerator, &denominator) else { continue };
        if next < EXACT {
            // Two independent relations: the features themselves obey one (rows on a curve), and
            // any mixture of the two fits; this degree and every higher one say nothing.
            return approximate;
        }
        let exact = mismatch < EXACT;
        let dropped = lowest.is_finite() && mismatch < DROP * lowest;
        lowest = lowest.min(mismatch);
        if !(exact || dropped) || (!exact && approximate.is_some()) {
            continue;
        }
        let (p, q) = coefficients.split_at(numerator.len());
        let Some(formula) = formula(&numerator, p, &denominator, q, transform, bases, ops) else { continue };
        let relation = Relation { transform, degrees, mismatch, formula };
        if exact {
            return Some(relation);
        }
        // A drop short of exact (noise, or a near relation such as cos x ≈ 1 − x²/2): kept
        // unless a higher degree holds exactly.
        approximate = Some(relation);
    }
    approximate
}

/// Every exponent vector over `features` variables of total degree at most `degree`, the
/// constant first, then by degree.
fn monomials(features: usize, degree: u32) -> Vec<Vec<u32>> {
    let mut all = vec![vec![0; features]];
    let mut last = vec![vec![0u32; features]];
    for _ in 0..degree {
        let mut next: Vec<Vec<u32>> = Vec::new();
        for m in &last {
            // Raise only the last variable raised so far or a later one, so each product is made once.
            let from = m.iter().rposition(|&e| e > 0).unwrap_or(0);
            for j in from..features {
                let mut raised = m.clone();
                raised[j] += 1;
                next.push(raised);
            }
        }
        all.extend(next.iter().cloned());
        last = next;
    }
    all
}

fn monomial_value(exponents: &[u32], x: &[Vec<f64>], row: usize) -> f64 {
    exponents.iter().enumerate().fold(1.0, |v, (j, &e)| (0..e).fold(v, |v, _| v * x[j][row]))
}

/// The smallest singular value of [−m(x) for m in P | T·m(x) for m in Q] over its largest, its
/// columns scaled to unit length, the next smallest over the largest, and the smallest's right
/// singular vector in the original scale (P's coefficients, then Q's). None if a column is zero
/// or not finite.
fn null_vector(
    x: &[Vec<f64>],
    t: &[f64],
    numerator: &[Vec<u32>],
    denominator: &[Vec<u32>],
) -> Option<(f64, f64, Vec<f64>)> {
    let rows = t.len();
    let mut columns: Vec<Vec<f64>> = Vec::with_capacity(numerator.len() + denominator.len());
    for m in numerator {
        columns.push((0..rows).map(|r| -monomial_value(m, x, r)).collect());
    }
    for m in denominator {
        columns.push((0..rows).map(|r| t[r] * monomial_value(m, x, r)).collect());
    }
    let mut norms = Vec::with_capacity(columns.len());
    for c in columns.iter_mut() {
        let norm = libm::sqrt(c.iter().map(|v| v * v).sum::<f64>());
        if !(norm.is_finite() && norm > 0.0) {
            return None;
        }
        c.iter_mut().for_each(|v| *v /= norm);
        norms.push(norm);
    }
    let r = householder_r(columns);
    let (singular, v) = jacobi_svd(r);
    let largest = singular.iter().cloned().fold(0.0, f64::max);
    if !(largest > 0.0) {
        return None;
    }
    let mut order: Vec<usize> = (0..singular.len()).collect();
    order.sort_by(|&a, &b| singular[a].total_cmp(&singular[b]).then(a.cmp(&b)));
    let k = *order.first()?;
    let next = order.get(1).map_or(f64::INFINITY, |&j| singular[j] / largest);
    let coefficients = v.iter().zip(&norms).map(|(row, norm)| row[k] / norm).collect();
    Some((singular[k] / largest, next, coefficients))
}

/// The k×k upper-triangular R of a Householder QR of the m×k matrix given by its columns
/// (m ≥ k): it has the matrix's singular values and right singular vectors.
fn householder_r(mut a: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let k = a.len();
    let m = a.first().map_or(0, Vec::len);
    for j in 0..k.min(m) {
        let norm = libm::sqrt(a[j][j..].iter().map(|v| v * v).sum::<f64>());
        if norm == 0.0 {
            continue;
        }
        let alpha = if a[j][j] > 0.0 { -norm } else { norm };
        let mut v: Vec<f64> = a[j][j..].to_vec();
        v[0] -= alpha;
        let vv: f64 = v.iter().map(|e| e * e).sum();
        if vv == 0.0 {
            continue;
        }
        for col in a.iter_mut().skip(j) {
            let dot: f64 = v.iter().zip(&col[j..]).map(|(a, b)| a * b).sum();
            let f = 2.0 * dot / vv;
            col[j..].iter_mut().zip(&v).for_each(|(c, vi)| *c -= f * vi);
        }
    }
    // R as k columns of length k (below the diagonal is rounding; cleared).
    a.iter().enumerate().map(|(j, col)| (0..k).map(|i| if i <= j && i < m { col[i] } else { 0.0 }).collect()).collect()
}

/// One-sided Jacobi SVD (Hestenes 1958) of a square matrix given by its columns: the singular
/// values (the final columns' lengths) and V by rows (v[i][k] is the i-th entry of the k-th
/// right singular vector). Rotations are applied until every pair of columns is orthogonal to
/// rounding, at most 60 sweeps.
fn jacobi_svd(mut b: Vec<Vec<f64>>) -> (Vec<f64>, Vec<Vec<f64>>) {
    let k = b.len();
    let mut v: Vec<Vec<f64>> = (0..k).map(|i| (0..k).map(|j| if i == j { 1.0 } else { 0.0 }).collect()).collect();
    for _ in 0..60 {
        let mut rotated = false;
        for p in 0..k {
            for q in p + 1..k {
                let alpha: f64 = b[p].iter().map(|e| e * e).sum();
                let beta: f64 = b[q].iter().map(|e| e * e).sum();
                let gamma: f64 = b[p].iter().zip(&b[q]).map(|(a, c)| a * c).sum();
                if gamma == 0.0 || gamma.abs() <= 1e-15 * libm::sqrt(alpha * beta) {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = zeta.signum() / (zeta.abs() + libm::sqrt(1.0 + zeta * zeta));
                let c = 1.0 / libm::sqrt(1.0 + t * t);
                let s = c * t;
                for i in 0..k {
                    let (bp, bq) = (b[p][i], b[q][i]);
                    b[p][i] = c * bp - s * bq;
                    b[q][i] = s * bp + c * bq;
                }
                for row in v.iter_mut() {
                    let (vp, vq) = (row[p], row[q]);
                    row[p] = c * vp - s * vq;
                    row[q] = s * vp + c * vq;
                }
            }
        }
        if !rotated {
            break;
        }
    }
    let singular = b.iter().map(|col| libm::sqrt(col.iter().map(|e| e * e).sum())).collect();
    (singular, v)
}

/// y as a formula from P's and Q's coefficients: the coefficients scaled so that as many as
/// possible sit on simple fractions, negligible ones dropped. None if too many terms remain, the
/// alphabet cannot write it, or (for a [`Root::Signed`] square) the numerator is not a square.
fn formula(
    numerator: &[Vec<u32>],
    p: &[f64],
    denominator: &[Vec<u32>],
    q: &[f64],
    transform: Transform,
    bases: &[Expr],
    ops: OpSet,
) -> Option<Expr> {
    let y = match transform {
        Transform::Identity => {
            let unit = unit(&[p, q].concat())?;
            Expr::binary(
                Op::Div,
                polynomial(&terms(numerator, p, unit)?, bases, ops)?,
                polynomial(&terms(denominator, q, unit)?, bases, ops)?,
            )
        }
        Transform::Square(root) => match square_root(numerator, p) {
            // y² = s·L²/Q: y = L/√(s·Q), shorter than √(P/Q) and right in sign wherever L's
            // is y's. L is scaled to its simplest and Q by the square of that.
            Some((linear, l, s)) => {
                let unit = unit(&l)?;
                let q: Vec<f64> = q.iter().map(|c| s * c).collect();
                let bottom = polynomial(&terms(denominator, &q, unit * unit)?, bases, ops)?;
                Expr::binary(
                    Op::Div,
                    polynomial(&terms(&linear, &l, unit)?, bases, ops)?,
                    Expr::unary(Op::Sqrt, bottom),
                )
            }
            None if root == Root::Signed => return None,
            None => {
                let unit = unit(&[p, q].concat())?;
                let ratio = Expr::binary(
                    Op::Div,
                    polynomial(&terms(numerator, p, unit)?, bases, ops)?,
                    polynomial(&terms(denominator, q, unit)?, bases, ops)?,
                );
                let y = Expr::unary(Op::Sqrt, ratio);
                if root == Root::Negative {
                    Expr::binary(Op::Mul, Expr::with_form(-1.0, Form::Integer), y)
                } else {
                    y
                }
            }
        },
    };
    y.simplify().ok()
}

/// Whether a coefficient counts: above [`NEGLIGIBLE`] of the largest of its polynomial's.
fn kept(c: f64, largest: f64) -> bool {
    c.abs() > NEGLIGIBLE * largest
}

fn largest(coefficients: &[f64]) -> f64 {
    coefficients.iter().fold(0.0f64, |m, c| m.max(c.abs()))
}

/// The kept coefficient by which the most of the others become simple fractions (the first
/// such); None if none is finite and non-zero.
fn unit(coefficients: &[f64]) -> Option<f64> {
    let top = largest(coefficients);
    if !(top > 0.0 && top.is_finite()) {
        return None;
    }
    let live: Vec<f64> = coefficients.iter().copied().filter(|&c| kept(c, top)).collect();
    let mut best: Option<(usize, f64)> = None;
    for &u in &live {
        let count = live.iter().filter(|&&c| simple(c / u).is_some()).count();
        if best.is_none_or(|(b, _)| count > b) {
            best = Some((count, u));
        }
    }
    best.map(|(_, u)| u)
}

/// The kept terms of a polynomial, each coefficient divided by `unit` and at its simple fraction
/// where it sits on one; None if more than [`MAX_TERMS`] remain.
fn terms(monomials: &[Vec<u32>], coefficients: &[f64], unit: f64) -> Option<Vec<(f64, Form, Vec<u32>)>> {
    let top = largest(coefficients);
    let kept: Vec<(f64, Form, Vec<u32>)> = monomials
        .iter()
        .zip(coefficients)
        .filter(|(_, &c)| kept(c, top))
        .map(|(m, &c)| {
            let scaled = c / unit;
            let (value, form) = simple(scaled).unwrap_or((scaled, Form::Real));
            (value, form, m.clone())
        })
        .collect();
    (kept.len() <= MAX_TERMS).then_some(kept)
}

/// A quadratic P = s·L² with L linear and s = ±1, as L's monomials (the constant, then each
/// variable), its coefficients, and s: the symmetric matrix of P over (1, x₁, …, xₙ) is then
/// s·l·lᵀ, rank one. None if P is not such a square to [`SQUARE_TOLERANCE`].
fn square_root(monomials: &[Vec<u32>], p: &[f64]) -> Option<(Vec<Vec<u32>>, Vec<f64>, f64)> {
    let n = monomials.first()?.len();
    let mut m = vec![vec![0.0; n + 1]; n + 1];
    for (exponents, &c) in monomials.iter().zip(p) {
        // The monomial as a pair of indices over (1, x₁, …, xₙ).
        let mut pair: Vec<usize> =
            exponents.iter().enumerate().flat_map(|(j, &e)| std::iter::repeat_n(j + 1, e as usize)).collect();
        if pair.len() > 2 {
            return None;
        }
        pair.resize(2, 0);
        let (i, j) = (pair[0], pair[1]);
        if i == j {
            m[i][i] += c;
        } else {
            m[i][j] += c / 2.0;
            m[j][i] += c / 2.0;
        }
    }
    let k = (0..=n).max_by(|&a, &b| m[a][a].abs().total_cmp(&m[b][b].abs()))?;
    let pivot = m[k][k];
    if pivot == 0.0 || !pivot.is_finite() {
        return None;
    }
    let s = pivot.signum();
    let l: Vec<f64> = (0..=n).map(|j| m[k][j] / libm::sqrt(pivot.abs())).collect();
    let scale = m.iter().flatten().fold(0.0f64, |a, v| a.max(v.abs()));
    let square = (0..=n).all(|i| (0..=n).all(|j| (m[i][j] - s * l[i] * l[j]).abs() <= SQUARE_TOLERANCE * scale));
    if !square {
        return None;
    }
    let linear = (0..=n).map(|j| (0..n).map(|v| u32::from(j == v + 1)).collect()).collect();
    Some((linear, l, s))
}

/// p/q with q ≤ [`SNAP_DENOMINATOR`] within [`SNAP_TOLERANCE`] of v (relatively), as a value
/// and its form.
fn simple(v: f64) -> Option<(f64, Form)> {
    (1..=SNAP_DENOMINATOR).find_map(|q| {
        let p = (v * q as f64).round();
        if p == 0.0 || p.abs() > 1000.0 || (v - p / q as f64).abs() > SNAP_TOLERANCE * v.abs() {
            return None;
        }
        let form = if q == 1 { Form::Integer } else { Form::Rational(p as i32, q as i32) };
        Some((p / q as f64, form))
    })
}

/// Σ cₖ·mₖ as a formula: each term a coefficient (left out when 1) times its monomial; None for
/// no terms.
fn polynomial(terms: &[(f64, Form, Vec<u32>)], bases: &[Expr], ops: OpSet) -> Option<Expr> {
    let mut sum: Option<Expr> = None;
    for (c, form, m) in terms {
        let (c, form) = (*c, *form);
        let product = monomial(m, bases, ops);
        let term = |c: f64, form: Form| match &product {
            None => Expr::with_form(c, form),
            Some(p) if c == 1.0 => p.clone(),
            Some(p) => Expr::binary(Op::Mul, Expr::with_form(c, form), p.clone()),
        };
        sum = Some(match sum {
            None => term(c, form),
            Some(s) if c < 0.0 && ops.contains(Op::Sub) => Expr::binary(Op::Sub, s, term(-c, negated(form))),
            Some(s) => Expr::binary(Op::Add, s, term(c, form)),
        });
    }
    sum
}

fn negated(form: Form) -> Form {
    match form {
        Form::Rational(p, q) => Form::Rational(-p, q),
        other => other,
    }
}

/// Π bⱼ^eⱼ as a product of the bases (a square as `Square` where the alphabet has it); None for
/// the constant monomial.
fn monomial(exponents: &[u32], bases: &[Expr], ops: OpSet) -> Option<Expr> {
    let mut product: Option<Expr> = None;
    for (j, &e) in exponents.iter().enumerate() {
        let factor = match e {
            0 => continue,
            2 if ops.contains(Op::Square) => Expr::unary(Op::Square, bases[j].clone()),
            _ => (1..e).fold(bases[j].clone(), |f, _| Expr::binary(Op::Mul, f, bases[j].clone())),
        };
        product = Some(match product {
            None => factor,
            Some(p) => Expr::binary(Op::Mul, p, factor),
        });
    }
    product
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xs(columns: &[&[f64]]) -> Vec<Vec<f64>> {
        columns.iter().map(|c| c.to_vec()).collect()
    }

    fn vars(n: usize) -> Vec<Expr> {
        (0..n).map(|j| Expr::var(j as u16)).collect()
    }

    #[test]
    fn monomials_are_counted_once_each() {
        // Degree ≤ 2 in 3 variables: 1 + 3 + 6.
        let m = monomials(3, 2);
        assert_eq!(m.len(), 10);
        let mut unique = m.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        assert_eq!(monomials(2, 0), vec![vec![0, 0]]);
        assert_eq!(monomials(1, 2), vec![vec![0], vec![1], vec![2]]);
    }

    #[test]
    fn jacobi_finds_the_null_vector_of_a_rank_deficient_matrix() {
        // Columns a, b, a + 2b: the null vector is ∝ (1, 2, −1).
        let rows = 30;
        let a: Vec<f64> = (0..rows).map(|i| libm::sin(i as f64)).collect();
        let b: Vec<f64> = (0..rows).map(|i| libm::cos(0.7 * i as f64) + 0.1 * i as f64).collect();
        let c: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a + 2.0 * b).collect();
        let (s, v) = jacobi_svd(householder_r(vec![a, b, c]));
        let largest = s.iter().cloned().fold(0.0, f64::max);
        let (k, smallest) = s.iter().enumerate().min_by(|x, y| x.1.total_cmp(y.1)).unwrap();
        assert!(smallest / largest < 1e-13, "{s:?}");
        let u: Vec<f64> = v.iter().map(|row| row[k] / v[0][k]).collect();
        for (got, want) in u.iter().zip([1.0, 2.0, -1.0]) {
            assert!((got - want).abs() < 1e-9, "{u:?}");
        }
    }

    #[test]
    fn the_weighted_mean_is_a_ratio_of_degree_two_over_one() {
        let rows = 200;
        let m1: Vec<f64> = (0..rows).map(|i| 1.0 + (i * 7 % 13) as f64 / 3.0).collect();
        let m2: Vec<f64> = (0..rows).map(|i| 1.5 + (i * 5 % 11) as f64 / 4.0).collect();
        let r1: Vec<f64> = (0..rows).map(|i| 2.0 + (i * 3 % 17) as f64 / 5.0).collect();
        let r2: Vec<f64> = (0..rows).map(|i| 1.0 + (i * 11 % 19) as f64 / 6.0).collect();
        let y: Vec<f64> = (0..rows).map(|i| (m1[i] * r1[i] + m2[i] * r2[i]) / (m1[i] + m2[i])).collect();
        let x = xs(&[&m1, &m2, &r1, &r2]);
        let found = first_relation(&x, &vars(x.len()), &y, Transform::Identity, OpSet::DEFAULT).expect("a relation");
        assert_eq!(found.degrees, (2, 1));
        assert!(found.mismatch < EXACT);
        let mut mu = vec![0.0; rows];
        crate::expr::eval(
            &found.formula,
            &crate::expr::Columns::new(x.iter().map(Vec::as_slice).collect(), rows).unwrap(),
            &mut mu,
        )
        .unwrap();
        for (got, want) in mu.iter().zip(&y) {
            assert!((got - want).abs() <= 1e-12 * want.abs(), "{got} against {want}: {:?}", found.formula);
        }
        // Exact coefficients: no real constant is left to fit.
        assert!(
            found.formula.nodes.iter().all(|n| !matches!(n.kind, crate::expr::Kind::Const(_, Form::Real))),
            "{:?}",
            found.formula
        );
    }

    #[test]
    fn a_doppler_factor_is_the_root_of_a_ratio_and_an_exponential_is_no_ratio() {
        let rows = 150;
        let b: Vec<f64> = (0..rows).map(|i| 0.05 + 0.6 * i as f64 / rows as f64).collect();
        let y: Vec<f64> = b.iter().map(|b| (1.0 + b) / libm::sqrt(1.0 - b * b)).collect();
        let t: Vec<f64> = y.iter().map(|v| v * v).collect();
        let x = xs(&[&b]);
        assert!(first_relation(&x, &vars(x.len()), &y, Transform::Identity, OpSet::DEFAULT)
            .is_none_or(|r| r.mismatch >= EXACT));
        let found = first_relation(&x, &vars(x.len()), &t, Transform::Square(Root::Positive), OpSet::DEFAULT)
            .expect("y² = (1 + β)/(1 − β)");
        assert_eq!(found.degrees, (1, 1));
        // An exponential is no ratio: the best a ratio does is a Padé approximant, not exact.
        let e: Vec<f64> = b.iter().map(|b| libm::exp(*b)).collect();
        assert!(first_relation(&x, &vars(x.len()), &e, Transform::Identity, OpSet::DEFAULT)
            .is_none_or(|r| r.mismatch >= EXACT));
    }

    fn evaluate(formula: &Expr, x: &[Vec<f64>]) -> Vec<f64> {
        let rows = x[0].len();
        let mut mu = vec![0.0; rows];
        crate::expr::eval(
            formula,
            &crate::expr::Columns::new(x.iter().map(Vec::as_slice).collect(), rows).unwrap(),
            &mut mu,
        )
        .unwrap();
        mu
    }

    #[test]
    fn a_time_that_changes_sign_is_the_signed_root_of_a_ratio() {
        // The relativistic time over its groups: y = (b − a)/√(1 − a²), b − a of both signs.
        let rows = 200;
        let a: Vec<f64> = (0..rows).map(|i| 0.1 + 0.5 * ((i * 7) % 23) as f64 / 23.0).collect();
        let b: Vec<f64> = (0..rows).map(|i| -1.0 + 3.0 * ((i * 5) % 29) as f64 / 29.0).collect();
        let y: Vec<f64> = a.iter().zip(&b).map(|(a, b)| (b - a) / libm::sqrt(1.0 - a * a)).collect();
        assert!(y.iter().any(|&v| v < 0.0) && y.iter().any(|&v| v > 0.0));
        let t: Vec<f64> = y.iter().map(|v| v * v).collect();
        let x = xs(&[&a, &b]);
        let found = first_relation(&x, &vars(x.len()), &t, Transform::Square(Root::Signed), OpSet::DEFAULT)
            .expect("y² = (b − a)²/(1 − a²)");
        assert_eq!(found.degrees, (2, 2));
        let mu = evaluate(&found.formula, &x);
        // y or −y (the search's scaling takes the sign).
        let sign = mu[0].signum() * y[0].signum();
        for (got, want) in mu.iter().zip(&y) {
            assert!(
                (sign * got - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{got} against {want}: {:?}",
                found.formula
            );
        }
    }

    #[test]
    fn a_ratio_whose_numerator_is_no_square_has_no_signed_root() {
        // y² = (1 + a·b)/(2 + a): the numerator is not a square, so y's sign cannot be read.
        let rows = 100;
        let a: Vec<f64> = (0..rows).map(|i| 0.5 + ((i * 7) % 23) as f64 / 10.0).collect();
        let b: Vec<f64> = (0..rows).map(|i| 0.5 + ((i * 5) % 29) as f64 / 10.0).collect();
        let t: Vec<f64> = a.iter().zip(&b).map(|(a, b)| (1.0 + a * b) / (2.0 + a)).collect();
        assert!(first_relation(&xs(&[&a, &b]), &vars(2), &t, Transform::Square(Root::Signed), OpSet::DEFAULT).is_none());
    }

    #[test]
    fn features_that_obey_a_relation_of_their_own_give_none() {
        // The rows lie on the circle a² + b² = 4: every degree-2 fit has two null vectors.
        let rows = 120;
        let angle: Vec<f64> = (0..rows).map(|i| 0.05 * i as f64).collect();
        let a: Vec<f64> = angle.iter().map(|t| 2.0 * libm::cos(*t)).collect();
        let b: Vec<f64> = angle.iter().map(|t| 2.0 * libm::sin(*t)).collect();
        let y: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a * b + 1.0).collect();
        let found = first_relation(&xs(&[&a, &b]), &vars(2), &y, Transform::Identity, OpSet::DEFAULT);
        assert!(found.is_none(), "{found:?}");
    }

    #[test]
    fn a_scattering_law_is_a_ratio_in_the_cosine_of_its_angle() {
        // Compton's K/E = 1/(1 + a·(1 − cos θ)) over a = E/(m·c²) and θ, with cos θ a variable.
        let rows = 150;
        let a: Vec<f64> = (0..rows).map(|i| 0.05 + ((i * 7) % 23) as f64 / 40.0).collect();
        let theta: Vec<f64> = (0..rows).map(|i| 0.1 + 3.0 * ((i * 5) % 29) as f64 / 29.0).collect();
        let cosine: Vec<f64> = theta.iter().map(|t| libm::cos(*t)).collect();
        let y: Vec<f64> = a.iter().zip(&cosine).map(|(a, c)| 1.0 / (1.0 + a * (1.0 - c))).collect();
        let x = xs(&[&a, &theta, &cosine]);
        let bases = [Expr::var(0), Expr::var(1), Expr::unary(Op::Cos, Expr::var(1))];
        let found = first_relation(&x, &bases, &y, Transform::Identity, OpSet::DEFAULT).expect("a relation");
        let mu = evaluate(&found.formula, &x[..2]);
        for (got, want) in mu.iter().zip(&y) {
            assert!((got - want).abs() <= 1e-12, "{got} against {want}: {:?}", found.formula);
        }
    }
}
