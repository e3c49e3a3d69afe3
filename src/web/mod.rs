//! The browser layer, thin by design: the page ([`page`]) owns the DOM on the main thread, and a
//! compute worker ([`worker`]) owns the kernels and the rayon pool. They talk by messages
//! ([`protocol`]); the page never runs a kernel.
//!
//! One wasm module serves three kinds of thread: the window, the compute worker (web/worker.js
//! instantiates the same module there) and the rayon pool's workers. `start` runs in each and
//! does its work only in the window.

mod dom;
mod page;
mod protocol;
mod view;
mod worker;

use wasm_bindgen::prelude::*;

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;
pub use worker::worker_main;

/// Files larger than this are refused before they are read: the bytes, the table and the
/// parser's buffers must fit in the 4 GiB wasm memory with room to spare.
const MAX_FILE_BYTES: u64 = 1_000_000_000;
/// At 8 bytes a cell this is 1.6 GB of table.
const MAX_CELLS: u64 = 200_000_000;

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
