#!/usr/bin/env bash
# Builds Gatehouse in release mode and runs it. Arguments go to the `gatehouse` binary, e.g.
#   scripts/run.sh --help
#   GATEHOUSE_DATABASE=mem:// scripts/run.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
# The built site (WASM, JS, CSS) beside the build output, one per profile: the test
# command's debug build must not overwrite what the release binary serves.
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$CARGO_TARGET_DIR/site-release}"
scripts/setup.sh run
echo "==> building (release)" >&2
# --split: each page's WebAssembly is its own chunk; --precompress: every asset also as .br
# (brotli, quality 11) and .gz, which the server sends as they are.
cargo leptos build --release --split --precompress
exec "$CARGO_TARGET_DIR/release/gatehouse" "$@"
