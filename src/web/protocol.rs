//! The messages between the page and the compute worker, as plain JS objects (serde).
//! File bytes travel beside a message as a transferred ArrayBuffer, not through serde.

use serde::{Deserialize, Serialize};

use crate::expr::throughput::Throughput;
use crate::prepare::Task;
use crate::report::Report;
use crate::run::{Action, SplitSettings};
use crate::words::Lang;

/// Page → worker. `lang` is the reader's language, for the warnings and notes of the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWorker {
    /// Load a built-in example and describe it.
    LoadExample {
        id: String,
        #[serde(default)]
        lang: Lang,
    },
    /// Load the file whose bytes come in the message's `bytes` field, and describe it.
    LoadFile {
        name: String,
        #[serde(default)]
        lang: Lang,
    },
    /// Run an engine on the loaded table.
    Run {
        action: Action,
        seed: u64,
        target: Option<String>,
        split: SplitSettings,
        task: Option<Task>,
        #[serde(default)]
        lang: Lang,
    },
    /// Write the .occam file of the candidate with this key (`run::candidate_key`).
    Encode { key: String, name: String },
    /// Measure formula evaluation throughput in Operon's setup (`expr::throughput`). The page
    /// never sends it; bench/browser_eval.mjs does, to its own worker.
    Throughput,
}

/// Worker → page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker is ready; `threads` is the size of its rayon pool.
    Ready { threads: usize, isolated: bool },
    /// Work in progress; `partial` holds the results so far (the search's current front).
    Progress { stage: String, done: u64, total: u64, message: String, elapsed_s: f64, partial: Option<Box<Report>> },
    /// A table was loaded and described. It replaces the one loaded before. `load_s` is the
    /// time to parse it; `memory_bytes` the size the wasm memory has grown to.
    Loaded { report: Box<Report>, load_s: f64, memory_bytes: f64 },
    /// An engine finished.
    Finished { report: Box<Report> },
    /// A .occam file, and its coded length.
    Encoded { name: String, bytes: Vec<u8>, total_bits: f64 },
    /// The figures of a `Throughput` request.
    Throughput { figures: Vec<Throughput> },
    /// Something failed. The table loaded before (if any) is still loaded.
    Error { message: String },
}
