//! occam finds the shortest program that explains a table of data, measured in bits.
//!
//! The data flow runs one way (see ARCHITECTURE.md): [`data`] reads CSV into a table, and
//! [`run::run`] is the one door through which the command-line tool and the web worker ask for
//! work and get a [`report::Report`] back. Kernels take their clock, cancellation and progress
//! from the caller ([`control`]) and never touch the DOM, files or the system clock.

#[cfg(all(target_arch = "wasm32", feature = "threads", not(target_feature = "atomics")))]
compile_error!(
    "the `threads` feature needs a wasm build with +atomics and a shared memory: source \
     scripts/wasm-env.sh (which uses .cargo/config.toml's rustflags), or build a single-thread \
     module with --no-default-features"
);

pub mod codec;
pub mod compress;
pub mod control;
pub mod data;
pub mod examples;
pub mod expr;
pub mod mdl;
pub mod model;
pub mod prepare;
pub mod random;
pub mod report;
pub mod run;
pub mod search;
pub mod select;
#[cfg(test)]
mod testing;
pub mod units;
pub mod words;

#[cfg(target_arch = "wasm32")]
pub mod web;
