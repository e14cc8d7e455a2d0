#!/usr/bin/env bash
# Builds Gatehouse in release mode and runs it. Arguments go to the `gatehouse` binary, e.g.
#   scripts/run.sh --help
#   GATEHOUSE_DATABASE=mem:// scripts/run.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
scripts/setup.sh run
echo "==> building (release)" >&2
cargo leptos build --release
exec "$CARGO_TARGET_DIR/release/gatehouse" "$@"
