#!/usr/bin/env bash
# Runs a command against a real SurrealDB server (`surreal start`, in memory, default
# settings), built once from the surrealdb-server crate into the build cache:
#
#   scripts/surreal-server.sh <command> [args…]
#
# The command sees GATEHOUSE_TEST_SURREAL=ws://127.0.0.1:<port> (root user root/root); the
# server stops when the command ends. The first build takes about 13 minutes on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/env.sh"

# Its own target directory: in the project's it would hold the build lock.
target="$HOME/.cache/gatehouse/surreal-target"
env -u RUSTFLAGS cargo build --quiet --manifest-path "$root/tools/surreal-server/Cargo.toml" --locked \
  --target-dir "$target"
surreal="$target/debug/surreal"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log="$(mktemp)"
"$surreal" start --bind "127.0.0.1:$port" --user root --pass root --log warn memory >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "surreal-server: the SurrealDB server did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.2
done

GATEHOUSE_TEST_SURREAL="ws://127.0.0.1:$port" "$@"
