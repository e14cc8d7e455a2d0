#!/bin/sh
# Starts Gatehouse for the end-to-end tests: a fresh on-disk database in a temporary directory
# with one site administrator (e2e-root, password from E2E_ADMIN_PASSWORD) created through the
# real `create-admin` command, then the server on it.
set -eu
dir=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-e2e.XXXXXX")
export GATEHOUSE_DATABASE="surrealkv://$dir/db"
printf '%s\n' "$E2E_ADMIN_PASSWORD" |
  "$GATEHOUSE_BIN" create-admin --username e2e-root --email e2e-root@example.org
exec "$GATEHOUSE_BIN"
