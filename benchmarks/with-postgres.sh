#!/usr/bin/env bash
# Runs one command against a throw-away PostgreSQL server: initdb into a temporary directory, start it on a free
# loopback port (as the postgres user when run as root: PostgreSQL refuses root), provision a secrets directory, run
# COMMAND with "--secrets DIR --database postgresql://..." appended, then stop the server and delete everything.
# Usage: benchmarks/with-postgres.sh COMMAND [ARGS...]
#   benchmarks/with-postgres.sh ./sightline bench index ~/.local/share/sightline/models/fixtures/*.jpg --rounds 5
#   benchmarks/with-postgres.sh benchmarks/search-request.sh --requests 60
set -euo pipefail
(($#)) || { echo "usage: benchmarks/with-postgres.sh COMMAND [ARGS...]" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$bin/initdb" ]] || { echo "with-postgres: PostgreSQL is not installed; run ./scripts/setup.sh" >&2; exit 1; }
root="$(mktemp -d)"
as=()
if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$root"; as=(setpriv --reuid=postgres --regid=postgres --init-groups --); fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() { "${as[@]}" "$bin/pg_ctl" -D "$root/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$root"; }
trap cleanup EXIT
"${as[@]}" "$bin/initdb" -D "$root/data" -U postgres --auth=trust --encoding=UTF8 --locale=C --no-sync >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $port -k $root" start >/dev/null
"${as[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -q -c "CREATE ROLE sightline LOGIN;" -c "CREATE DATABASE sightline OWNER sightline;" >/dev/null
secrets="$root/secrets"
"$here/sightline" secrets init --secrets "$secrets" >/dev/null 2>&1
"$@" --secrets "$secrets" --database "postgresql://sightline@127.0.0.1:$port/sightline"
