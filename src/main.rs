//! `occam`, the command-line tool: the same kernels as the page, for tests, benchmarks and
//! tables too large for a browser tab. It parses arguments, reads files, and calls `run`.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
