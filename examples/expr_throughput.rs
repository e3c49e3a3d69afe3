//! Throughput of the block evaluator in Operon's setup: 1,000 random formulas of up to 100 nodes
//! on 10,000 rows × 10 columns, reported as node evaluations per second (nodes × rows / s), for
//! the arithmetic set (+ − × ÷) and the transcendental set (arithmetic with sin, cos, exp, log,
//! sqrt, pow): f32 and f64 with fused multiply-adds (the fastest code), and f64 without (the
//! bit-exact code the search runs), on 1 thread or on `--threads N` (formulas split among them).
//!
//! Run: cargo run --release --example expr_throughput [-- --threads 2]
//! bench/eval_throughput.py runs it beside pyoperon.

use std::time::Instant;

use rayon::prelude::*;

use occam::expr::random::{random_expr, uniform, Grammar};
use occam::expr::{Columns, Evaluator, Expr, Op, OpSet, Real};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

const FORMULAS: usize = 1_000;
const MAX_NODES: usize = 100;
const ROWS: usize = 10_000;
const VARS: usize = 10;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let threads: usize = args
        .iter()
        .position(|a| a == "--threads")
        .and_then(|i| args.get(i + 1))
        .and_then(|t| t.parse().ok())
        .unwrap_or(1);
    rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().expect("one global pool");
    println!("{threads} thread(s), {FORMULAS} formulas of up to {MAX_NODES} nodes, {ROWS} rows x {VARS} columns");
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let data: Vec<Vec<f64>> =
        (0..VARS).map(|_| (0..ROWS).map(|_| uniform(&mut rng) * 2.0 - 1.0).collect()).collect();
    let transcendental =
        OpSet::ARITH.union(OpSet::of(&[Op::Sin, Op::Cos, Op::Exp, Op::Log, Op::Sqrt, Op::Pow]));
    for (name, ops) in [("arithmetic", OpSet::ARITH), ("transcendental", transcendental)] {
        let grammar = Grammar::new(ops, VARS as u16);
        let exprs: Vec<Expr> =
            (0..FORMULAS).map(|_| random_expr(&mut rng, &grammar, MAX_NODES)).collect();
        let nodes: usize = exprs.iter().map(Expr::len).sum();
        let f64_rate = measure::<f64>(&exprs, &data, nodes, Evaluator::fastest);
        let exact_rate = measure::<f64>(&exprs, &data, nodes, Evaluator::new);
        let f32_rate = measure::<f32>(&exprs, &data, nodes, Evaluator::fastest);
        println!(
            "{name:>15}: {:.2} G node-evals/s f32, {:.2} f64, {:.2} f64 bit-exact ({} formulas, mean {:.1} nodes)",
            f32_rate / 1e9,
            f64_rate / 1e9,
            exact_rate / 1e9,
            exprs.len(),
            nodes as f64 / exprs.len() as f64
        );
    }
    per_operator(&data);
}

/// Rows per second of single operators on x0 (and x1), as a breakdown of the sets above.
fn per_operator(data: &[Vec<f64>]) {
    let unary =
        [Op::Sqrt, Op::Exp, Op::Log, Op::Sin, Op::Cos, Op::Tan, Op::Tanh, Op::Atan, Op::Asin];
    let mut line = String::from("per operator, G rows/s f64:");
    for op in unary.into_iter().chain([Op::Div, Op::Pow]) {
        let x = Expr::var(0);
        let expr =
            if op.arity() == 1 { Expr::unary(op, x) } else { Expr::binary(op, x, Expr::var(1)) };
        let rate = measure::<f64>(&vec![expr; 200], data, 200, Evaluator::fastest) / 1e9;
        line.push_str(&format!(" {op} {rate:.2}"));
    }
    println!("{line}");
}

/// Best of three passes over all formulas, split among the pool's threads.
fn measure<T: Real>(exprs: &[Expr], data: &[Vec<f64>], nodes: usize, evaluator: fn() -> Evaluator<T>) -> f64 {
    let converted: Vec<Vec<T>> =
        data.iter().map(|c| c.iter().map(|&v| T::from_f64(v)).collect()).collect();
    let columns = Columns::new(converted.iter().map(Vec::as_slice).collect(), ROWS)
        .expect("columns of equal length");
    let chunk = exprs.len().div_ceil(rayon::current_num_threads()).max(1);
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        exprs.par_chunks(chunk).for_each(|part| {
            let mut evaluator = evaluator();
            let mut out = vec![T::default(); ROWS];
            for expr in part {
                evaluator.eval(expr, &columns, &mut out).expect("valid formula");
            }
            std::hint::black_box(&out);
        });
        best = best.min(start.elapsed().as_secs_f64());
    }
    (nodes * ROWS) as f64 / best
}
