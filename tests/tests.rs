//! occam's native integration tests, compiled into one binary (as ripgrep does). Each module is
//! one area; the browser tests live in tests/browser/ and run under `make test-browser`.

mod cli;
mod data;
mod hostile;
mod networks;
mod prepare;
mod run;
mod search;
