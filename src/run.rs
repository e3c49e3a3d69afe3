//! The one door: [`run`] takes a [`Job`] and returns a [`Report`]. The command-line tool and the
//! web worker both go through it, so the page and the CLI compute the same thing.
//!
//! The caller injects everything that differs between hosts: the [`Observer`] that shows
//! progress, the [`Cancel`] flag, and the [`Clock`]. Threads are the caller's too: `run` uses
//! whatever rayon pool it is called in.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use crate::control::{Cancel, Clock, FrozenClock, Observer, Progress, Silent};
use crate::data::{self, LoadError, LoadOptions, Loaded};
use crate::examples;
use crate::report::{DatasetInfo, Report};

/// Rows of the table shown in a report's preview.
pub const PREVIEW_ROWS: usize = 10;

/// What to run, on which data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub data: DataSource,
    pub action: Action,
    #[serde(default)]
    pub seed: u64,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Kinds, missing cells and statistics of every column, and a preview.
    Describe,
}

/// Why a run produced no report.
#[derive(Debug, Clone, PartialEq)]
pub enum RunError {
    Load(LoadError),
    UnknownExample(String),
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
            RunError::Cancelled => f.write_str("cancelled"),
        }
    }
}

impl std::error::Error for RunError {}

impl From<LoadError> for RunError {
    fn from(e: LoadError) -> Self {
        RunError::Load(e)
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
    let start = clock.seconds();
    let loaded = load(&job.data, &LoadOptions::default())?;
    let mut report = dataset_report(&loaded);
    match job.action {
        Action::Describe => {
            report.columns = data::describe(&loaded.table, observer, cancel).ok_or(RunError::Cancelled)?;
        }
    }
    report.seed = job.seed;
    report.threads = rayon::current_num_threads();
    report.elapsed_s = clock.seconds() - start;
    Ok(report)
}

/// The part of a report that describes the table itself.
fn dataset_report(loaded: &Loaded) -> Report {
    let table = &loaded.table;
    let preview = (0..table.rows.min(PREVIEW_ROWS))
        .map(|r| table.columns.iter().map(|c| c.cell_text(r)).collect())
        .collect();
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
        warnings: loaded.warnings.iter().map(|w| w.to_string()).collect(),
        ..Default::default()
    }
}
