//! Genetic-programming symbolic regression scored in bits: the search for the shortest formula.
//!
//! [`search`] evolves [`Island`](island::Island)s of formulas in parallel (rayon), each with its
//! own random stream, migrating the best between neighbours every [`SearchOptions::epoch`]
//! generations, and keeps a Pareto [`Archive`](archive::Archive) over (model bits, data bits).
//! Every formula is scored by [`Scorer`](score::Scorer): the two-part code of DESIGN.md, with
//! constants tuned by Levenberg–Marquardt ([`optimize`]) and simplified in the loop. At the end,
//! the front is finished: constants near a multiple of π are snapped, each member's shortest
//! algebraic equal is sought by equality saturation (`egg`, [`Expr::saturate`]), each constant
//! takes the form (integer, rational, π, e, or a real at the mantissa width) that makes the
//! total shortest, and the bits are recomputed exactly as a decoder would see them.
//!
//! Islands are independent between migrations and migrate in a fixed order, so a seed gives
//! the same front on one thread or many.

mod archive;
pub mod dimensions;
mod enumerate;
mod exhaustive;
pub mod groups;
mod individual;
mod island;
pub mod optimize;
pub mod rational;
mod score;
mod sums;
pub mod symmetry;
pub mod variation;

pub use dimensions::{ConstantUnits, Units};
pub use individual::{Individual, Score};
pub use score::{form_of, Polished, Scorer, Scratch};

use rayon::prelude::*;

use crate::control::{Cancel, Clock, Observer, Progress, Silent};
use crate::expr::OpSet;
use crate::prepare::{Dataset, Target};
use crate::report::{Candidate, Report};
use archive::Archive;
use island::{Context, Island};
use variation::Grammar;

/// How a search runs. [`SearchOptions::check`] names a bad value before anything starts.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    pub ops: OpSet,
    /// Islands evolve in parallel; their number (not the thread count) fixes the result.
    pub islands: usize,
    /// Formulas per island.
    pub population: usize,
    /// Longest formula, in nodes.
    pub max_length: usize,
    /// Generations per island; None runs until the time budget or cancellation.
    pub generations: Option<u64>,
    /// Time budget in seconds, read from the injected clock between epochs.
    pub seconds: Option<f64>,
    /// Generations between migrations (and between progress reports).
    pub epoch: u64,
    /// Formulas each island sends to the next at a migration.
    pub migrants: usize,
    pub tournament: usize,
    /// Share of new formulas whose constants are tuned by Levenberg–Marquardt.
    pub optimize_probability: f64,
    pub lm_iterations: usize,
    /// Rows used for constant tuning (a fixed spread of the training rows).
    pub lm_rows: usize,
    /// On a table with more training rows than this, the search loop scores formulas on a fixed
    /// spread of this many (the front is finished on every row); 0 scores every row.
    pub score_rows: usize,
    /// Most formulas kept on the Pareto front.
    pub archive: usize,
    /// Stop after this many epochs without a shorter best, once the best fits exactly.
    pub patience: u64,
    /// The exhaustive search that runs first: at most this many structures (a bound that does
    /// not depend on the machine; 0 turns it off) ...
    pub exhaustive_structures: u64,
    /// ... within this share of a time budget ...
    pub exhaustive_share: f64,
    /// ... and of at most this many nodes.
    pub exhaustive_length: usize,
    /// Whether formulas must agree with the table's units, where they are known.
    pub units: bool,
    /// What a constant's unit may be, when units are checked.
    pub constant_units: ConstantUnits,
    /// The share of a budget (time or generations) spent first on a search over the table's
    /// dimensionless groups, when its units give fewer groups than columns ([`groups`]); 0 turns
    /// it off.
    pub groups_share: f64,
    /// The share of a budget spent on a search over one variable fewer when the target depends
    /// on two features only through their difference, sum, ratio or product ([`symmetry`]); 0
    /// turns it off.
    pub symmetry_share: f64,
    pub seed: u64,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            ops: OpSet::DEFAULT,
            islands: 8,
            population: 120,
            max_length: 30,
            generations: None,
            seconds: Some(10.0),
            epoch: 5,
            migrants: 2,
            tournament: 3,
            optimize_probability: 0.3,
            lm_iterations: 4,
            lm_rows: 128,
            score_rows: 512,
            archive: 48,
            patience: 8,
            exhaustive_structures: 400_000,
            exhaustive_share: 0.3,
            exhaustive_length: 10,
            units: true,
            constant_units: ConstantUnits::Fitted,
            groups_share: 0.25,
            symmetry_share: 0.25,
            seed: 1,
        }
    }
}

/// Why a search cannot start.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchError {
    /// A setting out of range: the field and what it must be.
    Option { field: &'static str, message: String },
    /// Formula search explains a numeric target.
    NotRegression { target: String },
    /// More features than a formula's variables can name.
    TooManyFeatures { features: usize },
}

/// The longest search budget: a week. A budget beyond it is a slip (1e12), not a plan.
pub const MAX_SECONDS: f64 = 604_800.0;

/// The most features a formula may read: variables are 15-bit indices in the exhaustive
/// search's packed tokens (and u16 in the evaluator's nodes).
pub const MAX_FEATURES: usize = 0x7ffe;

impl SearchError {
    /// The words for a target that holds classes (in either language: [`crate::words`]).
    pub fn not_regression(target: &str) -> crate::words::Message {
        crate::words::Message::new("search_not_regression", &[("target", target.to_string())])
    }
}

impl std::fmt::Display for SearchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SearchError::Option { field, message } => write!(f, "search setting '{field}': {message}"),
            SearchError::NotRegression { target } => Self::not_regression(target).fmt(f),
            SearchError::TooManyFeatures { features } => write!(
                f,
                "formula search reads at most {MAX_FEATURES} features, and this table has {features}: \
                 search over the most informative ones (--top-features K; \"Rank the features\" on the \
                 page), or choose the columns"
            ),
        }
    }
}

impl std::error::Error for SearchError {}

impl SearchOptions {
    pub fn check(&self) -> Result<(), SearchError> {
        let bad = |field, message: &str| Err(SearchError::Option { field, message: message.to_string() });
        if self.ops.is_empty() {
            return bad("ops", "the operator set is empty; give at least one operator, e.g. add");
        }
        if self.islands == 0 {
            return bad("islands", "at least 1");
        }
        if self.population < 4 {
            return bad("population", "at least 4 formulas per island");
        }
        if self.max_length < 1 {
            return bad("max_length", "at least 1 node");
        }
        if self.epoch == 0 {
            return bad("epoch", "at least 1 generation");
        }
        if self.generations.is_none() && self.seconds.is_none() {
            return bad("budget", "give generations or seconds");
        }
        if self.seconds.is_some_and(|s| s.is_nan() || s <= 0.0) {
            return bad("seconds", "a positive number of seconds");
        }
        if self.seconds.is_some_and(|s| s > MAX_SECONDS) {
            return bad("seconds", "at most 604800 (a week)");
        }
        if !(0.0..=1.0).contains(&self.optimize_probability) {
            return bad("optimize_probability", "between 0 and 1");
        }
        if !(0.0..=1.0).contains(&self.exhaustive_share) {
            return bad("exhaustive_share", "between 0 and 1");
        }
        if !(0.0..1.0).contains(&self.groups_share) {
            return bad("groups_share", "at least 0 and below 1");
        }
        if !(0.0..1.0).contains(&self.symmetry_share) {
            return bad("symmetry_share", "at least 0 and below 1");
        }
        Ok(())
    }
}

/// Why a search ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Generations,
    Time,
    /// The best formula fits exactly and has not shortened for `patience` epochs.
    Converged,
    Cancelled,
}

/// What a search found: the polished front (shortest model first) and the best total.
#[derive(Debug, Clone)]
pub struct Found {
    pub front: Vec<Polished>,
    pub best: usize,
    pub generations: u64,
    pub evaluations: u64,
    pub stop: Stop,
    /// Every structure of up to this many nodes was fitted by the exhaustive search (0: none).
    pub exhaustive_length: usize,
    /// Structures the exhaustive search enumerated, those it fitted (the others' units could
    /// not work out), and the clock seconds it took.
    pub exhaustive_structures: u64,
    pub exhaustive_fitted: u64,
    pub exhaustive_seconds: f64,
    /// Pairs of short kernels whose sums and products it fitted.
    pub exhaustive_sums: u64,
    /// The dimensionless groups searched first (`Groups::describe`), when the units gave some.
    pub groups: Option<String>,
    /// The symmetry searched first (`Symmetry::describe`: "θ − θ1"), when the data showed one.
    pub symmetry: Option<String>,
    /// The rational relations the training rows obey, here or over the groups or the symmetry
    /// (`rational::Relation::describe`).
    pub relations: Vec<String>,
}

/// Searches for the shortest formula explaining the dataset's target from its features.
pub fn search(
    dataset: &Dataset,
    options: &SearchOptions,
    observer: &dyn Observer,
    cancel: &Cancel,
    clock: &dyn Clock,
) -> Result<Found, SearchError> {
    options.check()?;
    if !matches!(dataset.target, Target::Regression(_)) {
        return Err(SearchError::NotRegression { target: dataset.target_name.clone() });
    }
    let start = clock.seconds();
    if dataset.features.len() > MAX_FEATURES {
        return Err(SearchError::TooManyFeatures { features: dataset.features.len() });
    }
    let scorer = Scorer::new(dataset, options)?;
    let grammar = Grammar::new(options.ops, dataset.features.len() as u16, options.max_length);
    let ctx = Context { scorer: &scorer, grammar: &grammar, options };

    let mut archive = Archive::new(options.archive);
    let grouped = search_groups(dataset, options, cancel, clock);
    if let Some(g) = &grouped {
        observer.progress(&Progress::new("search", 0, 0, format!("dimensionless groups: {}", g.text)));
    }
    let symmetric = search_symmetry(dataset, options, cancel, clock);
    if let Some(g) = &symmetric {
        observer.progress(&Progress::new("search", 0, 0, format!("symmetry: {}", g.text)));
    }
    let relations = rational::find(dataset, options.ops);
    // The laws found over fewer variables, written over the columns, and the rational relations
    // the rows obey, refitted here.
    let reduced_members: Vec<Individual> = grouped
        .iter()
        .chain(&symmetric)
        .flat_map(|g| g.formulas.iter())
        .chain(relations.iter().map(|r| &r.formula))
        .filter_map(|f| scorer.individual(f, options))
        .collect();
    for member in &reduced_members {
        archive.offer(member);
    }
    let exhaustive_start = clock.seconds();
    let budget = exhaustive::Budget {
        max_length: options.exhaustive_length.min(options.max_length),
        max_structures: options.exhaustive_structures,
        deadline: options.seconds.map(|s| exhaustive_start + s * options.exhaustive_share),
    };
    let vars = grammar.vars;
    let elites = options.islands * 4;
    let found = exhaustive::run(
        &scorer,
        options.ops,
        vars,
        budget,
        options.archive,
        elites,
        options.seed,
        cancel,
        clock,
        &mut |front, structures, complete| {
            let message = format!("exhaustive search: {structures} structures fitted, complete to {complete} symbols");
            report_progress(observer, &scorer, front, message, options, 0, clock.seconds() - start);
        },
    );
    let exhaustive_seconds = clock.seconds() - exhaustive_start;
    for member in found.front.members() {
        archive.offer(member);
    }
    // Every island starts from the laws found through the groups, then from its share of the
    // exhaustive search's elites.
    let seeds = |i: usize| -> Vec<Individual> {
        let elites =
            found.elites.iter().enumerate().filter(|(j, _)| *j < 2 || j % options.islands == i).map(|(_, e)| e);
        reduced_members.iter().chain(elites).filter(|e| e.expr.len() <= options.max_length).cloned().collect()
    };
    let mut islands: Vec<Island> =
        (0..options.islands).into_par_iter().map(|i| Island::new(i, options.seed, &ctx, &seeds(i))).collect();
    let mut generations = 0u64;
    let mut best_total = f64::INFINITY;
    let mut quiet_epochs = 0u64;
    let stop = loop {
        for island in &islands {
            for member in island.members() {
                archive.offer(member);
            }
        }
        let best = archive.best().map(|b| b.score);
        let message = match archive.best() {
            Some(b) => format!(
                "generation {generations}: {:.1} bits, {}",
                b.score.total(),
                scorer.text(&b.expr).unwrap_or_else(|| "?".into())
            ),
            None => format!("generation {generations}"),
        };
        report_progress(observer, &scorer, &archive, message, options, generations, clock.seconds() - start);
        match best {
            Some(b) if b.total() < best_total - 1e-9 => {
                best_total = b.total();
                quiet_epochs = 0;
            }
            _ => quiet_epochs += 1,
        }
        if cancel.is_cancelled() {
            break Stop::Cancelled;
        }
        if options.generations.is_some_and(|g| generations >= g) {
            break Stop::Generations;
        }
        if options.seconds.is_some_and(|s| clock.seconds() - start >= s) {
            break Stop::Time;
        }
        if quiet_epochs >= options.patience && archive.best().is_some_and(|b| scorer.is_exact(&b.expr)) {
            break Stop::Converged;
        }
        let epoch = match options.generations {
            Some(g) => options.epoch.min(g - generations),
            None => options.epoch,
        };
        islands.par_iter_mut().for_each(|island| island.evolve(epoch, &ctx, cancel));
        generations += epoch;
        migrate(&mut islands, options.migrants);
    };

    let evaluations = islands.iter().map(|i| i.evaluations).sum();
    // The exhaustive front is finished beside the archive: the archive ranks by the loop's
    // estimates, and a formula found later that looked shorter there must not push out one
    // that is shorter in exact bits.
    let mut finishing: Vec<&Individual> = archive.members().iter().collect();
    for m in found.front.members().iter().chain(&reduced_members) {
        if !finishing.iter().any(|f| f.hash == m.hash) {
            finishing.push(m);
        }
    }
    let polished: Vec<Polished> = finishing.par_iter().flat_map_iter(|m| scorer.finish(&m.expr, options.ops)).collect();
    // Finishing moves every point (snapped and exact constants, algebraic equals, the exact
    // residual code): keep those that are still on the front.
    let mut front: Vec<Polished> = polished
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            p.total_bits().is_finite()
                && !polished.iter().enumerate().any(|(j, q)| {
                    j != *i && archive::dominates((q.model_bits, q.data_bits), (p.model_bits, p.data_bits), j < *i)
                })
        })
        .map(|(_, p)| p.clone())
        .collect();
    front.sort_by(|a, b| a.model_bits.total_cmp(&b.model_bits).then(a.data_bits.total_cmp(&b.data_bits)));
    let best = (0..front.len())
        .min_by(|&a, &b| front[a].total_bits().total_cmp(&front[b].total_bits()).then(a.cmp(&b)))
        .unwrap_or(0);
    Ok(Found {
        front,
        best,
        generations,
        evaluations,
        stop,
        exhaustive_length: found.complete_length,
        exhaustive_structures: found.structures,
        exhaustive_fitted: found.fitted,
        exhaustive_seconds,
        exhaustive_sums: found.sums,
        relations: relations
            .iter()
            .map(|r| r.describe(&scorer.names()))
            .chain(grouped.iter().chain(&symmetric).flat_map(|g| g.relations.iter().cloned()))
            .collect(),
        groups: grouped.map(|g| g.text),
        symmetry: symmetric.map(|g| g.text),
    })
}

/// What a search over fewer variables (the dimensionless groups, a symmetry) found: its front
/// as formulas over the columns, and the reduction in words.
struct Grouped {
    text: String,
    formulas: Vec<crate::expr::Expr>,
    /// The relations the reduced table's rows obey, in words.
    relations: Vec<String>,
}

/// Searches the table over its dimensionless groups ([`groups`]) for `groups_share` of the
/// budget, when its units give any; the front found there, written over the columns, joins the
/// archive and seeds every island.
fn search_groups(dataset: &Dataset, options: &SearchOptions, cancel: &Cancel, clock: &dyn Clock) -> Option<Grouped> {
    if !options.units || options.groups_share <= 0.0 {
        return None;
    }
    let groups = groups::Groups::of(dataset)?;
    let names: Vec<String> =
        dataset.features.iter().map(|f| crate::units::split_header(&f.name).0.to_string()).collect();
    let text = groups.describe(&names);
    if groups.groups.is_empty() {
        // No group: y = c·P, one constant to fit.
        let law = groups.expand(&crate::expr::Expr::constant(1.0), options.ops)?;
        return Some(Grouped { text, formulas: vec![law], relations: Vec::new() });
    }
    let reduced = groups.reduced(dataset)?;
    let found = search(&reduced, &inner_options(options, options.groups_share), &Silent, cancel, clock).ok()?;
    let formulas = found.front.iter().filter_map(|p| groups.expand(&p.expr, options.ops)).collect();
    let relations = found.relations.iter().map(|r| format!("over the groups, {r}")).collect();
    Some(Grouped { text, formulas, relations })
}

/// Searches the table over one variable fewer for `symmetry_share` of the budget, when its
/// target depends on two features only through their difference, sum, ratio or product
/// ([`symmetry`]); the front found there, written over the columns, joins the archive and seeds
/// every island. The search over the reduced table may find a further symmetry in it.
fn search_symmetry(dataset: &Dataset, options: &SearchOptions, cancel: &Cancel, clock: &dyn Clock) -> Option<Grouped> {
    if options.symmetry_share <= 0.0 {
        return None;
    }
    let symmetry = symmetry::Symmetry::find(dataset, options.units)?;
    let names: Vec<&str> = dataset.features.iter().map(|f| crate::units::split_header(&f.name).0).collect();
    let text = symmetry.describe(&names);
    let reduced = symmetry.reduced(dataset)?;
    let found = search(&reduced, &inner_options(options, options.symmetry_share), &Silent, cancel, clock).ok()?;
    let features = dataset.features.len();
    let formulas = found.front.iter().filter_map(|p| symmetry.expand(&p.expr, features)).collect();
    let relations = found.relations.iter().map(|r| format!("over {text}, {r}")).collect();
    Some(Grouped { text, formulas, relations })
}

/// The options of a search over a reduced table: `share` of the budget, and no second search
/// over dimensionless groups (the table's own were tried, or it has none).
fn inner_options(options: &SearchOptions, share: f64) -> SearchOptions {
    SearchOptions {
        seconds: options.seconds.map(|s| s * share),
        generations: options.generations.map(|g| ((g as f64 * share).ceil() as u64).max(1)),
        groups_share: 0.0,
        ..options.clone()
    }
}

/// Island i sends its elites to island i+1 (a ring), all from the state before any arrives.
fn migrate(islands: &mut [Island], migrants: usize) {
    if islands.len() < 2 || migrants == 0 {
        return;
    }
    let outgoing: Vec<Vec<Individual>> = islands.iter().map(|i| i.elites(migrants)).collect();
    let n = islands.len();
    for (i, group) in outgoing.into_iter().enumerate() {
        islands[(i + 1) % n].receive(&group);
    }
}

fn report_progress(
    observer: &dyn Observer,
    scorer: &Scorer,
    archive: &Archive,
    message: String,
    options: &SearchOptions,
    generations: u64,
    elapsed: f64,
) {
    let (done, total) = match (options.generations, options.seconds) {
        (Some(g), _) => (generations, g),
        (None, Some(s)) => ((elapsed * 1000.0) as u64, (s * 1000.0) as u64),
        (None, None) => (0, 0),
    };
    let mut progress = Progress::new("search", done, total, message);
    progress.partial = Some(Box::new(partial_report(scorer, archive)));
    observer.progress(&progress);
}

/// The front as it stands, with the loop's estimated bits: what a live plot shows.
fn partial_report(scorer: &Scorer, archive: &Archive) -> Report {
    let candidates: Vec<Candidate> = archive
        .members()
        .iter()
        .map(|m| Candidate {
            family: "formula".into(),
            description: format!("{} nodes", m.expr.len()),
            formula: scorer.text(&m.expr),
            mathml: scorer.mathml(&m.expr),
            expression: m.expr.print(crate::expr::Syntax::Text, &[]).ok(),
            model_bits: m.score.model_bits,
            data_bits: m.score.data_bits,
            total_bits: m.score.total(),
            ..Default::default()
        })
        .collect();
    let best = (0..candidates.len()).min_by(|&a, &b| candidates[a].total_bits.total_cmp(&candidates[b].total_bits));
    Report { front: (0..candidates.len()).collect(), candidates, best, ..Default::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::{FrozenClock, Silent};

    fn cooling() -> Dataset {
        let mut text = String::from("t,T\n");
        for (t, y) in [
            (0, 83.3),
            (5, 70.6),
            (10, 60.3),
            (15, 52.5),
            (20, 46.2),
            (25, 41.2),
            (30, 36.9),
            (35, 33.7),
            (40, 31.2),
            (45, 29.1),
            (50, 27.6),
            (55, 26.2),
        ] {
            text.push_str(&format!("{t},{y}\n"));
        }
        let loaded = crate::data::load("cooling", text.as_bytes(), &Default::default()).unwrap();
        crate::prepare::prepare(&loaded.table, &Default::default()).unwrap()
    }

    #[test]
    fn the_exhaustive_front_is_contained_in_the_final_front() {
        let d = cooling();
        let options =
            SearchOptions { generations: Some(3), seconds: None, exhaustive_structures: 20_000, ..Default::default() };
        let scorer = Scorer::new(&d, &options).unwrap();
        let budget = exhaustive::Budget { max_length: 10, max_structures: 20_000, deadline: None };
        let alone = exhaustive::run(
            &scorer,
            options.ops,
            1,
            budget,
            options.archive,
            8,
            options.seed,
            &Cancel::new(),
            &FrozenClock,
            &mut |_, _, _| {},
        );
        assert!(alone.complete_length >= 5, "{}", alone.complete_length);
        let found = search(&d, &options, &Silent, &Cancel::new(), &FrozenClock).unwrap();
        assert_eq!(found.exhaustive_length, alone.complete_length);
        for member in alone.front.members() {
            for p in scorer.finish(&member.expr, options.ops) {
                let covered = found
                    .front
                    .iter()
                    .any(|q| archive::dominates((q.model_bits, q.data_bits), (p.model_bits, p.data_bits), true));
                assert!(
                    covered,
                    "{} ({:.1} + {:.1}) is not covered by the final front",
                    p.text, p.model_bits, p.data_bits
                );
            }
        }
    }
}
