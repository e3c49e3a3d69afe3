#!/usr/bin/env bash
# Checks that a threaded wasm build without +atomics is refused at compile time, rather than
# producing a module whose thread pool would corrupt a private memory. Two compile_error!s guard
# it: src/lib.rs's and wasm-bindgen-rayon's own; cargo stops at whichever crate it compiles first
# (usually wasm-bindgen-rayon, which occam depends on), so either message passes.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/wasm-env.sh
export CARGO_TARGET_DIR="$PWD/target/wasm-noatomics"
out=$(RUSTFLAGS="-C target-feature=+simd128" cargo check --locked --lib --target wasm32-unknown-unknown \
        --no-default-features --features threads 2>&1)
if grep -qE "the \`threads\` feature needs a wasm build with \+atomics|Did you forget to enable \`atomics\`" <<<"$out"; then
  echo "atomics guard: a threaded build without +atomics is refused, as it should be"
else
  echo "atomics guard: FAILED, the build was not stopped by the compile_error!" >&2
  tail -20 <<<"$out" >&2
  exit 1
fi
