#!/bin/sh
# Runs the real autoresponder-milter with --check-config on a config file
# with four mistakes and a sequence directory with a broken file: it must
# exit 2 and name every mistake on stderr, one "FILE:LINE: what" line each.
# Then a valid configuration: exit 0 and the "is valid" line.
# Usage: check_config_test.sh MILTER
set -eu
MILTER=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; echo "--- stderr:"; cat "$WORK/err"; exit 1; }

mkdir "$WORK/sequences"
printf '0123456789abcdef0123456789abcdef\n' > "$WORK/key"
cat > "$WORK/sequences/broken.sequence" <<'SEQ'
[sequence]
name = broken
no_such_key = 1
SEQ
cat > "$WORK/broken.conf" <<CONF
sequence_dir = $WORK/sequences
secret_key_file = $WORK/key
this line has no equals sign
no_such_option = 1
period_min = soon
log_level = debug
log_level = info
CONF

status=0
"$MILTER" --config "$WORK/broken.conf" --check-config >"$WORK/out" 2>"$WORK/err" || status=$?
[ "$status" -eq 2 ] || fail "exit status $status, expected 2"
[ ! -s "$WORK/out" ] || fail "unexpected stdout: $(cat "$WORK/out")"
for expected in \
    "$WORK/broken.conf:3: expected 'name = value'" \
    "$WORK/broken.conf:4: unknown option 'no_such_option'" \
    "$WORK/broken.conf:5: period_min: " \
    "$WORK/broken.conf:7: log_level: given more than once" \
    "$WORK/sequences/broken.sequence:"; do
  grep -qF -- "$expected" "$WORK/err" || fail "missing line: $expected"
done
# Every line starts with its place; the last one ends with a newline too.
if grep -v -e "^$WORK/broken.conf:[0-9]*: " -e "^$WORK/sequences/[^:]*:[0-9]*: " "$WORK/err"; then
  fail "a line without its FILE:LINE"
fi
[ "$(tail -c 1 "$WORK/err" | od -An -c | tr -d ' ')" = '\n' ] || fail "no final newline"

cat > "$WORK/good.conf" <<CONF
max_received = 5
CONF
status=0
"$MILTER" --config "$WORK/good.conf" --check-config >"$WORK/out" 2>"$WORK/err" || status=$?
[ "$status" -eq 0 ] || fail "valid file: exit status $status"
grep -qF "configuration $WORK/good.conf is valid" "$WORK/out" || fail "no 'is valid' line"
echo "PASS"
