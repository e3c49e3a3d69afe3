//! Dimensionless groups (Buckingham π): with every column's units known, a law whose constants
//! are pure numbers has the form y = P · f(π₁, …, π_m), where P is a product of powers of the
//! inputs with the target's units and each πᵢ a product of powers with none (Buckingham 1914;
//! AI Feynman, Udrescu & Tegmark 2020, uses the same reduction first). The m groups are fewer
//! than the n inputs by the rank of their dimensions, often by two or three, so the search for f
//! is a search over fewer variables with shorter formulas: the relativistic time
//! t′ = (t − u·x/c²)/√(1 − u²/c²) over x, c, u, t is (x/c)·(π₂ − π₁)/√(1 − π₁²) with π₁ = u/c,
//! π₂ = t·c/x.
//!
//! [`Groups::of`] finds P and a basis of the groups from the reduced row echelon form of the
//! dimension matrix (the first column of each dimension becomes a pivot, every other column heads
//! a group), [`Groups::reduced`] writes the table over the groups, and [`Groups::expand`] turns a
//! formula over the groups back into one over the columns, which the search then scores and
//! polishes as any other. Nothing here changes the code: a law found through the groups is sent
//! as the formula over the columns it is. A law with a dimensional constant (G, k_B) has no such
//! form, which is why the groups only add candidates to the search and never restrict it.

use ndarray::{Array2, ShapeBuilder};

use crate::expr::{Expr, Form, Op, OpSet};
use crate::prepare::{Dataset, Feature, NumericTarget, Target};
use crate::units::Dimension;

/// The largest denominator an exponent may have (units are whole powers, and halves or thirds
/// where a root is taken).
const MAX_DENOMINATOR: i64 = 12;

/// Exponents closer than this to a fraction are that fraction.
const TOLERANCE: f64 = 1e-9;

/// A product of powers of the features, Π xⱼ^(eⱼ/q), with whole eⱼ and q ≥ 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Monomial {
    pub exponents: Vec<i64>,
    pub denominator: i64,
}

/// The target as a prefactor times a function of dimensionless groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    /// P: the target's units from the features'.
    pub prefactor: Monomial,
    /// π₁, …, π_m: whole exponents, each group's first feature raised to a positive power.
    pub groups: Vec<Monomial>,
}

impl Groups {
    /// The groups of a table whose target and features all have known units, when the units
    /// reduce the variables (some feature has a dimension) and the features can make the target's
    /// units; None otherwise.
    pub fn of(dataset: &Dataset) -> Option<Groups> {
        let target = dataset.target_unit?;
        let units: Vec<Dimension> = dataset.features.iter().map(|f| f.unit).collect::<Option<_>>()?;
        if units.is_empty() || units.iter().all(|u| u.is_none()) {
            return None;
        }
        let echelon = Echelon::of(&units, target);
        let prefactor = echelon.particular()?;
        let groups = echelon.null_space()?;
        Some(Groups { prefactor, groups })
    }

    /// The table over the groups: feature i is πᵢ, the target is y/P. None when a group or P is
    /// not finite on some row (a zero raised to a negative power, a root of a negative value).
    pub fn reduced(&self, dataset: &Dataset) -> Option<Dataset> {
        let Target::Regression(target) = &dataset.target else { return None };
        let rows = dataset.rows();
        let columns: Vec<&[f64]> = (0..dataset.features.len()).map(|j| dataset.column(j)).collect();
        let value = |m: &Monomial, i: usize| -> f64 {
            let product: f64 = m
                .exponents
                .iter()
                .zip(&columns)
                .filter(|(e, _)| **e != 0)
                .map(|(&e, c)| libm::pow(c[i], e as f64))
                .product();
            if m.denominator == 1 {
                product
            } else {
                libm::pow(product, 1.0 / m.denominator as f64)
            }
        };
        let mut x = Vec::with_capacity(rows * self.groups.len());
        for g in &self.groups {
            x.extend((0..rows).map(|i| value(g, i)));
        }
        let prefactor: Vec<f64> = (0..rows).map(|i| value(&self.prefactor, i)).collect();
        let y: Vec<f64> = target.values.iter().zip(&prefactor).map(|(y, p)| y / p).collect();
        if !x.iter().chain(&y).all(|v| v.is_finite()) || prefactor.contains(&0.0) {
            return None;
        }
        // The target's step scales with P: δ/|P| at P's median size, as decimals.
        let mut sizes: Vec<f64> = dataset.train.iter().map(|&i| prefactor[i].abs()).collect();
        sizes.sort_by(f64::total_cmp);
        let median = sizes.get(sizes.len() / 2).copied().unwrap_or(1.0);
        let decimals = target.decimals + libm::log10(median).round() as i32;
        let features = (0..self.groups.len())
            .map(|i| {
                Feature::derived(
                    format!("π{}", i + 1),
                    Some(Dimension::NONE),
                    &x[i * rows..(i + 1) * rows],
                    &dataset.train,
                )
            })
            .collect();
        let x = Array2::from_shape_vec((rows, self.groups.len()).f(), x).ok()?;
        let mut reduced = dataset.with_features(features, x);
        reduced.target_name = format!("{}/P", dataset.target_name);
        reduced.target = Target::Regression(NumericTarget { values: y, decimals });
        reduced.target_unit = Some(Dimension::NONE);
        Some(reduced)
    }

    /// `f` over the groups as a formula over the features: P · f(π₁, …, π_m), written with the
    /// operators of `ops` (None if a power cannot be).
    pub fn expand(&self, f: &Expr, ops: OpSet) -> Option<Expr> {
        let groups: Vec<Expr> = self.groups.iter().map(|g| monomial(g, ops)).collect::<Option<_>>()?;
        let inner = f.substitute(&groups)?;
        if self.prefactor.exponents.iter().all(|&e| e == 0) {
            return Some(inner);
        }
        Some(Expr::binary(Op::Mul, monomial(&self.prefactor, ops)?, inner))
    }

    /// "P = x/c; π1 = u/c, π2 = t·c/x" in the features' names.
    pub fn describe(&self, names: &[String]) -> String {
        let text = |m: &Monomial| {
            let parts: Vec<String> = m
                .exponents
                .iter()
                .zip(names)
                .filter(|(e, _)| **e != 0)
                .map(|(&e, name)| {
                    if m.denominator == 1 && e == 1 {
                        name.clone()
                    } else {
                        format!("{name}^{}", ratio_text(e, m.denominator))
                    }
                })
                .collect();
            if parts.is_empty() {
                "1".to_string()
            } else {
                parts.join("·")
            }
        };
        let groups: Vec<String> =
            self.groups.iter().enumerate().map(|(i, g)| format!("π{} = {}", i + 1, text(g))).collect();
        format!("P = {}; {}", text(&self.prefactor), groups.join(", "))
    }
}

fn ratio_text(p: i64, q: i64) -> String {
    let g = gcd(p.abs(), q);
    if q / g == 1 {
        (p / g).to_string()
    } else {
        format!("({}/{})", p / g, q / g)
    }
}

/// The reduced row echelon form of the dimension matrix (a row per base unit, a column per
/// feature), with the target's dimension carried along as an extra column.
struct Echelon {
    /// Rows of [features | target], reduced.
    rows: Vec<Vec<f64>>,
    /// The pivot column of each nonzero row, in order.
    pivots: Vec<usize>,
    features: usize,
}

impl Echelon {
    fn of(units: &[Dimension], target: Dimension) -> Echelon {
        let n = units.len();
        let mut rows: Vec<Vec<f64>> =
            (0..7).map(|b| units.iter().map(|u| u.0[b]).chain([target.0[b]]).collect()).collect();
        let mut pivots = Vec::new();
        let mut r = 0;
        for c in 0..n {
            let Some(best) = (r..rows.len()).max_by(|&a, &b| rows[a][c].abs().total_cmp(&rows[b][c].abs())) else {
                break;
            };
            if rows[best][c].abs() <= TOLERANCE {
                continue;
            }
            rows.swap(r, best);
            let pivot = rows[r][c];
            rows[r].iter_mut().for_each(|v| *v /= pivot);
            let pivot_row = rows[r].clone();
            for (k, row) in rows.iter_mut().enumerate() {
                let factor = row[c];
                if k != r && factor != 0.0 {
                    row.iter_mut().zip(&pivot_row).for_each(|(v, p)| *v -= factor * p);
                }
            }
            pivots.push(c);
            r += 1;
        }
        Echelon { rows, pivots, features: n }
    }

    /// P: the exponents that give the target's dimension with every non-pivot feature at power
    /// 0; None when no product of the features has it.
    fn particular(&self) -> Option<Monomial> {
        let n = self.features;
        if self.rows[self.pivots.len()..].iter().any(|row| row[n].abs() > TOLERANCE) {
            return None;
        }
        let mut exponents = vec![0.0; n];
        for (row, &c) in self.rows.iter().zip(&self.pivots) {
            exponents[c] = row[n];
        }
        whole(&exponents)
    }

    /// A basis of the exponents with no dimension: one per non-pivot feature, which it heads.
    fn null_space(&self) -> Option<Vec<Monomial>> {
        (0..self.features)
            .filter(|c| !self.pivots.contains(c))
            .map(|free| {
                let mut exponents = vec![0.0; self.features];
                exponents[free] = 1.0;
                for (row, &c) in self.rows.iter().zip(&self.pivots) {
                    exponents[c] = -row[free];
                }
                // A group is a dimensionless quantity: its power is ours to choose, so whole.
                let m = whole(&exponents)?;
                let g = m.exponents.iter().fold(0, |g, &e| gcd(g, e.abs()));
                Some(Monomial { exponents: m.exponents.iter().map(|e| e / g.max(1)).collect(), denominator: 1 })
            })
            .collect()
    }
}

/// Real exponents as whole numbers over the smallest common denominator up to
/// [`MAX_DENOMINATOR`]; None if there is none.
fn whole(exponents: &[f64]) -> Option<Monomial> {
    (1..=MAX_DENOMINATOR).find_map(|q| {
        let scaled: Vec<f64> = exponents.iter().map(|e| e * q as f64).collect();
        scaled
            .iter()
            .all(|s| (s - s.round()).abs() <= 1e-6)
            .then(|| Monomial { exponents: scaled.iter().map(|s| s.round() as i64).collect(), denominator: q })
    })
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// x^k for a whole k ≥ 1, with the operators there are.
fn power(var: u16, k: i64, ops: OpSet) -> Option<Expr> {
    let x = Expr::var(var);
    Some(match k {
        1 => x,
        2 if ops.contains(Op::Square) => Expr::unary(Op::Square, x),
        3 if ops.contains(Op::Cube) => Expr::unary(Op::Cube, x),
        _ if ops.contains(Op::Pow) => Expr::binary(Op::Pow, x, Expr::with_form(k as f64, Form::Integer)),
        2..=4 if ops.contains(Op::Mul) => (1..k).fold(x.clone(), |acc, _| Expr::binary(Op::Mul, acc, x.clone())),
        _ => return None,
    })
}

/// A product of powers as a formula: (Π positive powers)/(Π negative powers), then the root.
fn monomial(m: &Monomial, ops: OpSet) -> Option<Expr> {
    let product = |positive: bool| -> Option<Option<Expr>> {
        let mut acc: Option<Expr> = None;
        for (j, &e) in m.exponents.iter().enumerate() {
            if e != 0 && (e > 0) == positive {
                let p = power(j as u16, e.abs(), ops)?;
                acc = Some(match acc {
                    None => p,
                    Some(a) if ops.contains(Op::Mul) => Expr::binary(Op::Mul, a, p),
                    Some(_) => return None,
                });
            }
        }
        Some(acc)
    };
    let whole = match (product(true)?, product(false)?) {
        (None, None) => Expr::with_form(1.0, Form::Integer),
        (Some(n), None) => n,
        (None, Some(d)) if ops.contains(Op::Inv) => Expr::unary(Op::Inv, d),
        (n, Some(d)) if ops.contains(Op::Div) => {
            Expr::binary(Op::Div, n.unwrap_or_else(|| Expr::with_form(1.0, Form::Integer)), d)
        }
        _ => return None,
    };
    Some(match m.denominator {
        1 => whole,
        2 if ops.contains(Op::Sqrt) => Expr::unary(Op::Sqrt, whole),
        q if ops.contains(Op::Pow) => {
            Expr::binary(Op::Pow, whole, Expr::with_form(1.0 / q as f64, Form::Rational(1, q as i32)))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::parse;

    fn dims(texts: &[&str]) -> Vec<Dimension> {
        texts.iter().map(|t| parse(t).unwrap().dimension).collect()
    }

    #[test]
    fn the_relativistic_time_has_two_groups_and_its_own_time_as_prefactor() {
        // x [m], c [m/s], u [m/s], t [s] → t′ [s]
        let units = dims(&["m", "m/s", "m/s", "s"]);
        let e = Echelon::of(&units, parse("s").unwrap().dimension);
        assert_eq!(e.particular(), Some(Monomial { exponents: vec![1, -1, 0, 0], denominator: 1 }));
        let groups = e.null_space().unwrap();
        assert_eq!(
            groups,
            vec![
                Monomial { exponents: vec![0, -1, 1, 0], denominator: 1 },
                Monomial { exponents: vec![-1, 1, 0, 1], denominator: 1 },
            ]
        );
        let g = Groups { prefactor: e.particular().unwrap(), groups };
        let names: Vec<String> = ["x", "c", "u", "t"].iter().map(|s| s.to_string()).collect();
        assert_eq!(g.describe(&names), "P = x·c^-1; π1 = c^-1·u, π2 = x^-1·c·t");
    }

    #[test]
    fn a_pendulum_needs_g_for_its_prefactor_and_with_it_has_none_left() {
        // T [s] from L [m] alone: no product of lengths is a time.
        let e = Echelon::of(&dims(&["m"]), parse("s").unwrap().dimension);
        assert_eq!(e.particular(), None);
        // With g [m/s^2]: T = √(L/g)·f(), no group at all.
        let e = Echelon::of(&dims(&["m", "m/s^2"]), parse("s").unwrap().dimension);
        assert_eq!(e.particular(), Some(Monomial { exponents: vec![1, -1], denominator: 2 }));
        assert_eq!(e.null_space().unwrap(), vec![]);
    }

    #[test]
    fn expanding_substitutes_each_group_and_multiplies_by_the_prefactor() {
        let g = Groups {
            prefactor: Monomial { exponents: vec![1, -1], denominator: 2 },
            groups: vec![Monomial { exponents: vec![2, -1], denominator: 1 }],
        };
        // f(π) = π + 1 at L = 2, g = 8: π = 4/8 = 0.5, P = 0.5, so 0.75.
        let f = Expr::binary(Op::Add, Expr::var(0), Expr::with_form(1.0, Form::Integer));
        let e = g.expand(&f, OpSet::DEFAULT).unwrap();
        let mut v = [0.0];
        crate::expr::eval_scalar(&e, &[&[2.0], &[8.0]], &mut v).unwrap();
        assert!((v[0] - 0.75).abs() < 1e-12, "{v:?}");
        // Without the operators a root or a power needs, there is no formula.
        assert_eq!(g.expand(&f, OpSet::ARITH), None);
    }
}
