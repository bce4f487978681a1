#!/bin/sh
# Drives the real autoresponder-milter with miltertest(8) and checks what it
# recorded with autoresponder-ctl.
# Usage: run_miltertest.sh MILTERTEST MILTER CTL SOURCE_DIR [EXTRA_CONFIG_LINE]
set -eu
MILTERTEST=$1 MILTER=$2 CTL=$3 SRC=$4 EXTRA=${5:-}
. "$SRC/../support/milter_sandbox.sh"
{ base_config; cat <<CONF; } > "$WORK/ar.conf"
$EXTRA
CONF
"$CTL" --config "$WORK/ar.conf" ooo set alice@example.org --name "Alice" --text "I am away."
start_milter
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
