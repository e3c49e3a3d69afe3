#!/usr/bin/env bash
# Installs what occam's build and tests need on a fresh Debian 12 machine, and nothing that is
# already there: running it twice installs nothing the second time.
#
# Why each piece (see ../shared/TOOLCHAIN.md for the traps behind them):
#   rustc-web cargo-web rust-web-src  Debian's Rust 1.96 with its std sources: rustup cannot add the
#                                     wasm32 target here, so the wasm build uses build-std on these.
#   lld-22                            /usr/bin/rust-lld points at it; without it the wasm link fails.
#   chromium chromium-driver          the browser tests drive a real headless Chromium;
#   fonts-wqy-microhei                a CJK font, so screenshots of the Chinese page are legible.
#   trunk, wasm-bindgen-cli           the wasm build; wasm-bindgen must equal the crate in Cargo.lock.
#   npm packages (package.json)       binaryen 132 (Debian's 108 corrupts the output),
#                                     playwright-core, coi-serviceworker.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.22.1
say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------------------------
APT_PACKAGES=(rustc-web cargo-web rust-web-src lld-22 chromium chromium-driver fonts-wqy-microhei)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  say "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# --- cargo tools -----------------------------------------------------------------------------
# The tools only run the build, so they are built with light optimisation: this halves the
# install time (trunk alone takes ~16 minutes on 2 cores at full release settings).
export CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false \
       CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=0
export PATH="$HOME/.cargo/bin:$PATH"

has_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF " $2"; }

bindgen_version=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock)
[ -n "$bindgen_version" ] || { echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 1; }

if ! has_version trunk "$TRUNK_VERSION"; then
  # trunk 0.22.1 declares rust-version 1.96.1: nightly builds it; stable 1.95 builds it too when
  # told to ignore the declaration (it uses nothing newer).
  if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    say "cargo +nightly install trunk $TRUNK_VERSION"
    cargo +nightly install trunk --version "$TRUNK_VERSION" --locked
  else
    say "cargo install trunk $TRUNK_VERSION --ignore-rust-version"
    cargo install trunk --version "$TRUNK_VERSION" --locked --ignore-rust-version
  fi
fi

if ! has_version wasm-bindgen "$bindgen_version"; then
  # --locked fails: the registry mirror lacks a dependency version its lock file names.
  say "cargo install wasm-bindgen-cli $bindgen_version"
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

# rustfmt checks the formatting first in `make test` (scripts/check-format.sh); rustup's default
# profile has it, a minimal one does not.
if ! command -v rustfmt >/dev/null 2>&1 && command -v rustup >/dev/null 2>&1; then
  say "rustup component add rustfmt"
  rustup component add rustfmt
fi

# --- npm packages ----------------------------------------------------------------------------
if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- crates for the offline wasm build -------------------------------------------------------
# trunk builds with --offline, so the registry crates (and std's own dependencies for build-std)
# must be in the cargo cache first.
if [ ! -f target/.fetched ] || [ Cargo.lock -nt target/.fetched ]; then
  say "cargo fetch"
  cargo fetch --locked
  ( . scripts/wasm-env.sh && cargo fetch --locked --target wasm32-unknown-unknown \
      --manifest-path /usr/lib/rustlib/src/rust/library/Cargo.toml )
  mkdir -p target && touch target/.fetched
fi
say "ready"
