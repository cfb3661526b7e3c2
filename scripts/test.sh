#!/usr/bin/env bash
# Runs every test: unit tests, integration tests against a real embedded SurrealDB, and browser
# tests in headless Chromium against the hydrated WASM bundle. Installs what is missing first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
need_build_tools
need_browser
cd "$ROOT"

say "building the WASM bundle and stylesheet (cargo leptos build --frontend-only)"
cargo leptos build --frontend-only

say "building the server and the test binaries"
cargo build --workspace --locked
cargo test --workspace --locked --no-run

say "running the tests"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --locked -- --test-threads=2 2>&1 | tee "$log" || status=$?
# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
