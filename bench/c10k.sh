#!/usr/bin/env bash
# c10k: 10,000 keep-alive connections on a handler that waits 2 s on a timer, Squall's sleep-server against
# Netty 4.1's (one event loop each), each in a fresh JVM, one after the other in the same run. For each:
# wrk's req/s, p99 and errors, the server's peak RSS (VmHWM) and RSS at the end of the load, and the live
# heap per idle keep-alive connection (jcmd GC.class_histogram totals, after full GCs, before and after a
# client opens N connections and sends one request on each); then the Squall/Netty ratios.
#
#   bench/c10k.sh [--duration 30] [--connections 10000] [--threads 2] [--delay-ms 2000] [--timeout 10]
#                 [--idle-connections N (default: --connections)]
#
# Needs bench/target/squall-bench.jar (mvn -B -DskipTests package), wrk, /usr/bin/python3, jcmd, and a
# descriptor limit above connections + 1000 (ulimit -n). JAVA selects the JVM (default: JDK 25 at
# /usr/lib/jvm/temurin-25-jdk-amd64 when present, else java on PATH); jcmd is taken beside it. Only
# 127.0.0.1 is loaded; every process started here is stopped by PID at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=30 CONNECTIONS=10000 THREADS=2 DELAY_MS=2000 TIMEOUT=10 IDLE=
while [ $# -gt 0 ]; do
  case "$1" in
    --duration|-d) DURATION=$2; shift 2 ;;
    --connections|-c) CONNECTIONS=$2; shift 2 ;;
    --threads|-t) THREADS=$2; shift 2 ;;
    --delay-ms) DELAY_MS=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --idle-connections) IDLE=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "c10k.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
IDLE=${IDLE:-$CONNECTIONS}

if [ -z "${JAVA:-}" ]; then
  if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java; else JAVA=java; fi
fi
JCMD="$(dirname "$(command -v "$JAVA")")/jcmd"
[ -x "$JCMD" ] || JCMD=jcmd
JAR=bench/target/squall-bench.jar
[ -f "$JAR" ] || { echo "c10k.sh: $JAR is missing: build it with mvn -B -DskipTests package" >&2; exit 1; }
command -v wrk >/dev/null || { echo "c10k.sh: wrk is missing (Debian package wrk)" >&2; exit 1; }
[ -x /usr/bin/python3 ] || { echo "c10k.sh: /usr/bin/python3 is missing (Debian package python3)" >&2; exit 1; }
NEED=$((CONNECTIONS + 1000)) # per process: the server, wrk and the idle client each hold one end
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$NEED" ]; then
  ulimit -n "$NEED" 2>/dev/null || { echo "c10k.sh: ulimit -n is $(ulimit -n); $NEED descriptors are needed" >&2; exit 1; }
fi

LOG=$(mktemp -d /tmp/c10k.XXXXXX)
SERVER_PID= SAMPLER_PID= HOLDER_PID=
stop_pid() { [ -n "$1" ] && kill "$1" 2>/dev/null || true; }
cleanup() {
  stop_pid "$HOLDER_PID"; stop_pid "$SAMPLER_PID"; stop_pid "$SERVER_PID"
  wait 2>/dev/null || true
  rm -rf "$LOG"
}
trap cleanup EXIT

# Opens N connections (argv: port, N), sends one GET /sleep on each (all in flight at once), reads every
# answer, prints "ready N", holds them until stdin closes.
cat >"$LOG/hold.py" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
req = b'GET /sleep HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
socks = []
for i in range(n):
    s = socket.create_connection(('127.0.0.1', port))
    s.sendall(req)
    socks.append(s)
for i, s in enumerate(socks):
    s.settimeout(60)
    buf = b''
    while not buf.endswith(b'slept'):
        chunk = s.recv(4096)
        if not chunk:
            sys.exit('c10k hold: connection %d closed early' % i)
        buf += chunk
print('ready', len(socks), flush=True)
sys.stdin.read()
PY

# live_heap PID: bytes of live objects after a full GC (the class histogram's total).
live_heap() { "$JCMD" "$1" GC.class_histogram 2>/dev/null | awk '$1=="Total" {print $3}'; }
kib() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
to_ms() { # wrk's latency ("2.14s", "850.12ms", "900.00us") in ms
  awk -v v="$1" 'BEGIN { if (v ~ /ms$/) {sub(/ms$/, "", v); print v+0} else if (v ~ /us$/) {sub(/us$/, "", v); print v/1000}
    else if (v ~ /m$/) {sub(/m$/, "", v); print v*60000} else {sub(/s$/, "", v); print v*1000} }'
}

# run NAME COMMAND: one server in a fresh JVM, measured; sets NAME_* results.
run() {
  local name=$1 cmd=$2
  "$JAVA" -jar "$JAR" "$cmd" --port 0 --delay-ms "$DELAY_MS" >"$LOG/$name.out" 2>"$LOG/$name.err" &
  SERVER_PID=$!
  local url=
  for _ in $(seq 1 300); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/sleep' "$LOG/$name.out" 2>/dev/null | head -1 || true)
    [ -n "$url" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "c10k.sh: $name exited:" >&2; cat "$LOG/$name.err" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$url" ] || { echo "c10k.sh: $name did not start within 30 s" >&2; exit 1; }
  local port=${url##*:}; port=${port%%/*}
  [ "$(curl -s --max-time $((DELAY_MS / 1000 + 5)) "$url")" = slept ] || { echo "c10k.sh: $name did not answer 'slept' at $url" >&2; exit 1; }

  # RSS sampler: peak and latest VmRSS of the server while the load runs.
  ( while kill -0 "$SERVER_PID" 2>/dev/null; do
      awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null >>"$LOG/$name.rss" || true
      sleep 0.5
    done ) &
  SAMPLER_PID=$!
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout "${TIMEOUT}s" --latency "$url" >"$LOG/$name.wrk" 2>&1 || true
  local rss_load_peak hwm
  rss_load_peak=$(sort -n "$LOG/$name.rss" | tail -1)
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")
  stop_pid "$SAMPLER_PID"; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=

  # Live heap per idle keep-alive connection: first let the server close wrk's connections (its open
  # descriptors fall back near the baseline), so the baseline does not count them.
  for _ in $(seq 1 300); do
    [ "$(ls "/proc/$SERVER_PID/fd" 2>/dev/null | wc -l)" -lt 200 ] && break
    sleep 0.1
  done
  sleep 1
  local heap0 heap1 holder_in
  heap0=$(live_heap "$SERVER_PID")
  mkfifo "$LOG/$name.in"
  /usr/bin/python3 "$LOG/hold.py" "$port" "$IDLE" <"$LOG/$name.in" >"$LOG/$name.hold" 2>&1 &
  HOLDER_PID=$!
  exec 7>"$LOG/$name.in"
  for _ in $(seq 1 1200); do
    grep -q '^ready' "$LOG/$name.hold" 2>/dev/null && break
    kill -0 "$HOLDER_PID" 2>/dev/null || break
    sleep 0.1
  done
  local per_conn=n/a rss_idle
  if grep -q '^ready' "$LOG/$name.hold"; then
    sleep 1
    heap1=$(live_heap "$SERVER_PID")
    per_conn=$(( (heap1 - heap0) / IDLE ))
  else
    echo "c10k.sh: $name: the idle-connection client failed: $(cat "$LOG/$name.hold")" >&2
  fi
  rss_idle=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")
  exec 7>&-
  wait "$HOLDER_PID" 2>/dev/null || true; HOLDER_PID=
  stop_pid "$SERVER_PID"
  for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=

  local rps p50 p99 errors non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$LOG/$name.wrk")
  p50=$(awk '$1=="50%" {print $2}' "$LOG/$name.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$LOG/$name.wrk")
  errors=$(grep -o 'Socket errors:.*' "$LOG/$name.wrk" || echo "Socket errors: none")
  non2xx=$(grep -o 'Non-2xx or 3xx responses: [0-9]*' "$LOG/$name.wrk" || echo "Non-2xx or 3xx responses: 0")
  printf '%-7s %9s req/s  p50 %-8s p99 %-8s  %s; %s\n' "$name" "$rps" "$p50" "$p99" "$errors" "$non2xx"
  printf '%-7s RSS peak %s MiB (VmHWM), %s MiB at most during the load; %s MiB with %s idle connections;' \
    "$name" "$(kib "$hwm")" "$(kib "$rss_load_peak")" "$(kib "$rss_idle")" "$IDLE"
  printf ' live heap %s bytes per idle connection\n' "$per_conn"
  eval "${name}_RPS=$rps ${name}_P99=$(to_ms "$p99") ${name}_HWM=$hwm ${name}_HEAP=$per_conn"
  echo "RESULT $name rps=$rps p99=$p99 hwm_kib=$hwm heap_per_conn=$per_conn errors='$errors' non2xx='$non2xx'"
}

echo "# c10k: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --timeout ${TIMEOUT}s --latency on GET /sleep (${DELAY_MS} ms timer),"
echo "# one loop each, fresh JVM each ($("$JAVA" -version 2>&1 | head -1)); live heap with $IDLE idle connections"
run squall sleep-server
run netty netty-sleep-server
awk -v sr="$squall_RPS" -v nr="$netty_RPS" -v sp="$squall_P99" -v np="$netty_P99" -v sh="$squall_HWM" -v nh="$netty_HWM" 'BEGIN {
  printf "ratios squall/netty: req/s %.2fx (target >= 1.0), p99 %.2fx (target <= 1.0), peak RSS %.2fx (target <= 1.0)\n",
    sr / nr, sp / np, sh / nh }'
echo "live heap per idle connection: squall $squall_HEAP bytes, netty $netty_HEAP bytes (target: squall <= 2048)"
