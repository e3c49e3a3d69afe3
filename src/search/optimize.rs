//! Constant tuning: Levenberg–Marquardt on a formula's constants, with exact derivatives.
//!
//! The genetic operators find a formula's shape; its constants are then polished by least
//! squares (equivalent to maximising the Gaussian data code at a fixed σ). Derivatives come from
//! forward-mode differentiation along the postfix vector, over all tuning rows at once: each
//! stack slot holds a column of values and one column of partial derivatives per constant, so a
//! node costs a few tight loops over the rows, and no step size has to be guessed as finite
//! differences would.

use crate::expr::approx::f64 as fast;
use crate::expr::node::leaf_operand_of;
use crate::expr::{Expr, Kind, Op};

/// At most this many constants are tuned (the normal equations are solved densely).
pub const MAX_TUNED: usize = 16;

/// Values and partial derivatives of one subtree on every row. A subtree depends only on the
/// constants inside it, which in postfix order are a contiguous run `lo..hi` of the formula's
/// constants: `grad[(c − lo) * rows + r]` is ∂value[r]/∂constant c, for those alone. So a node
/// costs work for its own constants, not for all of them, and the two operands of a binary
/// node hold disjoint runs that the result simply places side by side.
#[derive(Default)]
struct Slot {
    value: Vec<f64>,
    grad: Vec<f64>,
    lo: usize,
    hi: usize,
}

/// Reusable buffers for forward-mode evaluation (one per island).
#[derive(Default)]
pub struct Workspace {
    slots: Vec<Slot>,
    residuals: Vec<f64>,
    /// Per-row partial derivatives of the node being applied, by operand.
    da: Vec<f64>,
    db: Vec<f64>,
    normal: Normal,
}

/// The buffers of one Levenberg–Marquardt step: JᵀJ and Jᵀr, the damped system being solved,
/// its solution, and the constants the step starts from.
#[derive(Default)]
struct Normal {
    jtj: Vec<f64>,
    jtr: Vec<f64>,
    system: Vec<f64>,
    rhs: Vec<f64>,
    step: Vec<f64>,
    start: Vec<f64>,
}

/// Evaluates `expr` on every row of `data` with the gradient over its first `k` constants, into
/// the workspace's slot 0 (whose run is then 0..k, so `grad[c * rows + r]`). Values follow
/// [`apply`]: within a few ULP of [`Op::apply`], the same bits on every machine. Only the fit
/// uses them; every figure in bits is computed again by the search's exact evaluator.
fn eval_dual(expr: &Expr, data: &FitData, k: usize, ws: &mut Workspace) -> Option<()> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: AVX2 was detected at run time.
        return unsafe { eval_dual_avx2(expr, data, k, ws) };
    }
    eval_dual_rows::<true>(expr, data, k, ws)
}

/// [`eval_dual`] compiled with AVX2 and without fused multiply-adds: the same operations in
/// the same order four rows at a time, so the same bits as the portable copy and as wasm.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn eval_dual_avx2(expr: &Expr, data: &FitData, k: usize, ws: &mut Workspace) -> Option<()> {
    eval_dual_rows::<true>(expr, data, k, ws)
}

#[inline(always)]
fn eval_dual_rows<const FUSE: bool>(expr: &Expr, data: &FitData, k: usize, ws: &mut Workspace) -> Option<()> {
    let rows = data.rows();
    let mut top = 0usize; // slots in use
    let mut constant = 0;
    ws.da.resize(rows, 0.0);
    ws.db.resize(rows, 0.0);
    let nodes = &expr.nodes;
    let mut i = 0;
    while i < nodes.len() {
        // A leaf right before + − × ÷ is that operator's right operand: it is applied to the top
        // slot where it lies ([`arithmetic_leaf`]) instead of filling a slot of its own, a
        // constant's gradient of ones included. The same operations, so the same bits.
        let fused = leaf_operand_of(nodes, i).filter(|_| FUSE && top > 0);
        match (nodes[i].kind, fused) {
            (Kind::Var(j), Some(op)) => {
                let column = data.columns.get(j as usize)?;
                arithmetic_leaf(op, &mut ws.slots[top - 1], |r| column[r], false, rows, &mut ws.da, &mut ws.db);
                i += 1;
            }
            (Kind::Const(value, _), Some(op)) => {
                let a = &mut ws.slots[top - 1];
                arithmetic_leaf(op, a, |_| value, constant < k, rows, &mut ws.da, &mut ws.db);
                a.hi = (constant + 1).min(k);
                constant += 1;
                i += 1;
            }
            (Kind::Var(j), None) => {
                let column = data.columns.get(j as usize)?;
                let slot = grow(&mut ws.slots, top, rows, constant.min(k), constant.min(k));
                slot.value.copy_from_slice(column);
                top += 1;
            }
            (Kind::Const(value, _), None) => {
                let slot = grow(&mut ws.slots, top, rows, constant.min(k), (constant + 1).min(k));
                slot.value.fill(value);
                slot.grad.fill(1.0);
                constant += 1;
                top += 1;
            }
            (Kind::Op(op), _) if op.arity() == 2 => {
                if top < 2 {
                    return None;
                }
                let (left, right) = ws.slots.split_at_mut(top - 1);
                binary(op, &mut left[top - 2], &right[0], rows, &mut ws.da, &mut ws.db);
                top -= 1;
            }
            (Kind::Op(op), _) => {
                if top < 1 {
                    return None;
                }
                unary(op, &mut ws.slots[top - 1], rows, &mut ws.da);
            }
        }
        i += 1;
    }
    (top == 1).then_some(())
}

/// a ← a op y for + − × ÷ with y a leaf read in place (`y(r)`: a column's row or a constant),
/// with a's gradient by the chain rule and, for a constant the fit tracks (`tracked`), its own
/// gradient column appended. What [`binary`] does with the leaf in a slot: there the leaf's
/// gradient of ones is scaled by ∂/∂y, which is ∂/∂y itself, bit for bit.
#[inline(always)]
fn arithmetic_leaf(
    op: Op,
    a: &mut Slot,
    y: impl Fn(usize) -> f64,
    tracked: bool,
    rows: usize,
    da: &mut [f64],
    db: &mut [f64],
) {
    let (da, db) = (&mut da[..rows], &mut db[..rows]);
    arithmetic(op, &mut a.value[..rows], y, da, db);
    if a.hi > a.lo {
        chain(&mut a.grad, da);
    }
    if tracked {
        a.grad.extend_from_slice(db);
    }
}

/// x ← x op y for + − × ÷ (y(r): the right operand's row r), with ∂/∂x into `da` and ∂/∂y
/// into `db`: the one home of these four operators' values and partials in the fit.
#[inline(always)]
fn arithmetic(op: Op, x: &mut [f64], y: impl Fn(usize) -> f64, da: &mut [f64], db: &mut [f64]) {
    let rows = x.len();
    match op {
        Op::Add => {
            for r in 0..rows {
                x[r] += y(r);
            }
            da.fill(1.0);
            db.fill(1.0);
        }
        Op::Sub => {
            for r in 0..rows {
                x[r] -= y(r);
            }
            da.fill(1.0);
            db.fill(-1.0);
        }
        Op::Mul => {
            for r in 0..rows {
                let w = y(r);
                (da[r], db[r]) = (w, x[r]);
                x[r] *= w;
            }
        }
        Op::Div => {
            for r in 0..rows {
                let w = y(r);
                (da[r], db[r]) = (1.0 / w, -x[r] / (w * w));
                x[r] /= w;
            }
        }
        // Only the four arithmetic operators come here.
        _ => {}
    }
}

/// Slot `i`, sized for `rows` values and the constants `lo..hi` (gradients zeroed).
fn grow(slots: &mut Vec<Slot>, i: usize, rows: usize, lo: usize, hi: usize) -> &mut Slot {
    if slots.len() <= i {
        slots.resize_with(i + 1, Slot::default);
    }
    let slot = &mut slots[i];
    slot.value.resize(rows, 0.0);
    slot.grad.clear();
    slot.grad.resize(rows * (hi - lo), 0.0);
    slot.lo = lo;
    slot.hi = hi;
    slot
}

/// `op` for fitting: exp, log, sin and cos by the branch-free approximations of
/// [`approx`](crate::expr::approx) where they cover the argument (several times faster than
/// libm's, within a few ULP of it, and without fused multiply-adds, so the same bits
/// everywhere), a power of a positive base as e^(y·ln x), everything else by [`Op::apply`].
/// The loops below compute the same values lane by lane; this is their scalar reference, for
/// the rows a fast loop does not cover.
#[inline(always)]
fn apply(op: Op, x: f64, y: f64) -> f64 {
    match op {
        // e^(y·ln x): a few ULP times |y·ln x| from pow, plenty for a fit, and much cheaper than
        // the double-length logarithm an accurate pow needs.
        Op::Pow if power_inline(x, y) => fast::exp::<false>(y * fast::ln::<false>(x)),
        Op::Exp => fast::exp::<false>(x),
        Op::Log => fast::ln::<false>(x),
        Op::Sin if fast::trig_inline(x) => fast::sin::<false>(x),
        Op::Cos if fast::trig_inline(x) => fast::cos::<false>(x),
        _ => op.apply(x, y),
    }
}

/// Whether x^y is computed as e^(y·ln x) in [`apply`].
#[inline(always)]
fn power_inline(x: f64, y: f64) -> bool {
    x > 0.0 && x.is_finite() && y.is_finite()
}

/// g ← d·g row by row, where a zero partial stays zero (0·∞ must not poison it).
#[inline(always)]
fn chain(grad: &mut [f64], d: &[f64]) {
    for column in grad.chunks_exact_mut(d.len()) {
        for (g, &d) in column.iter_mut().zip(d) {
            *g = if *g == 0.0 { 0.0 } else { d * *g };
        }
    }
}

/// a ← a op b, with the gradient by the chain rule: a's constants scaled by ∂/∂a, then b's by
/// ∂/∂b. Each operator runs as a loop of its own, without branches where the rows allow, so
/// that it vectorises (in the AVX2 copy of [`eval_dual`], four rows at a time).
#[inline(always)]
fn binary(op: Op, a: &mut Slot, b: &Slot, rows: usize, da: &mut [f64], db: &mut [f64]) {
    let (x, y) = (&mut a.value[..rows], &b.value[..rows]);
    let (da, db) = (&mut da[..rows], &mut db[..rows]);
    match op {
        Op::Add | Op::Sub | Op::Mul | Op::Div => arithmetic(op, x, |r| y[r], da, db),
        Op::Pow if x.iter().zip(y.iter()).fold(true, |all, (&u, &w)| all & power_inline(u, w)) => {
            // Every base positive: one logarithm a row serves the value and ∂/∂y.
            for r in 0..rows {
                let (u, w) = (x[r], y[r]);
                let ln = fast::ln::<false>(u);
                let v = fast::exp::<false>(w * ln);
                (da[r], db[r]) = (w * v / u, v * ln);
                x[r] = v;
            }
        }
        _ => {
            for r in 0..rows {
                let (u, w) = (x[r], y[r]);
                let v = apply(op, u, w);
                // Pow: w·u^(w−1) is w·v/u, one power fewer a row, wherever u is not 0.
                (da[r], db[r]) = match op {
                    Op::Pow => (
                        if u != 0.0 { w * v / u } else { w * libm::pow(u, w - 1.0) },
                        if u > 0.0 { v * apply(Op::Log, u, 0.0) } else { 0.0 },
                    ),
                    _ => (f64::NAN, f64::NAN),
                };
                x[r] = v;
            }
        }
    }
    if a.hi > a.lo {
        chain(&mut a.grad, da);
    }
    if b.hi > b.lo {
        let start = a.grad.len();
        a.grad.extend_from_slice(&b.grad);
        chain(&mut a.grad[start..], db);
    }
    a.hi = b.hi;
}

/// a ← op(a), with the gradient by the chain rule; the common operators in loops of their own.
#[inline(always)]
fn unary(op: Op, a: &mut Slot, rows: usize, da: &mut [f64]) {
    let (x, da) = (&mut a.value[..rows], &mut da[..rows]);
    let track = a.hi > a.lo;
    let trig_inline = || x.iter().fold(true, |all, &u| all & fast::trig_inline(u));
    match op {
        Op::Neg => {
            x.iter_mut().for_each(|x| *x = -*x);
            da.fill(-1.0);
        }
        Op::Square => {
            for r in 0..rows {
                da[r] = 2.0 * x[r];
                x[r] *= x[r];
            }
        }
        Op::Inv => {
            for r in 0..rows {
                let v = 1.0 / x[r];
                da[r] = -v * v;
                x[r] = v;
            }
        }
        Op::Exp => {
            for r in 0..rows {
                let v = fast::exp::<false>(x[r]);
                da[r] = v;
                x[r] = v;
            }
        }
        Op::Log => {
            for r in 0..rows {
                da[r] = 1.0 / x[r];
                x[r] = fast::ln::<false>(x[r]);
            }
        }
        Op::Sqrt => {
            for r in 0..rows {
                let v = x[r].sqrt();
                da[r] = 0.5 / v;
                x[r] = v;
            }
        }
        Op::Sin | Op::Cos if trig_inline() => {
            for r in 0..rows {
                let u = x[r];
                let (sin, cos) = (fast::sin::<false>(u), fast::cos::<false>(u));
                (x[r], da[r]) = if op == Op::Sin { (sin, cos) } else { (cos, -sin) };
            }
        }
        _ => {
            for r in 0..rows {
                let u = x[r];
                let v = apply(op, u, 0.0);
                if track {
                    da[r] = match op {
                        Op::Cube => 3.0 * u * u,
                        Op::Sqrt => 0.5 / v,
                        Op::Exp => v,
                        Op::Log => 1.0 / u,
                        Op::Sin => apply(Op::Cos, u, 0.0),
                        Op::Cos => -apply(Op::Sin, u, 0.0),
                        Op::Tan => 1.0 + v * v,
                        Op::Asin => 1.0 / (1.0 - u * u).sqrt(),
                        Op::Acos => -1.0 / (1.0 - u * u).sqrt(),
                        Op::Atan => 1.0 / (1.0 + u * u),
                        Op::Tanh => 1.0 - v * v,
                        Op::Abs => u.signum(),
                        _ => f64::NAN,
                    };
                }
                x[r] = v;
            }
        }
    }
    if track {
        chain(&mut a.grad, da);
    }
}

/// The sums a least-squares line of y on one term f needs (Σf, Σf², Σy, Σf·y over the rows):
/// the scaling b·f + a of Keijzer (2003), for the exhaustive search's starts and the scorer's
/// scaled forms alike.
#[derive(Debug, Clone, Copy, Default)]
pub struct LineSums {
    n: f64,
    f: f64,
    ff: f64,
    y: f64,
    fy: f64,
}

impl LineSums {
    pub fn of(y: &[f64], f: &[f64]) -> LineSums {
        let mut s = LineSums { n: y.len() as f64, ..Default::default() };
        for (&y, &f) in y.iter().zip(f) {
            s.f += f;
            s.ff += f * f;
            s.y += y;
            s.fy += f * y;
        }
        s
    }

    /// b and a minimising Σ(y − b·f − a)²; None when f is flat or its sums are not finite.
    pub fn line(&self) -> Option<(f64, f64)> {
        let var = self.n * self.ff - self.f * self.f;
        if !(var.is_finite() && var > 0.0) {
            return None;
        }
        let b = (self.n * self.fy - self.f * self.y) / var;
        Some((b, (self.y - b * self.f) / self.n))
    }

    /// b minimising Σ(y − b·f)² (0 when f is all zeros).
    pub fn factor(&self) -> f64 {
        if self.ff > 0.0 {
            self.fy / self.ff
        } else {
            0.0
        }
    }

    /// a minimising Σ(y − f − a)².
    pub fn offset(&self) -> f64 {
        (self.y - self.f) / self.n
    }

    /// b minimising Σ(y − b·(1 − f))² (0 when f is 1 everywhere).
    pub fn step(&self) -> f64 {
        let one_minus_f_sq = self.n - 2.0 * self.f + self.ff;
        if one_minus_f_sq > 0.0 {
            (self.y - self.fy) / one_minus_f_sq
        } else {
            0.0
        }
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

/// The root sum of squares over the rows of ∂μ/∂c for each constant c (at most [`MAX_TUNED`]),
/// into `out`: how far the predictions move per unit of each constant. False if the formula or
/// a derivative is not finite.
pub fn sensitivities(expr: &Expr, data: &FitData, ws: &mut Workspace, out: &mut Vec<f64>) -> bool {
    out.clear();
    let k = expr.num_constants().min(MAX_TUNED);
    if eval_dual(expr, data, k, ws).is_none() {
        return false;
    }
    let rows = data.rows();
    let grad = &ws.slots[0].grad;
    out.extend((0..k).map(|c| grad[c * rows..(c + 1) * rows].iter().map(|g| g * g).sum::<f64>().sqrt()));
    out.iter().all(|g| g.is_finite())
}

fn cost(expr: &Expr, data: &FitData, ws: &mut Workspace) -> Option<f64> {
    eval_dual(expr, data, 0, ws)?;
    let cost: f64 = data.y.iter().zip(&ws.slots[0].value).map(|(y, v)| (y - v) * (y - v)).sum();
    cost.is_finite().then_some(cost)
}

/// Solves the k×k system `a x = b` (row-major) by Gaussian elimination with partial pivoting,
/// overwriting `a` and `b`; false if it is singular or the solution is not finite.
pub(crate) fn solve(a: &mut [f64], b: &mut [f64], x: &mut Vec<f64>, k: usize) -> bool {
    for col in 0..k {
        let Some(pivot) = (col..k).max_by(|&i, &j| a[i * k + col].abs().total_cmp(&a[j * k + col].abs())) else {
            return false;
        };
        if a[pivot * k + col].abs() < 1e-300 {
            return false;
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
    x.clear();
    x.resize(k, 0.0);
    for row in (0..k).rev() {
        let s: f64 = (row + 1..k).map(|c| a[row * k + c] * x[c]).sum();
        x[row] = (b[row] - s) / a[row * k + row];
    }
    x.iter().all(|v| v.is_finite())
}

/// Tunes the first [`MAX_TUNED`] constants of `expr` by Levenberg–Marquardt (Marquardt's
/// diagonal scaling), at most `iterations` accepted steps. Returns the sum of squared residuals
/// reached, or None if the formula is not finite on the data (the constants are then left as
/// they were). Constants whose form is not Real are tuned too: a tuned constant becomes Real.
pub fn fit_constants(expr: &mut Expr, data: &FitData, iterations: usize, ws: &mut Workspace) -> Option<f64> {
    fit_constants_to(expr, data, iterations, 0.0, ws)
}

/// [`fit_constants`] that also stops once an accepted step lowers the sum of squares by less
/// than `tolerance` of it (a converged fit: the exhaustive search fits every structure, and most
/// converge in a few steps).
pub fn fit_constants_to(
    expr: &mut Expr,
    data: &FitData,
    iterations: usize,
    tolerance: f64,
    ws: &mut Workspace,
) -> Option<f64> {
    let free: Vec<usize> = (0..expr.num_constants().min(MAX_TUNED)).collect();
    fit_free(expr, data, &free, iterations, tolerance, ws)
}

/// Tunes only the constants at `free` (indices in node order, ascending, each below
/// [`MAX_TUNED`]) and leaves the others, their forms included, as they are: what choosing a
/// short form for one constant asks of the constants not yet chosen. Returns the sum of squares
/// reached, or None if the formula is not finite on the data (the constants are then left as
/// they were).
pub fn fit_some_constants(
    expr: &mut Expr,
    data: &FitData,
    free: &[usize],
    iterations: usize,
    tolerance: f64,
    ws: &mut Workspace,
) -> Option<f64> {
    let free: Vec<usize> = free.iter().copied().filter(|&c| c < MAX_TUNED.min(expr.num_constants())).collect();
    fit_free(expr, data, &free, iterations, tolerance, ws)
}

/// Levenberg–Marquardt over the constants at `free` (ascending, below [`MAX_TUNED`]); a tuned
/// constant becomes Real.
fn fit_free(
    expr: &mut Expr,
    data: &FitData,
    free: &[usize],
    iterations: usize,
    tolerance: f64,
    ws: &mut Workspace,
) -> Option<f64> {
    let mut best = cost(expr, data, ws)?;
    let rows = data.rows();
    let (Some(&last), true) = (free.last(), rows > 0) else { return Some(best) };
    // Derivatives for every constant up to the last free one; the Jacobian's columns are the
    // free ones'.
    let k = free.len();
    let derived = last + 1;
    // A sum of squares at the rounding of the targets is an exact fit: nothing left to gain.
    let exact = f64::EPSILON * f64::EPSILON * data.y.iter().map(|y| y * y).sum::<f64>();
    let mut lambda = 1e-3;
    let mut n = std::mem::take(&mut ws.normal);
    for _ in 0..iterations {
        if residuals_and_jacobian(expr, data, derived, ws).is_none() {
            ws.normal = n;
            return None;
        }
        // Normal equations: (JᵀJ + λ·diag(JᵀJ)) δ = Jᵀr.
        let jac = &ws.slots[0].grad;
        let column = |c: usize| &jac[c * rows..(c + 1) * rows];
        n.jtj.clear();
        n.jtj.resize(k * k, 0.0);
        n.jtr.clear();
        for i in 0..k {
            let gi = column(free[i]);
            n.jtr.push(gi.iter().zip(&ws.residuals).map(|(g, r)| g * r).sum());
            for (j, &fj) in free.iter().enumerate().take(i + 1) {
                let gj = column(fj);
                let v: f64 = gi.iter().zip(gj).map(|(a, b)| a * b).sum();
                n.jtj[i * k + j] = v;
                n.jtj[j * k + i] = v;
            }
        }
        n.start.clear();
        let mut wanted = free.iter().peekable();
        for (c, v) in expr.constants().take(derived).enumerate() {
            if wanted.next_if_eq(&&c).is_some() {
                n.start.push(v);
            }
        }
        let mut improved = false;
        let mut converged = false;
        while lambda < 1e10 {
            n.system.clone_from(&n.jtj);
            for i in 0..k {
                n.system[i * k + i] += lambda * n.jtj[i * k + i].max(1e-12);
            }
            n.rhs.clone_from(&n.jtr);
            if !solve(&mut n.system, &mut n.rhs, &mut n.step, k) {
                lambda *= 10.0;
                continue;
            }
            set_constants(expr, free, n.start.iter().zip(&n.step).map(|(c, s)| c + s));
            match cost(expr, data, ws) {
                Some(c) if c < best => {
                    converged = best - c <= tolerance * best;
                    best = c;
                    lambda = (lambda / 3.0).max(1e-12);
                    improved = true;
                    break;
                }
                _ => {
                    set_constants(expr, free, n.start.iter().copied());
                    lambda *= 4.0;
                }
            }
        }
        if !improved || converged || best <= exact {
            break;
        }
    }
    ws.normal = n;
    Some(best)
}

/// Writes values into the constants at `free` (ascending indices in node order), marking them
/// Real.
fn set_constants(expr: &mut Expr, free: &[usize], values: impl Iterator<Item = f64>) {
    let mut targets = free.iter().copied().zip(values).peekable();
    let mut index = 0;
    for node in expr.nodes.iter_mut() {
        let Some(&(next, v)) = targets.peek() else { break };
        if let Kind::Const(value, form) = &mut node.kind {
            if index == next {
                *value = v;
                *form = crate::expr::Form::Real;
                targets.next();
            }
            index += 1;
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
                    let all: Vec<usize> = (0..k).collect();
                    set_constants(
                        &mut f,
                        &all,
                        base.iter().enumerate().map(|(j, &c)| if j == i { c + delta } else { c }),
                    );
                    let mut w = Workspace::default();
                    eval_dual(&f, &data, 0, &mut w).unwrap();
                    w.slots[0].value.clone()
                };
                let (up, down) = (shifted(h), shifted(-h));
                for r in 0..xs.len() {
                    let numeric = (up[r] - down[r]) / (2.0 * h);
                    let exact = grad[i * xs.len() + r];
                    assert!(
                        (numeric - exact).abs() < 1e-6 * (1.0 + numeric.abs()),
                        "{formula} at {}, c{i}: {numeric} vs {exact}",
                        xs[r]
                    );
                }
            }
        }
    }

    /// The fit's evaluation gives the same values and gradients, bit for bit, with leaves read
    /// in place or from slots of their own, and in the AVX2 copy or the portable one (which wasm
    /// runs): the fits, and so the search, do not depend on either.
    #[test]
    fn leaves_read_in_place_and_every_copy_give_the_same_bits() {
        use crate::expr::random::{random_expr, uniform, Grammar};
        use crate::expr::OpSet;
        use rand_chacha::rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let grammar = Grammar::new(OpSet::ALL, 2);
        let columns: Vec<Vec<f64>> =
            (0..2).map(|_| (0..37).map(|_| (uniform(&mut rng) - 0.3) * 6.0).collect()).collect();
        let y = vec![0.0; 37];
        let data = FitData { columns: columns.iter().map(Vec::as_slice).collect(), y: &y };
        // Every NaN is one (its payload and sign are not the evaluator's to keep).
        let bits = |ws: &Workspace| -> Vec<u64> {
            ws.slots[0]
                .value
                .iter()
                .chain(&ws.slots[0].grad)
                .map(|v| if v.is_nan() { u64::MAX } else { v.to_bits() })
                .collect()
        };
        let mut fused_leaves = 0;
        for _ in 0..400 {
            let e = random_expr(&mut rng, &grammar, 30);
            fused_leaves += (0..e.len()).filter(|&i| leaf_operand_of(&e.nodes, i).is_some()).count();
            for k in [0, e.num_constants().min(MAX_TUNED)] {
                let (mut plain, mut fused, mut dispatched) =
                    (Workspace::default(), Workspace::default(), Workspace::default());
                let a = eval_dual_rows::<false>(&e, &data, k, &mut plain);
                let b = eval_dual_rows::<true>(&e, &data, k, &mut fused);
                let c = eval_dual(&e, &data, k, &mut dispatched);
                assert_eq!(a, b, "{e:?}");
                assert_eq!(a, c, "{e:?}");
                if a.is_some() {
                    let want = bits(&plain);
                    assert!(want == bits(&fused) && want == bits(&dispatched), "{e:?} with {k} constants tracked");
                }
            }
        }
        assert!(fused_leaves > 400, "the formulas must put leaves before + − × ÷ ({fused_leaves})");
    }

    /// Fitting some constants leaves the others, and their forms, as they were.
    #[test]
    fn only_the_free_constants_move() {
        let xs: Vec<f64> = (1..=12).map(|i| i as f64).collect();
        let ys: Vec<f64> = xs.iter().map(|x| 3.0 * libm::exp(0.25 * x) + 2.0).collect();
        let data = FitData { columns: vec![&xs], y: &ys };
        let mut e = parse("3 * exp(0.2 * x) + 1.0", &["x"]).unwrap();
        e.nodes[0].kind = Kind::Const(3.0, crate::expr::Form::Integer);
        let cost = fit_some_constants(&mut e, &data, &[1, 2], 50, 0.0, &mut Workspace::default()).unwrap();
        let c: Vec<f64> = e.constants().collect();
        assert!(cost < 1e-12 && (c[1] - 0.25).abs() < 1e-8 && (c[2] - 2.0).abs() < 1e-8, "{c:?}, cost {cost}");
        assert_eq!(c[0], 3.0);
        assert!(
            matches!(e.nodes[0].kind, Kind::Const(_, crate::expr::Form::Integer)),
            "the frozen constant keeps its form"
        );
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
