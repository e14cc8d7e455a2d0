#!/usr/bin/env bash
# Installs what building and testing Gatehouse needs, only where it is missing, from the
# package registries alone (crates.io, npm, PyPI, Debian). Safe to run again: a second run is fast.
#
#   scripts/setup.sh run    tools to build and run (Rust target, cargo-leptos, wasm-bindgen, wasm-opt)
#   scripts/setup.sh test   the same, plus Playwright and Debian's Chromium
#   scripts/setup.sh bench  the run tools, plus Playwright, Chromium and Debian's wrk
set -euo pipefail

purpose="${1:-test}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

CARGO_LEPTOS_VERSION="0.3.10"

say() { printf '==> %s\n' "$*" >&2; }

# Tools build in a directory of their own: in the project's (CARGO_TARGET_DIR) they would
# hold its build lock while they compile.
tools_target="$HOME/.cache/gatehouse/tools-target"

export PATH="$HOME/.cargo/bin:$root/end2end/node_modules/.bin:$PATH"
# The project's RUSTFLAGS (scripts/env.sh) are for its own build, not for the tools'.
unset RUSTFLAGS

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown Rust target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -qF "$CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (builds from crates.io, about 25 minutes on 2 cores)"
  cargo install cargo-leptos --version "=$CARGO_LEPTOS_VERSION" --locked --features no_downloads \
    --target-dir "$tools_target"
fi

LEPTOSFMT_VERSION="0.1.33"
if [ "$purpose" = "test" ] && ! leptosfmt --version 2>/dev/null | grep -qF "$LEPTOSFMT_VERSION"; then
  say "installing leptosfmt $LEPTOSFMT_VERSION (formats the view! macros; about 4 minutes)"
  cargo install leptosfmt --version "=$LEPTOSFMT_VERSION" --locked --target-dir "$tools_target"
fi

# wasm-bindgen's CLI must match the wasm-bindgen crate in Cargo.lock exactly.
wbg_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if [ -z "$wbg_version" ]; then
  echo "setup: cannot find the wasm-bindgen version in Cargo.lock" >&2
  exit 1
fi
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $wbg_version"; then
  say "installing wasm-bindgen-cli $wbg_version (matches Cargo.lock)"
  # Not --locked: the CLI's own lockfile names a webpki-roots release the registry does not serve.
  cargo install wasm-bindgen-cli --version "=$wbg_version" --force --target-dir "$tools_target"
fi

# Python tools for the test command (a real SMTP sink), pinned in scripts/python-requirements.txt,
# in a virtual environment under the build cache: installed again only when the list changes.
venv="$HOME/.cache/gatehouse/venv"
if [ "$purpose" = "test" ] && { [ ! -x "$venv/bin/python" ] \
  || ! cmp -s scripts/python-requirements.txt "$venv/requirements.txt"; }; then
  say "installing the Python test tools into $venv (pip, pinned versions)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/python-requirements.txt
  cp scripts/python-requirements.txt "$venv/requirements.txt"
fi

# npm packages from the committed lockfile: Playwright, axe-core, and binaryen's wasm-opt
# (which cargo-leptos takes from PATH for release builds).
if [ ! -f end2end/node_modules/.package-lock.json ] \
  || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing npm packages in end2end/ (npm ci)"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi

debian_packages=()
if [ "$purpose" != "run" ] && [ ! -x /usr/bin/chromium ]; then debian_packages+=(chromium); fi
if [ "$purpose" = "bench" ] && ! command -v wrk >/dev/null; then debian_packages+=(wrk); fi
if [ "${#debian_packages[@]}" -gt 0 ]; then
  say "installing Debian's ${debian_packages[*]}"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${debian_packages[@]}" >/dev/null
fi
