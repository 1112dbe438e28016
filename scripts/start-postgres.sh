#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the engine tests and bench; idempotent. Prints DATABASE_URL.
# Needs Debian's `postgresql` package (CI: apt-get install -y postgresql). Runs the server as the
# `postgres` user because postgres refuses to run as root.
set -euo pipefail

PGPORT="${PGPORT:-54329}"
PGDATA="${PGDATA:-/tmp/hooklab-pgdata}"
PGDB="${PGDB:-hooklab_test}"
BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}"
[ -x "$BIN/initdb" ] || { echo "start-postgres: no PostgreSQL binaries under /usr/lib/postgresql" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" = "0" ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  [ "$(id -u)" = "0" ] && chown postgres:postgres "$PGDATA"
  as_pg "'$BIN/initdb' -D '$PGDATA' -U postgres --auth=trust -E UTF8 >/dev/null"
  # Test server only: durability is traded for speed, and many parallel test schemas need connections.
  cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
fi

if ! as_pg "'$BIN/pg_ctl' -D '$PGDATA' status" >/dev/null 2>&1; then
  as_pg "'$BIN/pg_ctl' -D '$PGDATA' -o '-p $PGPORT -k /tmp' -l '$PGDATA/server.log' -w start" >/dev/null
fi

for _ in $(seq 1 50); do
  "$BIN/pg_isready" -h 127.0.0.1 -p "$PGPORT" -q && break
  sleep 0.2
done

if ! psql -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PGDB'" | grep -q 1; then
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE $PGDB" >/dev/null
fi

echo "DATABASE_URL=postgres://postgres@127.0.0.1:$PGPORT/$PGDB"
