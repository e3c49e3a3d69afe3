#!/usr/bin/env bash
# Every Rust file in the repository is as `cargo fmt` writes it (rustfmt.toml), the fuzz crate
# under tests/fuzz included: `make test` runs this first, so an unformatted change fails in
# seconds, before the long builds.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

if ! command -v rustfmt >/dev/null 2>&1; then
  echo "check-format: rustfmt is missing; install it with 'rustup component add rustfmt'" >&2
  exit 1
fi

# rustfmt reads rustfmt.toml (edition and width) from the directory tree above each file.
mapfile -t files < <(find src tests examples -name '*.rs' -not -path '*/target/*' | sort)
if ! rustfmt --check "${files[@]}"; then
  echo "check-format: the files above are not formatted; run 'cargo fmt' (and for the fuzz crate" >&2
  echo "'cargo fmt --manifest-path tests/fuzz/Cargo.toml'), then commit the result" >&2
  exit 1
fi
echo "check-format: ${#files[@]} Rust files formatted as rustfmt.toml says"
