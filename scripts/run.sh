#!/usr/bin/env bash
# Builds aidtrail and serves it on http://127.0.0.1:3000 with the embedded database in ./data
# and the demo data. Safe to run again: installs only what is missing, keeps ./data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
need_build_tools
cd "$ROOT"
say "building (debug; a first build takes about 10 minutes)"
cargo leptos build
say "starting aidtrail on http://${AIDTRAIL_ADDR:-127.0.0.1:3000}"
export AIDTRAIL_SITE_ROOT="${AIDTRAIL_SITE_ROOT:-$ROOT/target/site}"
exec "$CARGO_TARGET_DIR/debug/aidtrail" "$@"
