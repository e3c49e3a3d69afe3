//! Time of the exhaustive search alone on a CSV, on one thread: every structure up to a length
//! (and the sums and products of the best short kernels), with the front it found and the time
//! a structure took. BENCHMARKS.md quotes it.
//!
//! Run: cargo run --release --example exhaustive_profile -- FILE TARGET LENGTH

use std::time::Instant;

use occam::control::{Cancel, FrozenClock, Silent};
use occam::prepare::{PrepareOptions, Task};
use occam::search::{search, SearchOptions};

fn main() {
    if let Err(message) = profile() {
        eprintln!("exhaustive_profile: {message}\nusage: exhaustive_profile FILE TARGET LENGTH");
        std::process::exit(2);
    }
}

fn profile() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let [_, file, target, length] = &args[..] else { return Err("three arguments".into()) };
    let length: usize = length.parse().map_err(|_| format!("LENGTH '{length}' is not a whole number"))?;
    rayon::ThreadPoolBuilder::new().num_threads(1).build_global().map_err(|e| e.to_string())?;
    let text = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
    let loaded = occam::data::load(file, &text, &Default::default()).map_err(|e| e.to_string())?;
    let prepare = PrepareOptions { target: Some(target.clone()), task: Some(Task::Regression), ..Default::default() };
    let dataset = occam::prepare::prepare(&loaded.table, &prepare).map_err(|e| e.to_string())?;
    let options = SearchOptions {
        generations: Some(0),
        seconds: None,
        exhaustive_structures: u64::MAX,
        exhaustive_length: length,
        ..Default::default()
    };
    let start = Instant::now();
    let found = search(&dataset, &options, &Silent, &Cancel::new(), &FrozenClock).map_err(|e| e.to_string())?;
    let seconds = start.elapsed().as_secs_f64();
    for p in &found.front {
        println!("{:8.1} bits  {}", p.model_bits + p.data_bits, p.text);
    }
    let each = seconds * 1e6 / found.exhaustive_structures.max(1) as f64;
    println!(
        "complete to {} symbols: {} structures and {} pairs of kernels in {seconds:.2} s, {each:.1} µs a structure",
        found.exhaustive_length, found.exhaustive_structures, found.exhaustive_sums
    );
    Ok(())
}
