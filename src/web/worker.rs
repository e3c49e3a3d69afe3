//! The compute worker: it owns the loaded table and runs every job through `run::run`, in the
//! rayon pool that web/worker.js started. It answers the page with [`FromWorker`] messages.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::protocol::{FromWorker, ToWorker};
use super::{MAX_CELLS, MAX_FILE_BYTES};
use crate::codec::{self, CodecOptions, Program};
use crate::control::{Cancel, Clock, Observer, Progress};
use crate::data::{LoadOptions, Loaded};
use crate::run::{self, Action, DataSource, Job};

/// Progress messages are sent at most this often (seconds): several frames a second.
const PROGRESS_INTERVAL_S: f64 = 0.1;

thread_local! {
    /// The table loaded last; a load that fails leaves it in place.
    static LOADED: RefCell<Option<Arc<Loaded>>> = const { RefCell::new(None) };
    /// The programs of the runs on that table, by candidate key, with how the codec prepares
    /// the table for them: what "download the .occam file" writes.
    static PROGRAMS: RefCell<Vec<(String, Program, CodecOptions)>> = const { RefCell::new(Vec::new()) };
}

/// Starts the worker's message loop. Called by web/worker.js once the module and the thread
/// pool are ready; `isolated` says whether the worker runs cross-origin isolated.
#[wasm_bindgen]
pub fn worker_main(isolated: bool) {
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| handle(event.data()));
    scope().set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(&FromWorker::Ready { threads: rayon::current_num_threads(), isolated });
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &FromWorker) {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    match serde::Serialize::serialize(message, &serializer) {
        Ok(value) => {
            if let Err(e) = scope().post_message(&value) {
                web_sys::console::error_1(&e);
            }
        }
        Err(e) => web_sys::console::error_1(&JsValue::from_str(&e.to_string())),
    }
}

fn handle(data: JsValue) {
    let message: ToWorker = match serde_wasm_bindgen::from_value(data.clone()) {
        Ok(m) => m,
        Err(e) => {
            return post(&FromWorker::Error { message: format!("the worker got a message it does not know: {e}") })
        }
    };
    match message {
        ToWorker::LoadExample { id, lang } => load_and_describe(DataSource::Example { id }, lang),
        ToWorker::LoadFile { name, lang } => {
            let bytes = js_sys::Reflect::get(&data, &"bytes".into())
                .ok()
                .filter(|b| !b.is_undefined())
                .map(|b| js_sys::Uint8Array::new(&b).to_vec());
            match bytes {
                Some(bytes) => load_and_describe(DataSource::Csv { name, bytes }, lang),
                None => post(&FromWorker::Error { message: format!("{name}: the file's bytes did not arrive") }),
            }
        }
        ToWorker::Run { action, seed, target, split, task, lang } => {
            run_engine(action, seed, target, split, task, lang)
        }
        ToWorker::Encode { key, name } => encode(&key, name),
        ToWorker::Throughput => {
            // performance.now(): microseconds, where Date.now() has only milliseconds.
            let performance = scope().performance();
            let seconds = move || performance.as_ref().map_or_else(js_sys::Date::now, |p| p.now()) / 1000.0;
            post(&FromWorker::Throughput { figures: crate::expr::throughput::measure_all(&seconds) })
        }
    }
}

/// Loads a table, describes it through `run`, and keeps it only if both succeed.
fn load_and_describe(source: DataSource, lang: crate::words::Lang) {
    let name = match &source {
        DataSource::Csv { name, .. } => name.clone(),
        DataSource::Example { id } => id.clone(),
        DataSource::Loaded(loaded) => loaded.table.name.clone(),
    };
    let options = LoadOptions { max_bytes: Some(MAX_FILE_BYTES), max_cells: Some(MAX_CELLS), ..Default::default() };
    let observer = PostProgress::new();
    observer.progress(&Progress::new("load", 0, 1, "reading the table".into()));
    let start = JsClock.seconds();
    let result = run::load(&source, &options).and_then(|loaded| {
        let load_s = JsClock.seconds() - start;
        let job = Job { lang, ..Job::new(DataSource::Loaded(loaded.clone()), Action::Describe) };
        let report = run::run(&job, &observer, &Cancel::new(), &JsClock)?;
        Ok((loaded, report, load_s))
    });
    match result {
        Ok((loaded, report, load_s)) => {
            LOADED.with(|l| *l.borrow_mut() = Some(loaded));
            PROGRAMS.with(|p| p.borrow_mut().clear());
            post(&FromWorker::Loaded { report: Box::new(report), load_s, memory_bytes: memory_bytes() });
        }
        Err(e) => post(&FromWorker::Error { message: format!("{name}: {}", e.render(lang)) }),
    }
}

/// Runs an engine on the loaded table. Cancelling is the page's: it ends this worker.
fn run_engine(
    action: Action,
    seed: u64,
    target: Option<String>,
    split: run::SplitSettings,
    task: Option<crate::prepare::Task>,
    lang: crate::words::Lang,
) {
    let Some(loaded) = LOADED.with(|l| l.borrow().clone()) else {
        return post(&FromWorker::Error { message: "load a table first".into() });
    };
    let job = Job { seed, target, split, task, lang, ..Job::new(DataSource::Loaded(loaded), action) };
    match run::run_with_programs(&job, &PostProgress::new(), &Cancel::new(), &JsClock) {
        Ok((report, programs)) => {
            let options = run::codec_options(&job);
            PROGRAMS.with(|p| {
                let mut kept = p.borrow_mut();
                for (c, program) in report.candidates.iter().zip(programs) {
                    if let Some(program) = program {
                        kept.push((run::candidate_key(c), program, options.clone()));
                    }
                }
            });
            post(&FromWorker::Finished { report: Box::new(report) })
        }
        Err(e) => post(&FromWorker::Error { message: e.render(lang) }),
    }
}

/// Writes the .occam file of a candidate of an earlier run on the loaded table.
fn encode(key: &str, name: String) {
    let Some(loaded) = LOADED.with(|l| l.borrow().clone()) else {
        return post(&FromWorker::Error { message: "load a table first".into() });
    };
    let found =
        PROGRAMS.with(|p| p.borrow().iter().rev().find(|(k, _, _)| k == key).map(|(_, p, o)| (p.clone(), o.clone())));
    let Some((program, options)) = found else {
        return post(&FromWorker::Error {
            message: "this candidate has no program to write (run its engine again)".into(),
        });
    };
    match codec::encode(&program, &loaded.table, &options) {
        Ok(e) => post(&FromWorker::Encoded { name, total_bits: e.total_bits(), bytes: e.bytes }),
        Err(e) => post(&FromWorker::Error { message: e.to_string() }),
    }
}

/// The size of the wasm memory: it only grows, so this is the peak so far.
fn memory_bytes() -> f64 {
    let buffer = js_sys::Reflect::get(&wasm_bindgen::memory(), &"buffer".into()).unwrap_or_default();
    js_sys::Reflect::get(&buffer, &"byteLength".into()).ok().and_then(|b| b.as_f64()).unwrap_or(0.0)
}

/// Wall-clock seconds from JavaScript's Date (callable on any thread of the page).
pub struct JsClock;

impl Clock for JsClock {
    fn seconds(&self) -> f64 {
        js_sys::Date::now() / 1000.0
    }
}

/// Posts progress to the page, at most every PROGRESS_INTERVAL_S (and always the last step).
struct PostProgress {
    start: f64,
    last: Cell<f64>,
}

impl PostProgress {
    fn new() -> Self {
        PostProgress { start: JsClock.seconds(), last: Cell::new(f64::NEG_INFINITY) }
    }
}

impl Observer for PostProgress {
    fn progress(&self, p: &Progress) {
        let now = JsClock.seconds();
        if now - self.last.get() < PROGRESS_INTERVAL_S && p.done < p.total {
            return;
        }
        self.last.set(now);
        post(&FromWorker::Progress {
            stage: p.stage.to_string(),
            done: p.done,
            total: p.total,
            message: p.message.clone(),
            elapsed_s: now - self.start,
            partial: p.partial.clone(),
        });
    }
}
