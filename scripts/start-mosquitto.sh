#!/usr/bin/env bash
# Starts a throwaway mosquitto (MQTT broker) on loopback for the transport tests and bench, with
# persistence on (sessions and queued QoS 1 messages survive a restart); idempotent. Prints MQTT_URL.
# Needs Debian's `mosquitto` (CI: apt-get install -y mosquitto).
set -euo pipefail

PORT="${MQTT_PORT:-18839}"
DIR="${MQTT_DIR:-/tmp/hooklab-mosquitto}"
command -v mosquitto >/dev/null || { echo "start-mosquitto: mosquitto is not installed" >&2; exit 1; }
mkdir -p "$DIR"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

if ! listening; then
  # Run as root (CI), mosquitto would switch to user "mosquitto", which cannot write $DIR.
  cat >"$DIR/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
user $(id -un)
persistence true
persistence_location $DIR/
log_dest file $DIR/mosquitto.log
pid_file $DIR/mosquitto.pid
CONF
  mosquitto -c "$DIR/mosquitto.conf" -d >/dev/null 2>&1
fi
for _ in $(seq 1 50); do
  listening && break
  sleep 0.1
done
listening || { echo "start-mosquitto: nothing listens on $PORT" >&2; exit 1; }

echo "MQTT_URL=mqtt://127.0.0.1:$PORT"
