#!/usr/bin/env bash
# Builds (once) and starts FerretDB 1.24 with its SQLite backend on loopback,
# a MongoDB-compatible server for development and tests where no MongoDB can
# be installed. Needs Go 1.24 or newer.
#
#   bash scripts/ferretdb.sh                 # foreground, port 27017, data in .tmp/ferretdb
#   FERRETDB_PORT=27018 bash scripts/ferretdb.sh
#   source scripts/ferretdb.sh --background  # start, wait until ready, export MONGODB_URI and FERRETDB_PID
#
# Sourced, it also exports FERRETDB_BINARY, which tests use to start private
# servers of their own, for example to stop and restart one.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ferretdb_version="1.24.2"
cache_dir="${FERRETDB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tools-sync-api}"
binary="$cache_dir/ferretdb-$ferretdb_version"
port="${FERRETDB_PORT:-27017}"
data_dir="${FERRETDB_DATA_DIR:-$repo_root/.tmp/ferretdb}"

# Rebuilt when the launcher's source is newer than the cached binary; Go's
# build cache makes that a matter of seconds. The rename keeps running copies intact.
if [[ ! -x "$binary" || "$repo_root/tools/ferretdb/main.go" -nt "$binary" ]]; then
  echo "Building FerretDB $ferretdb_version into $binary..." >&2
  mkdir -p "$cache_dir"
  (cd "$repo_root/tools/ferretdb" && go build -o "$binary.tmp.$$" . && mv -f "$binary.tmp.$$" "$binary")
fi

export FERRETDB_BINARY="$binary"

if [[ "${1:-}" != "--background" ]]; then
  echo "FerretDB on mongodb://127.0.0.1:$port/ with data in $data_dir (Ctrl-C stops it)" >&2
  exec "$binary" -listen-addr "127.0.0.1:$port" -data-dir "$data_dir"
fi

log_file="$data_dir.log"
mkdir -p "$(dirname "$data_dir")"
"$binary" -listen-addr "127.0.0.1:$port" -data-dir "$data_dir" >"$log_file" 2>&1 &
FERRETDB_PID=$!
for _ in $(seq 1 100); do
  if grep -q "ferretdb listening" "$log_file" 2>/dev/null; then
    export MONGODB_URI="mongodb://127.0.0.1:$port/"
    export FERRETDB_PID
    echo "FerretDB $ferretdb_version ready at $MONGODB_URI (pid $FERRETDB_PID)" >&2
    return 0 2>/dev/null || exit 0
  fi
  if ! kill -0 "$FERRETDB_PID" 2>/dev/null; then
    echo "FerretDB exited during start-up; its log follows:" >&2
    cat "$log_file" >&2
    return 1 2>/dev/null || exit 1
  fi
  sleep 0.1
done
echo "FerretDB did not report ready within 10 s; its log follows:" >&2
cat "$log_file" >&2
kill "$FERRETDB_PID" 2>/dev/null || true
return 1 2>/dev/null || exit 1
