#!/bin/sh
# Drives the real autoresponder-milter with miltertest(8) and checks what it
# recorded with autoresponder-ctl.
# Usage: run_miltertest.sh MILTERTEST MILTER CTL SOURCE_DIR [EXTRA_CONFIG_LINE]
set -eu
MILTERTEST=$1 MILTER=$2 CTL=$3 SRC=$4 EXTRA=${5:-}
WORK=$(mktemp -d)
MILTER_PID=""
cleanup() {
  [ -n "$MILTER_PID" ] && kill "$MILTER_PID" 2>/dev/null && wait "$MILTER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo 1767225600 > "$WORK/clock"
cat > "$WORK/ar.conf" <<CONF
milter_socket = inet:$PORT@127.0.0.1
store_path = $WORK/store
clock = file:$WORK/clock
log_target = stderr
log_level = info
hostname = mx.example.org
$EXTRA
CONF
"$CTL" --config "$WORK/ar.conf" ooo set alice@example.org --name "Alice" --text "I am away."
"$MILTER" --config "$WORK/ar.conf" 2> "$WORK/milter.log" &
MILTER_PID=$!
"$MILTERTEST" -D port="$PORT" -s "$SRC/ooo_protocol.lua"
sleep 0.2
echo "--- milter log"; cat "$WORK/milter.log"
QUEUE=$("$CTL" --config "$WORK/ar.conf" queue list)
echo "--- queue"; echo "$QUEUE"
fail() { echo "FAIL: $*"; exit 1; }
[ "$(echo "$QUEUE" | grep -c 'bob@example.net')" -eq 1 ] || fail "bob must have exactly one reply queued"
echo "$QUEUE" | grep -q 'news@lists' && fail "the list message must not be answered"
grep -q 'MT0002: no reply to news@lists.example.net for alice@example.org: list-header List-Id' "$WORK/milter.log" \
  || fail "the list decision must be logged with its queue id"
grep -q 'MT0001: reply queued to bob@example.net' "$WORK/milter.log" || fail "MT0001 not logged"
echo "milter.protocol: ok"
