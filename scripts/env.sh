# Sourced by the run and test scripts: where builds go and which tools are on PATH.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Build output lives outside the clone, so a fresh clone (CI) reuses the previous build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gatehouse/target}"
export PATH="$HOME/.cargo/bin:$root/end2end/node_modules/.bin:$PATH"
# Every build uses type-erased views (`--cfg erase_components`): each component returns an
# `AnyView` instead of a nested view type. The browser's release WebAssembly is smaller for it
# (the main chunk measured 368 KB → 337 KB gzip), and the server must be built the same way:
# a server rendering typed views and a browser hydrating erased ones disagree (hydration
# panics). The test command's `cargo test` shares this flag, so one build serves both.
export RUSTFLAGS="${RUSTFLAGS:---cfg erase_components}"
