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
# `--all-targets` compiles the benches too (with the test profile, so cheaply): a bench that no
# longer builds fails here rather than unnoticed.
cargo test --workspace --locked --all-targets --no-run

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

say "running the tests"
# One test at a time: each test starts its own server and database, and running them in
# parallel in one process has shown rare stalls (see README, "Known issues"). A failure fails the
# run: the suite is never run a second time to hide it.
status=0
cargo test --workspace --locked -- --test-threads=1 2>&1 | tee "$log" || status=$?
# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
