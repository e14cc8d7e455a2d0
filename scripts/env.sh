# Sourced by the run and test scripts: where builds go and which tools are on PATH.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Build output lives outside the clone, so a fresh clone (CI) reuses the previous build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gatehouse/target}"
export PATH="$HOME/.cargo/bin:$root/end2end/node_modules/.bin:$PATH"
