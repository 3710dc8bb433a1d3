# Shared by bench/compare-*.sh (source it; not run on its own): one server at a time, started in the
# background from a fresh process, waited for, measured, and stopped by its PID.
#
#   bench_workdir NAME      makes $WORK (a temporary directory) and an EXIT trap that stops the server and
#                           removes $WORK; NAME prefixes error messages
#   start_server NAME REGEX READY CMD...
#                           starts CMD (stdout to $WORK/NAME.out, stderr to $WORK/NAME.err) and waits up to
#                           30 s until its stdout matches REGEX (URL is set to the match) and, when READY is
#                           not empty, until ${URL}READY answers; SERVER_PID is the process
#   stop_server             SIGTERM, up to 10 s for the process to end (a graceful stop), then SIGKILL
#   cpu_ticks [PID]         user + system CPU time of the process so far, in clock ticks ($TICK per second)

TICK=$(getconf CLK_TCK)
SERVER_PID=

bench_workdir() {
  BENCH_NAME=$1
  WORK=$(mktemp -d "/tmp/$1.XXXXXX")
  trap 'stop_server; rm -rf "$WORK"' EXIT
}

start_server() {
  local name=$1 regex=$2 ready=$3; shift 3
  "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    URL=$(grep -o -E "$regex" "$WORK/$name.out" 2>/dev/null | head -1 || true)
    if [ -n "$URL" ] && { [ -z "$ready" ] || curl -skf -o /dev/null "${URL}${ready}"; }; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "$BENCH_NAME: $name exited:" >&2; cat "$WORK/$name.err" >&2; exit 1; }
    sleep 0.1
  done
  echo "$BENCH_NAME: $name did not start within 30 s" >&2; exit 1
}

stop_server() {
  [ -n "${SERVER_PID:-}" ] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/${1:-$SERVER_PID}/stat"; }
