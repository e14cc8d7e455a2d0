#!/usr/bin/env bash
# Measures Gatehouse at scale in the release build (not part of the test command; nothing in
# it asserts a time). Arguments choose the measurements (default: all of them):
#   scripts/bench.sh                 people, users, audit-export, permission
#   scripts/bench.sh people users    just those
# Its figures go into the README's performance section.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
echo "==> building gatehouse-bench (release; shares the release build of scripts/run.sh)" >&2
cargo build --release -p gatehouse-bench
exec "$CARGO_TARGET_DIR/release/gatehouse-bench" "$@"
