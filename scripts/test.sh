#!/usr/bin/env bash
# Runs every check and test of Gatehouse: formatting, lints (server and WebAssembly), the Rust
# unit and integration tests, and the Playwright end-to-end tests in Debian's Chromium.
#
# One Cargo profile (dev) for everything: cargo-leptos builds the server and the WebAssembly,
# `cargo test` reuses the very same dependency builds, and Playwright drives that server.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
# The debug build's site (WASM, JS, CSS), apart from the release one that scripts/run.sh serves.
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$CARGO_TARGET_DIR/site-dev}"
started=$SECONDS
step() { printf '\n==> [%4ss] %s\n' "$((SECONDS - started))" "$*" >&2; }

step "setup"
scripts/setup.sh test

# cargo-leptos adds `--cfg erase_components` to debug builds; we set it ourselves (and turn
# cargo-leptos' own switch off in Cargo.toml) so that cargo-leptos and plain cargo build
# with identical flags and share every compiled dependency.
export RUSTFLAGS="--cfg erase_components"

step "cargo fmt --check, leptosfmt --check (view! macros, leptosfmt.toml)"
cargo fmt --all -- --check
leptosfmt --quiet --check app/src frontend/src

step "build: server and WebAssembly (cargo leptos build, dev profile)"
cargo leptos build --split

step "cargo test (unit and integration tests)"
cargo test -p app -p gatehouse-server

step "mail through a real SMTP server (aiosmtpd, from scripts/python-requirements.txt)"
GATEHOUSE_PYTHON="$HOME/.cache/gatehouse/venv/bin/python" \
  cargo test -p gatehouse-server --test it -- --ignored --exact \
  password_reset::the_link_arrives_through_a_real_smtp_server

step "service and store tests again, on a real SurrealDB server (ws://, default settings)"
scripts/surreal-server.sh cargo test -p app --features ssr --test it

step "clippy: server (ssr) and browser (hydrate, wasm32)"
cargo clippy -p app -p gatehouse-server -p gatehouse-bench --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown --all-targets -- -D warnings

step "end-to-end tests (Playwright, Chromium, JavaScript on and off)"
(cd end2end && GATEHOUSE_BIN="$CARGO_TARGET_DIR/debug/gatehouse" npx --no-install playwright test)

step "all tests passed"
