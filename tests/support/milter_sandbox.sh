# Sourced by the miltertest drivers (tests/milter/run_*.sh): a work directory
# removed on exit together with the milter started in it, a free loopback
# port, the clock file at 2026-01-01T00:00:00Z, the config lines every run
# shares (base_config) and the start of the milter (start_milter).
# Expects MILTER (the program) to be set by the driver.
WORK=$(mktemp -d)
MILTER_PID=""
cleanup() {
  [ -n "$MILTER_PID" ] && kill "$MILTER_PID" 2>/dev/null && wait "$MILTER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo 1767225600 > "$WORK/clock"

# The config lines every run shares; a driver appends its own.
base_config() {
  cat <<CONF
milter_socket = inet:$PORT@127.0.0.1
store_path = $WORK/store
clock = file:$WORK/clock
log_target = stderr
log_level = info
hostname = mx.example.org
CONF
}

# The milter on $WORK/ar.conf in the background, its log in $WORK/milter.log.
start_milter() {
  "$MILTER" --config "$WORK/ar.conf" 2> "$WORK/milter.log" &
  MILTER_PID=$!
}
