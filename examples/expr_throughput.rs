//! Throughput of the block evaluator, one thread: 1,000 random formulas of up to 100 nodes on
//! 10,000 rows × 10 columns, reported as node evaluations per second (nodes × rows / s), for
//! the arithmetic set (+ − × ÷) and the transcendental set (arithmetic with sin, cos, exp, log,
//! sqrt, pow), in f64 and f32.
//!
//! Run: cargo run --release --example expr_throughput

use std::time::Instant;

use occam::expr::random::{random_expr, uniform, Grammar};
use occam::expr::{Columns, Evaluator, Expr, Op, OpSet, Real};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

const FORMULAS: usize = 1_000;
const MAX_NODES: usize = 100;
const ROWS: usize = 10_000;
const VARS: usize = 10;

fn main() {
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
        let f64_rate = measure::<f64>(&exprs, &data, nodes);
        let f32_rate = measure::<f32>(&exprs, &data, nodes);
        println!(
            "{name:>15}: {:.2} G node-evals/s f64, {:.2} G/s f32 ({} formulas, mean {:.1} nodes)",
            f64_rate / 1e9,
            f32_rate / 1e9,
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
        let rate = measure::<f64>(&vec![expr; 200], data, 200) / 1e9;
        line.push_str(&format!(" {op} {rate:.2}"));
    }
    println!("{line}");
}

/// Best of three passes over all formulas.
fn measure<T: Real>(exprs: &[Expr], data: &[Vec<f64>], nodes: usize) -> f64 {
    let converted: Vec<Vec<T>> =
        data.iter().map(|c| c.iter().map(|&v| T::from_f64(v)).collect()).collect();
    let columns = Columns::new(converted.iter().map(Vec::as_slice).collect(), ROWS)
        .expect("columns of equal length");
    let mut evaluator = Evaluator::<T>::fastest();
    let mut out = vec![T::default(); ROWS];
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        for expr in exprs {
            evaluator.eval(expr, &columns, &mut out).expect("valid formula");
        }
        best = best.min(start.elapsed().as_secs_f64());
        std::hint::black_box(&out);
    }
    (nodes * ROWS) as f64 / best
}
