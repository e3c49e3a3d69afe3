//! The exhaustive search: every formula structure up to a length, its constants fitted, scored
//! in occam's code. It runs before the genetic search and seeds its islands.
//!
//! Short laws are where a genetic search is least reliable and an exhaustive one cheapest: on a
//! table of a dozen measured rows, the shortest description is usually a formula of five to
//! nine symbols (c·a^c, c + c·e^(c·t), c/(c − c/n²)), and there are few enough such structures
//! to fit them all (Exhaustive Symbolic Regression: Bartlett, Desmond & Ferreira, IEEE TEVC
//! 2024). [`run`] walks the lengths in order ([`Levels`]), fits each structure's constants by
//! Levenberg–Marquardt from a few starting points scaled to the variables they meet, scores it
//! as the genetic search would, and keeps a Pareto [`Archive`]. It covers as many lengths as its
//! [`Budget`] allows, deciding before each length from its exact count, and says which length
//! it completed: within it, no formula in the alphabet is shorter in occam's code than its front
//! (up to the local optima of the constant fits).
//!
//! Structures are fitted in parallel in batches, each with its own seeded starting points, and
//! offered to the archive in enumeration order, so the result does not depend on the threads.

use rayon::prelude::*;

use super::archive::Archive;
use super::enumerate::Levels;
use super::individual::{Individual, Score};
use super::optimize::{fit_constants_to, FitData, LineSums};
use super::score::{Scorer, Scratch};
use super::sums::{self, Kernel};
use crate::control::{Cancel, Clock};
use crate::expr::{Expr, Kind, Op, OpSet};
use crate::random::Rng;

/// Structures fitted between progress reports and budget checks.
const BATCH: usize = 1024;

/// Levenberg–Marquardt steps for each start, and the relative decrease that ends a fit early.
const LM_STEPS: usize = 16;
const LM_TOLERANCE: f64 = 1e-5;

/// The most structures held in memory for building the next length (two bytes a node plus
/// their bookkeeping: about 60 MB at this cap for length-8 structures).
const MAX_STORED: usize = 1_500_000;

/// On a table of more than four times this many training rows, structures of [`SCREEN_FROM`]
/// symbols or more are screened: fitted and scored first on this many rows spread over the
/// table (with every column's extremes), where a fit costs a fraction of one on the tuning rows
/// and the sample ([`Scorer::screen`]). An exact law fits a few rows exactly, and a formula
/// that misses the data by a lot on the table misses it on a spread of its rows too.
pub const SCREEN_ROWS: usize = 16;

/// The shortest structures screened: shorter ones, few and the kernels of the [`sums`], are all
/// fitted in full.
pub const SCREEN_FROM: usize = sums::KERNEL_LENGTH + 1;

/// How many of a batch's screened formulas are fitted again in full: the best by their
/// screened totals (besides the batch's Pareto front, which is always).
const SURVIVORS: usize = 32;

/// How many structures left out by their units (never fitted: a pass over a few nodes) weigh as
/// much against [`Budget::max_structures`] as one fitted.
pub const SKIPPED_PER_FITTED: u64 = 50;

/// How far the exhaustive search may go.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// Longest structure, in nodes.
    pub max_length: usize,
    /// Most structures fitted in all: a bound that does not depend on the machine. Structures
    /// whose units cannot work out are not fitted and count only a [`SKIPPED_PER_FITTED`]th.
    pub max_structures: u64,
    /// Clock time by which the search must end, if any. A length is begun only if, at the rate
    /// measured so far, it would end in time; one that overruns is abandoned at a batch.
    pub deadline: Option<f64>,
}

/// What the exhaustive search found.
#[derive(Debug, Clone)]
pub struct Exhaustive {
    /// The Pareto front of the structures fitted.
    pub front: Archive,
    /// The shortest totals found (at most `elites` formulas, distinct), shortest first: the
    /// seeds of the genetic search.
    pub elites: Vec<Individual>,
    /// Every structure of up to this many nodes was fitted (0 if not even the leaves).
    pub complete_length: usize,
    /// Structures enumerated.
    pub structures: u64,
    /// Of those, the ones fitted (the rest were left out by their units).
    pub fitted: u64,
    /// Pairs of kernels whose sums and products were fitted ([`sums`]), each with and without
    /// an offset.
    pub sums: u64,
}

/// Fits every structure over the scorer's features and `ops`, length by length, within
/// `budget`. `progress` is called after each batch with the front so far, the structures
/// fitted and the length completed.
#[allow(clippy::too_many_arguments)]
pub fn run(
    scorer: &Scorer,
    ops: OpSet,
    vars: u16,
    budget: Budget,
    archive_size: usize,
    elites: usize,
    seed: u64,
    cancel: &Cancel,
    clock: &dyn Clock,
    progress: &mut dyn FnMut(&Archive, u64, usize),
) -> Exhaustive {
    let data = scorer.fit_data();
    let scales = Sizes::of(&data);
    let mut state = State {
        found: Exhaustive {
            front: Archive::new(archive_size),
            elites: Vec::new(),
            complete_length: 0,
            structures: 0,
            fitted: 0,
            sums: 0,
        },
        elites,
        pool: Vec::new(),
        factors: Vec::new(),
    };
    // On a long table, structures of SCREEN_FROM symbols or more are fitted on a few rows
    // first, and only the most promising of each batch on the tuning rows; except a frequency
    // inside sin or cos, which a few rows alias.
    let screen = scorer.screen(SCREEN_ROWS);
    let screen_data = screen.as_ref().map(Scorer::fit_data);
    let screened = |length: usize| screen.is_some() && length >= SCREEN_FROM;
    let fit = |batch: &[Expr], first: u64| -> Vec<Fitted> {
        let screening = batch.first().is_some_and(|e| screened(e.len()));
        let fitted: Vec<(Fitted, bool)> = batch
            .par_iter()
            .enumerate()
            .map_init(Fitter::default, |f, (i, e)| match (&screen, &screen_data) {
                (Some(screen), Some(screen_data)) if screening && !has_frequency(e, &scales.scales) => {
                    (f.structure(e, screen, screen_data, &scales, seed, first + i as u64), true)
                }
                _ => (f.structure(e, scorer, &data, &scales, seed, first + i as u64), false),
            })
            .collect();
        if screening {
            confirm(fitted, scorer, &data)
        } else {
            fitted.into_iter().map(|(f, _)| f).collect()
        }
    };
    let over = |clock: &dyn Clock| budget.deadline.is_some_and(|d| clock.seconds() >= d);
    // Sums of two of the best short kernels, in batches while the budget lasts: once the
    // kernels are complete, or at the end if they never were.
    let mut summed = false;
    let add_sums = |state: &mut State, progress: &mut dyn FnMut(&Archive, u64, usize)| {
        if !sums::writable(ops) {
            return;
        }
        let pool = sums::with_factors(std::mem::take(&mut state.pool), &state.factors);
        for batch in sums::pairs(&pool).chunks(BATCH / 4) {
            if cancel.is_cancelled() || over(clock) {
                break;
            }
            let scored = sums::fit(&pool, batch, scorer, &data);
            state.found.sums += scored.len() as u64;
            state.offer_all(scored);
            progress(&state.found.front, state.found.structures, state.found.complete_length);
        }
    };

    // Length 1: the variables and the constant.
    let mut levels = Levels::new(ops, vars);
    if budget.max_length == 0 || budget.max_structures < levels.count_stored(1) as u64 {
        return state.found;
    }
    let began = clock.seconds();
    let leaves = levels.structures(1);
    let scored = fit(&leaves, 0);
    state.offer(scored);
    // Seconds and structures of the lengths fitted in full [0] and screened [1] (the leaves
    // are never screened).
    let mut timed = [(clock.seconds() - began, state.found.structures), (0.0, 0u64)];
    state.found.complete_length = 1;
    progress(&state.found.front, state.found.structures, state.found.complete_length);

    'lengths: for n in 2..=budget.max_length {
        if cancel.is_cancelled() || over(clock) {
            break;
        }
        // Store length n − 1 to build length n from it.
        while levels.stored() < n - 1 {
            if levels.count_stored(levels.stored()) > MAX_STORED || levels.bound_next() > 4.0 * MAX_STORED as f64 {
                break 'lengths;
            }
            levels.extend();
        }
        // The work so far, and the share of structures fitted (units leave some out), decide
        // whether the next length fits in what is left.
        let screening = screened(n);
        let spent = state.found.fitted + (state.found.structures - state.found.fitted) / SKIPPED_PER_FITTED;
        let left = budget.max_structures.saturating_sub(spent);
        let share = state.found.fitted as f64 / state.found.structures.max(1) as f64;
        let weight = share + (1.0 - share) / SKIPPED_PER_FITTED as f64;
        if levels.bound_next() * weight > 8.0 * left as f64 + 1e4 {
            break;
        }
        let count = levels.count_next();
        if count as f64 * weight > left as f64 {
            break;
        }
        // The time a structure takes grows with its length; measured on the shorter ones fitted
        // the same way (the first screened length is begun on trust, and abandoned at a batch
        // if it overruns).
        let (seconds, structures) = timed[screening as usize];
        if let (Some(deadline), true) = (budget.deadline, structures > 0) {
            let rate = seconds / structures as f64 * n as f64 / (n - 1) as f64;
            if clock.seconds() + rate * count as f64 > deadline {
                break;
            }
        }
        let (began, before) = (clock.seconds(), state.found.structures);
        let mut batch = Vec::with_capacity(BATCH);
        let mut abandoned = false;
        levels.visit(|e| {
            batch.push(e);
            if batch.len() == BATCH {
                let scored = fit(&batch, state.found.structures);
                batch.clear();
                state.offer(scored);
                progress(&state.found.front, state.found.structures, state.found.complete_length);
                if cancel.is_cancelled() || over(clock) {
                    abandoned = true;
                    return false;
                }
            }
            true
        });
        if abandoned {
            break;
        }
        let scored = fit(&batch, state.found.structures);
        state.offer(scored);
        let timing = &mut timed[screening as usize];
        timing.0 += clock.seconds() - began;
        timing.1 += state.found.structures - before;
        state.found.complete_length = n;
        progress(&state.found.front, state.found.structures, state.found.complete_length);
        if n == sums::KERNEL_LENGTH {
            add_sums(&mut state, progress);
            summed = true;
        }
    }

    if !summed {
        add_sums(&mut state, progress);
    }
    state.found
}

/// One structure's results: fitted alone and under a scaling, and the scaled fit's kernel for
/// the sums when the structure is short enough; `fitted` is false for a structure its units
/// left out.
struct Fitted {
    found: [Option<Individual>; 2],
    kernel: Option<Kernel>,
    fitted: bool,
}

struct State {
    found: Exhaustive,
    elites: usize,
    /// The best short kernels so far, for the sums, and the factors (e^(c·x), sin(c·x),
    /// cos(c·x)), which join them whatever their rank.
    pool: Vec<Kernel>,
    factors: Vec<Kernel>,
}

impl State {
    /// Offers a batch's results in enumeration order.
    fn offer(&mut self, scored: Vec<Fitted>) {
        self.found.structures += scored.len() as u64;
        self.found.fitted += scored.iter().filter(|f| f.fitted).count() as u64;
        let mut found = Vec::with_capacity(scored.len());
        for fitted in scored {
            if let Some(kernel) = fitted.kernel {
                if sums::is_factor(&kernel.expr) {
                    self.factors.push(kernel.clone());
                }
                sums::keep(&mut self.pool, kernel);
            }
            found.push(fitted.found);
        }
        self.offer_all(found);
    }

    /// Offers formulas to the front and the elites, in order.
    fn offer_all<const N: usize>(&mut self, scored: Vec<[Option<Individual>; N]>) {
        for ind in scored.into_iter().flatten().flatten() {
            self.found.front.offer(&ind);
            let elites = &mut self.found.elites;
            if elites.iter().any(|e| e.hash == ind.hash) {
                continue;
            }
            let at = elites.partition_point(|e| !ind.score.better_than(&e.score));
            if at < self.elites {
                elites.insert(at, ind);
                elites.truncate(self.elites);
            }
        }
    }
}

/// A batch whose screened structures (marked true) have their most promising formulas
/// ([`survivors`]) fitted again in full, on the tuning rows from their screened constants, and
/// scored on the scorer's sample; the other screened formulas are dropped, and the structures
/// fitted in full kept as they are.
fn confirm(batch: Vec<(Fitted, bool)>, scorer: &Scorer, data: &FitData) -> Vec<Fitted> {
    let keep = survivors(&batch);
    let confirmed: Vec<Option<Individual>> = keep
        .par_iter()
        .map_init(Fitter::default, |f, &(i, slot)| {
            batch[i].0.found[slot].as_ref().and_then(|ind| f.refit(&ind.expr, scorer, data))
        })
        .collect();
    let mut out: Vec<Fitted> = batch
        .into_iter()
        .map(|(f, screened)| if screened { Fitted { found: [None, None], kernel: None, fitted: f.fitted } } else { f })
        .collect();
    for ((i, slot), ind) in keep.into_iter().zip(confirmed) {
        out[i].found[slot] = ind;
    }
    out
}

/// The (structure, form) pairs among a batch's screened structures worth fitting in full, in
/// enumeration order: the [`SURVIVORS`] shortest totals, and the Pareto front of model against
/// data bits, so that the front keeps its short, loose end.
fn survivors(batch: &[(Fitted, bool)]) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize, Score)> = batch
        .iter()
        .enumerate()
        .filter(|(_, (_, screened))| *screened)
        .flat_map(|(i, (f, _))| {
            f.found.iter().enumerate().filter_map(move |(slot, ind)| ind.as_ref().map(|ind| (i, slot, ind.score)))
        })
        .filter(|(_, _, score)| score.total().is_finite())
        .collect();
    let order = |a: &(usize, usize, Score), b: &(usize, usize, Score)| (a.0, a.1).cmp(&(b.0, b.1));
    found.sort_by(|a, b| {
        a.2.total().total_cmp(&b.2.total()).then(a.2.model_bits.total_cmp(&b.2.model_bits)).then(order(a, b))
    });
    let mut keep: Vec<(usize, usize)> = found.iter().take(SURVIVORS).map(|&(i, slot, _)| (i, slot)).collect();
    found.sort_by(|a, b| {
        a.2.model_bits.total_cmp(&b.2.model_bits).then(a.2.data_bits.total_cmp(&b.2.data_bits)).then(order(a, b))
    });
    let mut lowest = f64::INFINITY;
    for &(i, slot, score) in &found {
        if score.data_bits < lowest {
            lowest = score.data_bits;
            keep.push((i, slot));
        }
    }
    keep.sort_unstable();
    keep.dedup();
    keep
}

/// Whether a constant of `e` is a frequency inside sin or cos.
fn has_frequency(e: &Expr, scales: &[f64]) -> bool {
    roles(e, scales).0.iter().any(|r| matches!(r, Role::Frequency(..)))
}

/// One thread's buffers for fitting structures.
#[derive(Default)]
struct Fitter {
    scratch: Scratch,
    /// f's values on the fitting rows, for its least-squares scaling.
    values: Vec<f64>,
}

impl Fitter {
    /// A structure fitted alone and under a scaling. With units known, a structure whose units
    /// cannot work out is not fitted at all, and one that needs a scaling to match the target
    /// is fitted only scaled.
    fn structure(
        &mut self,
        e: &Expr,
        scorer: &Scorer,
        data: &FitData,
        scales: &Sizes,
        seed: u64,
        index: u64,
    ) -> Fitted {
        let units = scorer.units();
        if !units.consistent_inside(e, false) {
            return Fitted { found: [None, None], kernel: None, fitted: false };
        }
        // The rate starts serve the fit alone and the scaled one: computed once.
        let rates = rate_starts(e, scales, data);
        let (plain, fitted) = if units.consistent(e, false) {
            self.fit(e, scorer, data, scales, &rates, seed, index)
        } else {
            (None, None)
        };
        let (scaled, kernel) =
            if scalable(e) { self.fit_scaled(e, fitted.as_ref(), scorer, data, scales, &rates) } else { (None, None) };
        let kernel = kernel.filter(|_| e.len() <= sums::KERNEL_LENGTH);
        Fitted { found: [plain, scaled], kernel, fitted: true }
    }

    /// The structure with its constants fitted (the best of a few starts) and scored, or None if
    /// it is not finite on the data, with the fitted formula (before snapping) for
    /// [`fit_scaled`](Fitter::fit_scaled) to start from. Structure `index` draws its starts
    /// from its own stream; `rates` ([`rate_starts`]) are tried besides.
    #[allow(clippy::too_many_arguments)]
    fn fit(
        &mut self,
        structure: &Expr,
        scorer: &Scorer,
        data: &FitData,
        scales: &Sizes,
        rates: &[Vec<f64>],
        seed: u64,
        index: u64,
    ) -> (Option<Individual>, Option<Expr>) {
        let fitted = if structure.num_constants() == 0 {
            Some(structure.clone())
        } else {
            let mut starts = starting_points(structure, scales, &mut Rng::stream(seed ^ 0x5eed_e4a5, index));
            starts.extend(rates.iter().cloned());
            self.best_fit(
                starts.into_iter().map(|start| {
                    let mut e = structure.clone();
                    for (c, v) in e.constants_mut().zip(start) {
                        *c = v;
                    }
                    e
                }),
                data,
            )
        };
        let Some(fitted) = fitted else { return (None, None) };
        (self.scored(fitted.clone(), scorer), Some(fitted))
    }

    /// A fitted formula scored, its constants snapped to short forms where that is shorter;
    /// None if it is not finite on the scorer's rows.
    fn scored(&mut self, mut expr: Expr, scorer: &Scorer) -> Option<Individual> {
        let score = scorer.score(&expr, &mut self.scratch);
        if !score.total().is_finite() {
            return None;
        }
        let score = if expr.num_constants() > 0 { scorer.snap(&mut expr, score, &mut self.scratch) } else { score };
        let hash = expr.structural_hash();
        Some(Individual { expr, score, hash })
    }

    /// A screened formula fitted again on the tuning rows from its screened constants (one
    /// start: they are near), scored and snapped; None if it is not finite there.
    fn refit(&mut self, screened: &Expr, scorer: &Scorer, data: &FitData) -> Option<Individual> {
        let mut expr = screened.clone();
        if expr.num_constants() > 0 {
            fit_constants_to(&mut expr, data, LM_STEPS, LM_TOLERANCE, self.scratch.workspace())?;
        }
        self.scored(expr, scorer)
    }

    /// The lowest sum of squares reached by Levenberg–Marquardt from each of `starts`.
    fn best_fit(&mut self, starts: impl Iterator<Item = Expr>, data: &FitData) -> Option<Expr> {
        let mut best: Option<(f64, Expr)> = None;
        for mut e in starts {
            let Some(cost) = fit_constants_to(&mut e, data, LM_STEPS, LM_TOLERANCE, self.scratch.workspace()) else {
                continue;
            };
            if best.as_ref().is_none_or(|(b, _)| cost < *b) {
                best = Some((cost, e));
            }
        }
        best.map(|(_, e)| e)
    }

    /// The structure under its best linear scaling, b·f + a, b·f or f + a, with its constants
    /// fitted together with a and b: what lets a kernel of length n stand for the laws of length
    /// n + 4 around it (e^(c·t) for T_room + ΔT·e^(−kt)). The fit starts from f's own fitted
    /// constants and from their natural sizes, a and b by least squares. None when the fit
    /// fails.
    /// Also returns the kernel with its jointly fitted constants, ranked by the scaled form's
    /// bits, for the [`sums`].
    fn fit_scaled(
        &mut self,
        structure: &Expr,
        alone: Option<&Expr>,
        scorer: &Scorer,
        data: &FitData,
        scales: &Sizes,
        rates: &[Vec<f64>],
    ) -> (Option<Individual>, Option<Kernel>) {
        let with = |start: Vec<f64>| {
            let mut e = structure.clone();
            for (c, v) in e.constants_mut().zip(start) {
                *c = v;
            }
            e
        };
        // The first two of `starting_points`: every constant at its natural size, plus sign and,
        // for a structure not linear in its constants, minus sign (a decay as well as a growth:
        // the charging 9 − 9·e^(−t/12) rises where e^(c·t) fitted alone grows).
        let (roles, linear) = roles(structure, &scales.scales);
        let natural = with(starting_points_of(&roles, true));
        let negated = (!linear).then(|| with(starting_points_of(&roles, false)));
        // A frequency fitted alone may have settled on a wrong peak (an oscillation with an
        // offset and an amplitude of its own): the periodogram's peaks are starts here too.
        let tuned = frequency_starts(structure, scales).into_iter().chain(rates.iter().cloned()).map(with);
        let mut starts = Vec::with_capacity(2);
        for f in alone.into_iter().cloned().chain(std::iter::once(natural)).chain(negated).chain(tuned) {
            if let Some((b, a)) = self.least_squares_scaling(&f, data) {
                starts.push(Expr::binary(Op::Add, Expr::binary(Op::Mul, f, Expr::constant(b)), Expr::constant(a)));
            }
            if structure.num_constants() == 0 {
                break; // one start is the only start
            }
        }
        let Some(fitted) = self.best_fit(starts.into_iter(), data) else { return (None, None) };
        // The kernel with the jointly fitted constants: the last four nodes are b, ×, a, +.
        let kernel = Expr { nodes: fitted.nodes[..fitted.len() - 4].to_vec() };
        let (score, scaled) = scorer.score_scaled(&kernel, &mut self.scratch);
        if !score.total().is_finite() {
            return (None, None);
        }
        let pooled = Kernel { bits: score.total(), expr: kernel.clone() };
        let mut expr = scaled.unwrap_or(kernel);
        let score = scorer.snap(&mut expr, score, &mut self.scratch);
        let hash = expr.structural_hash();
        (Some(Individual { expr, score, hash }), Some(pooled))
    }

    /// b and a minimising Σ(y − b·f − a)² for f as it stands; None if f is not finite or flat.
    fn least_squares_scaling(&mut self, f: &Expr, data: &FitData) -> Option<(f64, f64)> {
        let rows = data.y.len();
        let columns = crate::expr::Columns::new(data.columns.clone(), rows).ok()?;
        let mut mu = std::mem::take(&mut self.values);
        mu.resize(rows, 0.0);
        let evaluated = self.scratch.evaluator().eval(f, &columns, &mut mu).is_ok();
        let line = LineSums::of(data.y, &mu).line();
        self.values = mu;
        let (b, a) = line.filter(|_| evaluated)?;
        (a.is_finite() && b.is_finite() && b != 0.0).then_some((b, a))
    }
}

/// Whether a structure is worth fitting under a scaling: it reads a variable and has no free
/// constant factor or offset at its root (for those, b·f + a repeats constants f has).
fn scalable(e: &Expr) -> bool {
    !e.variables().is_empty()
        && !free_at(e, e.len() - 1, Op::Mul, Op::Div)
        && !free_at(e, e.len() - 1, Op::Add, Op::Sub)
        && !matches!(e.root().map(|r| r.kind), Some(Kind::Op(Op::Neg)))
}

/// Whether the subtree ending at node `i` is a chain of `chain` or `inverse` operators whose
/// first operand is a free constant (c·x·y, (c·x)/y; c + x, (c − x) − y).
fn free_at(e: &Expr, i: usize, chain: Op, inverse: Op) -> bool {
    match e.nodes[i].kind {
        Kind::Const(..) => true,
        Kind::Op(op) if op == chain || op == inverse => match e.children(i) {
            Ok(children) => free_at(e, children[0].end - 1, chain, inverse),
            Err(_) => false,
        },
        _ => false,
    }
}

/// What the starting points are scaled to: each variable's typical size and the angular
/// frequencies at which the target oscillates against it.
struct Sizes {
    scales: Vec<f64>,
    frequencies: Vec<Vec<f64>>,
    /// ln(max|y|/min|y|) for a target of one sign that varies: how far a law's exponent moves
    /// over the rows ([`rate_starts`]).
    dynamic_range: Option<f64>,
}

impl Sizes {
    fn of(data: &FitData) -> Sizes {
        let frequencies = data.columns.iter().map(|x| periodogram_peaks(x, data.y, FREQUENCY_STARTS)).collect();
        Sizes { scales: variable_scales(data), frequencies, dynamic_range: dynamic_range(data.y) }
    }
}

/// ln(max|y|/min|y|) when every y has the same sign and they differ by at least 10 %.
fn dynamic_range(y: &[f64]) -> Option<f64> {
    let one_sign = y.iter().all(|&v| v > 0.0) || y.iter().all(|&v| v < 0.0);
    let (lo, hi) = y.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v.abs()), hi.max(v.abs())));
    let range = libm::log(hi / lo);
    (one_sign && range.is_finite() && range > libm::log(1.1)).then_some(range)
}

/// Periodogram peaks tried as starts for a frequency inside sin or cos.
const FREQUENCY_STARTS: usize = 3;
/// Rows the periodogram reads at most (evenly spaced): its peaks are starts, not estimates.
const PERIODOGRAM_ROWS: usize = 2_000;
/// Frequencies on the periodogram's grid.
const PERIODOGRAM_GRID: usize = 400;

/// The typical size of each variable on the fitting rows (root mean square, 1 if zero).
fn variable_scales(data: &FitData) -> Vec<f64> {
    data.columns
        .iter()
        .map(|c| {
            let rms = (c.iter().map(|v| v * v).sum::<f64>() / c.len().max(1) as f64).sqrt();
            if rms.is_finite() && rms > 0.0 {
                rms
            } else {
                1.0
            }
        })
        .collect()
}

/// The angular frequencies ω of the `count` highest local maxima of the Lomb–Scargle
/// periodogram of y against x (Lomb 1976, Scargle 1982: the least-squares fit of a sinusoid at
/// each ω, for unevenly spaced x), y first freed of its least-squares line. The grid runs from
/// half a period over x's span to the Nyquist frequency of its median spacing. Empty when x has
/// fewer than four distinct values.
fn periodogram_peaks(x: &[f64], y: &[f64], count: usize) -> Vec<f64> {
    let step = (x.len() / PERIODOGRAM_ROWS).max(1);
    let rows: Vec<(f64, f64)> =
        x.iter().zip(y).step_by(step).map(|(&a, &b)| (a, b)).filter(|(a, b)| a.is_finite() && b.is_finite()).collect();
    let mut xs: Vec<f64> = rows.iter().map(|r| r.0).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    if xs.len() < 4 {
        return Vec::new();
    }
    let span = xs[xs.len() - 1] - xs[0];
    let mut gaps: Vec<f64> = xs.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_by(f64::total_cmp);
    let spacing = gaps[gaps.len() / 2];
    if !(span > 0.0 && spacing > 0.0) {
        return Vec::new();
    }
    // y without its line a + b·x, so that a trend does not pass for a slow oscillation.
    let n = rows.len() as f64;
    let (mx, my) = (rows.iter().map(|r| r.0).sum::<f64>() / n, rows.iter().map(|r| r.1).sum::<f64>() / n);
    let sxx: f64 = rows.iter().map(|r| (r.0 - mx) * (r.0 - mx)).sum();
    let slope = if sxx > 0.0 { rows.iter().map(|r| (r.0 - mx) * (r.1 - my)).sum::<f64>() / sxx } else { 0.0 };
    let residual: Vec<(f64, f64)> = rows.iter().map(|&(a, b)| (a, b - my - slope * (a - mx))).collect();
    let (low, high) = (std::f64::consts::PI / span, std::f64::consts::PI / spacing);
    if high <= low {
        return Vec::new();
    }
    let grid: Vec<f64> =
        (0..PERIODOGRAM_GRID).map(|k| low + (high - low) * k as f64 / (PERIODOGRAM_GRID - 1) as f64).collect();
    let power: Vec<f64> = grid.iter().map(|&w| lomb_scargle(&residual, w)).collect();
    let mut peaks: Vec<(f64, f64)> = (1..grid.len() - 1)
        .filter(|&k| power[k] > power[k - 1] && power[k] >= power[k + 1] && power[k].is_finite())
        .map(|k| (power[k], grid[k]))
        .collect();
    peaks.sort_by(|a, b| b.0.total_cmp(&a.0));
    peaks.into_iter().take(count).map(|(_, w)| w).collect()
}

/// The Lomb–Scargle power of `rows` (x, y with y centred) at angular frequency w.
fn lomb_scargle(rows: &[(f64, f64)], w: f64) -> f64 {
    let (s2, c2) =
        rows.iter().fold((0.0, 0.0), |(s, c), &(x, _)| (s + libm::sin(2.0 * w * x), c + libm::cos(2.0 * w * x)));
    let tau = libm::atan2(s2, c2) / (2.0 * w);
    let (mut yc, mut yss, mut cc, mut ss) = (0.0, 0.0, 0.0, 0.0);
    for &(x, y) in rows {
        let (s, c) = (libm::sin(w * (x - tau)), libm::cos(w * (x - tau)));
        yc += y * c;
        yss += y * s;
        cc += c * c;
        ss += s * s;
    }
    let part = |num: f64, den: f64| if den > 0.0 { num * num / den } else { 0.0 };
    0.5 * (part(yc, cc) + part(yss, ss))
}

/// Extra starts for a structure with a frequency inside sin or cos: one for each of the
/// periodogram's peaks against that variable, every other constant at its natural size. (An
/// oscillation's frequency is the one constant that starts from its size cannot find: the
/// sum of squares has a local minimum at every wrong number of periods.)
fn frequency_starts(e: &Expr, sizes: &Sizes) -> Vec<Vec<f64>> {
    let (roles, _) = roles(e, &sizes.scales);
    let Some(var) = roles.iter().find_map(|r| if let Role::Frequency(j, _) = r { Some(*j) } else { None }) else {
        return Vec::new();
    };
    let natural = starting_points_of(&roles, true);
    sizes
        .frequencies
        .get(var)
        .into_iter()
        .flatten()
        .map(|&w| {
            natural
                .iter()
                .zip(&roles)
                .map(|(&v, r)| if matches!(r, Role::Frequency(j, _) if *j == var) { w } else { v })
                .collect()
        })
        .collect()
}

/// Starts for a rate: a constant that multiplies or divides a constant-free g right inside
/// e^(…) (e^(c·t), e^(c/T), e^(t/c)). Its natural size puts the exponent near 1, but a law's
/// exponential spans the target's own range, so over the rows the exponent moves by about
/// ln(max|y|/min|y|) ([`Sizes::dynamic_range`]). Each such constant is set so that it does, with
/// either sign (growth and decay), the others at their natural sizes. A thermistor's
/// R = a·e^(B/T) over 10–80 °C needs B ≈ 3,900 K: at B's natural size the exponent hardly moves
/// over the rows, and least squares from there does not reach the law, a having to follow B
/// exponentially.
fn rate_starts(e: &Expr, sizes: &Sizes, data: &FitData) -> Vec<Vec<f64>> {
    let Some(range) = sizes.dynamic_range else { return Vec::new() };
    if !e.nodes.iter().any(|n| matches!(n.kind, Kind::Op(Op::Exp))) {
        return Vec::new();
    }
    let (roles, _) = roles(e, &sizes.scales);
    let natural = starting_points_of(&roles, true);
    let parent = parents(e);
    let constants = e.nodes.iter().enumerate().filter(|(_, n)| matches!(n.kind, Kind::Const(..))).map(|(i, _)| i);
    let mut starts = Vec::new();
    for (k, i) in constants.enumerate() {
        let Some(value) = rate_value(e, &parent, i, data, range) else { continue };
        for sign in [1.0, -1.0] {
            let mut start = natural.clone();
            start[k] = sign * value;
            starts.push(start);
        }
    }
    starts
}

/// The size of constant node `i` as a rate (see [`rate_starts`]), or None where it is none: not
/// the operand of a product or quotient directly inside e^(…), a sibling with constants of its
/// own or not finite on the rows, or a sibling that does not vary.
fn rate_value(e: &Expr, parent: &[usize], i: usize, data: &FitData, range: f64) -> Option<f64> {
    let p = *parent.get(i).filter(|&&p| p != usize::MAX)?;
    let op = match e.nodes[p].kind {
        Kind::Op(op @ (Op::Mul | Op::Div)) => op,
        _ => return None,
    };
    let g = *parent.get(p).filter(|&&g| g != usize::MAX)?;
    if !matches!(e.nodes[g].kind, Kind::Op(Op::Exp)) {
        return None;
    }
    let children = e.children(p).ok()?;
    let on_left = children.first()?.contains(&i);
    let sibling = children.iter().find(|r| !r.contains(&i))?.clone();
    if e.nodes[sibling.clone()].iter().any(|n| matches!(n.kind, Kind::Const(..))) {
        return None;
    }
    let rows = data.y.len();
    let columns = crate::expr::Columns::new(data.columns.clone(), rows).ok()?;
    let mut h = vec![0.0; rows];
    crate::expr::eval(&Expr { nodes: e.nodes[sibling].to_vec() }, &columns, &mut h).ok()?;
    // c/g moves with 1/g; c·g and g/c with g.
    if op == Op::Div && on_left {
        h.iter_mut().for_each(|v| *v = 1.0 / *v);
    }
    let (lo, hi) = h.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let spread = hi - lo;
    if !(spread.is_finite() && spread > 0.0) {
        return None;
    }
    Some(if op == Op::Div && !on_left { spread / range } else { range / spread })
}

/// parent[i]: the operator node whose operand node i is (usize::MAX for the root).
fn parents(e: &Expr) -> Vec<usize> {
    let mut parent = vec![usize::MAX; e.nodes.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, node) in e.nodes.iter().enumerate() {
        let arity = node.arity();
        for child in stack.drain(stack.len() - arity..) {
            parent[child] = i;
        }
        stack.push(i);
    }
    parent
}

/// Where each constant sits: what its natural size is, and whether the formula is linear in it
/// (a linear constant is found from any start).
#[derive(Debug, Clone, Copy)]
enum Role {
    /// Multiplies, divides or offsets something of this size: start near 1/size or size.
    Scaled(f64),
    /// The base of a power with an exponent of this size: start near e^(±1/size).
    Base(f64),
    /// Multiplies variable j inside a sine or cosine: an angular frequency, whose starts come
    /// from the periodogram ([`frequency_starts`]) besides its natural size.
    Frequency(usize, f64),
    Plain,
}

/// Starting values for a structure's constants: all at their natural size with a plus sign;
/// when some constant enters nonlinearly, also all with a minus sign and one more with random
/// signs and sizes within a factor of e of the natural one.
fn starting_points(e: &Expr, sizes: &Sizes, rng: &mut Rng) -> Vec<Vec<f64>> {
    let scales = &sizes.scales;
    let (roles, linear) = roles(e, scales);
    let value = |role: &Role, sign: f64, factor: f64| role_value(role, sign, factor);
    let mut starts = vec![starting_points_of(&roles, true)];
    if !linear {
        starts.push(roles.iter().map(|r| value(r, -1.0, 1.0)).collect());
        for _ in 0..1 {
            starts.push(
                roles
                    .iter()
                    .map(|r| {
                        let sign = if rng.chance(0.5) { 1.0 } else { -1.0 };
                        value(r, sign, libm::exp(2.0 * rng.uniform() - 1.0))
                    })
                    .collect(),
            );
        }
        starts.extend(frequency_starts(e, sizes));
    }
    starts
}

/// Every constant at its natural size, with a plus sign (`positive`) or a minus sign.
fn starting_points_of(roles: &[Role], positive: bool) -> Vec<f64> {
    let sign = if positive { 1.0 } else { -1.0 };
    roles.iter().map(|r| role_value(r, sign, 1.0)).collect()
}

/// A constant's start: its natural size times `factor`, with `sign`.
fn role_value(role: &Role, sign: f64, factor: f64) -> f64 {
    match *role {
        Role::Scaled(s) | Role::Frequency(_, s) => sign * s * factor,
        Role::Base(s) => libm::exp(sign * factor / s),
        Role::Plain => sign * factor,
    }
}

/// Each constant's role (in node order) and whether the formula is linear in every constant
/// taken alone: reached from the root through sums, differences, negations, products and
/// numerators only.
fn roles(e: &Expr, scales: &[f64]) -> (Vec<Role>, bool) {
    let parent = parents(e);
    let size_of = |i: usize| match e.nodes[i].kind {
        Kind::Var(j) => scales.get(j as usize).copied().unwrap_or(1.0),
        _ => 1.0,
    };
    let mut roles = Vec::new();
    let mut linear = true;
    for (i, node) in e.nodes.iter().enumerate() {
        if !matches!(node.kind, Kind::Const(..)) {
            continue;
        }
        let p = parent[i];
        let role = if p == usize::MAX {
            Role::Plain
        } else {
            // The sibling is the other operand: for a constant on the left, the subtree ending
            // just before the parent; on the right, the subtree before the constant.
            let on_left = i + 1 != p;
            let sibling = if on_left { p - 1 } else { i - 1 };
            let in_wave = parent
                .get(p)
                .is_some_and(|&g| g != usize::MAX && matches!(e.nodes[g].kind, Kind::Op(Op::Sin | Op::Cos)));
            match (e.nodes[p].kind, e.nodes[sibling].kind) {
                (Kind::Op(Op::Mul), Kind::Var(j)) if in_wave => Role::Frequency(usize::from(j), 1.0 / size_of(sibling)),
                _ => match e.nodes[p].kind {
                    Kind::Op(Op::Mul) => Role::Scaled(1.0 / size_of(sibling)),
                    Kind::Op(Op::Add | Op::Sub) => Role::Scaled(size_of(sibling)),
                    Kind::Op(Op::Pow) if on_left => Role::Base(size_of(sibling)),
                    _ => Role::Plain,
                },
            }
        };
        roles.push(role);
        let mut at = i;
        while parent[at] != usize::MAX {
            let p = parent[at];
            let ok = match e.nodes[p].kind {
                Kind::Op(Op::Add | Op::Sub | Op::Neg | Op::Mul) => true,
                Kind::Op(Op::Div) => at + 1 != p, // the numerator
                _ => false,
            };
            if !ok {
                linear = false;
                break;
            }
            at = p;
        }
    }
    (roles, linear)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;

    #[test]
    fn the_periodogram_finds_an_oscillation_and_its_frequency_is_a_start() {
        // A damped cosine over 1.7 periods, unevenly sampled, on a slope.
        let x: Vec<f64> = (0..18).map(|i| i as f64 * 0.6 + 0.05 * ((i * 7 % 5) as f64)).collect();
        let y: Vec<f64> = x.iter().map(|&t| 3.0 * (-0.15 * t).exp() * (1.05 * t).cos() + 0.2 * t).collect();
        let peaks = periodogram_peaks(&x, &y, 3);
        assert!((peaks[0] - 1.05).abs() < 0.1, "{peaks:?}");
        let sizes = Sizes { scales: vec![6.0], frequencies: vec![peaks.clone()], dynamic_range: None };
        let e = parse("cos(1.0 * x)", &["x"]).unwrap();
        assert!(matches!(roles(&e, &sizes.scales).0[0], Role::Frequency(0, s) if (s - 1.0 / 6.0).abs() < 1e-12));
        let starts = starting_points(&e, &sizes, &mut Rng::new(1));
        assert!(starts.iter().any(|s| s[0] == peaks[0]), "{starts:?}");
        // Too few distinct values: no peaks; and a constant outside a wave is no frequency.
        assert!(periodogram_peaks(&[1.0, 2.0, 1.0], &[1.0, 2.0, 3.0], 3).is_empty());
        let e = parse("exp(1.0 * x)", &["x"]).unwrap();
        assert!(frequency_starts(&e, &sizes).is_empty());
    }

    #[test]
    fn a_rate_inside_an_exponential_starts_where_the_exponent_spans_the_target() {
        // A thermistor: R = 1.8e-5·e^(3950/T) over 283–353 K, R from 20 to 1.3.
        let t: Vec<f64> = (0..8).map(|i| 283.15 + 10.0 * i as f64).collect();
        let r: Vec<f64> = t.iter().map(|&t| 1.8e-5 * (3950.0 / t).exp()).collect();
        let data = FitData { columns: vec![&t], y: &r };
        let sizes = Sizes::of(&data);
        let range = (r[0] / r[7]).ln();
        assert!((sizes.dynamic_range.unwrap() - range).abs() < 1e-12);
        // c/T: c·(1/283.15 − 1/353.15) = ln(R₀/R₇) gives 3950 itself, with either sign.
        let e = parse("1.0 * exp(1.0 / x)", &["x"]).unwrap();
        let starts = rate_starts(&e, &sizes, &data);
        assert_eq!(starts.len(), 2, "{starts:?}");
        assert!((starts[0][1] - 3950.0).abs() < 1e-6 * 3950.0 && starts[1][1] == -starts[0][1], "{starts:?}");
        // e^(x/c) and e^(c·x) are rates too; the outer factor, and a constant beside a variable
        // outside e^(…), are not.
        let spread = 70.0;
        let starts = rate_starts(&parse("exp(x / 1.0)", &["x"]).unwrap(), &sizes, &data);
        assert!((starts[0][0] - spread / range).abs() < 1e-9, "{starts:?}");
        let starts = rate_starts(&parse("exp(1.0 * x)", &["x"]).unwrap(), &sizes, &data);
        assert!((starts[0][0] - range / spread).abs() < 1e-12, "{starts:?}");
        assert!(rate_starts(&parse("1.0 * x + 2.0", &["x"]).unwrap(), &sizes, &data).is_empty());
        assert!(rate_starts(&parse("exp(1.0 * (x + 2.0))", &["x"]).unwrap(), &sizes, &data).is_empty());
        // A target of both signs has no range to span.
        let both: Vec<f64> = r.iter().enumerate().map(|(i, v)| if i % 2 == 0 { *v } else { -v }).collect();
        assert!(Sizes::of(&FitData { columns: vec![&t], y: &both }).dynamic_range.is_none());
    }

    #[test]
    fn a_long_table_is_screened_and_the_law_survives_on_one_thread_and_on_four() {
        // y = x/(x + 2.5) on 300 rows: five symbols, so screened on a few rows, then fitted in
        // full only where it is among its batch's best.
        let mut text = String::from("x,y\n");
        for i in 0..300 {
            let x = 0.1 + 0.03 * i as f64;
            text.push_str(&format!("{x},{}\n", x / (x + 2.5)));
        }
        let loaded = crate::data::load("ratio", text.as_bytes(), &Default::default()).unwrap();
        let d = crate::prepare::prepare(&loaded.table, &Default::default()).unwrap();
        let options = crate::search::SearchOptions::default();
        let scorer = Scorer::new(&d, &options).unwrap();
        assert!(scorer.screen(SCREEN_ROWS).is_some(), "240 training rows are screened");
        let budget = Budget { max_length: SCREEN_FROM, max_structures: 100_000, deadline: None };
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let found = pool.install(|| {
                run(
                    &scorer,
                    options.ops,
                    1,
                    budget,
                    options.archive,
                    8,
                    1,
                    &Cancel::new(),
                    &crate::control::FrozenClock,
                    &mut |_, _, _| {},
                )
            });
            assert_eq!(found.complete_length, SCREEN_FROM);
            found
                .front
                .members()
                .iter()
                .map(|m| (m.expr.to_text(&["x"]).unwrap(), m.score.total().to_bits()))
                .collect::<Vec<_>>()
        };
        let one = on(1);
        assert_eq!(one, on(4));
        let best = on(1).into_iter().min_by(|a, b| f64::from_bits(a.1).total_cmp(&f64::from_bits(b.1))).unwrap();
        let law = parse(&best.0, &["x"]).unwrap();
        let mut mu = [0.0];
        crate::expr::eval_scalar(&law, &[&[7.0]], &mut mu).unwrap();
        assert!((mu[0] - 7.0 / 9.5).abs() < 1e-9, "{}: {} at x = 7", best.0, mu[0]);
    }

    #[test]
    fn constants_start_at_the_size_of_what_they_meet() {
        let e = parse("1.0 + 1.0 * exp(1.0 * x)", &["x"]).unwrap();
        let (found, linear) = roles(&e, &[50.0]);
        assert!(!linear, "the rate inside exp is not linear");
        assert!(matches!(found[2], Role::Scaled(s) if (s - 0.02).abs() < 1e-12), "{found:?}");
        let e = parse("1.0 * x + 1.0", &["x"]).unwrap();
        assert!(roles(&e, &[3.0]).1, "c·x + c is linear in each constant");
        let e = parse("1.0 ** x", &["x"]).unwrap();
        assert!(matches!(roles(&e, &[10.0]).0[0], Role::Base(s) if s == 10.0));
    }
}
