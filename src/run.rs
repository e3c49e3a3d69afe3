//! The one door: [`run`] takes a [`Job`] and returns a [`Report`]. The command-line tool and the
//! web worker both go through it, so the page and the CLI compute the same thing.
//!
//! The caller injects everything that differs between hosts: the [`Observer`] that shows
//! progress, the [`Cancel`] flag, and the [`Clock`]. Threads are the caller's too: `run` uses
//! whatever rayon pool it is called in.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::codec::{self, Program, ProgramKind};
pub use crate::control::{Cancel, Clock, FrozenClock, Observer, Progress, Silent};
use crate::data::{self, LoadError, LoadOptions, Loaded};
use crate::examples;
use crate::expr::OpSet;
use crate::prepare::{self, Dataset, PrepareError, PrepareOptions, Split, Target, Task};
use crate::report::{Baseline, Candidate, DatasetInfo, Report, SearchStats, TestScore};
use crate::search::{self, ConstantUnits, SearchError, SearchOptions};
use crate::words::{Lang, Message};

mod networks;

pub use networks::{CompressSettings, SelectSettings};

/// Rows of the table shown in a report's preview.
pub const PREVIEW_ROWS: usize = 10;

/// What to run, on which data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub data: DataSource,
    pub action: Action,
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// The column to explain (default: the last one that is not constant).
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub split: SplitSettings,
    /// Regression or classification, when the guess from the target column is not wanted.
    #[serde(default)]
    pub task: Option<Task>,
    /// The language of the report's warnings and notes (the page's reader's).
    #[serde(default)]
    pub lang: Lang,
    /// Units for columns whose headers give none, `a=AU,T=yr` (a header's `name [unit]` is read
    /// without it).
    #[serde(default)]
    pub units: String,
}

fn default_seed() -> u64 {
    1
}

impl Job {
    /// A job with the default seed, target and split.
    pub fn new(data: DataSource, action: Action) -> Job {
        Job {
            data,
            action,
            seed: default_seed(),
            target: None,
            split: SplitSettings::default(),
            task: None,
            lang: Lang::En,
            units: String::new(),
        }
    }
}

/// Where the table comes from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataSource {
    /// A built-in example, by id.
    Example { id: String },
    /// CSV bytes (a file the caller read).
    Csv { name: String, bytes: Vec<u8> },
    /// A table already loaded, kept by the caller between jobs (the web worker keeps one).
    #[serde(skip)]
    Loaded(Arc<Loaded>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Kinds, missing cells and statistics of every column, and a preview.
    Describe,
    /// The shortest formula for the target (genetic programming scored in bits).
    Search(SearchSettings),
    /// A network and a linear model, trained, compressed and measured in bits.
    Compress(CompressSettings),
    /// Feature importance in bits, and a refit on the chosen features.
    Select(SelectSettings),
    /// The bits of one given formula (its constants as written, each sent in its cheapest
    /// form), beside the null model: how long a law someone proposes is.
    Score(ScoreSettings),
}

/// A formula to measure, over the features' names (or x0, x1, … in feature order, for names
/// that are not identifiers), in the alphabet `ops`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScoreSettings {
    pub formula: String,
    pub ops: String,
}

impl Default for ScoreSettings {
    fn default() -> Self {
        ScoreSettings { formula: String::new(), ops: "default".into() }
    }
}

/// How the rows are split into training and test rows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SplitSettings {
    /// Share of rows held out for testing. None: [`DEFAULT_TEST_FRACTION`], except that a table of
    /// fewer than [`prepare::SMALL_TABLE_ROWS`] rows fits on every row and is validated by
    /// leave-one-out.
    pub test_fraction: Option<f64>,
    /// Train on the low values of this column and test on the high ones (extrapolation).
    pub extrapolate: Option<String>,
}

/// The share of rows held out when a table is large enough and no share is given.
pub const DEFAULT_TEST_FRACTION: f64 = 0.2;

/// The formula search's settings a user chooses; the rest keep [`SearchOptions`]' defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchSettings {
    pub seconds: Option<f64>,
    pub generations: Option<u64>,
    /// Operators as a comma list of names and presets ("default", "arith,sqrt").
    pub ops: String,
    pub islands: Option<usize>,
    pub population: Option<usize>,
    pub max_length: Option<usize>,
    /// Search over only this many features, those with the most mutual information with the
    /// target (for wide tables).
    pub top_features: Option<usize>,
    /// How the table's units restrict the formulas.
    pub units: UnitCheck,
}

/// How a formula search uses the table's units (where the headers or [`Job::units`] give them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitCheck {
    /// A formula whose units do not work out is left out; each constant carries a unit of its
    /// own, fitted with its value.
    #[default]
    Fitted,
    /// The same, with every constant a pure number.
    Dimensionless,
    /// Units are not checked.
    Off,
}

impl Default for SearchSettings {
    fn default() -> Self {
        SearchSettings {
            seconds: Some(10.0),
            generations: None,
            ops: "default".into(),
            islands: None,
            population: None,
            max_length: None,
            top_features: None,
            units: UnitCheck::default(),
        }
    }
}

/// Why a run produced no report.
#[derive(Debug, Clone, PartialEq)]
pub enum RunError {
    Load(LoadError),
    UnknownExample(String),
    Prepare(PrepareError),
    Search(SearchError),
    Fit(crate::model::FitError),
    Codec(codec::CodecError),
    /// A setting that cannot be read: its name and what is wrong.
    Setting {
        name: &'static str,
        message: String,
    },
    Cancelled,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Load(e) => e.fmt(f),
            RunError::UnknownExample(id) => {
                let known: Vec<&str> = examples::EXAMPLES.iter().map(|e| e.id).collect();
                write!(f, "there is no example '{id}' (there are: {})", known.join(", "))
            }
            RunError::Prepare(e) => e.fmt(f),
            RunError::Search(e) => e.fmt(f),
            RunError::Fit(e) => e.fmt(f),
            RunError::Codec(e) => e.fmt(f),
            RunError::Setting { name, message } => write!(f, "setting '{name}': {message}"),
            RunError::Cancelled => f.write_str("cancelled"),
        }
    }
}

impl RunError {
    /// The error in `lang`: what a reader meets most (a file that cannot be read, a table that
    /// cannot be prepared, a target of classes, a table a network cannot be trained on) in their
    /// words; the rest in English.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            RunError::Load(e) => e.render(lang),
            RunError::Prepare(e) => e.message().render(lang),
            RunError::Search(SearchError::NotRegression { target }) => SearchError::not_regression(target).render(lang),
            RunError::Fit(e) => e.message().map_or_else(|| e.to_string(), |m| m.render(lang)),
            other => other.to_string(),
        }
    }
}

impl std::error::Error for RunError {}

impl From<LoadError> for RunError {
    fn from(e: LoadError) -> Self {
        RunError::Load(e)
    }
}

impl From<PrepareError> for RunError {
    fn from(e: PrepareError) -> Self {
        RunError::Prepare(e)
    }
}

impl From<SearchError> for RunError {
    fn from(e: SearchError) -> Self {
        RunError::Search(e)
    }
}

/// Loads a job's table (or hands back the one already loaded).
pub fn load(source: &DataSource, options: &LoadOptions) -> Result<Arc<Loaded>, RunError> {
    match source {
        DataSource::Loaded(loaded) => Ok(loaded.clone()),
        DataSource::Csv { name, bytes } => Ok(Arc::new(data::load(name, bytes, options)?)),
        DataSource::Example { id } => {
            let example = examples::find(id).ok_or_else(|| RunError::UnknownExample(id.clone()))?;
            Ok(Arc::new(data::load(example.id, example.csv.as_bytes(), options)?))
        }
    }
}

/// Runs a job to its report.
pub fn run(job: &Job, observer: &dyn Observer, cancel: &Cancel, clock: &dyn Clock) -> Result<Report, RunError> {
    Ok(run_with_programs(job, observer, cancel, clock)?.0)
}

/// Runs a job to its report and, for each candidate, the program a .occam file would send
/// (None for the candidates of feature selection).
pub fn run_with_programs(
    job: &Job,
    observer: &dyn Observer,
    cancel: &Cancel,
    clock: &dyn Clock,
) -> Result<(Report, Vec<Option<Program>>), RunError> {
    let start = clock.seconds();
    let mut programs = Vec::new();
    let loaded = load(&job.data, &LoadOptions::default())?;
    let mut report = dataset_report(&loaded, job.lang);
    let header = if job.action == Action::Describe { None } else { header_cost(job, &loaded.table, &mut report) };
    match &job.action {
        Action::Describe => {
            report.columns = data::describe(&loaded.table, observer, cancel).ok_or(RunError::Cancelled)?;
            report.sample = Some(crate::report::Sample::of(&loaded.table));
        }
        Action::Search(settings) => {
            let mut dataset = prepare::prepare(&loaded.table, &search_prepare_options(job, &loaded.table)?)?;
            if let Some(k) = settings.top_features.filter(|&k| k < dataset.features.len()) {
                let all = dataset.features.len();
                let (kept, info) = crate::select::top_k(&dataset, k);
                let names: Vec<String> = info.iter().map(|(n, bits)| format!("{n} ({bits:.2} bits)")).collect();
                let values = [("k", k.to_string()), ("all", all.to_string()), ("features", names.join(", "))];
                report.warnings.push(Message::new("warn_top_k", &values).render(job.lang));
                dataset = kept;
            }
            describe_dataset(&mut report, &dataset, job.lang);
            report.baselines = baselines(&dataset, header.as_ref());
            let options = search_options(settings, job.seed)?;
            if options.units {
                report.dataset.units = known_units(&dataset);
            }
            let header = header.map(|h| h.bits(ProgramKind::Formula(options.ops)));
            let live = WithContext { inner: observer, base: Some(&report), header };
            let found = search::search(&dataset, &options, &live, cancel, clock)?;
            report.cancelled = found.stop == search::Stop::Cancelled;
            report.search = Some(SearchStats {
                generations: found.generations,
                evaluations: found.evaluations,
                stop: format!("{:?}", found.stop).to_lowercase(),
                exhaustive_length: found.exhaustive_length,
                exhaustive_structures: found.exhaustive_structures,
                exhaustive_fitted: found.exhaustive_fitted,
                exhaustive_seconds: found.exhaustive_seconds,
                exhaustive_sums: found.exhaustive_sums,
                groups: found.groups.clone(),
                symmetry: found.symmetry.clone(),
                relations: found.relations.clone(),
            });
            report.candidates = found.front.iter().map(formula_candidate).collect();
            let features = feature_names(&dataset);
            programs = found
                .front
                .into_iter()
                .map(|p| {
                    Some(Program::Formula {
                        expr: p.expr,
                        constants: p.constants,
                        ops: options.ops,
                        features: features.clone(),
                    })
                })
                .collect();
            with_null(&dataset, &mut report, &mut programs);
        }
        Action::Score(settings) => {
            let dataset = prepare::prepare(&loaded.table, &search_prepare_options(job, &loaded.table)?)?;
            describe_dataset(&mut report, &dataset, job.lang);
            report.baselines = baselines(&dataset, header.as_ref());
            let ops =
                OpSet::parse(&settings.ops).map_err(|e| RunError::Setting { name: "ops", message: e.to_string() })?;
            let names = feature_names(&dataset);
            let expr = parse_formula(&settings.formula, &dataset, ops)?;
            let options = SearchOptions { ops, ..SearchOptions::default() };
            let scorer = search::Scorer::new(&dataset, &options)?;
            if !scorer.units().consistent(&expr, true) {
                report
                    .warnings
                    .push(Message::new("warn_units_score", &[("formula", settings.formula.clone())]).render(job.lang));
            }
            let polished = scorer.polish(&expr);
            report.candidates.push(formula_candidate(&polished));
            programs.push(Some(Program::Formula {
                expr: polished.expr,
                constants: polished.constants,
                ops,
                features: names,
            }));
            with_null(&dataset, &mut report, &mut programs);
        }
        Action::Compress(settings) => {
            let dataset = prepared(job, &mut report, header.as_ref())?;
            let header = header.map(|h| h.bits(ProgramKind::Network { inputs: dataset.features.len() }));
            let live = WithContext { inner: observer, base: None, header };
            let codes = networks::compress(&dataset, settings, job.seed, &mut report, &live, cancel, clock)?;
            let features = feature_names(&dataset);
            programs =
                codes.into_iter().map(|code| Some(Program::Network { code, features: features.clone() })).collect();
            with_null(&dataset, &mut report, &mut programs);
        }
        Action::Select(settings) => {
            let dataset = prepared(job, &mut report, header.as_ref())?;
            programs = networks::select(&dataset, settings, job.seed, &mut report, observer, cancel)?
                .into_iter()
                .map(Some)
                .collect();
            with_null(&dataset, &mut report, &mut programs);
        }
    }
    programs.resize_with(report.candidates.len(), || None);
    if job.action != Action::Describe {
        if let Some(header) = &header {
            count_headers(&mut report, &programs, header);
        }
        report.rerun = Some(crate::report::Rerun {
            data: loaded.table.name.clone(),
            action: serde_json::to_value(&job.action).unwrap_or_default(),
            seed: job.seed,
            target: report.dataset.target.clone().or_else(|| job.target.clone()),
            test_fraction: job.split.test_fraction,
            extrapolate: job.split.extrapolate.clone(),
            task: job.task.map(|t| t.name().to_string()),
            version: env!("CARGO_PKG_VERSION").to_string(),
        });
    }
    report.seed = job.seed;
    report.threads = rayon::current_num_threads();
    report.elapsed_s = clock.seconds() - start;
    Ok((report, programs))
}

/// How the codec prepares the table for a job's programs (its target and preparation).
pub fn codec_options(job: &Job) -> codec::CodecOptions {
    codec::CodecOptions { prepare: prepare_options(job) }
}

/// The key the page and the worker name a candidate by across runs: family, program text, and
/// total bits.
pub fn candidate_key(c: &Candidate) -> String {
    format!("{}|{}|{:.6}", c.family, c.formula.as_deref().unwrap_or(&c.description), c.total_bits)
}

fn feature_names(dataset: &Dataset) -> Vec<String> {
    dataset.features.iter().map(|f| f.name.clone()).collect()
}

/// Which program `occam encode` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The shortest total of the formula search (for a numeric target) and the networks.
    Best,
    Formula,
    Mlp,
    /// The linear (or logistic) model.
    Linear,
    /// The null model (the mean, or the class frequencies).
    Null,
}

/// What `encode` wrote: the file, and the candidate it came from in the report.
#[derive(Debug, Clone)]
pub struct Encoding {
    pub report: Report,
    pub chosen: Option<usize>,
    pub encoded: codec::Encoded,
}

/// Runs the engines `choice` needs (the search with `search`, the networks with `networks`),
/// takes the shortest candidate of the chosen family, and writes it and the target as a .occam
/// file. Every row with a target is coded (the file is the whole column, not a split).
pub fn encode(
    job: &Job,
    choice: Choice,
    search: &SearchSettings,
    networks: &CompressSettings,
    observer: &dyn Observer,
    cancel: &Cancel,
    clock: &dyn Clock,
) -> Result<Encoding, RunError> {
    let loaded = load(&job.data, &LoadOptions::default())?;
    let job = Job { data: DataSource::Loaded(loaded.clone()), ..job.clone() };
    // A formula is asked for: the column is numbers, and the file is coded as such.
    let job = match choice {
        Choice::Formula => Job { task: search_prepare_options(&job, &loaded.table)?.task, ..job },
        _ => job,
    };
    let regression =
        matches!(prepare::target_and_task(&loaded.table, &prepare_options(&job))?.1, prepare::Task::Regression);
    let mut actions = Vec::new();
    if matches!(choice, Choice::Formula) || (choice == Choice::Best && regression) {
        actions.push(Action::Search(search.clone()));
    }
    match choice {
        Choice::Best | Choice::Mlp => {
            actions.push(Action::Compress(CompressSettings { linear: choice == Choice::Best, ..networks.clone() }))
        }
        Choice::Linear => {
            actions.push(Action::Compress(CompressSettings { hidden: Vec::new(), linear: true, ..networks.clone() }))
        }
        Choice::Formula | Choice::Null => {}
    }
    let mut report = Report::default();
    let mut programs = Vec::new();
    for action in actions {
        let (mut r, mut p) = run_with_programs(&Job { action, ..job.clone() }, observer, cancel, clock)?;
        // Every engine brings the null model; keep the first.
        if report.candidates.iter().any(|c| c.family == "null") {
            let keep: Vec<bool> = r.candidates.iter().map(|c| c.family != "null").collect();
            let mut k = keep.iter();
            r.candidates.retain(|_| *k.next().unwrap_or(&true));
            let mut k = keep.iter();
            p.retain(|_| *k.next().unwrap_or(&true));
        }
        let search = report.search.take().or(r.search.clone());
        let mut joined = r;
        joined.candidates = std::mem::take(&mut report.candidates).into_iter().chain(joined.candidates).collect();
        joined.search = search;
        joined.settle();
        report = joined;
        programs.extend(p);
    }
    let wanted = |c: &Candidate| match choice {
        Choice::Best => true,
        Choice::Formula => c.family == "formula",
        Choice::Mlp => c.family == "mlp",
        Choice::Linear => c.family == "linear" || c.family == "logistic",
        Choice::Null => false,
    };
    let chosen = (0..report.candidates.len())
        .filter(|&i| programs[i].is_some() && wanted(&report.candidates[i]))
        .min_by(|&a, &b| report.candidates[a].total_bits.total_cmp(&report.candidates[b].total_bits));
    let program = match chosen {
        Some(i) => programs[i].take().expect("filtered on a program"),
        None if choice == Choice::Null => Program::Null,
        None => return Err(RunError::Setting { name: "model", message: "no candidate of that kind was found".into() }),
    };
    let encoded = codec::encode(&program, &loaded.table, &codec_options(&job)).map_err(RunError::Codec)?;
    Ok(Encoding { report, chosen, encoded })
}

/// The header a .occam file of this job's table spends, or None (and a warning in `report`)
/// when the table cannot be written as one.
fn header_cost(job: &Job, table: &data::Table, report: &mut Report) -> Option<codec::HeaderCost> {
    let prepare = match job.action {
        Action::Search(_) | Action::Score(_) => search_prepare_options(job, table).ok()?,
        _ => prepare_options(job),
    };
    match codec::HeaderCost::of(table, &codec::CodecOptions { prepare }) {
        Ok(cost) => Some(cost),
        Err(e) => {
            report.warnings.push(Message::new("warn_no_header", &[("error", e.to_string())]).render(job.lang));
            None
        }
    }
}

/// Counts each candidate's file header in its total, so that every total is the size of the
/// .occam file that would send it; then settles the front and the best again.
fn count_headers(report: &mut Report, programs: &[Option<Program>], header: &codec::HeaderCost) {
    for (candidate, program) in report.candidates.iter_mut().zip(programs) {
        if let Some(program) = program {
            candidate.count_header(header.bits(program.kind()));
        }
    }
    report.settle();
}

/// Completes an engine's partial reports with what `run` knows (the dataset, the baselines, the
/// file's header in every total), so a live view draws them on the same axes as the final
/// report.
struct WithContext<'a> {
    inner: &'a dyn Observer,
    /// What the engine's partial reports lack, or None when they are whole.
    base: Option<&'a Report>,
    /// The header of the engine's kind of program.
    header: Option<f64>,
}

impl Observer for WithContext<'_> {
    fn progress(&self, progress: &Progress) {
        let Some(partial) = &progress.partial else { return self.inner.progress(progress) };
        let mut full = self.base.map_or_else(|| (**partial).clone(), Report::clone);
        full.candidates = partial.candidates.clone();
        for c in &mut full.candidates {
            c.count_header(self.header.unwrap_or(0.0));
        }
        full.front = partial.front.clone();
        full.best = partial.best;
        let mut progress = progress.clone();
        progress.partial = Some(Box::new(full));
        self.inner.progress(&progress);
    }
}

/// The job's dataset, described in the report with its baselines.
fn prepared(job: &Job, report: &mut Report, header: Option<&codec::HeaderCost>) -> Result<Dataset, RunError> {
    let loaded = load(&job.data, &LoadOptions::default())?;
    let dataset = prepare::prepare(&loaded.table, &prepare_options(job))?;
    describe_dataset(report, &dataset, job.lang);
    report.baselines = baselines(&dataset, header);
    Ok(dataset)
}

fn prepare_options(job: &Job) -> PrepareOptions {
    let target = job.target.clone().or_else(|| match &job.data {
        DataSource::Example { id } => examples::find(id).map(|e| e.target.to_string()),
        _ => None,
    });
    let split = match (&job.split.extrapolate, job.split.test_fraction) {
        (Some(column), fraction) => {
            Split::Extrapolate { column: column.clone(), test_fraction: fraction.unwrap_or(DEFAULT_TEST_FRACTION) }
        }
        (None, Some(test_fraction)) => Split::Random { test_fraction },
        (None, None) => Split::Automatic { test_fraction: DEFAULT_TEST_FRACTION },
    };
    PrepareOptions { target, split, task: job.task, seed: job.seed, units: unit_list(&job.units), ..Default::default() }
}

/// `a=AU, T=yr` as (column, unit) pairs; a piece without '=' is ignored (the CLI checks the
/// text before a job is made).
pub fn unit_list(text: &str) -> Vec<(String, String)> {
    text.split(',')
        .filter_map(|piece| piece.split_once('='))
        .map(|(name, unit)| (name.trim().to_string(), unit.trim().to_string()))
        .filter(|(name, unit)| !name.is_empty() && !unit.is_empty())
        .collect()
}

/// The preparation for a formula search: a numeric target is searched as numbers even when its
/// few whole values look like labels (unless the job says classification), since asking for a
/// formula says what the column is.
fn search_prepare_options(job: &Job, table: &data::Table) -> Result<PrepareOptions, RunError> {
    let mut options = prepare_options(job);
    if options.task.is_none() {
        let (target, _) = prepare::target_and_task(table, &options)?;
        if matches!(table.columns[target].data, data::ColumnData::Numeric { .. }) {
            options.task = Some(Task::Regression);
        }
    }
    Ok(options)
}

fn search_options(settings: &SearchSettings, seed: u64) -> Result<SearchOptions, RunError> {
    let ops = OpSet::parse(&settings.ops).map_err(|e| RunError::Setting { name: "ops", message: e.to_string() })?;
    let defaults = SearchOptions::default();
    Ok(SearchOptions {
        ops,
        seconds: settings.seconds,
        generations: settings.generations,
        islands: settings.islands.unwrap_or(defaults.islands),
        population: settings.population.unwrap_or(defaults.population),
        max_length: settings.max_length.unwrap_or(defaults.max_length),
        units: settings.units != UnitCheck::Off,
        constant_units: match settings.units {
            UnitCheck::Dimensionless => ConstantUnits::Dimensionless,
            UnitCheck::Fitted | UnitCheck::Off => ConstantUnits::Fitted,
        },
        seed,
        ..defaults
    })
}

/// The known dimensions of the target and the features, as (name, dimension) for the report.
fn known_units(dataset: &Dataset) -> Vec<(String, String)> {
    let target = dataset.target_unit.map(|d| (dataset.target_name.clone(), d.to_string()));
    let features = dataset.features.iter().filter_map(|f| f.unit.map(|d| (f.name.clone(), d.to_string())));
    target.into_iter().chain(features).collect()
}

fn describe_dataset(report: &mut Report, dataset: &Dataset, lang: Lang) {
    let d = &mut report.dataset;
    d.target = Some(dataset.target_name.clone());
    d.features = feature_names(dataset);
    d.task = Some(dataset.task.name().to_string());
    d.train_rows = dataset.train.len();
    d.test_rows = dataset.test.len();
    d.validation = Some(dataset.validation);
    if let Target::Regression(t) = &dataset.target {
        d.precision = Some(t.precision());
    }
    report.warnings.extend(dataset.notes.iter().map(|m| m.render(lang)));
    if dataset.dropped_rows > 0 {
        report
            .warnings
            .push(Message::counted("warn_dropped_row", "warn_dropped_rows", dataset.dropped_rows, &[]).render(lang));
    }
}

fn formula_candidate(p: &search::Polished) -> Candidate {
    Candidate {
        family: "formula".into(),
        description: format!("{} nodes", p.expr.len()),
        formula: Some(p.text.clone()),
        latex: Some(p.latex.clone()),
        mathml: Some(p.mathml.clone()),
        familiar: p.familiar.as_ref().map(|f| f.0.clone()),
        familiar_mathml: p.familiar.as_ref().map(|f| f.1.clone()),
        python: Some(p.python.clone()),
        expression: p.expr.print(crate::expr::Syntax::Text, &[]).ok(),
        model_bits: p.model_bits,
        data_bits: p.data_bits,
        total_bits: p.total_bits(),
        test: TestScore { r2: p.test_r2, accuracy: None, bits_per_row: p.test_bits_per_row },
        ..Default::default()
    }
}

/// A formula in the user's words: its variables are the columns' names without their units
/// (`m` for `m [g]`), or x0, x1, … in feature order when it does not read with the names. A
/// column read on a thermometer's scale is searched as absolute temperature, but its name (or
/// alias) in a formula is the reading, as the user wrote it: `T` is `(T [C] + 273.15) − 273.15`,
/// and `T + 273.15` the feature itself. Every operator must be in `ops` (its bits are counted in
/// that alphabet).
fn parse_formula(text: &str, dataset: &Dataset, ops: OpSet) -> Result<crate::expr::Expr, RunError> {
    use crate::expr::{Expr, Op};
    let short: Vec<&str> = dataset
        .features
        .iter()
        .map(|f| match &f.origin {
            prepare::Origin::Numeric { column } => crate::units::split_header(column).0,
            _ => f.name.as_str(),
        })
        .collect();
    let aliases: Vec<String> = (0..short.len()).map(|j| format!("x{j}")).collect();
    let aliased: Vec<&str> = aliases.iter().map(String::as_str).collect();
    let readings: Vec<Expr> = dataset
        .features
        .iter()
        .enumerate()
        .map(|(j, f)| match f.thermometer {
            Some(scale) => Expr::binary(Op::Sub, Expr::var(j as u16), Expr::constant(scale.zero())),
            None => Expr::var(j as u16),
        })
        .collect();
    let expr = crate::expr::parse(text, &short)
        .or_else(|e| crate::expr::parse(text, &aliased).map_err(|_| e))
        .map(|e| e.substitute(&readings).map(|e| absolute_temperatures(&e, dataset)).unwrap_or(e))
        .map_err(|e| RunError::Setting { name: "formula", message: e.to_string() })?;
    for node in &expr.nodes {
        if let crate::expr::Kind::Op(op) = node.kind {
            if !ops.contains(op) {
                return Err(RunError::Setting {
                    name: "formula",
                    message: format!("'{op}' is not among the operators {ops}; add it with --ops"),
                });
            }
        }
    }
    Ok(expr)
}

/// `e` with every reading plus its thermometer's zero, `(x − z) + z` or `z + (x − z)` as
/// [`parse_formula`] reads `T + 273.15`, written as the absolute feature x itself.
fn absolute_temperatures(e: &crate::expr::Expr, dataset: &Dataset) -> crate::expr::Expr {
    use crate::expr::{Kind, Op};
    let zero = |j: u16| dataset.features.get(usize::from(j)).and_then(|f| f.thermometer).map(|t| t.zero());
    let is = |k: &Kind, z: f64| matches!(k, Kind::Const(c, _) if *c == z);
    let mut nodes = e.nodes.clone();
    let mut i = 0;
    while i + 5 <= nodes.len() {
        let w: Vec<Kind> = nodes[i..i + 5].iter().map(|n| n.kind).collect();
        let var = match (w[0], w[1]) {
            (Kind::Var(j), _) | (_, Kind::Var(j)) => Some(j),
            _ => None,
        };
        let folded = var.and_then(|j| Some((j, zero(j)?))).is_some_and(|(j, z)| {
            let reading_first =
                matches!(w[0], Kind::Var(v) if v == j) && is(&w[1], z) && w[2] == Kind::Op(Op::Sub) && is(&w[3], z);
            let zero_first =
                is(&w[0], z) && matches!(w[1], Kind::Var(v) if v == j) && is(&w[2], z) && w[3] == Kind::Op(Op::Sub);
            (reading_first || zero_first) && w[4] == Kind::Op(Op::Add)
        });
        if folded {
            let j = var.expect("folded only with a variable");
            nodes.splice(i..i + 5, std::iter::once(crate::expr::Node::var(j)));
        }
        i += 1;
    }
    let mut out = e.clone();
    out.nodes = nodes;
    match out.recompute_lengths() {
        Ok(()) => out,
        Err(_) => e.clone(),
    }
}

/// Adds the null model as a candidate (and its program) and settles the front and the best:
/// the mean, or the class frequencies, is a program too, and no candidate that costs more than
/// it can be the best.
fn with_null(dataset: &Dataset, report: &mut Report, programs: &mut Vec<Option<Program>>) {
    programs.resize_with(report.candidates.len(), || None);
    if let Some(null) = null_candidate(dataset) {
        report.candidates.push(null);
        programs.push(Some(Program::Null));
    }
    report.settle();
}

/// The null model on the training rows, measured as the .occam file codes it ([`Program::Null`]):
/// the constant closest to the mean in its cheapest form and the residual code around it, or
/// the class counts and each label at its frequency; tested like every other candidate.
pub fn null_candidate(dataset: &Dataset) -> Option<Candidate> {
    match &dataset.target {
        Target::Regression(target) => {
            let delta = target.precision();
            let y: Vec<f64> = dataset.train.iter().map(|&r| target.values[r]).collect();
            let null = crate::mdl::baselines::null_numeric(&y, delta).ok()?;
            let c = null.constant.value();
            let e = crate::expr::Expr::with_form(c, search::form_of(&null.constant));
            let print = |syntax| e.print(syntax, &[]).ok();
            let test = match dataset.validation {
                prepare::Validation::LeaveOneOut => {
                    // Each row predicted by the mean of the others.
                    let (n, sum) = (y.len() as f64, y.iter().sum::<f64>());
                    let others: Vec<f64> = y.iter().map(|v| (sum - v) / (n - 1.0)).collect();
                    test_of(&y, &others, &null.residuals, delta)
                }
                _ => {
                    let y_test: Vec<f64> = dataset.test.iter().map(|&r| target.values[r]).collect();
                    test_of(&y_test, &vec![c; y_test.len()], &null.residuals, delta)
                }
            };
            Some(Candidate {
                family: "null".into(),
                description: "the mean".into(),
                formula: print(crate::expr::Syntax::Text),
                latex: print(crate::expr::Syntax::Latex),
                mathml: print(crate::expr::Syntax::MathMl),
                python: print(crate::expr::Syntax::Python),
                expression: print(crate::expr::Syntax::Text),
                model_bits: null.constant.bits() as f64,
                data_bits: null.residuals.total_bits,
                total_bits: null.total_bits,
                test,
                ..Default::default()
            })
        }
        Target::Classification { classes, labels } => {
            let text: Vec<&str> = dataset.train.iter().map(|&r| classes[labels[r] as usize].as_str()).collect();
            let (model_bits, data_bits) = crate::mdl::baselines::null_class_parts(&text).ok()?;
            let mut counts = vec![0usize; classes.len()];
            for &r in &dataset.train {
                counts[labels[r] as usize] += 1;
            }
            let majority = (0..counts.len()).max_by_key(|&k| (counts[k], std::cmp::Reverse(k)))?;
            let accuracy = match dataset.validation {
                prepare::Validation::LeaveOneOut => {
                    // The majority of the other rows, ties to the first class.
                    let right = dataset.train.iter().filter(|&&r| {
                        let mut others = counts.clone();
                        others[labels[r] as usize] -= 1;
                        let top = (0..others.len()).max_by_key(|&k| (others[k], std::cmp::Reverse(k)));
                        top == Some(labels[r] as usize)
                    });
                    Some(right.count() as f64 / dataset.train.len() as f64)
                }
                _ if dataset.test.is_empty() => None,
                _ => Some(
                    dataset.test.iter().filter(|&&r| labels[r] as usize == majority).count() as f64
                        / dataset.test.len() as f64,
                ),
            };
            Some(Candidate {
                family: "null".into(),
                description: "the class frequencies".into(),
                model_bits,
                data_bits,
                total_bits: model_bits + data_bits,
                test: TestScore { r2: None, accuracy, bits_per_row: None },
                ..Default::default()
            })
        }
    }
}

/// R² (Q² for leave-one-out predictions) and bits per row of `y` given `mu` under `code`.
fn test_of(y: &[f64], mu: &[f64], code: &crate::mdl::ResidualCode, delta: f64) -> TestScore {
    if y.len() < 2 {
        return TestScore::default();
    }
    let bits = code.evaluate(y, mu, delta).ok().map(|b| b / y.len() as f64).filter(|b| b.is_finite());
    TestScore { r2: crate::compress::r2(y, mu), accuracy: None, bits_per_row: bits }
}

/// The code lengths that need no model of the features, on the training rows' target; the null
/// and literal codes send the column as a .occam file would, so they count the null model's
/// header (the compressors' figures are their own files' sizes).
fn baselines(dataset: &Dataset, header: Option<&codec::HeaderCost>) -> Vec<Baseline> {
    use crate::mdl::BaselineKind;
    let null_header = header.map_or(0.0, |h| h.bits(ProgramKind::Null));
    own_baselines(dataset)
        .into_iter()
        .map(|b| {
            let header_bits = match b.kind {
                BaselineKind::Null | BaselineKind::Literal => null_header,
                BaselineKind::Deflate | BaselineKind::Xz => 0.0,
            };
            Baseline { name: b.kind.name().to_string(), header_bits, total_bits: b.bits + header_bits }
        })
        .collect()
}

fn own_baselines(dataset: &Dataset) -> Vec<crate::mdl::Baseline> {
    let target = match &dataset.target {
        Target::Regression(target) => target,
        Target::Classification { classes, labels } => {
            let text: Vec<&str> = dataset.train.iter().map(|&r| classes[labels[r] as usize].as_str()).collect();
            return crate::mdl::class_baselines(&text).unwrap_or_default();
        }
    };
    let y: Vec<f64> = dataset.train.iter().map(|&r| target.values[r]).collect();
    let text: Vec<String> = y.iter().map(|v| data::number::format(*v, target.decimals)).collect();
    crate::mdl::numeric_baselines(&y, target.precision(), &text).unwrap_or_default()
}

/// The part of a report that describes the table itself.
fn dataset_report(loaded: &Loaded, lang: Lang) -> Report {
    let table = &loaded.table;
    let preview =
        (0..table.rows.min(PREVIEW_ROWS)).map(|r| table.columns.iter().map(|c| c.cell_text(r)).collect()).collect();
    Report {
        dataset: DatasetInfo {
            name: table.name.clone(),
            rows: table.rows,
            columns: table.columns.len(),
            delimiter: (table.dialect.delimiter as char).to_string(),
            decimal_comma: table.dialect.decimal_comma,
            ..Default::default()
        },
        preview,
        warnings: loaded.warnings.iter().map(|w| w.render(lang)).collect(),
        ..Default::default()
    }
}
