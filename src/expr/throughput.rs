//! Evaluation throughput in Operon's setup (Burlacu et al.): 1,000 random formulas of up to 100
//! nodes on 10,000 rows × 10 columns, as node evaluations per second (nodes × rows / s). It is
//! in the library, not only in a benchmark binary, so that the same measurement runs natively
//! (`examples/expr_throughput.rs`) and in the browser's compute worker (`bench/browser_eval.mjs`),
//! on the same formulas and data.
//!
//! Two operator sets: arithmetic (+ − × ÷) and transcendental (arithmetic with sin, cos, exp,
//! log, sqrt, pow); three evaluators: f32 and f64 with fused multiply-adds where the machine has
//! them ([`Evaluator::fastest`]), and the bit-exact f64 the search runs ([`Evaluator::new`]).
//! The clock is the caller's, since wasm has no `Instant`.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::random::{random_expr, uniform, Grammar};
use super::{Columns, Evaluator, Expr, Op, OpSet, Real};

pub const FORMULAS: usize = 1_000;
pub const MAX_NODES: usize = 100;
pub const ROWS: usize = 10_000;
pub const VARS: usize = 10;

/// One measured figure.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Throughput {
    /// "arithmetic" or "transcendental".
    pub set: String,
    /// "f32", "f64" (fused multiply-adds allowed) or "f64 bit-exact".
    pub evaluator: String,
    pub threads: usize,
    /// Node evaluations per second, best of three passes.
    pub node_evals_per_s: f64,
    pub formulas: usize,
    pub mean_nodes: f64,
}

/// The transcendental set of Operon's benchmark.
pub fn transcendental() -> OpSet {
    OpSet::ARITH.union(OpSet::of(&[Op::Sin, Op::Cos, Op::Exp, Op::Log, Op::Sqrt, Op::Pow]))
}

/// The benchmark's data: `VARS` columns of `ROWS` uniform values in [−1, 1), seeded.
pub fn data(rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    (0..VARS).map(|_| (0..ROWS).map(|_| uniform(rng) * 2.0 - 1.0).collect()).collect()
}

/// Every figure: both sets, all three evaluators, on the current rayon pool. `seconds` is a
/// monotonic clock.
pub fn measure_all(seconds: &dyn Fn() -> f64) -> Vec<Throughput> {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let data = data(&mut rng);
    let mut figures = Vec::new();
    for (set, ops) in [("arithmetic", OpSet::ARITH), ("transcendental", transcendental())] {
        let grammar = Grammar::new(ops, VARS as u16);
        let exprs: Vec<Expr> = (0..FORMULAS).map(|_| random_expr(&mut rng, &grammar, MAX_NODES)).collect();
        let mut figure = |evaluator: &str, rate: f64| {
            figures.push(Throughput {
                set: set.into(),
                evaluator: evaluator.into(),
                threads: rayon::current_num_threads(),
                node_evals_per_s: rate,
                formulas: exprs.len(),
                mean_nodes: exprs.iter().map(Expr::len).sum::<usize>() as f64 / exprs.len() as f64,
            })
        };
        figure("f32", measure::<f32>(&exprs, &data, Evaluator::fastest, seconds));
        figure("f64", measure::<f64>(&exprs, &data, Evaluator::fastest, seconds));
        figure("f64 bit-exact", measure::<f64>(&exprs, &data, Evaluator::new, seconds));
    }
    figures
}

/// Node evaluations per second over all formulas, split among the pool's threads; best of
/// three passes.
pub fn measure<T: Real>(
    exprs: &[Expr],
    data: &[Vec<f64>],
    evaluator: fn() -> Evaluator<T>,
    seconds: &dyn Fn() -> f64,
) -> f64 {
    let rows = data.first().map_or(0, Vec::len);
    let converted: Vec<Vec<T>> = data.iter().map(|c| c.iter().map(|&v| T::from_f64(v)).collect()).collect();
    let Ok(columns) = Columns::new(converted.iter().map(Vec::as_slice).collect(), rows) else { return 0.0 };
    let nodes: usize = exprs.iter().map(Expr::len).sum();
    let chunk = exprs.len().div_ceil(rayon::current_num_threads()).max(1);
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let start = seconds();
        exprs.par_chunks(chunk).for_each(|part| {
            let mut evaluator = evaluator();
            let mut out = vec![T::default(); rows];
            for expr in part {
                // Random formulas are valid by construction; a failure would only lower the rate.
                let _ = evaluator.eval(expr, &columns, &mut out);
            }
            std::hint::black_box(&out);
        });
        best = best.min(seconds() - start);
    }
    (nodes * rows) as f64 / best.max(1e-9)
}
