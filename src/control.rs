//! What a caller hands down to long work: a way to stop it ([`Cancel`]), a clock ([`Clock`]),
//! and an ear for progress ([`Observer`]).
//!
//! Kernels never read the clock themselves (`Instant::now()` panics on wasm32-unknown-unknown)
//! and never decide how progress is shown: the CLI and the web worker each pass their own.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A shared stop flag. Cloning shares the flag; kernels poll [`Cancel::is_cancelled`] between
/// units of work small enough to stop within a fraction of a second.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Seconds since some fixed start, from whoever owns a real clock.
pub trait Clock: Sync {
    fn seconds(&self) -> f64;
}

/// A clock that stands still: for tests and for work that has no time budget.
#[derive(Debug, Clone, Copy, Default)]
pub struct FrozenClock;

impl Clock for FrozenClock {
    fn seconds(&self) -> f64 {
        0.0
    }
}

/// How far a piece of work has come.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// The stage running, e.g. "describe" or "search".
    pub stage: &'static str,
    /// Units done and in all (columns, generations, epochs).
    pub done: u64,
    pub total: u64,
    pub message: String,
    /// Results so far, for a live view (the formula search sends its current front).
    pub partial: Option<Box<crate::report::Report>>,
}

impl Progress {
    /// Progress without partial results.
    pub fn new(stage: &'static str, done: u64, total: u64, message: String) -> Progress {
        Progress { stage, done, total, message, partial: None }
    }

    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            (self.done as f64 / self.total as f64).clamp(0.0, 1.0)
        }
    }
}

/// Receives progress. Called only on the thread that called `run`, between parallel sections,
/// so an implementation may touch thread-bound things (the web worker posts messages from it).
pub trait Observer {
    fn progress(&self, progress: &Progress);
}

/// An observer that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {
    fn progress(&self, _: &Progress) {}
}
