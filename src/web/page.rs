//! The page on the main thread: it wires the controls, sends work to the compute worker and
//! draws what comes back ([`view`](super::view)). It runs no kernel.
//!
//! Cancelling ends the worker (`terminate`) and starts a fresh one that reloads the same table:
//! the page keeps what it needs for that (the example's id or a copy of the file's bytes) and
//! the results drawn so far, so cancel is immediate whatever the engine is doing.

use std::cell::RefCell;

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DragEvent, Event, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement, HtmlOptionElement,
    HtmlSelectElement, MessageEvent, MouseEvent, Worker, WorkerOptions, WorkerType,
};

use super::dom::{self, by_id, set_text};
use super::protocol::{FromWorker, ToWorker};
use super::i18n::{self, t, tf};
use super::view::{self, SortKey, TableView};
use super::MAX_FILE_BYTES;
use crate::data::{LoadError, LoadErrorKind, Position};
use crate::examples::{self, EXAMPLES};
use crate::report::{chart, Report};
use crate::run::{Action, CompressSettings, SearchSettings, SelectSettings, SplitSettings};

#[wasm_bindgen]
extern "C" {
    /// The URL of the glue script this module was loaded by: the worker script and the module
    /// are found relative to it, so the site works under any path.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static MAIN_JS_URL: js_sys::JsString;
}

const DEFAULT_EXAMPLE: &str = "kepler";

/// Where the loaded table came from, to load it again into a new worker.
#[derive(Clone)]
enum Source {
    Example(String),
    File { name: String, bytes: js_sys::ArrayBuffer },
}

/// What the page remembers between events.
struct Page {
    worker: Worker,
    ready: bool,
    /// Messages waiting for the worker to be ready.
    queue: Vec<Outgoing>,
    /// The target to select when the next table arrives (the example's own target).
    preferred_target: Option<String>,
    /// The table loaded now, and the one being loaded (it replaces the first on success).
    source: Option<Source>,
    pending: Option<Source>,
    running: bool,
    /// The latest results (partial while running), every engine's candidates together, and
    /// the candidate selected in them.
    results: Option<Report>,
    /// While an engine runs: the results of the other engines, which its reports join.
    kept: Option<Report>,
    table: TableView,
    /// The loaded table's description and parse time, to draw it again in another language.
    preview: Option<(Report, f64)>,
    /// The worker's pool: threads, and whether the page is cross-origin isolated.
    pool: Option<(usize, bool)>,
}

struct Outgoing {
    message: ToWorker,
    bytes: Option<js_sys::ArrayBuffer>,
}

thread_local! {
    static PAGE: RefCell<Option<Page>> = const { RefCell::new(None) };
}

/// Runs `f` on the page state (there is one page; it exists once `start` has run).
fn with_page<T>(f: impl FnOnce(&mut Page) -> T) -> Option<T> {
    PAGE.with(|p| p.borrow_mut().as_mut().map(f))
}

pub fn start() {
    let worker = match spawn_worker() {
        Ok(w) => w,
        Err(e) => return view::error(&format!("cannot start the compute worker: {}", describe_js(&e))),
    };
    PAGE.with(|p| {
        *p.borrow_mut() = Some(Page {
            worker,
            ready: false,
            queue: Vec::new(),
            preferred_target: None,
            source: None,
            pending: None,
            running: false,
            results: None,
            kept: None,
            table: TableView::default(),
            preview: None,
            pool: None,
        })
    });
    wire_controls();
    set_running(false);
    set_text("status", "starting the compute worker");
    set_text("threads", "starting threads");
    let example = example_from_hash().unwrap_or_else(|| DEFAULT_EXAMPLE.to_string());
    i18n::set(i18n::Lang::parse(&by_id::<HtmlSelectElement>("lang-select").value()).unwrap_or(i18n::Lang::En));
    fill_examples();
    by_id::<HtmlSelectElement>("example-select").set_value(&example);
    load(Source::Example(example));
}

/// Starts web/worker.js as a module worker and sends it this module to instantiate.
fn spawn_worker() -> Result<Worker, JsValue> {
    let glue = MAIN_JS_URL.with(|u| String::from(u));
    let url = web_sys::Url::new_with_base("worker.js", &glue)?;
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    options.set_name("occam-compute");
    let worker = Worker::new_with_options(&url.href(), &options)?;

    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| on_worker_message(event.data()));
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let onerror = Closure::<dyn FnMut(Event)>::new(|event: Event| {
        let message = Reflect::get(&event, &"message".into()).ok().and_then(|m| m.as_string());
        view::error(&format!("the compute worker failed: {}", message.unwrap_or_else(|| "unknown error".into())));
        set_running(false);
    });
    worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    onerror.forget();

    let init = js_sys::Object::new();
    Reflect::set(&init, &"mainJS".into(), &glue.into())?;
    Reflect::set(&init, &"module".into(), &wasm_bindgen::module())?;
    worker.post_message(&init)?;
    Ok(worker)
}

fn fill_examples() {
    let select: HtmlSelectElement = by_id("example-select");
    select.set_inner_html("");
    for example in EXAMPLES {
        let title = i18n::t_dynamic(&format!("example_{}", example.id), example.title);
        let option = HtmlOptionElement::new_with_text_and_value(title, example.id).expect("an option");
        select.add_with_html_option_element(&option).expect("adding an option");
    }
}

fn wire_controls() {
    listen("example-select", "change", |_| {
        let id = by_id::<HtmlSelectElement>("example-select").value();
        load(Source::Example(id));
    });
    listen("file-input", "change", |_| {
        let input: HtmlInputElement = by_id("file-input");
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            read_file(file);
        }
        input.set_value("");
    });
    listen("run-search", "click", |_| run_search());
    listen("run-compress", "click", |_| run_compress());
    listen("run-select", "click", |_| run_select());
    listen("lang-select", "change", |_| {
        let lang = i18n::Lang::parse(&by_id::<HtmlSelectElement>("lang-select").value()).unwrap_or(i18n::Lang::En);
        i18n::set(lang);
        if let Ok(Some(first)) = dom::document().query_selector("#extrapolate-select option[value='']") {
            first.set_text_content(Some(t("random_rows")));
        }
        let example = by_id::<HtmlSelectElement>("example-select").value();
        fill_examples();
        by_id::<HtmlSelectElement>("example-select").set_value(&example);
        show_threads();
        if let Some((report, load_s)) = with_page(|p| p.preview.clone()).flatten() {
            view::preview(&report, load_s);
        }
        redraw(|_| {});
        write_hash();
    });
    listen("front-only", "change", |_| {
        let front_only = by_id::<HtmlInputElement>("front-only").checked();
        redraw(|t| t.front_only = front_only);
    });
    listen("cancel", "click", |_| cancel());
    listen("download-report", "click", |_| download_report());
    listen("download-svg", "click", |_| download_svg());
    listen("download-png", "click", |_| download_png());
    listen("download-csv", "click", |_| download_csv());
    listen("download-code", "click", |_| download_code());
    listen("front-table", "click", |e| {
        let Some(target) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        if let Some(text) = target.closest("button.copy").ok().flatten().and_then(|b| b.get_attribute("data-copy")) {
            return copy_to_clipboard(&text);
        }
        if let Some(key) = target.closest("th[data-sort]").ok().flatten().and_then(|th| th.get_attribute("data-sort")) {
            if let Some(key) = SortKey::parse(&key) {
                sort_by(key);
            }
            return;
        }
        let row = target.closest("tr[data-index]").ok().flatten();
        if let Some(index) = row.and_then(|r| r.get_attribute("data-index")).and_then(|i| i.parse().ok()) {
            select_candidate(Some(index));
        }
    });
    listen("mdl-plot", "click", |e| {
        if let Some(index) = e.dyn_ref::<MouseEvent>().and_then(hit_candidate) {
            select_candidate(Some(index));
        }
    });
    // Hovering over a point selects it too (drawn again only when the point under the mouse
    // changes).
    listen("mdl-plot", "mousemove", |e| {
        let Some(index) = e.dyn_ref::<MouseEvent>().and_then(hit_candidate) else { return };
        if with_page(|p| p.table.selected) != Some(Some(index)) {
            select_candidate(Some(index));
        }
    });

    let body: HtmlElement = dom::document().body().expect("a body");
    let on = |kind: &str, handler: Box<dyn FnMut(Event)>| {
        let closure = Closure::<dyn FnMut(Event)>::new(handler);
        body.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref()).expect("adding a listener");
        closure.forget();
    };
    on("dragover", Box::new(|e| {
        e.prevent_default();
        let _ = dom::document().body().map(|b| b.class_list().add_1("dragging"));
    }));
    on("dragleave", Box::new(|_| {
        let _ = dom::document().body().map(|b| b.class_list().remove_1("dragging"));
    }));
    on("drop", Box::new(|e| {
        e.prevent_default();
        let _ = dom::document().body().map(|b| b.class_list().remove_1("dragging"));
        let file = e.dyn_ref::<DragEvent>().and_then(|d| d.data_transfer()).and_then(|t| t.files()).and_then(|f| f.get(0));
        if let Some(file) = file {
            read_file(file);
        }
    }));
}

fn listen(id: &str, kind: &str, handler: impl FnMut(Event) + 'static) {
    let target: HtmlElement = by_id(id);
    let closure = Closure::<dyn FnMut(Event)>::new(handler);
    target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref()).expect("adding a listener");
    closure.forget();
}

/// Loads a new table: a running engine is stopped, results are cleared.
fn load(source: Source) {
    if with_page(|p| p.running).unwrap_or(false) {
        stop_worker(false);
    }
    view::clear_results();
    with_page(|p| {
        p.results = None;
        p.table.selected = None;
        p.preferred_target = match &source {
            Source::Example(id) => examples::find(id).map(|e| e.target.to_string()),
            Source::File { .. } => None,
        };
    });
    send_load(source);
    write_hash();
}

/// Asks the worker to load `source`; it becomes the page's source when the worker succeeds.
fn send_load(source: Source) {
    let outgoing = match &source {
        Source::Example(id) => {
            set_text("status", &tf("status_loading_example", &[("id", id)]));
            Outgoing { message: ToWorker::LoadExample { id: id.clone() }, bytes: None }
        }
        Source::File { name, bytes } => {
            set_text("status", &tf("status_reading", &[("name", name)]));
            // The worker gets a copy; the page keeps the original to reload after a cancel.
            Outgoing { message: ToWorker::LoadFile { name: name.clone() }, bytes: Some(bytes.slice(0)) }
        }
    };
    with_page(|p| p.pending = Some(source));
    send(outgoing);
}

/// Reads a local file with the File API. Nothing leaves the machine.
fn read_file(file: web_sys::File) {
    let name = file.name();
    let bytes = file.size() as u64;
    if bytes > MAX_FILE_BYTES {
        // Refused before reading: a file this size would take the tab down with it.
        let error = LoadError::new(LoadErrorKind::TooLarge { bytes, limit: MAX_FILE_BYTES }, Position::default());
        return view::error(&format!("{name}: {error}"));
    }
    set_text("status", &tf("status_reading", &[("name", &name)]));
    wasm_bindgen_futures::spawn_local(async move {
        match JsFuture::from(file.array_buffer()).await {
            Ok(buffer) => load(Source::File { name, bytes: buffer.unchecked_into() }),
            Err(e) => view::error(&format!("{name}: the browser could not read the file: {}", describe_js(&e))),
        }
    });
}

/// Sends a message to the worker now, or when it is ready.
fn send(outgoing: Outgoing) {
    let now = with_page(|page| {
        if page.ready {
            Some((page.worker.clone(), outgoing))
        } else {
            page.queue.push(outgoing);
            None
        }
    })
    .flatten();
    if let Some((worker, outgoing)) = now {
        post(&worker, outgoing);
    }
}

fn post(worker: &Worker, outgoing: Outgoing) {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let value = match serde::Serialize::serialize(&outgoing.message, &serializer) {
        Ok(v) => v,
        Err(e) => return view::error(&format!("cannot send a message to the worker: {e}")),
    };
    let result = match outgoing.bytes {
        Some(buffer) => {
            let _ = Reflect::set(&value, &"bytes".into(), &buffer);
            worker.post_message_with_transfer(&value, &Array::of1(&buffer))
        }
        None => worker.post_message(&value),
    };
    if let Err(e) = result {
        view::error(&format!("cannot send a message to the worker: {}", describe_js(&e)));
    }
}

/// Which engine made a candidate: the search (formulas), compress (networks and linear models
/// with a compression), or select (models refitted on chosen features).
fn engine_of(c: &crate::report::Candidate) -> Engine {
    match (c.family.as_str(), &c.compression) {
        ("formula", _) => Engine::Search,
        (_, Some(_)) => Engine::Compress,
        _ => Engine::Select,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    Search,
    Compress,
    Select,
}

fn number(id: &str) -> Option<f64> {
    by_id::<HtmlInputElement>(id).value().trim().parse::<f64>().ok()
}

/// Starts the formula search with the page's settings.
fn run_search() {
    let seconds = number("seconds").filter(|s| *s > 0.0).unwrap_or(10.0);
    // A number of generations makes the run the same on every machine (a time budget does not).
    let generations = number("generations").filter(|g| *g >= 1.0).map(|g| g as u64);
    let settings = SearchSettings {
        seconds: if generations.is_some() { None } else { Some(seconds) },
        generations,
        ops: by_id::<HtmlSelectElement>("ops-select").value(),
        ..Default::default()
    };
    start_engine(Engine::Search, Action::Search(settings), t("status_searching"));
}

/// The hidden widths typed in `#hidden` ("64,32"; empty: none), or an error naming the bad part.
fn hidden_widths() -> Result<Vec<usize>, String> {
    let text = by_id::<HtmlInputElement>("hidden").value();
    text.split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(|w| w.parse::<usize>().ok().filter(|&n| (1..=4096).contains(&n)).ok_or_else(|| tf("bad_hidden", &[("value", w)])))
        .collect()
}

/// Trains and compresses a network and a linear model.
fn run_compress() {
    let hidden = match hidden_widths() {
        Ok(h) => h,
        Err(message) => return view::error(&message),
    };
    let settings = CompressSettings { hidden, ..Default::default() };
    start_engine(Engine::Compress, Action::Compress(settings), t("status_compressing"));
}

/// Feature importance in bits and a refit on the chosen features.
fn run_select() {
    start_engine(Engine::Select, Action::Select(SelectSettings::default()), t("status_selecting"));
}

/// Sends an engine's job with the page's shared settings (seed, target, split); the other
/// engines' results stay on the plot.
fn start_engine(engine: Engine, action: Action, status: &str) {
    let seed = number("seed").filter(|s| *s >= 0.0).map_or(1, |s| s as u64);
    // Blank: the automatic split (every row on a small table).
    let test_fraction = number("test-fraction").filter(|p| (0.0..100.0).contains(p)).map(|p| p / 100.0);
    let task = crate::prepare::Task::from_name(&by_id::<HtmlSelectElement>("task-select").value());
    let extrapolate = Some(by_id::<HtmlSelectElement>("extrapolate-select").value()).filter(|c| !c.is_empty());
    let target = Some(by_id::<HtmlSelectElement>("target-select").value()).filter(|c| !c.is_empty());
    write_hash();
    view::error("");
    let kept = with_page(|p| {
        let mut kept = p.results.take();
        if let Some(k) = kept.as_mut() {
            // Results for another target or split cannot share the plot.
            let same = k.dataset.target == target && k.seed == seed;
            // Every engine brings the null model again.
            k.candidates.retain(|c| same && engine_of(c) != engine && c.family != "null");
            if engine == Engine::Select || !same {
                k.importance.clear();
            }
            k.settle();
        }
        p.kept = kept.clone();
        p.table.selected = None;
        p.running = true;
        kept
    })
    .flatten();
    match kept.filter(|k| !k.candidates.is_empty() || !k.importance.is_empty()) {
        Some(k) => {
            with_page(|p| p.results = Some(k.clone()));
            view::results(&k, TableView::default(), true);
        }
        None => view::clear_results(),
    }
    set_running(true);
    set_text("status", status);
    let split = SplitSettings { test_fraction, extrapolate };
    send(Outgoing { message: ToWorker::Run { action, seed, target, split, task }, bytes: None });
}

/// An engine's report joined with the other engines' results kept when it started.
fn joined(report: &Report) -> Report {
    let Some(kept) = with_page(|p| p.kept.clone()).flatten() else { return report.clone() };
    let mut all = report.clone();
    all.candidates = kept.candidates.iter().cloned().chain(report.candidates.iter().cloned()).collect();
    if all.importance.is_empty() {
        all.importance = kept.importance.clone();
    }
    if all.search.is_none() {
        all.search = kept.search.clone();
    }
    all.settle();
    all
}

/// Stops the running engine now: the worker is ended and a new one reloads the same table.
/// The results drawn so far stay.
fn cancel() {
    stop_worker(true);
}

/// Ends the worker and starts a new one, which reloads the current table if `reload`.
fn stop_worker(reload: bool) {
    let Some((old, source)) = with_page(|p| {
        p.running = false;
        p.ready = false;
        p.queue.clear();
        if let Some(r) = p.results.as_mut() {
            r.cancelled = true;
        }
        (p.worker.clone(), p.source.clone())
    }) else {
        return;
    };
    old.terminate();
    set_running(false);
    match spawn_worker() {
        Ok(worker) => {
            with_page(|p| p.worker = worker);
        }
        Err(e) => return view::error(&format!("cannot restart the compute worker: {}", describe_js(&e))),
    }
    if let Some(report) = with_page(|p| p.results.clone()).flatten() {
        view::results(&report, with_page(|p| p.table).unwrap_or_default(), false);
    }
    if let Some(source) = source.filter(|_| reload) {
        send_load(source);
    }
    set_text("status", t("status_cancelled"));
}

fn set_running(running: bool) {
    for id in ["run-search", "run-compress", "run-select"] {
        by_id::<HtmlButtonElement>(id).set_disabled(running);
    }
    by_id::<HtmlButtonElement>("cancel").set_disabled(!running);
    let has_results = with_page(|p| p.results.is_some()).unwrap_or(false);
    by_id::<HtmlButtonElement>("download-report").set_disabled(running || !has_results);
    for id in ["download-svg", "download-png", "download-csv"] {
        by_id::<HtmlButtonElement>(id).set_disabled(!has_results);
    }
    by_id::<HtmlButtonElement>("download-code").set_disabled(running || code_candidate().is_none());
}

fn on_worker_message(data: JsValue) {
    let message: FromWorker = match serde_wasm_bindgen::from_value(data.clone()) {
        Ok(m) => m,
        Err(_) => {
            // web/worker.js reports its own start-up failures as {type: "error", message}.
            let text = Reflect::get(&data, &"message".into()).ok().and_then(|m| m.as_string());
            return view::error(&text.unwrap_or_else(|| "the worker sent an unreadable message".into()));
        }
    };
    match message {
        FromWorker::Ready { threads, isolated } => on_ready(threads, isolated),
        FromWorker::Progress { stage, done, total, message, elapsed_s, partial } => {
            let progress: HtmlElement = by_id("progress");
            let fraction = if total > 0 { done as f64 / total as f64 } else { 0.0 };
            let _ = Reflect::set(&progress, &"value".into(), &fraction.into());
            set_text("status", &progress_text(&stage, done, total, &message, elapsed_s, fraction));
            if let Some(report) = partial.filter(|_| with_page(|p| p.running).unwrap_or(false)) {
                let report = joined(&report);
                let table = with_page(|p| {
                    p.results = Some(report.clone());
                    p.table
                })
                .unwrap_or_default();
                view::results(&report, table, true);
            }
        }
        FromWorker::Loaded { report, load_s, memory_bytes } => {
            view::error("");
            view::preview(&report, load_s);
            let preferred = with_page(|p| {
                p.preview = Some(((*report).clone(), load_s));
                if let Some(source) = p.pending.take() {
                    p.source = Some(source);
                }
                p.preferred_target.clone()
            })
            .flatten();
            view::column_options("target-select", &report, preferred.as_deref(), None, false);
            view::column_options("extrapolate-select", &report, None, Some(t("random_rows")), true);
            let preview: HtmlElement = by_id("data-preview");
            let _ = preview.set_attribute("data-load-ms", &format!("{:.1}", load_s * 1000.0));
            let _ = preview.set_attribute("data-memory-bytes", &format!("{memory_bytes}"));
            set_text("status", t("status_ready"));
        }
        FromWorker::Finished { report } => {
            let report = joined(&report);
            let table = with_page(|p| {
                p.running = false;
                p.kept = None;
                p.results = Some(report.clone());
                p.table
            })
            .unwrap_or_default();
            set_running(false);
            view::results(&report, table, false);
            let _ = Reflect::set(&by_id::<HtmlElement>("progress"), &"value".into(), &1.0.into());
            let mut status = tf("status_done", &[("seconds", &format!("{:.1}", report.elapsed_s))]);
            if let Some(n) = report.search.as_ref().map(|s| s.exhaustive_length).filter(|&n| n > 0) {
                status.push_str(&tf("status_exhaustive", &[("length", &n.to_string())]));
            }
            set_text("status", &status);
        }
        FromWorker::Encoded { name, bytes, total_bits } => {
            download_bytes(&name, &bytes);
            let text = tf("status_encoded", &[("name", &name), ("bytes", &bytes.len().to_string()), ("bits", &format!("{total_bits:.0}"))]);
            set_text("status", &text);
        }
        // Only bench/browser_eval.mjs asks for these, from a worker of its own.
        FromWorker::Throughput { .. } => {}
        FromWorker::Error { message } => {
            with_page(|p| {
                p.running = false;
                p.kept = None;
                p.pending = None;
            });
            set_running(false);
            set_text("status", t("status_ready"));
            view::error(&message);
        }
    }
}

/// The status line while an engine runs: what it does (the engine's own words in English, the
/// stage's in Chinese), the time so far and, once a tenth is done, an estimate of the rest.
fn progress_text(stage: &str, done: u64, total: u64, message: &str, elapsed_s: f64, fraction: f64) -> String {
    let what = match i18n::lang() {
        i18n::Lang::En => message.to_string(),
        i18n::Lang::Zh => {
            let key = format!("stage_{stage}");
            tf_dynamic(&key, message, &[("done", &done.to_string()), ("total", &total.to_string())])
        }
    };
    let mut text = format!("{what} ({elapsed_s:.1} s");
    if (0.1..1.0).contains(&fraction) {
        let left = elapsed_s * (1.0 - fraction) / fraction;
        text.push_str(&tf("about_left", &[("seconds", &format!("{left:.0}"))]));
    }
    text.push(')');
    text
}

/// `tf` for a key built at run time; `fallback` when the key is unknown.
fn tf_dynamic(key: &str, fallback: &str, values: &[(&str, &str)]) -> String {
    let mut text = i18n::t_dynamic(key, fallback).to_string();
    for (name, value) in values {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

fn on_ready(threads: usize, isolated: bool) {
    with_page(|p| p.pool = Some((threads, isolated)));
    show_threads();
    let threads_el: HtmlElement = by_id("threads");
    let _ = threads_el.set_attribute("data-threads", &threads.to_string());
    let _ = threads_el.set_attribute("data-isolated", &isolated.to_string());
    let (worker, queue) = with_page(|page| {
        page.ready = true;
        (page.worker.clone(), std::mem::take(&mut page.queue))
    })
    .expect("the page state exists once started");
    for outgoing in queue {
        post(&worker, outgoing);
    }
}

/// "2 threads, cross-origin isolated", in the page's language.
fn show_threads() {
    let Some((threads, isolated)) = with_page(|p| p.pool).flatten() else { return };
    let mode = match (isolated, isolated && service_worker_controls_page()) {
        (true, true) => t("mode_isolated_sw"),
        (true, false) => t("mode_isolated"),
        (false, _) => t("mode_fallback"),
    };
    let key = if threads == 1 { "threads_one" } else { "threads_many" };
    set_text("threads", &tf(key, &[("n", &threads.to_string()), ("mode", mode)]));
}

fn service_worker_controls_page() -> bool {
    let navigator = web_sys::window().map(|w| w.navigator());
    navigator
        .and_then(|n| Reflect::get(&n, &"serviceWorker".into()).ok())
        .filter(|sw| !sw.is_undefined())
        .and_then(|sw| Reflect::get(&sw, &"controller".into()).ok())
        .is_some_and(|c| c.is_truthy())
}

/// The candidate under the mouse on the plot, if any.
fn hit_candidate(event: &MouseEvent) -> Option<usize> {
    let canvas: HtmlCanvasElement = by_id("mdl-plot");
    let rect = canvas.get_bounding_client_rect();
    // The canvas may be scaled by CSS: map client pixels to canvas pixels.
    let sx = canvas.width() as f64 / rect.width().max(1.0);
    let sy = canvas.height() as f64 / rect.height().max(1.0);
    let x = ((event.client_x() as f64 - rect.left()) * sx) as i32;
    let y = ((event.client_y() as f64 - rect.top()) * sy) as i32;
    let report = with_page(|p| p.results.clone()).flatten()?;
    chart::hit(&report, canvas.width(), canvas.height(), x, y, 10)
}

fn select_candidate(index: Option<usize>) {
    redraw(|t| t.selected = index);
    let running = with_page(|p| p.running).unwrap_or(false);
    by_id::<HtmlButtonElement>("download-code").set_disabled(running || code_candidate().is_none());
}

/// Sorts the table by a column; a second click on it reverses the order.
fn sort_by(key: SortKey) {
    redraw(|t| {
        t.sort = match t.sort {
            Some((k, ascending)) if k == key => Some((key, !ascending)),
            _ => Some((key, true)),
        }
    });
}

/// Changes how the table is shown and draws the results again.
fn redraw(change: impl FnOnce(&mut TableView)) {
    let state = with_page(|p| {
        change(&mut p.table);
        (p.results.clone(), p.table, p.running)
    });
    if let Some((Some(report), table, running)) = state {
        view::results(&report, table, running);
    }
}

/// Copies text to the clipboard (the page is a secure context: localhost or https).
fn copy_to_clipboard(text: &str) {
    let clipboard = web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &"clipboard".into()).ok())
        .filter(|c| !c.is_undefined());
    let write = clipboard.as_ref().and_then(|c| Reflect::get(c, &"writeText".into()).ok()).and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match (clipboard, write) {
        (Some(c), Some(f)) => {
            let _ = f.call1(&c, &JsValue::from_str(text));
            set_text("status", t("status_copied"));
        }
        _ => view::error("this browser does not let the page write to the clipboard"),
    }
}

fn download_report() {
    if let Some(report) = with_page(|p| p.results.clone()).flatten() {
        let json = serde_json::to_string_pretty(&report).unwrap_or_default();
        download(&format!("{}-report.json", stem(&report)), "application/json", &json);
    }
}

/// The candidate whose .occam file `#download-code` writes: the selected one, else the best, if
/// it has a program (the refits of feature selection have none).
fn code_candidate() -> Option<crate::report::Candidate> {
    let (report, selected) = with_page(|p| (p.results.clone(), p.table.selected))?;
    let report = report?;
    let c = report.candidates.get(selected.or(report.best)?)?.clone();
    (engine_of(&c) != Engine::Select).then_some(c)
}

/// Asks the worker for the chosen candidate's .occam file; it arrives as `Encoded`.
fn download_code() {
    let Some(c) = code_candidate() else { return };
    let stem = with_page(|p| p.results.as_ref().map(stem)).flatten().unwrap_or_else(|| "occam".into());
    let name = format!("{stem}-{}.occam", c.family);
    set_text("status", t("status_encoding"));
    send(Outgoing { message: ToWorker::Encode { key: crate::run::candidate_key(&c), name }, bytes: None });
}

/// Offers bytes as a file download.
fn download_bytes(name: &str, bytes: &[u8]) {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    click_link(&url, name);
    let _ = web_sys::Url::revoke_object_url(&url);
}

fn download_svg() {
    if let Some(report) = with_page(|p| p.results.clone()).flatten() {
        let svg = chart::mdl_plot_svg(&report, 900, 560);
        download(&format!("{}-mdl.svg", stem(&report)), "image/svg+xml", &svg);
    }
}

fn download_csv() {
    if let Some(report) = with_page(|p| p.results.clone()).flatten() {
        let csv = crate::report::candidates_csv(&report);
        download(&format!("{}-candidates.csv", stem(&report)), "text/csv", &csv);
    }
}

/// The plot as drawn on the canvas, as a PNG file.
fn download_png() {
    let Some(report) = with_page(|p| p.results.clone()).flatten() else { return };
    let name = format!("{}-mdl.png", stem(&report));
    let canvas: HtmlCanvasElement = by_id("mdl-plot");
    let done = Closure::once(move |blob: JsValue| {
        let Some(blob) = blob.dyn_ref::<web_sys::Blob>() else { return };
        if let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) {
            click_link(&url, &name);
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
    let _ = canvas.to_blob(done.as_ref().unchecked_ref());
    done.forget();
}

fn stem(report: &Report) -> String {
    let name = report.dataset.name.trim_end_matches(".csv");
    if name.is_empty() { "occam".into() } else { name.into() }
}

/// Offers `text` as a file download (a blob: URL, so nothing is fetched).
fn download(name: &str, mime: &str, text: &str) {
    let parts = Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    click_link(&url, name);
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Follows a download link to a blob: URL.
fn click_link(url: &str, name: &str) {
    if let Ok(a) = dom::document().create_element("a") {
        let _ = a.set_attribute("href", url);
        let _ = a.set_attribute("download", name);
        if let Some(a) = a.dyn_ref::<HtmlElement>() {
            a.click();
        }
    }
}

fn describe_js(value: &JsValue) -> String {
    value.as_string().or_else(|| js_sys::JSON::stringify(value).ok().and_then(|s| s.as_string())).unwrap_or_default()
}

/// The settings the URL hash holds, so a link reproduces a run: the example and the search's
/// settings (never the user's data). `#example=kepler&seconds=2&seed=1&ops=default&test=20`.
const HASH_INPUTS: [(&str, &str); 8] = [
    ("seconds", "seconds"),
    ("hidden", "hidden"),
    ("generations", "generations"),
    ("seed", "seed"),
    ("ops", "ops-select"),
    ("test", "test-fraction"),
    ("task", "task-select"),
    ("lang", "lang-select"),
];

fn hash_pairs() -> Vec<(String, String)> {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    hash.trim_start_matches('#')
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), js_sys::decode_uri_component(v).ok().and_then(|v| v.as_string()).unwrap_or_default()))
        .collect()
}

/// The example named in the URL hash, if it is one; the hash's settings go into the inputs.
fn example_from_hash() -> Option<String> {
    let pairs = hash_pairs();
    for (key, id) in HASH_INPUTS {
        if let Some((_, value)) = pairs.iter().find(|(k, _)| k == key) {
            match key {
                "ops" | "lang" | "task" => by_id::<HtmlSelectElement>(id).set_value(value),
                _ => by_id::<HtmlInputElement>(id).set_value(value),
            }
        }
    }
    pairs.into_iter().find(|(k, _)| k == "example").map(|(_, v)| v).filter(|id| examples::find(id).is_some())
}

/// Writes the example (if the table is one) and the current settings into the hash.
fn write_hash() {
    let example = with_page(|p| match &p.pending.clone().or(p.source.clone()) {
        Some(Source::Example(id)) => Some(id.clone()),
        _ => None,
    })
    .flatten();
    let mut parts: Vec<String> = example.map(|id| format!("example={id}")).into_iter().collect();
    for (key, id) in HASH_INPUTS {
        let value = match key {
            "ops" | "lang" | "task" => by_id::<HtmlSelectElement>(id).value(),
            _ => by_id::<HtmlInputElement>(id).value(),
        };
        if !value.is_empty() {
            parts.push(format!("{key}={}", String::from(js_sys::encode_uri_component(&value))));
        }
    }
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(&parts.join("&"));
    }
}
