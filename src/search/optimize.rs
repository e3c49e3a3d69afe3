//! Constant tuning: Levenberg–Marquardt on a formula's constants, with exact derivatives.
//!
//! The genetic operators find a formula's shape; its constants are then polished by least
//! squares (equivalent to maximising the Gaussian data code at a fixed σ). Derivatives come from
//! forward-mode differentiation along the postfix vector, over all tuning rows at once: each
//! stack slot holds a column of values and one column of partial derivatives per constant, so a
//! node costs a few tight loops over the rows, and no step size has to be guessed as finite
//! differences would.

use crate::expr::{Expr, Kind, Op};

/// At most this many constants are tuned (the normal equations are solved densely).
pub const MAX_TUNED: usize = 16;

/// Values and partial derivatives of one subtree on every row: `grad[c * rows + r]` is
/// ∂value[r]/∂constant c.
#[derive(Default)]
struct Slot {
    value: Vec<f64>,
    grad: Vec<f64>,
}

/// Reusable buffers for forward-mode evaluation (one per island).
#[derive(Default)]
pub struct Workspace {
    slots: Vec<Slot>,
    residuals: Vec<f64>,
}

/// Evaluates `expr` on every row of `data` with the gradient over its first `k` constants, into
/// the workspace's slot 0. Values follow [`Op::apply`], so they equal the scalar oracle's.
fn eval_dual(expr: &Expr, data: &FitData, k: usize, ws: &mut Workspace) -> Option<()> {
    let rows = data.rows();
    let mut top = 0usize; // slots in use
    let mut constant = 0;
    for node in &expr.nodes {
        match node.kind {
            Kind::Var(j) => {
                let column = data.columns.get(j as usize)?;
                let slot = grow(&mut ws.slots, top, rows, k);
                slot.value.copy_from_slice(column);
                top += 1;
            }
            Kind::Const(value, _) => {
                let slot = grow(&mut ws.slots, top, rows, k);
                slot.value.fill(value);
                if constant < k {
                    slot.grad[constant * rows..(constant + 1) * rows].fill(1.0);
                }
                constant += 1;
                top += 1;
            }
            Kind::Op(op) if op.arity() == 2 => {
                if top < 2 {
                    return None;
                }
                let (left, right) = ws.slots.split_at_mut(top - 1);
                binary(op, &mut left[top - 2], &right[0], rows, k);
                top -= 1;
            }
            Kind::Op(op) => {
                if top < 1 {
                    return None;
                }
                unary(op, &mut ws.slots[top - 1], rows, k);
            }
        }
    }
    (top == 1).then_some(())
}

/// Slot `i`, sized for `rows` × (1 + k) and with zero gradients.
fn grow(slots: &mut Vec<Slot>, i: usize, rows: usize, k: usize) -> &mut Slot {
    if slots.len() <= i {
        slots.resize_with(i + 1, Slot::default);
    }
    let slot = &mut slots[i];
    slot.value.resize(rows, 0.0);
    slot.grad.clear();
    slot.grad.resize(rows * k, 0.0);
    slot
}

/// a ← a op b, with the gradient by the chain rule (a zero partial stays zero: 0·∞ must not
/// poison it).
fn binary(op: Op, a: &mut Slot, b: &Slot, rows: usize, k: usize) {
    for r in 0..rows {
        let (x, y) = (a.value[r], b.value[r]);
        let v = op.apply(x, y);
        let (da, db) = match op {
            Op::Add => (1.0, 1.0),
            Op::Sub => (1.0, -1.0),
            Op::Mul => (y, x),
            Op::Div => (1.0 / y, -x / (y * y)),
            Op::Pow => (y * libm::pow(x, y - 1.0), if x > 0.0 { v * libm::log(x) } else { 0.0 }),
            _ => (f64::NAN, f64::NAN),
        };
        for c in 0..k {
            let i = c * rows + r;
            let ga = if a.grad[i] == 0.0 { 0.0 } else { da * a.grad[i] };
            let gb = if b.grad[i] == 0.0 { 0.0 } else { db * b.grad[i] };
            a.grad[i] = ga + gb;
        }
        a.value[r] = v;
    }
}

fn unary(op: Op, a: &mut Slot, rows: usize, k: usize) {
    for r in 0..rows {
        let x = a.value[r];
        let v = op.apply(x, 0.0);
        let d = match op {
            Op::Square => 2.0 * x,
            Op::Cube => 3.0 * x * x,
            Op::Sqrt => 0.5 / v,
            Op::Exp => v,
            Op::Log => 1.0 / x,
            Op::Sin => libm::cos(x),
            Op::Cos => -libm::sin(x),
            Op::Tan => 1.0 + v * v,
            Op::Asin => 1.0 / (1.0 - x * x).sqrt(),
            Op::Acos => -1.0 / (1.0 - x * x).sqrt(),
            Op::Atan => 1.0 / (1.0 + x * x),
            Op::Tanh => 1.0 - v * v,
            Op::Abs => x.signum(),
            Op::Neg => -1.0,
            Op::Inv => -v * v,
            _ => f64::NAN,
        };
        for c in 0..k {
            let g = &mut a.grad[c * rows + r];
            if *g != 0.0 {
                *g *= d;
            }
        }
        a.value[r] = v;
    }
}

/// Rows to fit on: column-major features (one slice per variable) and the target.
pub struct FitData<'a> {
    pub columns: Vec<&'a [f64]>,
    pub y: &'a [f64],
}

impl FitData<'_> {
    fn rows(&self) -> usize {
        self.y.len()
    }
}

/// Σ(y − f)², the residuals in `ws.residuals` and the Jacobian in slot 0's gradient; None if any
/// value or derivative is not finite.
fn residuals_and_jacobian(expr: &Expr, data: &FitData, k: usize, ws: &mut Workspace) -> Option<f64> {
    eval_dual(expr, data, k, ws)?;
    let slot = &ws.slots[0];
    if slot.grad.iter().any(|g| !g.is_finite()) {
        return None;
    }
    ws.residuals.clear();
    let mut cost = 0.0;
    for (y, v) in data.y.iter().zip(&slot.value) {
        let r = y - v;
        cost += r * r;
        ws.residuals.push(r);
    }
    cost.is_finite().then_some(cost)
}

fn cost(expr: &Expr, data: &FitData, ws: &mut Workspace) -> Option<f64> {
    eval_dual(expr, data, 0, ws)?;
    let cost: f64 = data.y.iter().zip(&ws.slots[0].value).map(|(y, v)| (y - v) * (y - v)).sum();
    cost.is_finite().then_some(cost)
}

/// Solves the k×k system `a x = b` (row-major) by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<f64>, mut b: Vec<f64>, k: usize) -> Option<Vec<f64>> {
    for col in 0..k {
        let pivot = (col..k).max_by(|&i, &j| a[i * k + col].abs().total_cmp(&a[j * k + col].abs()))?;
        if a[pivot * k + col].abs() < 1e-300 {
            return None;
        }
        if pivot != col {
            for c in 0..k {
                a.swap(pivot * k + c, col * k + c);
            }
            b.swap(pivot, col);
        }
        for row in col + 1..k {
            let f = a[row * k + col] / a[col * k + col];
            for c in col..k {
                a[row * k + c] -= f * a[col * k + c];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; k];
    for row in (0..k).rev() {
        let s: f64 = (row + 1..k).map(|c| a[row * k + c] * x[c]).sum();
        x[row] = (b[row] - s) / a[row * k + row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Tunes the first [`MAX_TUNED`] constants of `expr` by Levenberg–Marquardt (Marquardt's
/// diagonal scaling), at most `iterations` accepted steps. Returns the sum of squared residuals
/// reached, or None if the formula is not finite on the data (the constants are then left as
/// they were). Constants whose form is not Real are tuned too: a tuned constant becomes Real.
pub fn fit_constants(expr: &mut Expr, data: &FitData, iterations: usize, ws: &mut Workspace) -> Option<f64> {
    let k = expr.num_constants().min(MAX_TUNED);
    let mut best = cost(expr, data, ws)?;
    let rows = data.rows();
    if k == 0 || rows == 0 {
        return Some(best);
    }
    let mut lambda = 1e-3;
    for _ in 0..iterations {
        residuals_and_jacobian(expr, data, k, ws)?;
        // Normal equations: (JᵀJ + λ·diag(JᵀJ)) δ = Jᵀr.
        let jac = &ws.slots[0].grad;
        let mut jtj = vec![0.0; k * k];
        let mut jtr = vec![0.0; k];
        for i in 0..k {
            let gi = &jac[i * rows..(i + 1) * rows];
            jtr[i] = gi.iter().zip(&ws.residuals).map(|(g, r)| g * r).sum();
            for j in 0..=i {
                let gj = &jac[j * rows..(j + 1) * rows];
                let v: f64 = gi.iter().zip(gj).map(|(a, b)| a * b).sum();
                jtj[i * k + j] = v;
                jtj[j * k + i] = v;
            }
        }
        let start: Vec<f64> = expr.constants().take(k).collect();
        let mut improved = false;
        while lambda < 1e10 {
            let mut a = jtj.clone();
            for i in 0..k {
                a[i * k + i] += lambda * jtj[i * k + i].max(1e-12);
            }
            let Some(step) = solve(a, jtr.clone(), k) else {
                lambda *= 10.0;
                continue;
            };
            set_constants(expr, start.iter().zip(&step).map(|(c, s)| c + s));
            match cost(expr, data, ws) {
                Some(c) if c < best => {
                    best = c;
                    lambda = (lambda / 3.0).max(1e-12);
                    improved = true;
                    break;
                }
                _ => {
                    set_constants(expr, start.iter().copied());
                    lambda *= 4.0;
                }
            }
        }
        if !improved || best == 0.0 {
            break;
        }
    }
    Some(best)
}

/// Writes values into the first constants, in node order, marking them Real.
fn set_constants(expr: &mut Expr, values: impl Iterator<Item = f64>) {
    let mut values = values;
    for node in expr.nodes.iter_mut() {
        if let Kind::Const(value, form) = &mut node.kind {
            match values.next() {
                Some(v) => {
                    *value = v;
                    *form = crate::expr::Form::Real;
                }
                None => break,
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests compare against std's functions
mod tests {
    use super::*;
    use crate::expr::parse;

    fn fit(formula: &str, xs: &[f64], ys: &[f64]) -> (Expr, f64) {
        let mut e = parse(formula, &["x"]).unwrap();
        let data = FitData { columns: vec![xs], y: ys };
        let cost = fit_constants(&mut e, &data, 50, &mut Workspace::default()).unwrap();
        (e, cost)
    }

    #[test]
    fn recovers_a_power_law_exponent() {
        let xs: Vec<f64> = (1..=20).map(|i| i as f64 * 0.5).collect();
        let ys: Vec<f64> = xs.iter().map(|x: &f64| 2.5 * x.powf(1.5)).collect();
        let (e, cost) = fit("1.0 * x ** 1.0", &xs, &ys);
        let c: Vec<f64> = e.constants().collect();
        assert!((c[0] - 2.5).abs() < 1e-8 && (c[1] - 1.5).abs() < 1e-8, "{c:?}, cost {cost}");
    }

    #[test]
    fn gradients_match_finite_differences() {
        let formulas = [
            "sin(1.3 * x) + exp(0.2 * x) / (x + 2.0)",
            "sqrt(x + 0.5) * log(x + 1.7) - atan(0.4 * x) ** 2",
            "tanh(0.3 * x) - cos(x / 2.2) + abs(x - 0.1) + 1 / (x + 3.1)",
        ];
        let xs = [0.3, 1.1, 2.7];
        let ys = [0.0; 3];
        let data = FitData { columns: vec![&xs[..]], y: &ys };
        let mut ws = Workspace::default();
        for formula in formulas {
            let e = parse(formula, &["x"]).unwrap();
            let k = e.num_constants();
            eval_dual(&e, &data, k, &mut ws).unwrap();
            let grad = ws.slots[0].grad.clone();
            for i in 0..k {
                let h = 1e-6;
                let shifted = |delta: f64| {
                    let mut f = e.clone();
                    let base: Vec<f64> = e.constants().collect();
                    set_constants(&mut f, base.iter().enumerate().map(|(j, &c)| if j == i { c + delta } else { c }));
                    let mut w = Workspace::default();
                    eval_dual(&f, &data, 0, &mut w).unwrap();
                    w.slots[0].value.clone()
                };
                let (up, down) = (shifted(h), shifted(-h));
                for r in 0..xs.len() {
                    let numeric = (up[r] - down[r]) / (2.0 * h);
                    let exact = grad[i * xs.len() + r];
                    assert!((numeric - exact).abs() < 1e-6 * (1.0 + numeric.abs()), "{formula} at {}, c{i}: {numeric} vs {exact}", xs[r]);
                }
            }
        }
    }

    #[test]
    fn a_formula_that_is_not_finite_is_left_alone() {
        let xs = [-1.0, -2.0];
        let mut e = parse("log(x * 1.5)", &["x"]).unwrap();
        let before = e.clone();
        let data = FitData { columns: vec![&xs[..]], y: &[1.0, 2.0] };
        assert!(fit_constants(&mut e, &data, 10, &mut Workspace::default()).is_none());
        assert!(e.same(&before));
    }
}
