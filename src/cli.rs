//! Arguments in, `run` called, the report printed as text or JSON. Exit status 0 on success,
//! 2 on bad input or arguments, with a message on standard error; never a panic on input.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};
use occam::control::{Cancel, Clock, Observer, Progress};
use occam::report;
use occam::run::{self, Action, DataSource, Job};

#[derive(Parser)]
#[command(name = "occam", version, about = "Finds the shortest program that explains a table of data, in bits")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print a table's schema: each column's kind, missing cells, decimal step and levels.
    Inspect {
        /// The CSV file (comma, semicolon, tab or pipe separated).
        data: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Threads for the work (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
}

/// A monotonic clock started when the tool starts.
struct SystemClock(Instant);

impl Clock for SystemClock {
    fn seconds(&self) -> f64 {
        self.0.elapsed().as_secs_f64()
    }
}

/// Progress on standard error, only when it is a terminal.
struct Stderr {
    show: bool,
}

impl Observer for Stderr {
    fn progress(&self, p: &Progress) {
        if self.show {
            eprint!("\r{:>3.0}% {}\x1b[K", 100.0 * p.fraction(), p.message);
        }
    }
}

pub fn main() -> i32 {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("occam: {e:#}");
            2
        }
    }
}

fn execute(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Inspect { data, json, threads } => {
            let job = Job { data: read_csv(&data)?, action: Action::Describe, seed: 0 };
            let report = with_threads(threads, || {
                run::run(&job, &observer(), &Cancel::new(), &SystemClock(Instant::now()))
            })?
            .with_context(|| data.display().to_string())?;
            let mut out = std::io::stdout().lock();
            if json {
                serde_json::to_writer_pretty(&mut out, &report)?;
                writeln!(out)?;
            } else {
                let d = &report.dataset;
                writeln!(out, "{}: {} rows, {} columns", data.display(), d.rows, d.columns)?;
                for w in &report.warnings {
                    writeln!(out, "warning: {w}")?;
                }
                write!(out, "{}", report::schema_table(&report))?;
            }
            Ok(())
        }
    }
}

fn read_csv(path: &PathBuf) -> anyhow::Result<DataSource> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    Ok(DataSource::Csv { name, bytes })
}

fn observer() -> Stderr {
    use std::io::IsTerminal;
    Stderr { show: std::io::stderr().is_terminal() }
}

/// Runs `work` in a pool of `threads` threads (all cores when `None`).
fn with_threads<T: Send>(threads: Option<usize>, work: impl FnOnce() -> T + Send) -> anyhow::Result<T> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.unwrap_or(0)).build()?;
    Ok(pool.install(work))
}
