#!/usr/bin/env bash
# Runs every test: unit tests, integration tests against a real embedded SurrealDB, and browser
# tests in headless Chromium against the released WASM bundle. Installs what is missing first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
need_build_tools
need_test_runner
need_browser
need_xmllint
cd "$ROOT"

# The browser tests load the bundle users get: release, through the pinned wasm-opt, hashed and
# precompressed (an optimiser can break hydration silently). The server and tests stay debug.
say "building the WASM bundle and stylesheet as released (cargo leptos build --release --precompress --frontend-only)"
cargo leptos build --release --precompress --frontend-only

say "building the server and the test binaries"
cargo build --workspace --locked
# `--all-targets` compiles the benches too (with the test profile, so cheaply): a bench that no
# longer builds fails here rather than unnoticed.
cargo test --workspace --locked --all-targets --no-run

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0

say "running the storage engine's own tests (vendor/: our fixes to SurrealKV)"
cargo test --locked --manifest-path vendor/surrealkv/Cargo.toml --lib 2>&1 | tee -a "$log" | grep -E '^test result|FAILED|panicked' || status=1
cargo test --locked -p surrealdb-kvs-surrealkv --lib 2>&1 | tee -a "$log" | grep -E '^test result|FAILED|panicked' || status=1

say "running the tests (two at a time; a failure fails the run, nothing is run twice)"
# Each test in its own process (cargo-nextest), two at once, each stopped and named if it runs
# over 5 minutes (.config/nextest.toml).
cargo nextest run --workspace --locked 2>&1 | tee -a "$log" || status=$?

# One closing line for the whole run: the engine's tests and the suite's.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     /Summary \[/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^timed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
