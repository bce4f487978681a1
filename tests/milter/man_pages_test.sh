#!/bin/sh
# Renders every man page with groff's warnings on and fails on any output
# to stderr: a warning there is a mistake a reader of the page would see.
# Usage: man_pages_test.sh MAN_DIR
set -eu
MAN_DIR=$1
failed=0
for page in "$MAN_DIR"/*.[0-9]; do
  warnings=$(groff -man -Tutf8 -ww "$page" 2>&1 >/dev/null) || {
    echo "FAIL: groff failed on $page"; failed=1; }
  if [ -n "$warnings" ]; then
    echo "FAIL: $page:"; echo "$warnings"; failed=1
  fi
done
[ "$failed" -eq 0 ] && echo "PASS"
exit "$failed"
