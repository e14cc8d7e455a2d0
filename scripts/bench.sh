#!/usr/bin/env bash
# Measures Gatehouse in the release build (not part of the test command; nothing in it
# asserts a time). Arguments choose the measurements (default: all of them):
#   scripts/bench.sh                 serve, people, users, audit-export, permission
#   scripts/bench.sh serve           the release server under load (wrk), its memory, the
#                                    browser bundle and each route's first page (Chromium)
#   scripts/bench.sh people users    the service layer at scale
# Every figure is printed with the baseline measured in the same run; they go into the
# README's performance section.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
# The release site, as scripts/run.sh builds and serves it.
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$CARGO_TARGET_DIR/site-release}"
scripts/setup.sh bench
echo "==> building Gatehouse and gatehouse-bench (release; the build scripts/run.sh runs)" >&2
# --split: each page's WebAssembly is its own chunk; --precompress: every asset also as .br
# (brotli, quality 11) and .gz, which the server sends as they are.
cargo leptos build --release --split --precompress
cargo build --release -p gatehouse-bench
exec "$CARGO_TARGET_DIR/release/gatehouse-bench" "$@"
