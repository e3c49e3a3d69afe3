//! Evaluation of a formula on data columns.
//!
//! [`eval_scalar`] is the oracle: one row at a time, std's f64 functions ([`Op::apply`]), no
//! cleverness. [`eval`] and [`Evaluator`] are the fast path: rows are cut into blocks of
//! [`BLOCK`], and each node is computed for a whole block into a stack of block buffers, in
//! fixed-length loops that LLVM vectorises. On x86-64 the same code is compiled a second time with
//! AVX2 and FMA enabled and chosen at run time; on wasm it gets simd128 from the build flags. The
//! transcendental functions come from [`approx`], branch-free; the few lanes they
//! do not cover (huge trigonometric arguments, pow with a non-positive or non-finite operand) are
//! sent to std, so special values equal the oracle's. A leaf right before + − × ÷ is read where
//! it lies (the column's rows, or the constant) rather than copied into a buffer first; the
//! operation is the same, so the bits are.
//!
//! Both paths are generic over [`Real`] (f64, and f32 for throughput comparisons).

use std::fmt::Debug;
use std::ops::{Add, Div, Mul, Neg, Sub};

use super::approx;
use super::error::EvalError;
use super::node::{leaf_operand_of, Kind, Node};
use super::op::Op;
use super::tree::Shape;
use super::Expr;

/// Rows evaluated together. 64 f64 rows are 16 AVX2 vectors: long enough to amortise the
/// per-node dispatch, short enough that a deep stack of buffers stays in L1.
pub const BLOCK: usize = 64;

type Block<T> = [T; BLOCK];

/// Column-major data: one slice per variable, all with `rows` entries. Variable `j` of a
/// formula reads column `j`.
#[derive(Debug, Clone)]
pub struct Columns<'a, T = f64> {
    columns: Vec<&'a [T]>,
    rows: usize,
}

impl<'a, T> Columns<'a, T> {
    /// Checks that every column has `rows` entries (`rows` is explicit so that a table with no
    /// columns still has a row count for constant formulas).
    pub fn new(columns: Vec<&'a [T]>, rows: usize) -> Result<Self, EvalError> {
        check_columns(&columns, rows)?;
        Ok(Columns { columns, rows })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    pub fn column(&self, index: usize) -> Option<&'a [T]> {
        self.columns.get(index).copied()
    }
}

fn check_columns<T>(columns: &[&[T]], rows: usize) -> Result<(), EvalError> {
    match columns.iter().position(|c| c.len() != rows) {
        Some(column) => Err(EvalError::ColumnLength { column, rows: columns[column].len(), expected: rows }),
        None => Ok(()),
    }
}

/// A float type the evaluator runs in: std's functions for the oracle, and the branch-free
/// approximations of [`approx`] for the block evaluator.
pub trait Real:
    Copy
    + Default
    + Debug
    + PartialOrd
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    fn from_f64(value: f64) -> Self;
    fn to_f64(self) -> f64;
    /// The operator with std's functions of this type (the oracle).
    fn apply_std(op: Op, a: Self, b: Self) -> Self;
    fn sqrt(self) -> Self;
    fn abs(self) -> Self;
    fn exp_fast<const FMA: bool>(self) -> Self;
    fn ln_fast<const FMA: bool>(self) -> Self;
    fn sin_fast<const FMA: bool>(self) -> Self;
    fn cos_fast<const FMA: bool>(self) -> Self;
    fn tan_fast<const FMA: bool>(self) -> Self;
    fn asin_fast<const FMA: bool>(self) -> Self;
    fn acos_fast<const FMA: bool>(self) -> Self;
    fn atan_fast<const FMA: bool>(self) -> Self;
    fn tanh_fast<const FMA: bool>(self) -> Self;
    fn pow_fast<const FMA: bool>(self, y: Self) -> Self;
    /// Whether `trig_fast` covers x; other lanes use std.
    fn trig_inline(self) -> bool;
    /// Whether `pow_fast` covers (x, y); other lanes use std.
    fn pow_inline(self, y: Self) -> bool;
}

macro_rules! impl_real {
    ($t:ident) => {
        impl Real for $t {
            #[inline(always)]
            fn from_f64(value: f64) -> Self {
                value as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            fn apply_std(op: Op, a: Self, b: Self) -> Self {
                match op {
                    Op::Add => a + b,
                    Op::Sub => a - b,
                    Op::Mul => a * b,
                    Op::Div => a / b,
                    Op::Pow => libm::Libm::<$t>::pow(a, b),
                    Op::Square => a * a,
                    Op::Cube => a * a * a,
                    Op::Sqrt => a.sqrt(),
                    Op::Exp => libm::Libm::<$t>::exp(a),
                    Op::Log => libm::Libm::<$t>::log(a),
                    Op::Sin => libm::Libm::<$t>::sin(a),
                    Op::Cos => libm::Libm::<$t>::cos(a),
                    Op::Tan => libm::Libm::<$t>::tan(a),
                    Op::Asin => libm::Libm::<$t>::asin(a),
                    Op::Acos => libm::Libm::<$t>::acos(a),
                    Op::Atan => libm::Libm::<$t>::atan(a),
                    Op::Tanh => libm::Libm::<$t>::tanh(a),
                    Op::Abs => a.abs(),
                    Op::Neg => -a,
                    Op::Inv => 1.0 / a,
                }
            }
            #[inline(always)]
            fn sqrt(self) -> Self {
                $t::sqrt(self)
            }
            #[inline(always)]
            fn abs(self) -> Self {
                $t::abs(self)
            }
            #[inline(always)]
            fn exp_fast<const FMA: bool>(self) -> Self {
                approx::$t::exp::<FMA>(self)
            }
            #[inline(always)]
            fn ln_fast<const FMA: bool>(self) -> Self {
                approx::$t::ln::<FMA>(self)
            }
            #[inline(always)]
            fn sin_fast<const FMA: bool>(self) -> Self {
                approx::$t::sin::<FMA>(self)
            }
            #[inline(always)]
            fn cos_fast<const FMA: bool>(self) -> Self {
                approx::$t::cos::<FMA>(self)
            }
            #[inline(always)]
            fn tan_fast<const FMA: bool>(self) -> Self {
                approx::$t::tan::<FMA>(self)
            }
            #[inline(always)]
            fn asin_fast<const FMA: bool>(self) -> Self {
                approx::$t::asin::<FMA>(self)
            }
            #[inline(always)]
            fn acos_fast<const FMA: bool>(self) -> Self {
                approx::$t::acos::<FMA>(self)
            }
            #[inline(always)]
            fn atan_fast<const FMA: bool>(self) -> Self {
                approx::$t::atan::<FMA>(self)
            }
            #[inline(always)]
            fn tanh_fast<const FMA: bool>(self) -> Self {
                approx::$t::tanh::<FMA>(self)
            }
            #[inline(always)]
            fn pow_fast<const FMA: bool>(self, y: Self) -> Self {
                approx::$t::pow::<FMA>(self, y)
            }
            #[inline(always)]
            fn trig_inline(self) -> bool {
                approx::$t::trig_inline(self)
            }
            #[inline(always)]
            fn pow_inline(self, y: Self) -> bool {
                approx::$t::pow_inline(self, y)
            }
        }
    };
}

impl_real!(f64);
impl_real!(f32);

/// The oracle: evaluates `expr` row by row with std's f64 functions. `out` has one entry per
/// row and every column as many rows.
pub fn eval_scalar(expr: &Expr, columns: &[&[f64]], out: &mut [f64]) -> Result<(), EvalError> {
    let shape = check(expr, columns, out.len())?;
    let mut stack = Vec::with_capacity(shape.stack_depth);
    for (row, y) in out.iter_mut().enumerate() {
        stack.clear();
        for node in &expr.nodes {
            let value = match node.kind {
                Kind::Var(j) => columns[usize::from(j)][row],
                Kind::Const(c, _) => c,
                Kind::Op(op) => {
                    let b = if op.arity() == 2 { stack.pop().unwrap_or(f64::NAN) } else { 0.0 };
                    let a = stack.pop().unwrap_or(f64::NAN);
                    op.apply(a, b)
                }
            };
            stack.push(value);
        }
        *y = stack.pop().unwrap_or(f64::NAN);
    }
    Ok(())
}

/// Evaluates `expr` on every row of `data` into `out` with the block evaluator.
pub fn eval<T: Real>(expr: &Expr, data: &Columns<T>, out: &mut [T]) -> Result<(), EvalError> {
    Evaluator::new().eval(expr, data, out)
}

/// Evaluates each formula of `exprs` into its own run of `data.rows()` entries of `out`
/// (formula `k` fills `out[k * rows .. (k + 1) * rows]`).
pub fn eval_batch<T: Real>(exprs: &[Expr], data: &Columns<T>, out: &mut [T]) -> Result<(), EvalError> {
    Evaluator::new().eval_batch(exprs, data, out)
}

/// The block evaluator with its scratch buffers, to be kept and reused across calls (a search
/// evaluates millions of formulas; the buffers are allocated once).
#[derive(Debug, Clone)]
pub struct Evaluator<T: Real = f64> {
    stack: Vec<Block<T>>,
    simd: Simd,
}

impl<T: Real> Default for Evaluator<T> {
    fn default() -> Self {
        Evaluator::new()
    }
}

impl<T: Real> Evaluator<T> {
    /// An evaluator whose results are the same bits on every machine and in wasm: the widest
    /// vectors this CPU has, but no fused multiply-add (which rounds once where wasm rounds
    /// twice). The search uses it, so a seed gives the same front everywhere.
    pub fn new() -> Self {
        Evaluator { stack: Vec::new(), simd: Simd::exact() }
    }

    /// The fastest evaluator this CPU allows, fused multiply-adds included: for throughput
    /// figures, where the last bits do not matter.
    pub fn fastest() -> Self {
        Evaluator { stack: Vec::new(), simd: Simd::fastest() }
    }

    /// An evaluator that never uses the run-time-selected AVX2+FMA code: the portable build, as
    /// wasm runs it (for tests and comparisons).
    pub fn portable() -> Self {
        Evaluator { stack: Vec::new(), simd: Simd::Portable }
    }

    /// Evaluates `expr` on every row of `data` into `out` (one entry per row).
    pub fn eval(&mut self, expr: &Expr, data: &Columns<T>, out: &mut [T]) -> Result<(), EvalError> {
        let shape = check(expr, &data.columns, out.len())?;
        self.run(&expr.nodes, shape, &data.columns, out);
        Ok(())
    }

    /// [`eval_batch`] with this evaluator's buffers.
    pub fn eval_batch(&mut self, exprs: &[Expr], data: &Columns<T>, out: &mut [T]) -> Result<(), EvalError> {
        let expected = exprs.len().saturating_mul(data.rows);
        if out.len() != expected {
            return Err(EvalError::OutputLength { found: out.len(), expected });
        }
        if data.rows == 0 {
            return exprs.iter().try_for_each(|e| check(e, &data.columns, 0).map(|_| ()));
        }
        for (expr, out) in exprs.iter().zip(out.chunks_mut(data.rows)) {
            let shape = check(expr, &data.columns, out.len())?;
            self.run(&expr.nodes, shape, &data.columns, out);
        }
        Ok(())
    }

    fn run(&mut self, nodes: &[Node], shape: Shape, columns: &[&[T]], out: &mut [T]) {
        if self.stack.len() < shape.stack_depth {
            self.stack.resize(shape.stack_depth, [T::default(); BLOCK]);
        }
        let stack = &mut self.stack[..shape.stack_depth];
        match self.simd {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `Simd::Avx2Fma` is only chosen after detecting both features at run time.
            Simd::Avx2Fma => unsafe { eval_blocks_avx2(nodes, columns, out, stack) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `Simd::Avx2` is only chosen after detecting AVX2 at run time.
            Simd::Avx2 => unsafe { eval_blocks_avx2_exact(nodes, columns, out, stack) },
            _ => eval_blocks::<T, false>(nodes, columns, out, stack),
        }
    }
}

/// Which compiled copy of the block loop to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Simd {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx2Fma,
}

impl Simd {
    /// The widest vectors without changing a single bit of the results.
    fn exact() -> Simd {
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") {
            return Simd::Avx2;
        }
        Simd::Portable
    }

    /// True for the copy that fuses multiply-adds.
    #[cfg(test)]
    pub(crate) fn fused(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        if self == Simd::Avx2Fma {
            return true;
        }
        false
    }

    /// The fastest code, fused multiply-adds included (results may differ in the last bits).
    fn fastest() -> Simd {
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            return Simd::Avx2Fma;
        }
        Simd::exact()
    }
}

/// Checks the formula against the data and the output before any indexing: after this, every
/// variable index, column and stack slot the loops touch exists.
fn check<T>(expr: &Expr, columns: &[&[T]], rows: usize) -> Result<Shape, EvalError> {
    let shape = expr.shape()?;
    if let Some(index) = shape.max_var.filter(|&j| usize::from(j) >= columns.len()) {
        return Err(EvalError::NoSuchColumn { index, columns: columns.len() });
    }
    check_columns(columns, rows)?;
    Ok(shape)
}

/// The block loop compiled with AVX2 and FMA.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn eval_blocks_avx2<T: Real>(nodes: &[Node], columns: &[&[T]], out: &mut [T], stack: &mut [Block<T>]) {
    eval_blocks::<T, true>(nodes, columns, out, stack)
}

/// The portable arithmetic (no fused multiply-add) in 256-bit vectors: the same bits as the
/// portable build and as wasm, faster.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn eval_blocks_avx2_exact<T: Real>(nodes: &[Node], columns: &[&[T]], out: &mut [T], stack: &mut [Block<T>]) {
    eval_blocks::<T, false>(nodes, columns, out, stack)
}

/// Runs the postfix program once per block of rows. The caller has validated `nodes` against
/// `columns` and sized `stack` to the formula's stack depth. The last block is computed at full
/// width (stale lanes are harmless: float arithmetic never traps) and only its rows are copied.
#[inline(always)]
fn eval_blocks<T: Real, const FMA: bool>(nodes: &[Node], columns: &[&[T]], out: &mut [T], stack: &mut [Block<T>]) {
    for (block, chunk) in out.chunks_mut(BLOCK).enumerate() {
        let rows = block * BLOCK..block * BLOCK + chunk.len();
        let mut top = 0;
        let mut i = 0;
        while i < nodes.len() {
            // A leaf right before an arithmetic operator is that operator's right operand: it is
            // applied to the top of the stack where it lies (the column or the constant read in
            // place), which saves writing the leaf into a buffer and reading it back. The
            // operation and its operands are the same, so the bits are too.
            let fused = leaf_operand_of(nodes, i).filter(|_| top > 0);
            match (nodes[i].kind, fused) {
                (Kind::Var(j), Some(op)) => {
                    let column = &columns[usize::from(j)][rows.clone()];
                    let a = &mut stack[top - 1];
                    match <&Block<T>>::try_from(column) {
                        Ok(full) => arithmetic(op, a, full),
                        Err(_) => arithmetic(op, &mut a[..column.len()], column),
                    }
                    i += 1;
                }
                (Kind::Const(c, _), Some(op)) => {
                    arithmetic_constant(op, &mut stack[top - 1], T::from_f64(c));
                    i += 1;
                }
                (Kind::Var(j), None) => {
                    stack[top][..chunk.len()].copy_from_slice(&columns[usize::from(j)][rows.clone()]);
                    top += 1;
                }
                (Kind::Const(c, _), None) => {
                    stack[top] = [T::from_f64(c); BLOCK];
                    top += 1;
                }
                (Kind::Op(op), _) if op.arity() == 2 => {
                    let (below, above) = stack.split_at_mut(top - 1);
                    binary::<T, FMA>(op, &mut below[top - 2], &above[0]);
                    top -= 1;
                }
                (Kind::Op(op), _) => unary::<T, FMA>(op, &mut stack[top - 1]),
            }
            i += 1;
        }
        chunk.copy_from_slice(&stack[0][..chunk.len()]);
    }
}

/// `a ← a op b` lane by lane for the four arithmetic operators (a full block's slices have a
/// length LLVM sees once this is inlined, and vectorises).
#[inline(always)]
fn arithmetic<T: Real>(op: Op, a: &mut [T], b: &[T]) {
    let lanes = a.iter_mut().zip(b);
    match op {
        Op::Add => lanes.for_each(|(x, &y)| *x = *x + y),
        Op::Sub => lanes.for_each(|(x, &y)| *x = *x - y),
        Op::Mul => lanes.for_each(|(x, &y)| *x = *x * y),
        Op::Div => lanes.for_each(|(x, &y)| *x = *x / y),
        // Only the four arithmetic operators are fused.
        _ => {}
    }
}

/// `a ← a op c` for a constant right operand.
#[inline(always)]
fn arithmetic_constant<T: Real>(op: Op, a: &mut Block<T>, c: T) {
    match op {
        Op::Add => map1(a, |x| x + c),
        Op::Sub => map1(a, |x| x - c),
        Op::Mul => map1(a, |x| x * c),
        Op::Div => map1(a, |x| x / c),
        _ => {}
    }
}

#[inline(always)]
fn map1<T: Real>(a: &mut Block<T>, f: impl Fn(T) -> T) {
    for x in a.iter_mut() {
        *x = f(*x);
    }
}

#[inline(always)]
fn map2<T: Real>(a: &mut Block<T>, b: &Block<T>, f: impl Fn(T, T) -> T) {
    for (x, &y) in a.iter_mut().zip(b) {
        *x = f(*x, y);
    }
}

/// A unary map whose fast version covers only the lanes where `inline` holds. A block with
/// other lanes is still computed fast throughout (a select-free loop, vectorised), and then only
/// those lanes are recomputed with std from the block's inputs, kept aside: one huge argument
/// (sin of an overflowing exponential) costs one std call, not a scalar block.
#[inline(always)]
fn map1_guarded<T: Real>(a: &mut Block<T>, inline: impl Fn(T) -> bool, fast: impl Fn(T) -> T, exact: impl Fn(T) -> T) {
    if a.iter().fold(true, |all, &x| all & inline(x)) {
        map1(a, fast);
    } else {
        let inputs = *a;
        map1(a, fast);
        for (x, &input) in a.iter_mut().zip(&inputs) {
            if !inline(input) {
                *x = exact(input);
            }
        }
    }
}

#[inline(always)]
fn binary<T: Real, const FMA: bool>(op: Op, a: &mut Block<T>, b: &Block<T>) {
    match op {
        Op::Add => map2(a, b, |x, y| x + y),
        Op::Sub => map2(a, b, |x, y| x - y),
        Op::Mul => map2(a, b, |x, y| x * y),
        Op::Div => map2(a, b, |x, y| x / y),
        Op::Pow => {
            if a.iter().zip(b).fold(true, |all, (&x, &y)| all & x.pow_inline(y)) {
                // A plain loop, not `map2` with a closure: LLVM declines to inline a closure
                // this large, and an out-of-line closure loses the caller's AVX2 (scalar code,
                // ten times slower).
                for (x, &y) in a.iter_mut().zip(b) {
                    *x = x.pow_fast::<FMA>(y);
                }
            } else {
                // As in `map1_guarded`: every lane fast, then std on the lanes it must do.
                let bases = *a;
                for (x, &y) in a.iter_mut().zip(b) {
                    *x = x.pow_fast::<FMA>(y);
                }
                for ((x, &base), &y) in a.iter_mut().zip(&bases).zip(b) {
                    if !base.pow_inline(y) {
                        *x = T::apply_std(Op::Pow, base, y);
                    }
                }
            }
        }
        // Unary operators never reach here; leaving the block unchanged keeps this total.
        _ => {}
    }
}

#[inline(always)]
fn unary<T: Real, const FMA: bool>(op: Op, a: &mut Block<T>) {
    let one = T::from_f64(1.0);
    match op {
        Op::Square => map1(a, |x| x * x),
        Op::Cube => map1(a, |x| x * x * x),
        Op::Sqrt => map1(a, T::sqrt),
        Op::Exp => map1(a, T::exp_fast::<FMA>),
        Op::Log => map1(a, T::ln_fast::<FMA>),
        Op::Sin => map1_guarded(a, T::trig_inline, T::sin_fast::<FMA>, |x| T::apply_std(Op::Sin, x, x)),
        Op::Cos => map1_guarded(a, T::trig_inline, T::cos_fast::<FMA>, |x| T::apply_std(Op::Cos, x, x)),
        Op::Tan => map1_guarded(a, T::trig_inline, T::tan_fast::<FMA>, |x| T::apply_std(Op::Tan, x, x)),
        Op::Asin => map1(a, T::asin_fast::<FMA>),
        Op::Acos => map1(a, T::acos_fast::<FMA>),
        Op::Atan => map1(a, T::atan_fast::<FMA>),
        Op::Tanh => map1(a, T::tanh_fast::<FMA>),
        Op::Abs => map1(a, T::abs),
        Op::Neg => map1(a, |x| -x),
        Op::Inv => map1(a, |x| one / x),
        // Binary operators never reach here.
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests compare against std's functions
#[path = "eval_tests.rs"]
mod tests;
