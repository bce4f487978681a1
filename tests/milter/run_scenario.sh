#!/bin/sh
# Runs one protocol scenario against the real autoresponder-milter on one
# engine, the way an MTA speaks to it: scenarios/NAME.lua through
# miltertest(8) and/or scenarios/NAME.py (a raw-packet client, for what
# miltertest cannot send: QUIT_NC, malformed packets), then the checks in
# scenarios/NAME.check (shell, sourced here) against the log and the queue.
# Usage: run_scenario.sh MILTERTEST MILTER CTL SOURCE_DIR ENGINE NAME
set -eu
MILTERTEST=$1 MILTER=$2 CTL=$3 SRC=$4 ENGINE=$5 NAME=$6
SCENARIO="$SRC/scenarios/$NAME"
. "$SRC/../support/milter_sandbox.sh"
fail() { echo "FAIL ($NAME on $ENGINE): $*"; exit 1; }

KEY=scenario-key-not-secret-0123456789
printf '%s' "$KEY" > "$WORK/secret.key"
chmod 600 "$WORK/secret.key"
mkdir "$WORK/sequences"
# One sequence: mail to signup@shop.example enrols its envelope sender, so
# the milter reads bodies (DSNs to bounces+) and consumes control recipients.
cat > "$WORK/sequences/signup.sequence" <<'SEQ'
[sequence]
name = signup
from = Shop <shop@shop.example>
[trigger]
recipient = ^signup@shop\.example$
person = envelope-sender
[step hello]
when = 1d after enrolment
template = hello.txt
SEQ
printf 'Subject: Hello\n\nHello {{first_name}}\n' > "$WORK/sequences/hello.txt"
{ base_config; cat <<CONF; } > "$WORK/ar.conf"
milter_engine = $ENGINE
sequence_dir = $WORK/sequences
secret_key_file = $WORK/secret.key
CONF
[ -f "$SCENARIO.conf" ] && cat "$SCENARIO.conf" >> "$WORK/ar.conf"
# The token the milter hands out for kari@example.no (lib/sequence/tokens.h).
TOKEN=$(printf 'person\000kari@example.no' | openssl dgst -sha256 -hmac "$KEY" -binary |
        base32 | tr -d '=' | cut -c1-16)
TEXT="I am away."
[ -f "$SCENARIO.text" ] && TEXT=$(cat "$SCENARIO.text")
"$CTL" --config "$WORK/ar.conf" ooo set alice@example.org --name "Alice" --text "$TEXT"
start_milter
status=0
if [ -f "$SCENARIO.lua" ]; then
  "$MILTERTEST" -D port="$PORT" -D token="$TOKEN" -D scripts="$SRC/scenarios" \
    -s "$SCENARIO.lua" || status=$?
fi
if [ "$status" -eq 0 ] && [ -f "$SCENARIO.py" ]; then
  python3 "$SCENARIO.py" "$PORT" "$TOKEN" "$ENGINE" || status=$?
fi
sleep 0.2
echo "--- milter log"; cat "$WORK/milter.log"
[ "$status" -eq 0 ] || fail "the scenario script failed ($status)"
kill -0 "$MILTER_PID" 2>/dev/null || fail "the milter is gone"
QUEUE=$("$CTL" --config "$WORK/ar.conf" queue list)
echo "--- queue"; echo "$QUEUE"
queued() { echo "$QUEUE" | grep -c "$1" || true; }
logged() { grep -q "$1" "$WORK/milter.log"; }
. "$SCENARIO.check"
echo "milter.scenario.$NAME.$ENGINE: ok"
