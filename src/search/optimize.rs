//! Constant tuning: Levenberg–Marquardt on a formula's constants, with exact derivatives.
//!
//! The genetic operators find a formula's shape; its constants are then polished by least
//! squares (equivalent to maximising the Gaussian data code at a fixed σ). Derivatives come from
//! forward-mode differentiation along the postfix vector ([`Dual`] values carry the gradient with
//! respect to every constant), so each LM step costs one pass per row, and no step size has to
//! be guessed as finite differences would.

use crate::expr::{Expr, Kind, Op};

/// At most this many constants are tuned (the normal equations are solved densely).
pub const MAX_TUNED: usize = 16;

/// A value and its partial derivatives with respect to the tuned constants.
#[derive(Clone)]
struct Dual {
    value: f64,
    grad: [f64; MAX_TUNED],
}

impl Dual {
    fn constant(value: f64) -> Dual {
        Dual { value, grad: [0.0; MAX_TUNED] }
    }

    /// `value` with derivative `d` times `self`'s gradient (the chain rule for unary ops).
    fn chain(&self, value: f64, d: f64, k: usize) -> Dual {
        let mut out = Dual::constant(value);
        for i in 0..k {
            out.grad[i] = d * self.grad[i];
        }
        out
    }

    /// `value` with gradient da·a' + db·b'.
    fn chain2(a: &Dual, b: &Dual, value: f64, da: f64, db: f64, k: usize) -> Dual {
        let mut out = Dual::constant(value);
        for i in 0..k {
            // Skip a zero partial explicitly: 0 · inf must not poison the gradient.
            let ga = if a.grad[i] == 0.0 { 0.0 } else { da * a.grad[i] };
            let gb = if b.grad[i] == 0.0 { 0.0 } else { db * b.grad[i] };
            out.grad[i] = ga + gb;
        }
        out
    }
}

/// Evaluates `expr` on one row (`x[j]` is variable j) with the gradient over its first `k`
/// constants. Values follow [`Op::apply`], so they equal the scalar oracle's.
fn eval_dual(expr: &Expr, x: &[f64], k: usize, stack: &mut Vec<Dual>) -> Option<Dual> {
    stack.clear();
    let mut constant = 0;
    for node in &expr.nodes {
        let d = match node.kind {
            Kind::Var(j) => Dual::constant(*x.get(j as usize)?),
            Kind::Const(value, _) => {
                let mut d = Dual::constant(value);
                if constant < k {
                    d.grad[constant] = 1.0;
                }
                constant += 1;
                d
            }
            Kind::Op(op) if op.arity() == 2 => {
                let b = stack.pop()?;
                let a = stack.pop()?;
                binary(op, &a, &b, k)
            }
            Kind::Op(op) => {
                let a = stack.pop()?;
                unary(op, &a, k)
            }
        };
        stack.push(d);
    }
    stack.pop()
}

fn binary(op: Op, a: &Dual, b: &Dual, k: usize) -> Dual {
    let (x, y) = (a.value, b.value);
    let v = op.apply(x, y);
    let (da, db) = match op {
        Op::Add => (1.0, 1.0),
        Op::Sub => (1.0, -1.0),
        Op::Mul => (y, x),
        Op::Div => (1.0 / y, -x / (y * y)),
        Op::Pow => (y * x.powf(y - 1.0), if x > 0.0 { v * x.ln() } else { 0.0 }),
        _ => (f64::NAN, f64::NAN),
    };
    Dual::chain2(a, b, v, da, db, k)
}

fn unary(op: Op, a: &Dual, k: usize) -> Dual {
    let x = a.value;
    let v = op.apply(x, 0.0);
    let d = match op {
        Op::Square => 2.0 * x,
        Op::Cube => 3.0 * x * x,
        Op::Sqrt => 0.5 / v,
        Op::Exp => v,
        Op::Log => 1.0 / x,
        Op::Sin => x.cos(),
        Op::Cos => -x.sin(),
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
    a.chain(v, d, k)
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

/// Residuals y − f and the Jacobian ∂f/∂c (row-major, rows × k); None if any value is not finite.
fn residuals_and_jacobian(expr: &Expr, data: &FitData, k: usize, r: &mut Vec<f64>, jac: &mut Vec<f64>) -> Option<f64> {
    let mut stack = Vec::with_capacity(16);
    let mut x = vec![0.0; data.columns.len()];
    r.clear();
    jac.clear();
    let mut cost = 0.0;
    for row in 0..data.rows() {
        for (j, column) in data.columns.iter().enumerate() {
            x[j] = column[row];
        }
        let d = eval_dual(expr, &x, k, &mut stack)?;
        let residual = data.y[row] - d.value;
        if !residual.is_finite() || d.grad[..k].iter().any(|g| !g.is_finite()) {
            return None;
        }
        cost += residual * residual;
        r.push(residual);
        jac.extend_from_slice(&d.grad[..k]);
    }
    Some(cost)
}

fn cost(expr: &Expr, data: &FitData) -> Option<f64> {
    let mut stack = Vec::with_capacity(16);
    let mut x = vec![0.0; data.columns.len()];
    let mut cost = 0.0;
    for row in 0..data.rows() {
        for (j, column) in data.columns.iter().enumerate() {
            x[j] = column[row];
        }
        let residual = data.y[row] - eval_dual(expr, &x, 0, &mut stack)?.value;
        cost += residual * residual;
    }
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
pub fn fit_constants(expr: &mut Expr, data: &FitData, iterations: usize) -> Option<f64> {
    let k = expr.num_constants().min(MAX_TUNED);
    let mut best = cost(expr, data)?;
    if k == 0 || data.rows() == 0 {
        return Some(best);
    }
    let (mut r, mut jac) = (Vec::new(), Vec::new());
    let mut lambda = 1e-3;
    for _ in 0..iterations {
        residuals_and_jacobian(expr, data, k, &mut r, &mut jac)?;
        // Normal equations: (JᵀJ + λ·diag(JᵀJ)) δ = Jᵀr.
        let mut jtj = vec![0.0; k * k];
        let mut jtr = vec![0.0; k];
        for (row, &res) in jac.chunks_exact(k).zip(&r) {
            for i in 0..k {
                jtr[i] += row[i] * res;
                for j in 0..k {
                    jtj[i * k + j] += row[i] * row[j];
                }
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
            match cost(expr, data) {
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
mod tests {
    use super::*;
    use crate::expr::parse;

    fn fit(formula: &str, xs: &[f64], ys: &[f64]) -> (Expr, f64) {
        let mut e = parse(formula, &["x"]).unwrap();
        let data = FitData { columns: vec![xs], y: ys };
        let cost = fit_constants(&mut e, &data, 50).unwrap();
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
        for formula in formulas {
            let e = parse(formula, &["x"]).unwrap();
            let k = e.num_constants();
            let mut stack = Vec::new();
            for x in [0.3, 1.1, 2.7] {
                let d = eval_dual(&e, &[x], k, &mut stack).unwrap();
                for i in 0..k {
                    let h = 1e-6;
                    let shifted = |delta: f64| {
                        let mut f = e.clone();
                        let base: Vec<f64> = e.constants().collect();
                        set_constants(&mut f, base.iter().enumerate().map(|(j, &c)| if j == i { c + delta } else { c }));
                        eval_dual(&f, &[x], 0, &mut Vec::new()).unwrap().value
                    };
                    let numeric = (shifted(h) - shifted(-h)) / (2.0 * h);
                    assert!((numeric - d.grad[i]).abs() < 1e-6 * (1.0 + numeric.abs()), "{formula} at {x}, c{i}: {numeric} vs {}", d.grad[i]);
                }
            }
        }
    }

    #[test]
    fn a_formula_that_is_not_finite_is_left_alone() {
        let xs = [-1.0, -2.0];
        let mut e = parse("log(x * 1.5)", &["x"]).unwrap();
        let before = e.clone();
        assert!(fit_constants(&mut e, &FitData { columns: vec![&xs[..]], y: &[1.0, 2.0] }, 10).is_none());
        assert!(e.same(&before));
    }
}
