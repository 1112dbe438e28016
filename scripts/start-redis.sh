#!/usr/bin/env bash
# Starts a throwaway redis-server on loopback for the transport tests and bench (AOF on, every write
# fsynced); idempotent. Prints REDIS_URL. Needs Debian's `redis-server` (CI: apt-get install -y redis-server).
set -euo pipefail

PORT="${REDIS_PORT:-63799}"
DIR="${REDIS_DIR:-/tmp/hooklab-redis}"
command -v redis-server >/dev/null || { echo "start-redis: redis-server is not installed" >&2; exit 1; }
mkdir -p "$DIR"

if ! redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1; then
  redis-server --port "$PORT" --bind 127.0.0.1 --dir "$DIR" --appendonly yes --appendfsync always \
    --save '' --daemonize yes --logfile "$DIR/redis.log" --pidfile "$DIR/redis.pid"
fi
for _ in $(seq 1 50); do
  redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null || { echo "start-redis: no answer on $PORT" >&2; exit 1; }

echo "REDIS_URL=redis://127.0.0.1:$PORT"
