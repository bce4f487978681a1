#!/bin/sh
# Checks the shipped systemd files as systemd itself reads them, without a
# running systemd: the units with `systemd-analyze verify` (any warning
# fails; ExecStart points at the built programs, since verify wants them to
# exist), their sandbox with `systemd-analyze security --offline` against a
# ceiling, and the sysusers.d and tmpfiles.d snippets applied to a scratch root.
# Usage: verify_units.sh SOURCE_DIR MILTER_BINARY DISPATCHER_BINARY WEB_BINARY
set -eu
src=$1 milter=$2 dispatcher=$3 web=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

sed "s|/usr/sbin/autoresponder-milter|$milter|" "$src/systemd/autoresponder-milter.service" \
  > "$work/autoresponder-milter.service"
sed "s|/usr/sbin/autoresponder-dispatcher|$dispatcher|" \
  "$src/systemd/autoresponder-dispatcher.service" > "$work/autoresponder-dispatcher.service"
sed "s|/usr/sbin/autoresponder-web|$web|" "$src/systemd/autoresponder-web.service" \
  > "$work/autoresponder-web.service"

# Documentation= names man pages that are only installed with the package.
if ! out=$(cd "$work" && systemd-analyze verify --man=no ./autoresponder-milter.service \
    ./autoresponder-dispatcher.service ./autoresponder-web.service 2>&1) || [ -n "$out" ]; then
  echo "systemd-analyze verify complained:"; echo "$out"; fail=1
fi

# Exposure ceilings, on systemd's 0-100 scale (the report shows 0.0-10.0):
# the milter needs nothing but its socket and store; the dispatcher also
# TCP to the local MTA and the postdrop group.
check_exposure() {
  if ! out=$(cd "$work" && systemd-analyze security --offline=yes --threshold="$2" "./$1" 2>&1); then
    echo "$1: exposure above $2:"; echo "$out"; fail=1
  else
    echo "$out" | grep 'Overall exposure'
  fi
}
check_exposure autoresponder-milter.service 5
check_exposure autoresponder-dispatcher.service 15
# The web service: loopback TCP, its store, nothing else.
check_exposure autoresponder-web.service 12

# sysusers.d: the user and group appear in a scratch root.
mkdir -p "$work/root/etc"
: > "$work/root/etc/passwd"; : > "$work/root/etc/group"
: > "$work/root/etc/shadow"; : > "$work/root/etc/gshadow"
if ! out=$(systemd-sysusers --root="$work/root" "$src/systemd/autoresponder-milter.sysusers" 2>&1); then
  echo "systemd-sysusers failed:"; echo "$out"; fail=1
fi
grep -q '^autoresponder:x:[0-9]*:[0-9]*:.*:/var/lib/autoresponder-milter:' "$work/root/etc/passwd" \
  || { echo "no user autoresponder:"; cat "$work/root/etc/passwd"; fail=1; }
grep -q '^autoresponder:x:' "$work/root/etc/group" \
  || { echo "no group autoresponder:"; cat "$work/root/etc/group"; fail=1; }

# tmpfiles.d: the store directory, private, owned by that user.
if ! out=$(systemd-tmpfiles --root="$work/root" --create \
    "$src/systemd/autoresponder-milter.tmpfiles" 2>&1) || [ -n "$out" ]; then
  echo "systemd-tmpfiles complained:"; echo "$out"; fail=1
fi
store="$work/root/var/lib/autoresponder-milter"
uid=$(sed -n 's/^autoresponder:x:\([0-9]*\):.*/\1/p' "$work/root/etc/passwd")
if [ "$(stat -c '%a %u' "$store" 2>/dev/null)" != "700 $uid" ]; then
  echo "store directory not 0700 autoresponder: $(stat -c '%a %U %u' "$store" 2>&1)"; fail=1
fi
exit $fail
