//! The page on the main thread: it wires the controls, sends work to the compute worker and
//! draws what comes back. It runs no kernel; everything here is DOM work.

use std::cell::RefCell;

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DragEvent, Event, HtmlElement, HtmlInputElement, HtmlOptionElement, HtmlSelectElement, MessageEvent, Worker,
    WorkerOptions, WorkerType,
};

use super::dom::{self, append, by_id, element, set_text};
use super::protocol::{FromWorker, ToWorker};
use super::MAX_FILE_BYTES;
use crate::data::{LoadError, LoadErrorKind, Position};
use crate::examples::{self, EXAMPLES};
use crate::report::{ColumnSummary, Report};

#[wasm_bindgen]
extern "C" {
    /// The URL of the glue script this module was loaded by: the worker script and the module
    /// are found relative to it, so the site works under any path.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static MAIN_JS_URL: js_sys::JsString;
}

const DEFAULT_EXAMPLE: &str = "kepler";

/// What the page remembers between events.
struct Page {
    worker: Worker,
    ready: bool,
    /// Messages waiting for the worker to be ready.
    queue: Vec<Outgoing>,
    /// The target to select when the next table arrives (the example's own target).
    preferred_target: Option<String>,
}

struct Outgoing {
    message: ToWorker,
    bytes: Option<js_sys::ArrayBuffer>,
}

thread_local! {
    static PAGE: RefCell<Option<Page>> = const { RefCell::new(None) };
}

pub fn start() {
    fill_examples();
    let worker = match spawn_worker() {
        Ok(w) => w,
        Err(e) => return show_error(&format!("cannot start the compute worker: {}", describe_js(&e))),
    };
    PAGE.with(|p| *p.borrow_mut() = Some(Page { worker, ready: false, queue: Vec::new(), preferred_target: None }));
    wire_controls();
    set_text("status", "starting the compute worker");
    set_text("threads", "starting threads");
    let example = example_from_hash().unwrap_or_else(|| DEFAULT_EXAMPLE.to_string());
    by_id::<HtmlSelectElement>("example-select").set_value(&example);
    load_example(&example);
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
        show_error(&format!("the compute worker failed: {}", message.unwrap_or_else(|| "unknown error".into())));
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
    for example in EXAMPLES {
        let option = HtmlOptionElement::new_with_text_and_value(example.title, example.id).expect("an option");
        select.add_with_html_option_element(&option).expect("adding an option");
    }
}

fn wire_controls() {
    let select: HtmlSelectElement = by_id("example-select");
    listen(&select, "change", |_| {
        let id = by_id::<HtmlSelectElement>("example-select").value();
        load_example(&id);
    });

    let input: HtmlInputElement = by_id("file-input");
    listen(&input, "change", |_| {
        let input: HtmlInputElement = by_id("file-input");
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            load_file(file);
        }
        input.set_value("");
    });

    let body: HtmlElement = dom::document().body().expect("a body");
    listen(&body, "dragover", |e| {
        e.prevent_default();
        dom::document().body().map(|b| b.class_list().add_1("dragging"));
    });
    listen(&body, "dragleave", |_| {
        dom::document().body().map(|b| b.class_list().remove_1("dragging"));
    });
    listen(&body, "drop", |e| {
        e.prevent_default();
        dom::document().body().map(|b| b.class_list().remove_1("dragging"));
        let file = e.dyn_ref::<DragEvent>().and_then(|d| d.data_transfer()).and_then(|t| t.files()).and_then(|f| f.get(0));
        if let Some(file) = file {
            load_file(file);
        }
    });
}

fn listen(target: &web_sys::EventTarget, kind: &str, handler: impl FnMut(Event) + 'static) {
    let closure = Closure::<dyn FnMut(Event)>::new(handler);
    target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref()).expect("adding a listener");
    closure.forget();
}

fn load_example(id: &str) {
    let target = examples::find(id).map(|e| e.target.to_string());
    PAGE.with(|p| {
        if let Some(page) = p.borrow_mut().as_mut() {
            page.preferred_target = target;
        }
    });
    set_hash("example", id);
    set_text("status", &format!("loading the example '{id}'"));
    send(Outgoing { message: ToWorker::LoadExample { id: id.to_string() }, bytes: None });
}

/// Reads a local file with the File API and hands its bytes to the worker. Nothing leaves the
/// machine.
fn load_file(file: web_sys::File) {
    let name = file.name();
    let bytes = file.size() as u64;
    if bytes > MAX_FILE_BYTES {
        // Refused before reading: a file this size would take the tab down with it.
        let error = LoadError::new(LoadErrorKind::TooLarge { bytes, limit: MAX_FILE_BYTES }, Position::default());
        return show_error(&format!("{name}: {error}"));
    }
    set_text("status", &format!("reading {name}"));
    wasm_bindgen_futures::spawn_local(async move {
        match JsFuture::from(file.array_buffer()).await {
            Ok(buffer) => {
                PAGE.with(|p| {
                    if let Some(page) = p.borrow_mut().as_mut() {
                        page.preferred_target = None;
                    }
                });
                let message = ToWorker::LoadFile { name };
                send(Outgoing { message, bytes: Some(buffer.unchecked_into()) });
            }
            Err(e) => show_error(&format!("{name}: the browser could not read the file: {}", describe_js(&e))),
        }
    });
}

/// Sends a message to the worker now, or when it is ready.
fn send(outgoing: Outgoing) {
    PAGE.with(|p| {
        let mut page = p.borrow_mut();
        let Some(page) = page.as_mut() else { return };
        if page.ready {
            post(&page.worker, outgoing);
        } else {
            page.queue.push(outgoing);
        }
    });
}

fn post(worker: &Worker, outgoing: Outgoing) {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let value = match serde::Serialize::serialize(&outgoing.message, &serializer) {
        Ok(v) => v,
        Err(e) => return show_error(&format!("cannot send a message to the worker: {e}")),
    };
    let result = match outgoing.bytes {
        Some(buffer) => {
            let _ = Reflect::set(&value, &"bytes".into(), &buffer);
            worker.post_message_with_transfer(&value, &Array::of1(&buffer))
        }
        None => worker.post_message(&value),
    };
    if let Err(e) = result {
        show_error(&format!("cannot send a message to the worker: {}", describe_js(&e)));
    }
}

fn on_worker_message(data: JsValue) {
    let message: FromWorker = match serde_wasm_bindgen::from_value(data.clone()) {
        Ok(m) => m,
        Err(_) => {
            // web/worker.js reports its own start-up failures as {type: "error", message}.
            let text = Reflect::get(&data, &"message".into()).ok().and_then(|m| m.as_string());
            return show_error(&text.unwrap_or_else(|| "the worker sent an unreadable message".into()));
        }
    };
    match message {
        FromWorker::Ready { threads, isolated } => on_ready(threads, isolated),
        FromWorker::Progress { done, total, message, elapsed_s, .. } => {
            let progress: HtmlElement = by_id("progress");
            let fraction = if total > 0 { done as f64 / total as f64 } else { 0.0 };
            let _ = Reflect::set(&progress, &"value".into(), &fraction.into());
            set_text("status", &format!("{message} ({elapsed_s:.1} s)"));
        }
        FromWorker::Loaded { report, load_s, memory_bytes } => {
            show_error("");
            show_report(&report, load_s);
            let preview: HtmlElement = by_id("data-preview");
            let _ = preview.set_attribute("data-load-ms", &format!("{:.1}", load_s * 1000.0));
            let _ = preview.set_attribute("data-memory-bytes", &format!("{memory_bytes}"));
        }
        FromWorker::Error { message } => {
            set_text("status", "ready");
            show_error(&message);
        }
    }
}

fn on_ready(threads: usize, isolated: bool) {
    let by_service_worker = isolated && service_worker_controls_page();
    let mode = match (isolated, by_service_worker) {
        (true, true) => "cross-origin isolated by service worker",
        (true, false) => "cross-origin isolated",
        (false, _) => "single-thread fallback (the page is not cross-origin isolated)",
    };
    let threads_text = format!("{threads} thread{}, {mode}", if threads == 1 { "" } else { "s" });
    set_text("threads", &threads_text);
    let threads_el: HtmlElement = by_id("threads");
    let _ = threads_el.set_attribute("data-threads", &threads.to_string());
    let _ = threads_el.set_attribute("data-isolated", &isolated.to_string());
    let queue = PAGE.with(|p| {
        let mut page = p.borrow_mut();
        let page = page.as_mut().expect("the page state exists once started");
        page.ready = true;
        std::mem::take(&mut page.queue)
    });
    PAGE.with(|p| {
        let page = p.borrow();
        let page = page.as_ref().expect("the page state exists once started");
        for outgoing in queue {
            post(&page.worker, outgoing);
        }
    });
}

fn service_worker_controls_page() -> bool {
    let navigator = web_sys::window().map(|w| w.navigator());
    navigator
        .and_then(|n| Reflect::get(&n, &"serviceWorker".into()).ok())
        .filter(|sw| !sw.is_undefined())
        .and_then(|sw| Reflect::get(&sw, &"controller".into()).ok())
        .is_some_and(|c| c.is_truthy())
}

/// Shows a loaded table: its columns, kinds and first rows, and offers its columns as targets.
fn show_report(report: &Report, load_s: f64) {
    let d = &report.dataset;
    let preview: HtmlElement = by_id("data-preview");
    preview.set_inner_html("");
    let caption = format!(
        "{}: {} rows × {} columns, read in {:.0} ms, described in {:.0} ms on {} thread{}",
        d.name,
        d.rows,
        d.columns,
        load_s * 1000.0,
        report.elapsed_s * 1000.0,
        report.threads,
        if report.threads == 1 { "" } else { "s" }
    );
    append(&preview, &element("p", Some(&caption)));
    let table = element("table", None);
    let head = element("thead", None);
    let names = element("tr", None);
    let kinds = element("tr", None);
    kinds.set_class_name("kinds");
    for column in &report.columns {
        append(&names, &element("th", Some(&column.name)));
        let th = element("th", Some(&column_note(column)));
        let _ = th.set_attribute("data-kind", &column.kind);
        append(&kinds, &th);
    }
    append(&head, &names);
    append(&head, &kinds);
    append(&table, &head);
    let body = element("tbody", None);
    for row in &report.preview {
        let tr = element("tr", None);
        for cell in row {
            append(&tr, &element("td", Some(cell)));
        }
        append(&body, &tr);
    }
    append(&table, &body);
    append(&preview, &table);
    if report.warnings.is_empty() {
        show_error("");
    } else {
        show_warnings(&report.warnings);
    }
    fill_targets(report);
    set_text("status", "ready");
}

/// "numeric · step 0.001 · 0.39 to 39.5 · 2 missing"
fn column_note(c: &ColumnSummary) -> String {
    let mut parts = vec![c.kind.clone()];
    if let Some(p) = c.precision {
        parts.push(format!("step {p}"));
    }
    if let (Some(min), Some(max)) = (c.min, c.max) {
        parts.push(format!("{} to {}", short(min), short(max)));
    }
    if c.kind != "numeric" && c.distinct > 0 {
        parts.push(format!("{} levels", c.distinct));
    }
    if c.missing > 0 {
        parts.push(format!("{} missing", c.missing));
    }
    parts.join(" · ")
}

fn short(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.len() > 10 { format!("{v:.3e}") } else { s.to_string() }
}

fn fill_targets(report: &Report) {
    let select: HtmlSelectElement = by_id("target-select");
    select.set_inner_html("");
    for column in &report.columns {
        let option = HtmlOptionElement::new_with_text_and_value(&column.name, &column.name).expect("an option");
        select.add_with_html_option_element(&option).expect("adding an option");
    }
    let preferred = PAGE.with(|p| p.borrow().as_ref().and_then(|page| page.preferred_target.clone()));
    let fallback = report.columns.iter().rev().find(|c| c.kind != "constant").map(|c| c.name.clone());
    if let Some(target) = preferred.filter(|t| report.columns.iter().any(|c| &c.name == t)).or(fallback) {
        select.set_value(&target);
    }
}

fn show_error(message: &str) {
    let error: HtmlElement = by_id("error");
    error.set_class_name(if message.is_empty() { "" } else { "error" });
    error.set_text_content(Some(message));
}

fn show_warnings(warnings: &[String]) {
    let error: HtmlElement = by_id("error");
    error.set_class_name("warning");
    error.set_inner_html("");
    for w in warnings {
        append(&error, &element("div", Some(&format!("warning: {w}"))));
    }
}

fn describe_js(value: &JsValue) -> String {
    value.as_string().or_else(|| js_sys::JSON::stringify(value).ok().and_then(|s| s.as_string())).unwrap_or_default()
}

/// The example named in the URL hash (`#example=iris`), if any.
fn example_from_hash() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|kv| kv.strip_prefix("example="))
        .filter(|id| examples::find(id).is_some())
        .map(str::to_string)
}

fn set_hash(key: &str, value: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(&format!("{key}={value}"));
    }
}
