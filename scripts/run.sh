#!/usr/bin/env bash
# Builds aidtrail and serves it on http://127.0.0.1:3000 with the embedded database in ./data
# and the demo data. Safe to run again: installs only what is missing, keeps ./data.
#
#   ./scripts/run.sh          the release build: what users should get (optimised WASM with
#                             hashed, precompressed files; an optimised server)
#   ./scripts/run.sh --dev    the debug build, for the quick edit-and-look loop
#
# Further arguments go to the server (`aidtrail --help`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
need_build_tools
cd "$ROOT"
if [ "${1:-}" = "--dev" ]; then
  shift
  say "building (debug; a first build takes about 10 minutes)"
  cargo leptos build
  profile=debug
else
  say "building (release; a first build takes about 25 minutes on 2 cores)"
  cargo leptos build --release --precompress
  profile=release
fi
say "starting aidtrail on http://${AIDTRAIL_ADDR:-127.0.0.1:3000}"
export AIDTRAIL_SITE_ROOT="${AIDTRAIL_SITE_ROOT:-$ROOT/target/site}"
exec "$CARGO_TARGET_DIR/$profile/aidtrail" "$@"
