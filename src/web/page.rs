//! The page on the main thread: it wires the controls, sends work to the compute worker and
//! draws what comes back ([`view`](super::view)). It runs no kernel.
//!
//! Cancelling ends the worker (`terminate`) and starts a fresh one that reloads the same table:
//! the page keeps what it needs for that (the example's id or a copy of the file's bytes) and
//! the results drawn so far, so cancel is immediate whatever the engine is doing.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DragEvent, Event, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement, HtmlOptionElement,
    HtmlSelectElement, KeyboardEvent, MessageEvent, MouseEvent, Worker, WorkerOptions, WorkerType,
};

use super::dom::{self, by_id, set_text};
use super::i18n::{self, t, tf};
use super::protocol::{FromWorker, ToWorker};
use super::view::{self, SortKey, TableView};
use super::MAX_FILE_BYTES;
use crate::data::{LoadError, LoadErrorKind, Position};
use crate::examples::{self, EXAMPLES};
use crate::report::{chart, Report, Sample};
use crate::run::{Action, CompressSettings, SearchSettings, SelectSettings, SplitSettings};

#[wasm_bindgen]
extern "C" {
    /// The URL of the glue script this module was loaded by: the worker script and the module
    /// are found relative to it, so the site works under any path.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static MAIN_JS_URL: js_sys::JsString;
}

const DEFAULT_EXAMPLE: &str = "kepler";

/// Whether a load replaces the table (clearing the results once it succeeds) or reloads the
/// same one into a fresh worker after a cancel (the results stay).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reload {
    NewTable,
    SameTable,
}

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
    /// The table loaded now, and the one being loaded (it replaces the first on success; a
    /// reload after a cancel keeps the results on screen, a new table clears them).
    source: Option<Source>,
    pending: Option<(Source, Reload)>,
    /// The loaded table's numeric columns on a sample of rows, for the fit plot.
    sample: Option<Rc<Sample>>,
    /// The test column a link asks for, taken by the first table that has it.
    preferred_test: Option<String>,
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
        Err(e) => return view::error(&tf("page_worker_start", &[("why", &describe_js(&e))])),
    };
    PAGE.with(|p| {
        *p.borrow_mut() = Some(Page {
            worker,
            ready: false,
            queue: Vec::new(),
            preferred_target: None,
            source: None,
            pending: None,
            sample: None,
            preferred_test: None,
            running: false,
            results: None,
            kept: None,
            table: TableView { front_only: true, ..TableView::default() },
            preview: None,
            pool: None,
        })
    });
    wire_controls();
    set_running(false);
    set_text("status", t("page_worker_starting"));
    set_text("threads", "starting threads");
    let example = example_from_hash().unwrap_or_else(|| DEFAULT_EXAMPLE.to_string());
    i18n::set(i18n::Lang::parse(&by_id::<HtmlSelectElement>("lang-select").value()).unwrap_or(i18n::Lang::En));
    fill_examples(None);
    by_id::<HtmlSelectElement>("example-select").set_value(&example);
    let (hash_target, hash_test) = (hash_value("target"), hash_value("test_on"));
    load(Source::Example(example));
    // A link's target and test column win over the example's own.
    with_page(|p| {
        if hash_target.is_some() {
            p.preferred_target = hash_target;
        }
        p.preferred_test = hash_test;
    });
}

/// Hands the compute worker's own files to web/sw.js (`occamKeepOffline`, defined where service
/// workers exist), which keeps them with the page's: the page's list lacks what only the worker
/// loaded (web/worker.js, the thread pool's helpers), and a worker started before the service
/// worker took control of the page fetched them past it.
fn keep_offline(data: &JsValue) {
    let Some(window) = web_sys::window() else { return };
    let keep =
        Reflect::get(&window, &"occamKeepOffline".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let (Some(keep), Ok(urls)) = (keep, Reflect::get(data, &"urls".into())) {
        let _ = keep.call1(&JsValue::NULL, &urls);
    }
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
        view::error(&tf("page_worker_failed", &[("why", &message.unwrap_or_else(|| t("page_unknown_error").into()))]));
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

/// Fills the lesson menu with the built-in tables, and the user's own file first when one is
/// loaded (so the menu never names a table that is not the one shown).
fn fill_examples(own: Option<&str>) {
    let select: HtmlSelectElement = by_id("example-select");
    select.set_inner_html("");
    if let Some(name) = own {
        let option =
            HtmlOptionElement::new_with_text_and_value(&tf("own_file", &[("name", name)]), "").expect("an option");
        select.add_with_html_option_element(&option).expect("adding an option");
    }
    for example in EXAMPLES {
        let title = i18n::t_dynamic(&format!("example_{}", example.id), example.title);
        let option = HtmlOptionElement::new_with_text_and_value(title, example.id).expect("an option");
        select.add_with_html_option_element(&option).expect("adding an option");
    }
}

/// Shows the loaded table in the lesson menu and the lesson's story, and makes the lesson's own
/// engine the large button.
fn show_source(source: &Source) {
    let select: HtmlSelectElement = by_id("example-select");
    match source {
        Source::Example(id) => {
            fill_examples(None);
            select.set_value(id);
            let example = examples::find(id);
            let story = example.map_or("", |e| i18n::t_dynamic(&format!("story_{}", e.id), e.story));
            set_text("story", story);
            let networks = example.is_some_and(|e| e.engine == examples::Engine::Networks);
            by_id::<HtmlElement>("run-search").class_list().toggle_with_force("primary", !networks).ok();
            by_id::<HtmlElement>("run-compress").class_list().toggle_with_force("primary", networks).ok();
        }
        Source::File { name, .. } => {
            fill_examples(Some(name));
            select.set_value("");
            set_text("story", t("story_own"));
            by_id::<HtmlElement>("run-search").class_list().toggle_with_force("primary", true).ok();
            by_id::<HtmlElement>("run-compress").class_list().toggle_with_force("primary", false).ok();
        }
    }
}

fn wire_controls() {
    listen("example-select", "change", |_| {
        let id = by_id::<HtmlSelectElement>("example-select").value();
        if examples::find(&id).is_some() {
            load(Source::Example(id));
        }
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
        if let Some(source) = with_page(|p| p.source.clone()).flatten() {
            show_source(&source);
        }
        show_threads();
        if let Some((report, load_s)) = with_page(|p| p.preview.clone()).flatten() {
            view::preview(&report, load_s);
        }
        redraw(|_| {});
        write_hash();
    });
    // Before a run, the fit plot shows the chosen column's measurements.
    listen("target-select", "change", |_| {
        redraw(|_| {});
        write_hash();
    });
    listen("front-only", "change", |_| {
        let front_only = by_id::<HtmlInputElement>("front-only").checked();
        redraw(|t| t.front_only = front_only);
    });
    listen("cancel", "click", |_| cancel());
    listen("copy-link", "click", |_| {
        write_hash();
        let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
        copy_to_clipboard(&href);
    });
    // Rows and sort headers answer Enter and Space as they answer a click.
    listen("front-table", "keydown", |e| {
        let Some(key) = e.dyn_ref::<KeyboardEvent>().map(|k| k.key()) else { return };
        if key != "Enter" && key != " " {
            return;
        }
        let Some(target) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else { return };
        if target.tag_name() == "TR" || target.tag_name() == "TH" {
            e.prevent_default();
            target.click();
        }
    });
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
            // The point's tooltip: its program and its bits.
            let tip =
                with_page(|p| p.results.as_ref().and_then(|r| r.candidates.get(index)).map(view::tooltip)).flatten();
            let _ = by_id::<HtmlElement>("mdl-plot").set_attribute("title", &tip.unwrap_or_default());
        }
    });

    // The plots follow their boxes' size (a window resized, a phone turned).
    if let Some(window) = web_sys::window() {
        let resize = Closure::<dyn FnMut(Event)>::new(|_: Event| redraw(|_| {}));
        let _ = window.add_event_listener_with_callback("resize", resize.as_ref().unchecked_ref());
        resize.forget();
    }

    let body: HtmlElement = dom::document().body().expect("a body");
    let on = |kind: &str, handler: Box<dyn FnMut(Event)>| {
        let closure = Closure::<dyn FnMut(Event)>::new(handler);
        body.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref()).expect("adding a listener");
        closure.forget();
    };
    on(
        "dragover",
        Box::new(|e| {
            e.prevent_default();
            let _ = dom::document().body().map(|b| b.class_list().add_1("dragging"));
        }),
    );
    on(
        "dragleave",
        Box::new(|_| {
            let _ = dom::document().body().map(|b| b.class_list().remove_1("dragging"));
        }),
    );
    on(
        "drop",
        Box::new(|e| {
            e.prevent_default();
            let _ = dom::document().body().map(|b| b.class_list().remove_1("dragging"));
            let file =
                e.dyn_ref::<DragEvent>().and_then(|d| d.data_transfer()).and_then(|t| t.files()).and_then(|f| f.get(0));
            if let Some(file) = file {
                read_file(file);
            }
        }),
    );
}

fn listen(id: &str, kind: &str, handler: impl FnMut(Event) + 'static) {
    let target: HtmlElement = by_id(id);
    let closure = Closure::<dyn FnMut(Event)>::new(handler);
    target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref()).expect("adding a listener");
    closure.forget();
}

/// Loads a new table: a running engine is stopped; the results are cleared once the new table
/// has loaded (a file that fails to load leaves the table and results on screen).
fn load(source: Source) {
    if with_page(|p| p.running).unwrap_or(false) {
        stop_worker(false);
    }
    with_page(|p| {
        p.preferred_target = match &source {
            Source::Example(id) => examples::find(id).map(|e| e.target.to_string()),
            Source::File { .. } => None,
        };
    });
    send_load(source, Reload::NewTable);
}

/// Asks the worker to load `source`; it becomes the page's source when the worker succeeds.
fn send_load(source: Source, reload: Reload) {
    let outgoing = match &source {
        Source::Example(id) => {
            set_text("status", &tf("status_loading_example", &[("id", id)]));
            Outgoing { message: ToWorker::LoadExample { id: id.clone(), lang: i18n::lang() }, bytes: None }
        }
        Source::File { name, bytes } => {
            set_text("status", &tf("status_reading", &[("name", name)]));
            // The worker gets a copy; the page keeps the original to reload after a cancel.
            Outgoing {
                message: ToWorker::LoadFile { name: name.clone(), lang: i18n::lang() },
                bytes: Some(bytes.slice(0)),
            }
        }
    };
    with_page(|p| p.pending = Some((source, reload)));
    send(outgoing);
}

/// Reads a local file with the File API. Nothing leaves the machine.
fn read_file(file: web_sys::File) {
    let name = file.name();
    let bytes = file.size() as u64;
    if bytes > MAX_FILE_BYTES {
        // Refused before reading: a file this size would take the tab down with it.
        let error = LoadError::new(LoadErrorKind::TooLarge { bytes, limit: MAX_FILE_BYTES }, Position::default());
        return view::error(&format!("{name}: {}", error.render(i18n::lang())));
    }
    if bytes == 0 {
        return view::error(&tf("empty_file", &[("name", &name)]));
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
        Err(e) => return view::error(&tf("page_worker_send", &[("why", &e.to_string())])),
    };
    let result = match outgoing.bytes {
        Some(buffer) => {
            let _ = Reflect::set(&value, &"bytes".into(), &buffer);
            worker.post_message_with_transfer(&value, &Array::of1(&buffer))
        }
        None => worker.post_message(&value),
    };
    if let Err(e) = result {
        view::error(&tf("page_worker_send", &[("why", &describe_js(&e))]));
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

/// A number typed in a settings field: None when blank, else the value if `valid` accepts it,
/// else a message that names the field and says what to type (`hint`). A mistyped field is
/// refused, never silently replaced by a default.
fn setting(
    id: &str,
    label: &'static str,
    valid: impl Fn(f64) -> bool,
    hint: &'static str,
) -> Result<Option<f64>, String> {
    let input: HtmlInputElement = by_id(id);
    let text = input.value();
    // A number input holds "" both when blank and when what was typed is not a number.
    let bad_input = Reflect::get(&input.validity(), &"badInput".into()).ok().is_some_and(|b| b.is_truthy());
    let text = text.trim();
    if text.is_empty() && !bad_input {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && valid(v) => Ok(Some(v)),
        _ => {
            let _ = input.focus();
            Err(tf("bad_setting", &[("field", t(label)), ("value", text), ("hint", t(hint))]))
        }
    }
}

fn whole(v: f64) -> bool {
    v.fract() == 0.0
}

/// Starts the formula search with the page's settings.
fn run_search() {
    let budget = setting("seconds", "time_budget", |s| s > 0.0 && s <= 86_400.0, "hint_seconds");
    // A number of generations makes the run the same on every machine (a time budget does not).
    let generations =
        setting("generations", "or_generations", |g| whole(g) && (1.0..=1e9).contains(&g), "hint_generations");
    let (seconds, generations) = match (budget, generations) {
        (Ok(s), Ok(g)) => (s.unwrap_or(10.0), g.map(|g| g as u64)),
        (Err(m), _) | (_, Err(m)) => return view::error(&m),
    };
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
        .map(|w| {
            w.parse::<usize>()
                .ok()
                .filter(|&n| (1..=4096).contains(&n))
                .ok_or_else(|| tf("bad_hidden", &[("value", w)]))
        })
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
fn start_engine(engine: Engine, action: Action, status_text: &str) {
    let seed = setting("seed", "seed", |s| whole(s) && (0.0..9.0e15).contains(&s), "hint_seed");
    // Blank: the automatic split (every row on a small table).
    let test = setting("test-fraction", "test_rows", |p| (0.0..=90.0).contains(&p), "hint_test");
    let (seed, test_fraction) = match (seed, test) {
        (Ok(s), Ok(p)) => (s.map_or(1, |s| s as u64), p.map(|p| p / 100.0)),
        (Err(m), _) | (_, Err(m)) => return view::error(&m),
    };
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
    let (sample, table) = with_page(|p| (p.sample.clone(), p.table)).unwrap_or_default();
    match kept.filter(|k| !k.candidates.is_empty() || !k.importance.is_empty()) {
        Some(k) => {
            with_page(|p| p.results = Some(k.clone()));
            view::results(&k, sample.as_deref(), TableView { selected: None, ..table }, true);
        }
        None => view::clear_results(sample.as_deref(), &table_report()),
    }
    set_running(true);
    status(status_text);
    let split = SplitSettings { test_fraction, extrapolate };
    send(Outgoing { message: ToWorker::Run { action, seed, target, split, task, lang: i18n::lang() }, bytes: None });
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
        Err(e) => return view::error(&tf("page_worker_restart", &[("why", &describe_js(&e))])),
    }
    redraw(|_| {});
    if let Some(source) = source.filter(|_| reload) {
        // The same table into the new worker, keeping the column to explain and the test column.
        let target = Some(by_id::<HtmlSelectElement>("target-select").value()).filter(|t| !t.is_empty());
        with_page(|p| p.preferred_target = target);
        send_load(source, Reload::SameTable);
    }
    status(t("status_cancelled"));
}

/// Enables what can be used now: the run buttons once a table is loaded and while nothing
/// runs, cancel and the progress bar only while something runs.
fn set_running(running: bool) {
    let loaded = with_page(|p| p.source.is_some()).unwrap_or(false);
    for id in ["run-search", "run-compress", "run-select"] {
        by_id::<HtmlButtonElement>(id).set_disabled(running || !loaded);
    }
    by_id::<HtmlButtonElement>("cancel").set_disabled(!running);
    let progress: HtmlElement = by_id("progress");
    let _ = progress.style().set_property("visibility", if running { "visible" } else { "hidden" });
    if !running {
        let _ = Reflect::set(&progress, &"value".into(), &0.0.into());
    }
    let has_results = with_page(|p| p.results.is_some()).unwrap_or(false);
    by_id::<HtmlButtonElement>("download-report").set_disabled(running || !has_results);
    for id in ["download-svg", "download-png", "download-csv"] {
        by_id::<HtmlButtonElement>(id).set_disabled(!has_results);
    }
    by_id::<HtmlButtonElement>("download-code").set_disabled(running || code_candidate().is_none());
}

fn on_worker_message(data: JsValue) {
    // web/worker.js names the files it loaded itself, for the service worker to keep offline.
    if Reflect::get(&data, &"type".into()).ok().and_then(|t| t.as_string()).as_deref() == Some("resources") {
        return keep_offline(&data);
    }
    let message: FromWorker = match serde_wasm_bindgen::from_value(data.clone()) {
        Ok(m) => m,
        Err(_) => {
            // web/worker.js reports its own start-up failures as {type: "error", message}.
            let text = Reflect::get(&data, &"message".into()).ok().and_then(|m| m.as_string());
            return view::error(&text.unwrap_or_else(|| t("page_worker_unreadable").into()));
        }
    };
    match message {
        FromWorker::Ready { threads, isolated } => on_ready(threads, isolated),
        FromWorker::Progress { stage, done, total, message, elapsed_s, partial } => {
            let progress: HtmlElement = by_id("progress");
            let fraction = if total > 0 { done as f64 / total as f64 } else { 0.0 };
            let _ = Reflect::set(&progress, &"value".into(), &fraction.into());
            status(&progress_text(&stage, done, total, &message, elapsed_s, fraction));
            if let Some(report) = partial.filter(|_| with_page(|p| p.running).unwrap_or(false)) {
                let report = joined(&report);
                with_page(|p| p.results = Some(report));
                redraw(|_| {});
            }
        }
        FromWorker::Loaded { report, load_s, memory_bytes } => on_loaded(*report, load_s, memory_bytes),
        FromWorker::Finished { report } => {
            let report = joined(&report);
            let warnings = report.warnings.clone();
            with_page(|p| {
                p.running = false;
                p.kept = None;
                p.results = Some(report.clone());
            });
            set_running(false);
            redraw(|_| {});
            if !warnings.is_empty() {
                view::warnings(&warnings);
            }
            let mut text = tf("status_done", &[("seconds", &format!("{:.1}", report.elapsed_s))]);
            if let Some(n) = report.search.as_ref().map(|s| s.exhaustive_length).filter(|&n| n > 0) {
                text.push_str(&tf("status_exhaustive", &[("length", &n.to_string())]));
            }
            status(&text);
            // The result is what the reader wants next: focus moves there (and a screen reader
            // reads it once).
            let _ = by_id::<HtmlElement>("headline").focus();
        }
        FromWorker::Encoded { name, bytes, total_bits } => {
            download_bytes(&name, &bytes);
            let text = tf(
                "status_encoded",
                &[("name", &name), ("bytes", &bytes.len().to_string()), ("bits", &format!("{total_bits:.0}"))],
            );
            status(&text);
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
            status(t("status_ready"));
            view::error(&message);
        }
    }
}

/// A table arrived from the worker: a new one replaces the table and clears the results; the
/// same one reloaded after a cancel keeps them.
fn on_loaded(report: Report, load_s: f64, memory_bytes: f64) {
    view::error("");
    view::preview(&report, load_s);
    let sample = report.sample.clone().map(Rc::new);
    let (preferred, source, reload, test) = with_page(|p| {
        p.preview = Some((report.clone(), load_s));
        p.sample = sample;
        let reload = match p.pending.take() {
            Some((source, reload)) => {
                p.source = Some(source);
                reload
            }
            None => Reload::SameTable,
        };
        if reload == Reload::NewTable {
            p.results = None;
            p.table.selected = None;
        }
        (p.preferred_target.clone(), p.source.clone(), reload, p.preferred_test.take())
    })
    .unwrap_or((None, None, Reload::NewTable, None));
    let extrapolate = by_id::<HtmlSelectElement>("extrapolate-select").value();
    view::column_options("target-select", &report, preferred.as_deref(), None, false);
    let keep = if reload == Reload::SameTable { Some(extrapolate).filter(|e| !e.is_empty()) } else { test };
    view::column_options("extrapolate-select", &report, keep.as_deref(), Some(t("random_rows")), true);
    if let Some(source) = &source {
        show_source(source);
    }
    let preview: HtmlElement = by_id("data-preview");
    let _ = preview.set_attribute("data-load-ms", &format!("{:.1}", load_s * 1000.0));
    let _ = preview.set_attribute("data-memory-bytes", &format!("{memory_bytes}"));
    if reload == Reload::NewTable {
        let sample = with_page(|p| p.sample.clone()).flatten();
        view::clear_results(sample.as_deref(), &table_report());
        write_hash();
    }
    set_running(false);
    status(t("status_ready"));
}

/// The loaded table as a report without candidates, for the fit plot before a run: the target
/// chosen in the menu against the other numeric columns.
fn table_report() -> Report {
    let target = by_id::<HtmlSelectElement>("target-select").value();
    let columns =
        with_page(|p| p.sample.as_ref().map(|s| s.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>()))
            .flatten()
            .unwrap_or_default();
    let mut report = Report::default();
    report.dataset.features = columns.into_iter().filter(|c| *c != target).collect();
    report.dataset.target = Some(target).filter(|t| !t.is_empty());
    report
}

thread_local! {
    /// When the live region last spoke (ms since the epoch).
    static ANNOUNCED: Cell<f64> = const { Cell::new(0.0) };
}

/// Shows `text` on the status line; a screen reader hears it through `#announce`, at most once
/// a second (progress arrives ten times a second) and always when a run ends.
fn status(text: &str) {
    set_text("status", text);
    let now = js_sys::Date::now();
    let running = with_page(|p| p.running).unwrap_or(false);
    if !running || now - ANNOUNCED.with(Cell::get) >= 1000.0 {
        ANNOUNCED.with(|a| a.set(now));
        set_text("announce", text);
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
    crate::words::fill(i18n::t_dynamic(key, fallback), values)
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
    let mode = match (isolated, isolated && isolated_by_service_worker()) {
        (true, true) => t("mode_isolated_sw"),
        (true, false) => t("mode_isolated"),
        (false, _) => t("mode_fallback"),
    };
    let key = if threads == 1 { "threads_one" } else { "threads_many" };
    set_text("threads", &tf(key, &[("n", &threads.to_string()), ("mode", mode)]));
}

/// Whether web/sw.js, not the host, gave this page its COOP/COEP headers: it says so in a
/// Server-Timing entry of the page's own navigation.
fn isolated_by_service_worker() -> bool {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else { return false };
    let entries = performance.get_entries_by_type("navigation");
    let timing =
        Reflect::get(&entries.get(0), &"serverTiming".into()).ok().map(|t| Array::from(&t)).unwrap_or_default();
    timing
        .iter()
        .any(|e| Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string()).as_deref() == Some("sw-isolated"))
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
    let scale = view::scale_of(&canvas);
    chart::hit(&report, canvas.width(), canvas.height(), scale, x, y, (10.0 * scale) as i32)
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
    match state {
        Some((Some(report), table, running)) => {
            let sample = with_page(|p| p.sample.clone()).flatten();
            view::results(&report, sample.as_deref(), table, running);
        }
        Some((None, _, _)) => {
            let sample = with_page(|p| p.sample.clone()).flatten();
            view::clear_results(sample.as_deref(), &table_report());
        }
        None => {}
    }
}

/// Copies text to the clipboard (the page is a secure context: localhost or https).
fn copy_to_clipboard(text: &str) {
    let clipboard = web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &"clipboard".into()).ok())
        .filter(|c| !c.is_undefined());
    let write = clipboard
        .as_ref()
        .and_then(|c| Reflect::get(c, &"writeText".into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match (clipboard, write) {
        (Some(c), Some(f)) => {
            let _ = f.call1(&c, &JsValue::from_str(text));
            status(t("status_copied"));
        }
        _ => view::error(t("page_no_clipboard")),
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
    status(t("status_encoding"));
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
        // In the page's language, as the canvas draws it, with the legend below.
        let svg = chart::mdl_plot_svg_in(&report, 900, 560, i18n::lang());
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
    if name.is_empty() {
        "occam".into()
    } else {
        name.into()
    }
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
        .map(|(k, v)| {
            (k.to_string(), js_sys::decode_uri_component(v).ok().and_then(|v| v.as_string()).unwrap_or_default())
        })
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

/// A value of the URL hash.
fn hash_value(key: &str) -> Option<String> {
    hash_pairs().into_iter().find(|(k, _)| k == key).map(|(_, v)| v).filter(|v| !v.is_empty())
}

/// Writes the example (if the table is one), the column to explain, the test column, the
/// current settings and occam's version into the hash.
fn write_hash() {
    let example = with_page(|p| match p.pending.clone().map(|(s, _)| s).or(p.source.clone()) {
        Some(Source::Example(id)) => Some(id.clone()),
        _ => None,
    })
    .flatten();
    let mut parts: Vec<String> = example.map(|id| format!("example={id}")).into_iter().collect();
    let encode = |v: &str| String::from(js_sys::encode_uri_component(v));
    for (key, id) in [("target", "target-select"), ("test_on", "extrapolate-select")] {
        let value = by_id::<HtmlSelectElement>(id).value();
        if !value.is_empty() {
            parts.push(format!("{key}={}", encode(&value)));
        }
    }
    parts.push(format!("v={}", env!("CARGO_PKG_VERSION")));
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
