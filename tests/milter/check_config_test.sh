#!/bin/sh
# Runs the real autoresponder-milter with --check-config on a config file
# with four mistakes and a sequence directory with a broken file: it must
# exit 2 and name every mistake on stderr, one "FILE:LINE: what" line each.
# Then a valid configuration: exit 0 and the "is valid" line. Then the
# secret key's mode, and (as root) whether service_user can read it.
# Usage: check_config_test.sh MILTER
set -eu
MILTER=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; echo "--- stderr:"; cat "$WORK/err"; exit 1; }

mkdir "$WORK/sequences"
(umask 077; printf '0123456789abcdef0123456789abcdef\n' > "$WORK/key")
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
service_user =
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

# The secret key: a key others can read is refused, naming the mode.
rm "$WORK/sequences/broken.sequence"
check_key() {  # check_key SERVICE_USER: runs --check-config with sequences on
  cat > "$WORK/key.conf" <<CONF
sequence_dir = $WORK/sequences
secret_key_file = $WORK/key
service_user = $1
CONF
  status=0
  "$MILTER" --config "$WORK/key.conf" --check-config >"$WORK/out" 2>"$WORK/err" || status=$?
}
chmod 644 "$WORK/key"
check_key ""
[ "$status" -eq 2 ] || fail "key mode 0644: exit status $status, expected 2"
grep -qF "secret_key_file $WORK/key: mode 0644" "$WORK/err" || fail "0644 key not named"
chmod 600 "$WORK/key"
check_key ""
[ "$status" -eq 0 ] || fail "key mode 0600: exit status $status"

# Run as root, the key is read again as service_user: a root-only key the
# daemons' user cannot read is an error, not "valid".
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
  chmod 755 "$WORK"
  chown root:root "$WORK/key"
  check_key nobody
  [ "$status" -eq 2 ] || fail "key unreadable by service_user: exit status $status, expected 2"
  grep -qF "$WORK/key: service_user nobody cannot read it" "$WORK/err" || fail "service_user not named"
  # 0640 root:<nobody's group> is what the daemons' user may read.
  chown "root:$(id -gn nobody)" "$WORK/key"
  chmod 640 "$WORK/key"
  check_key nobody
  [ "$status" -eq 0 ] || fail "0640 key in service_user's group: exit status $status"
  # The same mode in another group is refused.
  chown root:root "$WORK/key"
  check_key nobody
  [ "$status" -eq 2 ] || fail "0640 key in group root: exit status $status, expected 2"
  grep -qF "mode 0640 lets group root read the key" "$WORK/err" || fail "group not named"
  chmod 600 "$WORK/key"
  check_key no-such-user-here
  [ "$status" -eq 2 ] || fail "missing service_user: exit status $status, expected 2"
  grep -qF "service_user 'no-such-user-here' does not exist" "$WORK/err" || fail "no missing-user line"
fi
echo "PASS"
