//! Throughput of the block evaluator in Operon's setup: 1,000 random formulas of up to 100 nodes
//! on 10,000 rows × 10 columns, reported as node evaluations per second (nodes × rows / s), for
//! the arithmetic set (+ − × ÷) and the transcendental set (arithmetic with sin, cos, exp, log,
//! sqrt, pow): f32 and f64 with fused multiply-adds (the fastest code), and f64 without (the
//! bit-exact code the search runs), on 1 thread or on `--threads N` (formulas split among them).
//!
//! Run: cargo run --release --example expr_throughput [-- --threads 2] [--json]
//! bench/eval_throughput.py runs it beside pyoperon; bench/browser_eval.mjs beside the same
//! measurement in headless Chromium.

use std::time::Instant;

use rand_chacha::rand_core::SeedableRng;

use occam::expr::throughput::{self, FORMULAS, MAX_NODES, ROWS, VARS};
use occam::expr::{Evaluator, Expr, Op};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let threads: usize = args
        .iter()
        .position(|a| a == "--threads")
        .and_then(|i| args.get(i + 1))
        .and_then(|t| t.parse().ok())
        .unwrap_or(1);
    rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().expect("one global pool");
    eprintln!("{threads} thread(s), {FORMULAS} formulas of up to {MAX_NODES} nodes, {ROWS} rows x {VARS} columns");
    let origin = Instant::now();
    let clock = move || origin.elapsed().as_secs_f64();
    let figures = throughput::measure_all(&clock);
    if args.iter().any(|a| a == "--json") {
        println!("{}", serde_json::to_string(&figures).expect("figures serialise"));
        return;
    }
    for set in ["arithmetic", "transcendental"] {
        let rate = |evaluator: &str| {
            figures.iter().find(|f| f.set == set && f.evaluator == evaluator).map_or(0.0, |f| f.node_evals_per_s / 1e9)
        };
        let first = figures.iter().find(|f| f.set == set).expect("both sets are measured");
        println!(
            "{set:>15}: {:.2} G node-evals/s f32, {:.2} f64, {:.2} f64 bit-exact ({} formulas, mean {:.1} nodes)",
            rate("f32"),
            rate("f64"),
            rate("f64 bit-exact"),
            first.formulas,
            first.mean_nodes
        );
    }
    per_operator(&clock);
}

/// Rows per second of single operators on x0 (and x1), as a breakdown of the sets above.
fn per_operator(clock: &dyn Fn() -> f64) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let data = throughput::data(&mut rng);
    let unary = [Op::Sqrt, Op::Exp, Op::Log, Op::Sin, Op::Cos, Op::Tan, Op::Tanh, Op::Atan, Op::Asin];
    let evaluators: [(&str, fn() -> Evaluator<f64>); 2] =
        [("f64", Evaluator::fastest), ("f64 bit-exact", Evaluator::new)];
    for (name, evaluator) in evaluators {
        let mut line = format!("per operator, G rows/s {name}:");
        for op in unary.into_iter().chain([Op::Div, Op::Pow]) {
            let x = Expr::var(0);
            let expr = if op.arity() == 1 { Expr::unary(op, x) } else { Expr::binary(op, x, Expr::var(1)) };
            // Each formula has one operator node besides its leaves: rate per row of the operator.
            let rate =
                throughput::measure::<f64>(&vec![expr.clone(); 200], &data, evaluator, clock) / expr.len() as f64 / 1e9;
            line.push_str(&format!(" {op} {rate:.2}"));
        }
        println!("{line}");
    }
}
