# Source this (". scripts/wasm-env.sh") before a wasm build or wasm test; never for native builds.
# It points cargo at Debian's rustc-web 1.96 (the only toolchain here with a wasm32 std source)
# and builds std with atomics. See ../shared/TOOLCHAIN.md for why each line is here.
_occam_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
export PATH="$_occam_root/node_modules/.bin:$HOME/.cargo/bin:$PATH"  # binaryen 132's wasm-opt before Debian's 108
export RUSTUP_TOOLCHAIN=/usr                     # rustup's cargo/rustc proxies -> /usr/bin (Debian 1.96)
export RUSTC_BOOTSTRAP=1                         # Debian's rustc is a stable build; build-std needs this
export CARGO_UNSTABLE_BUILD_STD=panic_abort,std  # Debian ships no wasm32 std: build it, with atomics
export TRUNK_SKIP_VERSION_CHECK=true             # trunk's CLI accepts only true/false here
export CARGO_TARGET_DIR="$_occam_root/target/wasm"  # keep wasm artefacts apart from native ones
unset _occam_root
