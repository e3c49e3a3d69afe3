//! Arguments in, `run` called, the report printed as text or JSON. Exit status 0 on success,
//! 2 on bad input or arguments, with a message on standard error; never a panic on input.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};
use occam::control::{Cancel, Clock, Observer, Progress};
use occam::model::Activation;
use occam::prepare::Task;
use occam::report;
use occam::run::{
    self, Action, Choice, CompressSettings, DataSource, Job, SearchSettings, SelectSettings, SplitSettings, UnitCheck,
};

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
    /// Search for the shortest formula that explains a column, measured in bits.
    Search {
        #[command(flatten)]
        common: Common,
        /// Time budget in seconds.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// Generations per island instead of a time budget (reproducible whatever the machine).
        #[arg(long)]
        generations: Option<u64>,
        /// Operators, a comma list of names and presets: default, arith, or e.g. add,mul,sqrt.
        #[arg(long, default_value = "default")]
        ops: String,
        /// Search over only the K features with the most mutual information with the target.
        #[arg(long, value_name = "K")]
        top_features: Option<usize>,
        /// How the columns' units restrict formulas: fitted (constants carry units of their
        /// own), dimensionless (constants are pure numbers) or off.
        #[arg(long, default_value = "fitted", value_parser = parse_unit_check)]
        unit_check: UnitCheck,
    },
    /// Measure one formula in bits on a table (its constants as written, each sent in its
    /// cheapest form), beside the null model: e.g. --formula "0.0002*a**(3/2)". Variables are
    /// the columns' names, or x0, x1, … in feature order.
    Score {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        formula: String,
        /// The alphabet the formula's symbols are counted in (as for search).
        #[arg(long, default_value = "default")]
        ops: String,
    },
    /// Train a network and a linear model, compress them (quantisation, pruning, low rank, and a
    /// search over per-layer settings) and measure every variant in bits.
    Compress {
        #[command(flatten)]
        common: Common,
        /// Hidden layer widths, e.g. 64,32 (empty: only the linear model).
        #[arg(long, default_value = "64,32", value_delimiter = ',')]
        hidden: Vec<usize>,
        /// relu or tanh.
        #[arg(long, default_value = "relu")]
        activation: String,
        /// Most epochs of training (early stopping usually ends sooner).
        #[arg(long)]
        epochs: Option<usize>,
        #[arg(long)]
        batch_size: Option<usize>,
        #[arg(long)]
        learning_rate: Option<f64>,
        /// Generations of the search over per-layer settings.
        #[arg(long)]
        generations: Option<usize>,
        /// Skip the linear (or logistic) model.
        #[arg(long)]
        no_linear: bool,
    },
    /// Rank the features by the bits they carry and refit on the chosen ones.
    Select {
        #[command(flatten)]
        common: Common,
        /// permutation, support or mutual_information.
        #[arg(long, default_value = "permutation")]
        measure: String,
        /// Keep the K most important features.
        #[arg(long, value_name = "K")]
        top_k: Option<usize>,
        /// Keep the fewest features whose importance adds up to this share (default 0.95).
        #[arg(long)]
        share: Option<f64>,
        /// Hidden widths of the model importance is measured under (default: linear).
        #[arg(long, value_delimiter = ',')]
        hidden: Vec<usize>,
    },
    /// Write the shortest program of a kind and the target coded given it as a .occam file, whose
    /// size is the reported total bits.
    Encode {
        #[command(flatten)]
        common: Common,
        /// best, formula, mlp, linear or null.
        #[arg(long, default_value = "best")]
        model: String,
        /// The file to write.
        #[arg(short = 'o', long)]
        output: PathBuf,
        /// The formula search's time budget in seconds.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// The formula search's generations instead of a time budget.
        #[arg(long)]
        generations: Option<u64>,
        /// Hidden layer widths of the network.
        #[arg(long, default_value = "64,32", value_delimiter = ',')]
        hidden: Vec<usize>,
    },
    /// Read a .occam file back against the table's features and write the target column.
    Decode {
        /// The .occam file.
        file: PathBuf,
        /// The CSV with the feature columns (the target column may be absent).
        data: PathBuf,
        /// The CSV to write (one column: the target).
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// Throughput figures for BENCHMARKS.md.
    #[command(subcommand)]
    Bench(Bench),
}

/// What every engine's command takes: the data, the target, the split, threads and output.
#[derive(clap::Args)]
struct Common {
    /// The CSV file (comma, semicolon, tab or pipe separated).
    data: PathBuf,
    /// The column to explain (default: the last column that is not constant).
    #[arg(long)]
    target: Option<String>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Threads (default: all cores). The result does not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Share of rows held out for testing (default: 0.2, but a table of fewer than 50 rows fits
    /// on every row and is validated by leave-one-out).
    #[arg(long)]
    test_fraction: Option<f64>,
    /// regression or classification (default: guessed from the target column; a formula search
    /// reads a numeric column as numbers).
    #[arg(long, value_parser = parse_task)]
    task: Option<Task>,
    /// Train on the low values of this column and test on the high ones.
    #[arg(long)]
    extrapolate: Option<String>,
    /// Units for columns whose headers give none, e.g. 'a=AU,T=yr' (a header written
    /// 'name [unit]' gives its own).
    #[arg(long, default_value = "", value_parser = parse_units)]
    units: String,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Also write the MDL plot as SVG to this file.
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Also write the best candidate drawn over the data (the page's fit plot) as SVG to this
    /// file: the target against the formula's input with its curve, or predicted against
    /// measured for a formula of several inputs.
    #[arg(long)]
    fit_plot: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Bench {
    /// CSV parsing: occam's loader against bare `csv::ByteRecord` loops on the same file.
    Parse {
        data: PathBuf,
        /// Runs of each reader; the best is reported.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
        /// Only occam's loader (for profiling).
        #[arg(long)]
        only_occam: bool,
    },
}

fn parse_unit_check(name: &str) -> Result<UnitCheck, String> {
    match name {
        "fitted" => Ok(UnitCheck::Fitted),
        "dimensionless" => Ok(UnitCheck::Dimensionless),
        "off" => Ok(UnitCheck::Off),
        other => Err(format!("'{other}' is not fitted, dimensionless or off")),
    }
}

/// Checks `name=unit, …`: every piece names a column and a unit.
fn parse_units(text: &str) -> Result<String, String> {
    for piece in text.split(',').filter(|p| !p.trim().is_empty()) {
        match piece.split_once('=') {
            Some((name, unit)) if !name.trim().is_empty() && !unit.trim().is_empty() => {}
            _ => return Err(format!("'{}' is not column=unit (for example 'a=AU,T=yr')", piece.trim())),
        }
    }
    Ok(text.to_string())
}

fn parse_task(name: &str) -> Result<Task, String> {
    Task::from_name(name).ok_or_else(|| format!("'{name}' is not regression or classification"))
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
            let job = Job::new(read_csv(&data)?, Action::Describe);
            let mut report =
                with_threads(threads, || run::run(&job, &observer(), &Cancel::new(), &SystemClock(Instant::now())))?
                    .with_context(|| data.display().to_string())?;
            // The sample of rows is for drawing (the page's fit plot), not for reading.
            report.sample = None;
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
        Command::Search { common, seconds, generations, ops, top_features, unit_check } => {
            let settings = SearchSettings {
                seconds: if generations.is_some() { None } else { Some(seconds) },
                generations,
                ops,
                top_features,
                units: unit_check,
                ..Default::default()
            };
            engine(common, Action::Search(settings))
        }
        Command::Score { common, formula, ops } => engine(common, Action::Score(run::ScoreSettings { formula, ops })),
        Command::Compress { common, hidden, activation, epochs, batch_size, learning_rate, generations, no_linear } => {
            let activation = match activation.as_str() {
                "relu" => Activation::Relu,
                "tanh" => Activation::Tanh,
                other => anyhow::bail!("--activation: '{other}' is not relu or tanh"),
            };
            let settings = CompressSettings {
                hidden,
                activation,
                epochs,
                batch_size,
                learning_rate,
                generations,
                linear: !no_linear,
                ..Default::default()
            };
            engine(common, Action::Compress(settings))
        }
        Command::Select { common, measure, top_k, share, hidden } => {
            engine(common, Action::Select(SelectSettings { measure, top_k, share, hidden }))
        }
        Command::Encode { common, model, output, seconds, generations, hidden } => {
            let choice = match model.as_str() {
                "best" => Choice::Best,
                "formula" => Choice::Formula,
                "mlp" => Choice::Mlp,
                "linear" => Choice::Linear,
                "null" => Choice::Null,
                other => anyhow::bail!("--model: '{other}' is not best, formula, mlp, linear or null"),
            };
            let search = SearchSettings {
                seconds: if generations.is_some() { None } else { Some(seconds) },
                generations,
                ..Default::default()
            };
            let networks = CompressSettings { hidden, ..Default::default() };
            let Common { data, target, seed, threads, test_fraction, extrapolate, task, json, units, .. } = common;
            let job = Job {
                seed,
                target,
                task,
                units,
                split: SplitSettings { test_fraction, extrapolate },
                ..Job::new(read_csv(&data)?, Action::Describe)
            };
            let encoding = with_threads(threads, || {
                run::encode(&job, choice, &search, &networks, &observer(), &Cancel::new(), &SystemClock(Instant::now()))
            })?
            .with_context(|| data.display().to_string())?;
            if observer().show {
                eprintln!();
            }
            let e = &encoding.encoded;
            std::fs::write(&output, &e.bytes).with_context(|| format!("cannot write {}", output.display()))?;
            let program = encoding.chosen.map(|i| &encoding.report.candidates[i]);
            let what = program
                .map_or("the null model".to_string(), |c| c.formula.clone().unwrap_or_else(|| c.description.clone()));
            if json {
                let summary = serde_json::json!({
                    "file": output.display().to_string(), "bytes": e.bytes.len(), "file_bits": e.bytes.len() * 8,
                    "header_bits": e.header_bits, "model_bits": e.model_bits, "data_bits": e.data_bits,
                    "total_bits": e.total_bits(), "program": what,
                    "reported_bits": program.map(|c| c.total_bits),
                });
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                println!("{}: {what}", output.display());
                println!(
                    "{} bytes = {} bits; coded: {:.1} header + {:.1} model + {:.1} data = {:.1} bits",
                    e.bytes.len(),
                    e.bytes.len() * 8,
                    e.header_bits,
                    e.model_bits,
                    e.data_bits,
                    e.total_bits()
                );
            }
            Ok(())
        }
        Command::Decode { file, data, output } => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let csv = std::fs::read(&data).with_context(|| format!("cannot read {}", data.display()))?;
            let loaded = occam::data::load(&data.display().to_string(), &csv, &Default::default())
                .with_context(|| data.display().to_string())?;
            let decoded = occam::codec::decode(&bytes, &loaded.table).with_context(|| file.display().to_string())?;
            let mut w =
                csv::Writer::from_path(&output).with_context(|| format!("cannot write {}", output.display()))?;
            w.write_record([&decoded.target])?;
            for v in &decoded.values {
                w.write_record([v])?;
            }
            w.flush()?;
            eprintln!("{}: {} values of '{}'", output.display(), decoded.values.len(), decoded.target);
            Ok(())
        }
        Command::Bench(b) => bench(b),
    }
}

/// Runs an engine on a CSV and prints the front (or the JSON report), and the plot if asked.
fn engine(common: Common, action: Action) -> anyhow::Result<()> {
    let Common { data, target, seed, threads, test_fraction, extrapolate, task, json, plot, fit_plot, units } = common;
    let job = Job {
        seed,
        target,
        task,
        units,
        split: SplitSettings { test_fraction, extrapolate },
        ..Job::new(read_csv(&data)?, action)
    };
    let report = with_threads(threads, || run::run(&job, &observer(), &Cancel::new(), &SystemClock(Instant::now())))?
        .with_context(|| data.display().to_string())?;
    if observer().show {
        eprintln!();
    }
    if let Some(path) = plot {
        let svg = report::chart::mdl_plot_svg(&report, 900, 560);
        std::fs::write(&path, svg).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = fit_plot {
        // The sample of rows the page draws, from the table's own description.
        let describe = Job { action: Action::Describe, ..job.clone() };
        let sample =
            run::run(&describe, &run::Silent, &Cancel::new(), &SystemClock(Instant::now()))?.sample.unwrap_or_default();
        let picture = report::fit::picture(&report, &sample, None).with_context(|| {
            format!("{}: the target is not a numeric column, so there is no curve to draw", data.display())
        })?;
        let svg = report::chart::fit_plot_svg(&picture, 720, 540);
        std::fs::write(&path, svg).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        if !report.importance.is_empty() {
            write!(out, "{}", report::importance_table(&report))?;
        }
        write!(out, "{}", report::front_table(&report))?;
    }
    Ok(())
}

fn bench(bench: Bench) -> anyhow::Result<()> {
    match bench {
        Bench::Parse { data, repeat, only_occam } => {
            let bytes = std::fs::read(&data).with_context(|| format!("cannot read {}", data.display()))?;
            let mb = bytes.len() as f64 / 1e6;
            println!("{}: {mb:.1} MB, best of {repeat}", data.display());
            let time = |f: &dyn Fn() -> anyhow::Result<usize>| -> anyhow::Result<(f64, usize)> {
                let mut best = f64::INFINITY;
                let mut out = 0;
                for _ in 0..repeat.max(1) {
                    let start = Instant::now();
                    out = f()?;
                    best = best.min(start.elapsed().as_secs_f64());
                }
                Ok((best, out))
            };
            let rows = |(s, n): (f64, usize), what: &str| {
                println!("{what:<44} {:>8.1} MB/s  {:>7.3} s  ({n} cells)", mb / s, s)
            };
            if !only_occam {
                rows(time(&|| bare_records(&bytes))?, "csv::ByteRecord loop (records only)");
                rows(time(&|| bare_floats(&bytes))?, "csv::ByteRecord loop + f64 parse of each cell");
            }
            rows(
                time(&|| {
                    let loaded = occam::data::load("bench", &bytes, &Default::default())?;
                    Ok(loaded.table.rows * loaded.table.columns.len())
                })?,
                "occam::data::load (kinds, steps, missing)",
            );
            Ok(())
        }
    }
}

fn csv_reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().has_headers(true).from_reader(bytes)
}

/// Reads every record and counts its cells: the least any CSV loader must do.
fn bare_records(bytes: &[u8]) -> anyhow::Result<usize> {
    let mut reader = csv_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut cells = 0;
    while reader.read_byte_record(&mut record)? {
        cells += record.len();
    }
    Ok(cells)
}

/// Reads every record and parses each cell as f64 with std: the least a numeric loader must do.
fn bare_floats(bytes: &[u8]) -> anyhow::Result<usize> {
    let mut reader = csv_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut columns: Vec<Vec<f64>> = Vec::new();
    while reader.read_byte_record(&mut record)? {
        columns.resize_with(record.len(), Vec::new);
        for (column, cell) in columns.iter_mut().zip(record.iter()) {
            column.push(std::str::from_utf8(cell).ok().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN));
        }
    }
    Ok(columns.iter().map(Vec::len).sum())
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
    if threads == Some(0) {
        anyhow::bail!("--threads 0: give at least 1 thread, or leave it out to use every core");
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.unwrap_or(0)).build()?;
    Ok(pool.install(work))
}
