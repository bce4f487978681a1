#!/bin/sh
# Drives the real autoresponder-milter with miltertest(8): is the body read
# only when a loaded sequence has a body condition, and only up to
# trigger_body_limit? Checks the enrolment the body made with the milter log.
# Usage: run_body_miltertest.sh MILTERTEST MILTER SOURCE_DIR yes|no [EXTRA_CONFIG_LINE]
set -eu
MILTERTEST=$1 MILTER=$2 SRC=$3 READS_BODY=$4 EXTRA=${5:-}
. "$SRC/../support/milter_sandbox.sh"
mkdir "$WORK/sequences"
(umask 077; echo "body-miltertest-key-0123456789" > "$WORK/secret.key")
printf 'Subject: PX-100 coupon\n\nHello {{first_name}}\n' > "$WORK/sequences/coupon.txt"
if [ "$READS_BODY" = yes ]; then
  CONDITION='body = \bSKU PX-100\b'
else
  CONDITION='subject = (?i)order confirmation'
fi
cat > "$WORK/sequences/px100.sequence" <<SEQ
[sequence]
from = Shop <shop@shop.example>
[trigger]
sender = ^orders@shop\.example\$
$CONDITION
person = envelope-recipient
[step coupon]
when = 5d after enrolment
template = coupon.txt
SEQ
{ base_config; cat <<CONF; } > "$WORK/ar.conf"
sequence_dir = $WORK/sequences
secret_key_file = $WORK/secret.key
service_user =
store_error_file = $WORK/store-error
trigger_body_limit = 1K
$EXTRA
CONF
start_milter
"$MILTERTEST" -D port="$PORT" -D reads_body="$READS_BODY" -s "$SRC/body_protocol.lua"
sleep 0.2
echo "--- milter log"; cat "$WORK/milter.log"
fail() { echo "FAIL: $*"; exit 1; }
if [ "$READS_BODY" = yes ]; then
  grep -q 'kari@example.no: enrolled in px100' "$WORK/milter.log" \
    || fail "the body condition must enrol kari (SKU PX-100 in the first 1K)"
  grep -q 'ola@example.no: enrolled' "$WORK/milter.log" \
    && fail "ola's product stood past trigger_body_limit and must not enrol"
else
  grep -q 'kari@example.no: enrolled in px100' "$WORK/milter.log" \
    || fail "the subject condition must enrol kari"
fi
echo "milter.body_protocol ($READS_BODY): ok"
