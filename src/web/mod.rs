//! The browser layer, thin by design: the page ([`page`]) owns the DOM on the main thread, and a
//! compute worker ([`worker`]) owns the kernels and the rayon pool. They talk by messages
//! ([`protocol`]); the page never runs a kernel.
//!
//! One wasm module serves three kinds of thread: the window, the compute worker (web/worker.js
//! instantiates the same module there) and the rayon pool's workers. `start` runs in each and
//! does its work only in the window.

mod dom;
mod i18n;
mod page;
mod protocol;
mod view;
mod worker;

use wasm_bindgen::prelude::*;

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;
pub use worker::worker_main;

/// Files larger than this are refused before they are read. A file lives three times over: the
/// page's copy (kept to reload after a cancel), the worker's bytes in wasm memory, and the table
/// (8 bytes a cell, often more than the text); measured, a 118 MB file grows the wasm memory to
/// 414 MB. 500 MB keeps the whole under the 4 GiB a wasm memory can reach, and under what a
/// tab is usually allowed.
const MAX_FILE_BYTES: u64 = 500_000_000;
/// At 8 bytes a cell this is 800 MB of table.
const MAX_CELLS: u64 = 100_000_000;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    if web_sys::window().is_some() {
        page::start();
    }
}

/// True when this module was built with the thread pool (the `threads` feature, +atomics).
#[wasm_bindgen]
pub fn has_threads() -> bool {
    cfg!(feature = "threads")
}
