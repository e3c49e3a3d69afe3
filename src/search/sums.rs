//! Sums and products of two kernels: a + b·f + d·g and a + b·f·g, for the best short kernels f
//! and g of the exhaustive search.
//!
//! Many measured laws are two terms added: a reaction time and a braking distance (c·v + c·v²),
//! two decays (c·e^(−t/τ₁) + c·e^(−t/τ₂)), a power and a line, an offset and an inverse square;
//! or two factors multiplied, a decay and an oscillation, a power and an exponential. Written
//! out they are nine to fourteen symbols long, beyond the lengths the exhaustive search
//! completes, and a genetic search seldom assembles both halves with both sets of constants
//! right at once: each half alone fits badly, so neither is rewarded on its own. Yet each half
//! is a short kernel the exhaustive search has already fitted under a scaling. So the kernels
//! of up to [`KERNEL_LENGTH`] symbols whose scaled forms score best ([`POOL`] of them) are
//! combined in pairs, every pair once, a kernel with itself too when it has constants to tell
//! the two apart: the linear coefficients from least squares, the kernels' constants from their
//! own fits (a kernel paired with itself starts its two copies at twice and half its fitted
//! constants, two rates a factor of four apart), then all of them together by
//! Levenberg–Marquardt, each form with and without the offset a. Each result is scored like any
//! formula. The order of the pairs is fixed and each is fitted on its own, so the result does
//! not depend on the threads. The pool is ranked by each kernel's fit alone, so a half that
//! explains nothing by itself would never be in it: an oscillation's envelope e^(c·t), or the
//! oscillation cos(c·t) itself, which ranks below shorter waves without a frequency of their
//! own. These factors, e^(c·x), sin(c·x) and cos(c·x) of every variable, therefore join the pool
//! whatever their rank ([`is_factor`]). This is a search, not a proof, and the report's exhaustive length claims
//! nothing about it.

use rayon::prelude::*;

use super::individual::Individual;
use super::optimize::{fit_constants_to, solve, FitData};
use super::score::{Scorer, Scratch};
use crate::expr::{Columns, Expr, Op, OpSet};

/// The longest kernel added in pairs, in symbols (c·x^c is 3 without its factor, e^(c·t) 4).
pub const KERNEL_LENGTH: usize = 4;

/// How many kernels are paired: the best by the total bits of their scaled form. 32 kernels
/// make up to 528 pairs, four fits each.
pub const POOL: usize = 32;

/// Levenberg–Marquardt steps for a sum (more constants than a kernel, and a harder fit).
const LM_STEPS: usize = 40;
const LM_TOLERANCE: f64 = 1e-6;

/// A kernel with its constants as fitted under the scaling b·f + a, and that scaled form's
/// total bits (the pool's ranking).
#[derive(Debug, Clone)]
pub struct Kernel {
    pub bits: f64,
    pub expr: Expr,
}

/// Keeps the best [`POOL`] kernels, best first; ties keep the earlier.
pub fn keep(pool: &mut Vec<Kernel>, kernel: Kernel) {
    if !kernel.bits.is_finite() {
        return;
    }
    let at = pool.partition_point(|k| k.bits <= kernel.bits);
    if at < POOL {
        pool.insert(at, kernel);
        pool.truncate(POOL);
    }
}

/// Whether a kernel is a factor, e^(c·x), sin(c·x) or cos(c·x) for a variable x: what shapes
/// another kernel (a damped oscillation, a growing power) and seldom explains much alone, so
/// that the pool keeps it whatever its rank.
pub fn is_factor(e: &Expr) -> bool {
    use crate::expr::Kind;
    let kinds: Vec<Kind> = e.nodes.iter().map(|n| n.kind).collect();
    match kinds.as_slice() {
        [Kind::Const(..), Kind::Var(_), Kind::Op(Op::Mul), Kind::Op(op)]
        | [Kind::Var(_), Kind::Const(..), Kind::Op(Op::Mul), Kind::Op(op)] => {
            matches!(op, Op::Exp | Op::Sin | Op::Cos)
        }
        _ => false,
    }
}

/// Factors that join the pool at most, the best first: three for a table of one variable
/// (e^(c·x), sin(c·x), cos(c·x)); on a wide table, the pairs grow by at most a third.
pub const FACTORS: usize = 6;

/// The pool to pair: the best kernels, then the best [`FACTORS`] factors not among them.
pub fn with_factors(mut pool: Vec<Kernel>, factors: &[Kernel]) -> Vec<Kernel> {
    let mut ranked: Vec<&Kernel> = factors.iter().collect();
    // Stable: equal bits keep the enumeration's order, so the pool does not depend on threads.
    ranked.sort_by(|a, b| a.bits.total_cmp(&b.bits));
    let mut added = 0;
    for e in ranked {
        if added < FACTORS && !pool.iter().any(|k| same_shape(&k.expr, &e.expr)) {
            pool.push(e.clone());
            added += 1;
        }
    }
    pool
}

/// The same structure, whatever the constants' values.
fn same_shape(a: &Expr, b: &Expr) -> bool {
    use crate::expr::Kind;
    a.nodes.len() == b.nodes.len()
        && a.nodes.iter().zip(&b.nodes).all(|(x, y)| match (x.kind, y.kind) {
            (Kind::Const(..), Kind::Const(..)) => true,
            (p, q) => p == q,
        })
}

/// Whether sums can be written in the alphabet.
pub fn writable(ops: OpSet) -> bool {
    ops.contains(Op::Add) && ops.contains(Op::Mul)
}

/// The pairs (i, j), i ≤ j, of the pool in a fixed order; a kernel with itself only when it
/// has constants.
pub fn pairs(pool: &[Kernel]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for i in 0..pool.len() {
        for j in i..pool.len() {
            if i != j || pool[i].expr.num_constants() > 0 {
                out.push((i, j));
            }
        }
    }
    out
}

/// Fits and scores the given pairs: for each, the sum and the product, each with the offset
/// and without.
pub fn fit(pool: &[Kernel], pairs: &[(usize, usize)], scorer: &Scorer, data: &FitData) -> Vec<[Option<Individual>; 4]> {
    pairs
        .par_iter()
        .map_init(Summer::default, |s, &(i, j)| {
            let (f, g) = if i == j { split(&pool[i].expr) } else { (pool[i].expr.clone(), pool[j].expr.clone()) };
            let product = Expr::binary(Op::Mul, f.clone(), g.clone());
            [
                s.sum(&f, &g, true, scorer, data),
                s.sum(&f, &g, false, scorer, data),
                s.scaled(&product, true, scorer, data),
                s.scaled(&product, false, scorer, data),
            ]
        })
        .collect()
}

/// A kernel's two copies for a sum with itself: its constants doubled in one, halved in the
/// other.
fn split(kernel: &Expr) -> (Expr, Expr) {
    let (mut f, mut g) = (kernel.clone(), kernel.clone());
    f.constants_mut().for_each(|c| *c *= 2.0);
    g.constants_mut().for_each(|c| *c *= 0.5);
    (f, g)
}

/// One thread's buffers.
#[derive(Default)]
struct Summer {
    scratch: Scratch,
    /// Each term's values on the fitting rows, then the offset's ones.
    values: Vec<Vec<f64>>,
}

impl Summer {
    /// b·f + d·g (+ a), its linear coefficients by least squares at f's and g's constants,
    /// then every constant by Levenberg–Marquardt, scored and snapped; None if f or g is not
    /// finite on the data, the two are collinear there, or the fit fails.
    fn sum(&mut self, f: &Expr, g: &Expr, offset: bool, scorer: &Scorer, data: &FitData) -> Option<Individual> {
        let coefficients = self.least_squares(&[f, g], offset, data)?;
        let term = |e: &Expr, c: f64| Expr::binary(Op::Mul, e.clone(), Expr::constant(c));
        let expr = Expr::binary(Op::Add, term(f, coefficients[0]), term(g, coefficients[1]));
        self.finish(expr, offset.then(|| coefficients[2]), scorer, data)
    }

    /// b·h (+ a) for a product h = f·g, the same way.
    fn scaled(&mut self, h: &Expr, offset: bool, scorer: &Scorer, data: &FitData) -> Option<Individual> {
        let coefficients = self.least_squares(&[h], offset, data)?;
        let expr = Expr::binary(Op::Mul, h.clone(), Expr::constant(coefficients[0]));
        self.finish(expr, offset.then(|| coefficients[1]), scorer, data)
    }

    /// Adds the offset, fits every constant, scores and snaps.
    fn finish(&mut self, mut expr: Expr, offset: Option<f64>, scorer: &Scorer, data: &FitData) -> Option<Individual> {
        if let Some(a) = offset {
            expr = Expr::binary(Op::Add, expr, Expr::constant(a));
        }
        fit_constants_to(&mut expr, data, LM_STEPS, LM_TOLERANCE, self.scratch.workspace())?;
        let score = scorer.score(&expr, &mut self.scratch);
        if !score.total().is_finite() {
            return None;
        }
        let score = scorer.snap(&mut expr, score, &mut self.scratch);
        let hash = expr.structural_hash();
        Some(Individual { expr, score, hash })
    }

    /// The coefficients of the terms (then the offset) minimising Σ(y − Σ cᵢ·termᵢ − a)², by
    /// the normal equations; None when a term is not finite or the terms are collinear.
    fn least_squares(&mut self, terms: &[&Expr], offset: bool, data: &FitData) -> Option<Vec<f64>> {
        let rows = data.y.len();
        let columns = Columns::new(data.columns.clone(), rows).ok()?;
        self.values.resize(terms.len() + usize::from(offset), Vec::new());
        for (e, out) in terms.iter().zip(self.values.iter_mut()) {
            out.resize(rows, 0.0);
            self.scratch.evaluator().eval(e, &columns, out).ok()?;
            if !out.iter().all(|v| v.is_finite()) {
                return None;
            }
        }
        if offset {
            let one = &mut self.values[terms.len()];
            one.clear();
            one.resize(rows, 1.0);
        }
        let basis = &self.values;
        let k = basis.len();
        let mut a = vec![0.0; k * k];
        let mut b = vec![0.0; k];
        for i in 0..k {
            b[i] = basis[i].iter().zip(data.y).map(|(u, y)| u * y).sum();
            for j in 0..k {
                a[i * k + j] = basis[i].iter().zip(&basis[j]).map(|(u, v)| u * v).sum();
            }
        }
        // Collinear terms (f a multiple of g on these rows) make a sum that says nothing more.
        let scale = (0..k).map(|i| a[i * k + i]).fold(0.0, f64::max);
        let mut x = Vec::with_capacity(k);
        let independent = solve(&mut a, &mut b, &mut x, k) && (0..k).all(|i| a[i * k + i].abs() > 1e-10 * scale);
        (independent && x[..terms.len()].iter().all(|&c| c != 0.0)).then_some(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kernel(bits: f64) -> Kernel {
        Kernel { bits, expr: Expr::constant(bits) }
    }

    #[test]
    fn the_pool_keeps_the_best_in_order() {
        let mut pool = Vec::new();
        for i in (0..2 * POOL).rev() {
            keep(&mut pool, kernel(i as f64));
        }
        keep(&mut pool, kernel(f64::NAN));
        assert_eq!(pool.len(), POOL);
        assert!(pool.iter().enumerate().all(|(i, k)| k.bits == i as f64));
    }

    #[test]
    fn every_pair_once_and_a_kernel_with_itself_only_with_constants() {
        let x = crate::expr::parse("x", &["x"]).unwrap();
        let e = crate::expr::parse("exp(1.5 * x)", &["x"]).unwrap();
        let pool = vec![Kernel { bits: 1.0, expr: x }, Kernel { bits: 2.0, expr: e.clone() }];
        assert_eq!(pairs(&pool), vec![(0, 1), (1, 1)]);
        let (f, g) = split(&e);
        assert_eq!(f.constants().collect::<Vec<_>>(), vec![3.0]);
        assert_eq!(g.constants().collect::<Vec<_>>(), vec![0.75]);
    }
}
