//! The block evaluator against the oracle: every operator on special and edge values, row
//! counts around the block size, random trees, and the ULP accuracy of each approximation.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::expr::random::{random_expr, uniform, Grammar};
use crate::expr::{ExprError, Form, OpSet};

/// Distance in units in the last place, counting across zero (0 for equal values, including
/// +0 vs −0; u64::MAX when exactly one is NaN).
fn ulp_f64(a: f64, b: f64) -> u64 {
    if a.is_nan() || b.is_nan() {
        return if a.is_nan() && b.is_nan() { 0 } else { u64::MAX };
    }
    let ord = |x: f64| {
        let bits = x.to_bits() as i64;
        if bits < 0 {
            i64::MIN - bits
        } else {
            bits
        }
    };
    ord(a).abs_diff(ord(b))
}

fn ulp_f32(a: f32, b: f32) -> u64 {
    if a.is_nan() || b.is_nan() {
        return if a.is_nan() && b.is_nan() { 0 } else { u64::MAX };
    }
    let ord = |x: f32| {
        let bits = x.to_bits() as i32;
        if bits < 0 {
            i32::MIN - bits
        } else {
            bits
        }
    };
    u64::from(ord(a).abs_diff(ord(b)))
}

/// The values every operator is tried on: specials, zeros, domain edges, and ordinary numbers.
fn edge_values() -> Vec<f64> {
    let mut v = vec![
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        -2.0,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        f64::MAX,
        f64::MIN,
        f64::EPSILON,
        1.0 + f64::EPSILON,
        1.0 - f64::EPSILON / 2.0,
        -1.0 - f64::EPSILON,
        709.78,
        709.79,
        710.0,
        -708.0,
        -745.0,
        -745.2,
        -746.0,
        3.0,
        0.1,
        -0.7,
        1e-300,
        1e300,
        -1e300,
        1e5,
        -1e5,
        1e6,
        1e10,
        1e22,
        std::f64::consts::FRAC_PI_2,
        std::f64::consts::PI,
        -std::f64::consts::PI,
        0.41421356237309503,
        2.414213562373095,
        19.0,
        20.0,
        40.0,
        -41.0,
        1e-20,
        -3.5,
        0.999999,
    ];
    v.extend((0..32).map(|i| (i as f64 - 16.0) * 0.37));
    v
}

/// Bounds per operator for the fast path against std (see `approx`).
fn bound(op: Op, b: f64) -> u64 {
    match op {
        Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Square | Op::Cube | Op::Sqrt | Op::Abs | Op::Neg | Op::Inv => 0,
        Op::Exp | Op::Log | Op::Sin | Op::Cos => 2,
        Op::Tan | Op::Tanh | Op::Atan | Op::Asin | Op::Acos => 4,
        Op::Pow => 4 + (b.abs() / 2.0).min(1e6) as u64,
    }
}

fn single_op(op: Op) -> Expr {
    match op.arity() {
        1 => Expr::unary(op, Expr::var(0)),
        _ => Expr::binary(op, Expr::var(0), Expr::var(1)),
    }
}

fn run_fast(evaluator: &mut Evaluator, expr: &Expr, cols: &[&[f64]]) -> Vec<f64> {
    let rows = cols.first().map_or(0, |c| c.len());
    let data = Columns::new(cols.to_vec(), rows).unwrap();
    let mut out = vec![0.0; rows];
    evaluator.eval(expr, &data, &mut out).unwrap();
    out
}

fn run_oracle(expr: &Expr, cols: &[&[f64]]) -> Vec<f64> {
    let mut out = vec![0.0; cols.first().map_or(0, |c| c.len())];
    eval_scalar(expr, cols, &mut out).unwrap();
    out
}

/// Asserts fast == oracle within the operator's bound, and exactly on NaN, ±∞ and zero.
fn assert_op_matches(op: Op, a: &[f64], b: &[f64]) {
    let expr = single_op(op);
    let cols: Vec<&[f64]> = vec![a, b];
    let want = run_oracle(&expr, &cols);
    for mut evaluator in [Evaluator::new(), Evaluator::portable()] {
        let got = run_fast(&mut evaluator, &expr, &cols);
        for i in 0..want.len() {
            let (w, g) = (want[i], got[i]);
            let special = w.is_nan() || w.is_infinite() || w == 0.0;
            let ok = if special { (w.is_nan() && g.is_nan()) || w == g } else { ulp_f64(w, g) <= bound(op, b[i]) };
            assert!(ok, "{op}({:e}, {:e}): oracle {w:e}, fast {g:e} ({:?})", a[i], b[i], evaluator.simd);
        }
    }
}

#[test]
fn every_operator_matches_the_oracle_on_edge_values() {
    let edges = edge_values();
    // All pairs, so binary operators meet every combination of specials.
    let a: Vec<f64> = edges.iter().flat_map(|&x| edges.iter().map(move |_| x)).collect();
    let b: Vec<f64> = edges.iter().flat_map(|_| edges.iter().copied()).collect();
    for op in Op::ALL {
        assert_op_matches(op, &a, &b);
    }
}

/// Random arguments drawn from each function's interesting range.
fn sample(op: Op, rng: &mut ChaCha8Rng) -> (f64, f64) {
    let u = uniform(rng);
    let sym = |x: f64, rng: &mut ChaCha8Rng| if rng.next_u64() & 1 == 0 { x } else { -x };
    let log_uniform = |lo: f64, hi: f64, u: f64| (lo.ln() + u * (hi.ln() - lo.ln())).exp();
    let pick = rng.next_u64() % 3;
    let x = match op {
        Op::Exp => [u * 1455.0 - 745.0, u * 4.0 - 2.0, sym(log_uniform(1e-20, 1.0, u), rng)][pick as usize],
        Op::Log | Op::Sqrt => [log_uniform(1e-320, 1e308, u), 0.5 + 1.5 * u, 1.0 + (u - 0.5) * 1e-6][pick as usize],
        Op::Sin | Op::Cos | Op::Tan => {
            [u * 20.0 - 10.0, (u - 0.5) * 2e5, sym(log_uniform(1e-20, 10.0, u), rng)][pick as usize]
        }
        Op::Asin | Op::Acos => {
            [u * 2.0 - 1.0, sym(1.0 - log_uniform(1e-16, 0.5, u), rng), sym(log_uniform(1e-20, 1.0, u), rng)]
                [pick as usize]
        }
        Op::Atan | Op::Tanh => {
            [u * 50.0 - 25.0, sym(log_uniform(1e-20, 1e20, u), rng), sym(log_uniform(1e-10, 3.0, u), rng)]
                [pick as usize]
        }
        _ => sym(log_uniform(1e-5, 1e5, u), rng),
    };
    let y = (uniform(rng) - 0.5) * 20.0;
    // A third of the exponents are integers, so negative bases have real powers.
    let y = if rng.next_u64() % 3 == 0 { y.round() } else { y };
    (x, y)
}

#[test]
fn approximations_stay_within_their_ulp_bounds_on_random_arguments() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for op in [Op::Exp, Op::Log, Op::Sin, Op::Cos, Op::Tan, Op::Asin, Op::Acos, Op::Atan, Op::Tanh, Op::Pow, Op::Sqrt] {
        let (a, b): (Vec<f64>, Vec<f64>) = (0..30_000).map(|_| sample(op, &mut rng)).unzip();
        assert_op_matches(op, &a, &b);
    }
}

#[test]
fn f32_approximations_stay_within_their_ulp_bounds() {
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    for op in [Op::Exp, Op::Log, Op::Sin, Op::Cos, Op::Tan, Op::Asin, Op::Acos, Op::Atan, Op::Tanh, Op::Pow] {
        let (a, b): (Vec<f32>, Vec<f32>) = (0..30_000)
            .map(|_| sample(op, &mut rng))
            .map(|(x, y)| (x as f32, y as f32))
            .filter(|(x, _)| x.is_finite())
            .unzip();
        let rows = a.len();
        let data = Columns::new(vec![&a[..], &b[..]], rows).unwrap();
        let expr = single_op(op);
        for mut evaluator in [Evaluator::<f32>::new(), Evaluator::<f32>::portable()] {
            let mut got = vec![0.0f32; rows];
            evaluator.eval(&expr, &data, &mut got).unwrap();
            for i in 0..rows {
                let want = f32::apply_std(op, a[i], b[i]);
                let special = want.is_nan() || want.is_infinite() || want == 0.0;
                let ok = if special {
                    (want.is_nan() && got[i].is_nan()) || want == got[i]
                } else {
                    ulp_f32(want, got[i]) <= bound(op, f64::from(b[i]))
                };
                assert!(ok, "f32 {op}({}, {}): std {want:e}, fast {:e}", a[i], b[i], got[i]);
            }
        }
    }
}

/// The scalar twin of the block evaluator: the same approximations one row at a time. The
/// block evaluator must equal it bit for bit, which isolates the block machinery (stack, tail
/// blocks, dispatch) from the accuracy of the approximations.
fn eval_twin<const FMA: bool>(expr: &Expr, cols: &[&[f64]], row: usize) -> f64 {
    let mut stack = Vec::new();
    for node in &expr.nodes {
        let v = match node.kind {
            Kind::Var(j) => cols[usize::from(j)][row],
            Kind::Const(c, _) => c,
            Kind::Op(op) => {
                let b = if op.arity() == 2 { stack.pop().unwrap() } else { 0.0 };
                let a: f64 = stack.pop().unwrap();
                match op {
                    Op::Pow if a.pow_inline(b) => a.pow_fast::<FMA>(b),
                    Op::Exp => a.exp_fast::<FMA>(),
                    Op::Log => a.ln_fast::<FMA>(),
                    Op::Sin if a.trig_inline() => a.sin_fast::<FMA>(),
                    Op::Cos if a.trig_inline() => a.cos_fast::<FMA>(),
                    Op::Tan if a.trig_inline() => a.tan_fast::<FMA>(),
                    Op::Asin => a.asin_fast::<FMA>(),
                    Op::Acos => a.acos_fast::<FMA>(),
                    Op::Atan => a.atan_fast::<FMA>(),
                    Op::Tanh => a.tanh_fast::<FMA>(),
                    _ => op.apply(a, b),
                }
            }
        };
        stack.push(v);
    }
    stack.pop().unwrap()
}

fn random_columns(rng: &mut ChaCha8Rng, vars: usize, rows: usize) -> Vec<Vec<f64>> {
    (0..vars).map(|_| (0..rows).map(|_| (uniform(rng) - 0.3) * 6.0).collect()).collect()
}

#[test]
fn random_trees_equal_the_scalar_twin_bit_for_bit_at_every_row_count() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let grammar = Grammar::new(OpSet::ALL, 3);
    for rows in [0, 1, 63, 64, 65, 1000] {
        let data = random_columns(&mut rng, 3, rows);
        let cols: Vec<&[f64]> = data.iter().map(Vec::as_slice).collect();
        for _ in 0..60 {
            let expr = random_expr(&mut rng, &grammar, 40);
            // new() and portable() must give the same bits (the search's determinism across
            // machines and wasm rests on it); fastest() may fuse multiply-adds.
            let fused = Evaluator::<f64>::fastest().simd.fused();
            for (mut evaluator, fma) in
                [(Evaluator::new(), false), (Evaluator::portable(), false), (Evaluator::fastest(), fused)]
            {
                let got = run_fast(&mut evaluator, &expr, &cols);
                for (row, g) in got.iter().enumerate() {
                    let want =
                        if fma { eval_twin::<true>(&expr, &cols, row) } else { eval_twin::<false>(&expr, &cols, row) };
                    assert!(
                        want.to_bits() == g.to_bits() || (want.is_nan() && g.is_nan()),
                        "{expr:?} row {row}: twin {want:e}, block {g:e}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_block_with_a_few_lanes_for_std_equals_the_twin_on_every_lane() {
    // One lane in a block that the in-line code does not cover (a zero base, a huge angle)
    // sends that lane to std; the block's other lanes keep the in-line bits.
    let rows = BLOCK + 7;
    let x: Vec<f64> = (0..rows)
        .map(|i| match i % 19 {
            3 => 0.0,
            11 => 3.0e7,
            _ => 0.37 + i as f64 * 0.05,
        })
        .collect();
    let y: Vec<f64> = (0..rows).map(|i| 1.25 - i as f64 * 0.01).collect();
    let cols: Vec<&[f64]> = vec![&x, &y];
    for op in [Op::Pow, Op::Sin, Op::Cos, Op::Tan] {
        let expr = single_op(op);
        for mut evaluator in [Evaluator::new(), Evaluator::portable()] {
            let got = run_fast(&mut evaluator, &expr, &cols);
            for (row, g) in got.iter().enumerate() {
                let want = eval_twin::<false>(&expr, &cols, row);
                assert!(want.to_bits() == g.to_bits(), "{op} row {row}: twin {want:e}, block {g:e}");
            }
            let std_lanes =
                (0..rows).filter(|&i| if op == Op::Pow { !x[i].pow_inline(y[i]) } else { !x[i].trig_inline() });
            assert!(std_lanes.count() >= 3, "the test must reach the std lanes of {op}");
        }
    }
}

#[test]
fn random_trees_agree_with_the_oracle() {
    // Composition amplifies a few ULP by the conditioning of the formula (cancellation in a
    // difference, a NaN boundary hit by rounding), so trees are compared with a relative
    // tolerance and a small share of rows may differ; single operators are held to ULP bounds.
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let grammar = Grammar::new(OpSet::ALL, 3);
    let data = random_columns(&mut rng, 3, 200);
    let cols: Vec<&[f64]> = data.iter().map(Vec::as_slice).collect();
    let (mut rows, mut off) = (0usize, 0usize);
    for _ in 0..500 {
        let expr = random_expr(&mut rng, &grammar, 30);
        let want = run_oracle(&expr, &cols);
        let got = run_fast(&mut Evaluator::new(), &expr, &cols);
        for (w, g) in want.iter().zip(&got) {
            rows += 1;
            let same = (w.is_nan() && g.is_nan()) || w == g || (w - g).abs() <= 1e-9 * w.abs().max(g.abs()).max(1e-300);
            off += usize::from(!same);
        }
    }
    assert!(off * 1000 <= rows, "{off} of {rows} rows differ by more than 1e-9");
}

#[test]
fn batch_fills_one_run_per_formula() {
    let x = [1.0, 2.0, 3.0];
    let data = Columns::new(vec![&x[..]], 3).unwrap();
    let exprs = [Expr::var(0), Expr::unary(Op::Square, Expr::var(0)), Expr::constant(7.0)];
    let mut out = vec![0.0; 9];
    eval_batch(&exprs, &data, &mut out).unwrap();
    assert_eq!(out, [1.0, 2.0, 3.0, 1.0, 4.0, 9.0, 7.0, 7.0, 7.0]);
    assert!(matches!(eval_batch(&exprs, &data, &mut out[..8]), Err(EvalError::OutputLength { .. })));
}

#[test]
fn mismatched_inputs_are_errors() {
    let x = [1.0, 2.0];
    let y = [1.0];
    assert!(matches!(Columns::new(vec![&x[..], &y[..]], 2), Err(EvalError::ColumnLength { column: 1, .. })));
    let data = Columns::new(vec![&x[..]], 2).unwrap();
    let mut out = [0.0; 2];
    assert_eq!(eval(&Expr::var(1), &data, &mut out), Err(EvalError::NoSuchColumn { index: 1, columns: 1 }));
    assert!(matches!(eval(&Expr::default(), &data, &mut out), Err(EvalError::Expr(ExprError::Empty))));
    assert!(matches!(eval(&Expr::var(0), &data, &mut out[..1]), Err(EvalError::ColumnLength { .. })));
    assert!(eval_scalar(&Expr::var(0), &[&x[..]], &mut out[..1]).is_err());
    let with_form = Expr::with_form(1.5, Form::Rational(3, 2));
    eval(&with_form, &data, &mut out).unwrap();
    assert_eq!(out, [1.5, 1.5]);
}

/// Prints the largest ULP error of each approximation (run with --ignored --nocapture).
#[test]
#[ignore]
fn report_ulp_errors() {
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    for op in [Op::Exp, Op::Log, Op::Sin, Op::Cos, Op::Tan, Op::Asin, Op::Acos, Op::Atan, Op::Tanh, Op::Pow] {
        let (a, b): (Vec<f64>, Vec<f64>) = (0..300_000).map(|_| sample(op, &mut rng)).unzip();
        let expr = single_op(op);
        let cols: Vec<&[f64]> = vec![&a, &b];
        let want = run_oracle(&expr, &cols);
        for mut evaluator in [Evaluator::new(), Evaluator::portable()] {
            let got = run_fast(&mut evaluator, &expr, &cols);
            let worst = (0..a.len())
                .map(|i| {
                    (
                        ulp_f64(want[i], got[i]).saturating_sub(if op == Op::Pow {
                            (b[i].abs() / 2.0) as u64
                        } else {
                            0
                        }),
                        i,
                    )
                })
                .max()
                .unwrap();
            println!(
                "{op:>5} {:?}: {} ULP (beyond |y|/2 for pow) at {:e}, {:e}",
                evaluator.simd, worst.0, a[worst.1], b[worst.1]
            );
        }
        let (a32, b32): (Vec<f32>, Vec<f32>) =
            a.iter().zip(&b).map(|(&x, &y)| (x as f32, y as f32)).filter(|(x, _)| x.is_finite()).unzip();
        let data = Columns::new(vec![&a32[..], &b32[..]], a32.len()).unwrap();
        let mut got = vec![0.0f32; a32.len()];
        Evaluator::<f32>::new().eval(&expr, &data, &mut got).unwrap();
        let worst = (0..a32.len())
            .map(|i| {
                ulp_f32(f32::apply_std(op, a32[i], b32[i]), got[i]).saturating_sub(if op == Op::Pow {
                    (b32[i].abs() / 2.0) as u64
                } else {
                    0
                })
            })
            .max()
            .unwrap();
        println!("{op:>5} f32: {worst} ULP");
    }
}
