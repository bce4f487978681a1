#!/bin/sh
# The real programs on a store whose data.mdb was cut short (a restore that
# stopped early): each of autoresponder-milter, autoresponder-dispatcher and
# autoresponder-ctl exits with status 3 and one line naming the file and the
# RECOVERY section, instead of dying of SIGBUS on the first page past the
# end of the file.
# Usage: damaged_store_test.sh MILTER DISPATCHER CTL
set -eu
MILTER=$1
DISPATCHER=$2
CTL=$3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; echo "--- stderr:"; cat "$WORK/err" 2>/dev/null; exit 1; }

cat > "$WORK/conf" <<CONF
store_path = $WORK/store
milter_socket = unix:$WORK/milter.sock
log_target = stderr
transport = smtp
smtp_host = 127.0.0.1
smtp_port = 9
sequence_dir =
store_error_file =
milter_pid_file =
dispatcher_pid_file =
milter_metrics_file =
dispatcher_metrics_file =
CONF

# Enough rules that the store's newest pages lie far past its meta pages.
text=$(printf '%3000s' '' | tr ' ' x)
i=0
while [ $i -lt 40 ]; do
  "$CTL" --config "$WORK/conf" ooo set "user$i@example.org" --text "$text" >/dev/null ||
    fail "ooo set $i"
  i=$((i + 1))
done
"$CTL" --config "$WORK/conf" ooo list >/dev/null || fail "ooo list on the healthy store"
# Keep the two meta pages and one more (4 KiB pages).
truncate -s 12288 "$WORK/store/data.mdb"

expect_damaged() {
  name=$1
  shift
  status=0
  timeout 20 "$@" >"$WORK/out" 2>"$WORK/err" || status=$?
  [ "$status" -eq 3 ] || fail "$name exited $status, expected 3 (135 or 138: killed by SIGBUS)"
  grep -q "data.mdb is damaged" "$WORK/err" || fail "$name: no line naming the damaged file"
  grep -q "RECOVERY in autoresponder-milter(8)" "$WORK/err" || fail "$name: no pointer to RECOVERY"
  lines=$(grep -c "damaged" "$WORK/err")
  [ "$lines" -eq 1 ] || fail "$name: $lines lines about the damage, expected one"
}

expect_damaged autoresponder-ctl "$CTL" --config "$WORK/conf" ooo list
expect_damaged autoresponder-ctl "$CTL" --config "$WORK/conf" queue list
expect_damaged autoresponder-milter "$MILTER" --config "$WORK/conf"
expect_damaged autoresponder-dispatcher "$DISPATCHER" --config "$WORK/conf" --once
expect_damaged autoresponder-dispatcher "$DISPATCHER" --config "$WORK/conf"
echo "PASS"
