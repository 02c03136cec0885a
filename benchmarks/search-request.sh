#!/usr/bin/env bash
# One SearchFacesByImage at a time, as a client sees it: the official AWS SDK for JavaScript against a real server
# on loopback (fresh data directory, one indexed photo, the audited identification path with case and purpose).
# Usage: benchmarks/search-request.sh [--bin SIGHTLINE] [--database DB] [--requests N] [IMAGE]
#   --bin       the sightline executable to measure (default ./sightline), so two builds can be compared
#   --database  a database for the server and CLI (default: the embedded SQLite file)
#   --secrets   the secrets directory to use with it (a PostgreSQL database needs one provisioned: benchmarks/with-postgres.sh does it)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$here/sightline" database="" secrets="" requests=60
models="${SIGHTLINE_MODELS:-${XDG_DATA_HOME:-$HOME/.local/share}/sightline/models}"
image="$models/fixtures/sample1.jpg"
while (($#)); do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --database) database="$2"; shift 2 ;;
    --secrets) secrets="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    -*) echo "search-request: unknown option $1" >&2; exit 2 ;;
    *) image="$1"; shift ;;
  esac
done
data="$(mktemp -d)"
db=(); [[ -n "$database" ]] && db=(--database "$database")
[[ -n "$secrets" ]] && db+=(--secrets "$secrets")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() { [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT
key=$("$bin" keys create --role admin --default-case BENCH-1 --default-purpose investigation --json --data "$data" "${db[@]}")
id=$(echo "$key" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessKeyId"])')
secret=$(echo "$key" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secretAccessKey"])')
collection="bench-$RANDOM$RANDOM"
"$bin" collections create "$collection" --data "$data" "${db[@]}" >/dev/null
"$bin" faces index "$collection" "$image" --data "$data" "${db[@]}" >/dev/null
"$bin" serve --urls "http://127.0.0.1:$port" --data "$data" "${db[@]}" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "search-request: the server exited" >&2; exit 1; }
  sleep 0.5
done
node "$here/benchmarks/search-request.mjs" "http://127.0.0.1:$port" "$id" "$secret" "$collection" "$image" "$requests"
[[ -n "$database" ]] && "$bin" collections delete "$collection" --data "$data" "${db[@]}" >/dev/null
