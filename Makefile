# occam's commands. On a fresh Debian 12 machine:
#   make serve   install what is missing, build the app, serve it on http://127.0.0.1:8080
#   make test    install what is missing, run every test (native, wasm build, browser)
#   make dist    write the deployable static site to dist/
# Every target installs only what is missing (scripts/setup.sh), so a second run installs nothing.

SHELL := /bin/bash
WASM_ENV := . scripts/wasm-env.sh

.PHONY: setup serve dist test lint test-native test-wasm test-browser check-wasm clean

setup:
	@scripts/setup.sh

# trunk serve builds in release mode (Trunk.toml) and sends the COOP/COEP headers.
serve: setup
	$(WASM_ENV) && trunk serve

dist: setup
	$(WASM_ENV) && trunk build

test: setup lint test-native test-wasm test-browser

# The rules CI refuses to break, checked first because they take seconds: every Rust file as
# `cargo fmt` writes it (rustfmt.toml).
lint:
	scripts/check-format.sh

# Native unit and integration tests, with the machine's default toolchain (not the wasm env).
test-native:
	cargo test --locked

# The full threaded wasm build is `dist` (below); here: a threaded build without atomics must be
# stopped by a compile_error!.
test-wasm:
	scripts/check-atomics-guard.sh

# A quick compile check of the wasm library while developing (not part of `make test`).
check-wasm: setup
	$(WASM_ENV) && cargo check --lib --target wasm32-unknown-unknown --no-default-features --features threads

# The browser tests drive Debian's headless Chromium against dist/.
test-browser: dist
	node --test --test-reporter=spec tests/browser/

clean:
	rm -rf target dist
