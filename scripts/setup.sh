#!/usr/bin/env bash
# Installs, once and idempotently, what building aidtrail needs. Sourced by run.sh and test.sh.
#   - the Rust toolchain pinned in rust-toolchain.toml, with the wasm32 target
#   - cargo-leptos at a pinned version
#   - the wasm-bindgen CLI of exactly the version in Cargo.lock
#   - binaryen's wasm-opt at a pinned version (npm's build), which release builds run
#   - (tests only, `need_test_runner`) cargo-nextest at a pinned version
#   - (tests only, `need_browser`) Debian's chromium and chromium-driver
#   - (tests only, `need_xmllint`) Debian's libxml2-utils, to validate the IATI files
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.11"
CARGO_NEXTEST_VERSION="0.9.143"
# Debian's binaryen 108 produced a bundle that no longer hydrated; 132 works (BUILD-NOTES).
BINARYEN_VERSION="132.0.0"
TOOLS_DIR="$HOME/.cache/aidtrail/tools"

# Compiled artefacts live outside the clone so that fresh clones (CI) reuse them; the folder is
# created on first use.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/aidtrail/target}"
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/binaryen-$BINARYEN_VERSION/node_modules/.bin:$PATH"
# cargo-leptos lists the hashed names of the bundle's files here, where the server looks for them.
export LEPTOS_HASH_FILE_NAME="$ROOT/target/site/hash.txt"

say() { printf '==> %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

need_toolchain() {
  command -v rustup >/dev/null || { echo "rustup is required (https://rustup.rs)" >&2; exit 1; }
  local channel
  channel="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$ROOT/rust-toolchain.toml")"
  if ! rustup run "$channel" rustc --print target-list >/dev/null 2>&1 \
     || ! rustup target list --installed --toolchain "$channel" 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "installing Rust $channel with the wasm32 target"
    rustup toolchain install "$channel" --profile minimal -c rustfmt -c clippy -t wasm32-unknown-unknown
  fi
}

need_cargo_leptos() {
  if [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 13 minutes on 2 cores, once)"
    (cd "$ROOT" && env -u CARGO_TARGET_DIR cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked)
  fi
}

need_wasm_bindgen() {
  local version
  version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $version" ]; then
    say "installing wasm-bindgen-cli $version (matches Cargo.lock)"
    # Not --locked: its lock names a webpki-roots release the registry does not carry.
    (cd "$ROOT" && env -u CARGO_TARGET_DIR cargo install wasm-bindgen-cli --version "$version" --force)
  fi
}

need_wasm_opt() {
  if [ "$(wasm-opt --version 2>/dev/null)" != "wasm-opt version ${BINARYEN_VERSION%%.*} (version_${BINARYEN_VERSION%%.*})" ]; then
    if ! command -v npm >/dev/null; then
      say "installing Debian's nodejs and npm (for binaryen's wasm-opt)"
      as_root apt-get update -qq
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    fi
    say "installing binaryen $BINARYEN_VERSION (wasm-opt) into $TOOLS_DIR"
    mkdir -p "$TOOLS_DIR/binaryen-$BINARYEN_VERSION"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR/binaryen-$BINARYEN_VERSION" "binaryen@$BINARYEN_VERSION"
  fi
}

need_test_runner() {
  if [ "$(cargo nextest --version 2>/dev/null | head -n1 | awk '{print $2}')" != "$CARGO_NEXTEST_VERSION" ]; then
    say "installing cargo-nextest $CARGO_NEXTEST_VERSION"
    (cd "$ROOT" && env -u CARGO_TARGET_DIR cargo install cargo-nextest --version "$CARGO_NEXTEST_VERSION" --locked)
  fi
}

need_browser() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

need_xmllint() {
  if ! command -v xmllint >/dev/null; then
    say "installing Debian's libxml2-utils (xmllint)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxml2-utils >/dev/null
  fi
}

need_build_tools() {
  need_toolchain
  need_cargo_leptos
  need_wasm_bindgen
  need_wasm_opt
}
