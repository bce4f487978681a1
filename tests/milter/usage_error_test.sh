#!/bin/sh
# Runs the real autoresponder-milter and autoresponder-dispatcher with a
# mistake on the command line (an unknown option, an option without its
# value, a bad value, an extra argument): each must exit 2, print nothing on
# stdout and exactly one line on stderr naming the mistake and the man page
# ("PROGRAM: unknown option '--foo' (see PROGRAM(8))"), never the usage.
# Usage: usage_error_test.sh MILTER DISPATCHER
set -eu
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
: > "$WORK/empty.conf"
failed=0

# expect PROGRAM_PATH WANTED_LINE ARG...: WANTED_LINE is a grep -x pattern.
expect() {
  program=$1 wanted=$2
  shift 2
  status=0
  "$program" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null || status=$?
  name=$(basename "$program")
  if [ "$status" -ne 2 ]; then
    echo "FAIL: $name $*: exit status $status, expected 2"; failed=1
  fi
  if [ -s "$WORK/out" ]; then
    echo "FAIL: $name $*: unexpected stdout: $(cat "$WORK/out")"; failed=1
  fi
  if [ "$(wc -l < "$WORK/err")" -ne 1 ] || ! grep -qx -- "$wanted" "$WORK/err"; then
    echo "FAIL: $name $*: stderr is not the one line '$wanted':"; cat "$WORK/err"; failed=1
  fi
}

for program in "$1" "$2"; do
  name=$(basename "$program")
  hint=" (see $name(8))"
  quiet="--syslog_socket $WORK/no-syslog"
  expect "$program" "$name: unknown option '--foo'$hint" --foo
  expect "$program" "$name: unknown option '--foo'$hint" --config "$WORK/empty.conf" --foo 1
  expect "$program" "$name: unknown option '--foo'$hint" --foo=1
  expect "$program" "$name: option '--config' needs a value$hint" --config
  # shellcheck disable=SC2086
  expect "$program" "$name: --period_min: .*$hint" --config "$WORK/empty.conf" $quiet \
      --period_min soon
  # shellcheck disable=SC2086
  expect "$program" "$name: unexpected argument 'extra'$hint" --config "$WORK/empty.conf" \
      $quiet extra
  # A control character in the option is not echoed to the terminal.
  expect "$program" "$name: unknown option '--foo bar'$hint" "--foo$(printf '\033')bar"
done

[ "$failed" -eq 0 ] && echo "usage errors: ok"
exit "$failed"
