#!/usr/bin/env bash
# Runs the API tests RUNS times with THREADS tests at a time and counts the runs that failed,
# to show whether the suite is sound in parallel (or to catch a rare stall in the act).
#
#   scripts/parallel-runs.sh [RUNS=10] [THREADS=4] [in-process|processes]
#
# in-process (default): `cargo test`'s harness, every test in one process, as scripts/test.sh
# runs them. processes: cargo-nextest, one process per test.
# Each run's output is kept in target/parallel-runs/run-N.log; a failed run prints its failures.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
need_build_tools
cd "$ROOT"

runs="${1:-10}"
threads="${2:-4}"
mode="${3:-in-process}"
out="$ROOT/target/parallel-runs"
if [ "$mode" = processes ] && ! command -v cargo-nextest >/dev/null; then
  echo "parallel-runs.sh: 'processes' needs cargo-nextest (part of this workplace's machines; else: cargo install cargo-nextest --locked)" >&2
  exit 2
fi
case "$mode" in in-process|processes) ;; *) echo "parallel-runs.sh: mode is in-process or processes, not '$mode'" >&2; exit 2 ;; esac
mkdir -p "$out"

say "building the server and the API tests"
cargo build --workspace --locked
cargo test --workspace --locked --no-run --test api

failed=0
for run in $(seq 1 "$runs"); do
  log="$out/run-$run.log"
  started=$(date +%s)
  status=0
  if [ "$mode" = processes ]; then
    cargo nextest run --workspace --locked --test api -j "$threads" --no-fail-fast >"$log" 2>&1 || status=$?
  else
    cargo test --workspace --locked --test api -- --test-threads="$threads" >"$log" 2>&1 || status=$?
  fi
  took=$(( $(date +%s) - started ))
  if [ "$status" -eq 0 ]; then
    say "run $run/$runs: passed in ${took} s"
  else
    failed=$((failed + 1))
    say "run $run/$runs: FAILED in ${took} s (exit $status), log $log"
    grep -E '^(test .* FAILED|---- |thread .* panicked|        FAIL)' "$log" | head -20 || true
  fi
done
say "$((runs - failed)) of $runs runs passed ($threads at a time, $mode)"
[ "$failed" -eq 0 ]
