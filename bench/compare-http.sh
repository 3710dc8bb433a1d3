#!/usr/bin/env bash
# Hello-world throughput: Squall's hello-server against Netty's (and Tornado 6.2's when installed), each in
# a fresh process, one after the other, measured with wrk; prints each figure and the ratios.
#
#   bench/compare-http.sh [--threads 2] [--connections 100] [--duration 10] [--warmup 5] [--loops 1]
#
# Needs bench/target/squall-bench.jar (mvn -B -DskipTests package) and wrk (installed from Debian's
# package when missing). JAVA selects the JVM (default: java on PATH). Lines starting with "RESULT" are
# for bench/run-all.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS=2 CONNECTIONS=100 DURATION=10 WARMUP=5 LOOPS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --loops) LOOPS=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "compare-http.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

JAVA=${JAVA:-java}
JAR=bench/target/squall-bench.jar
[ -f "$JAR" ] || { echo "compare-http.sh: $JAR is missing: build it with mvn -B -DskipTests package" >&2; exit 1; }
if ! command -v wrk >/dev/null 2>&1; then
  echo "# wrk not found: installing Debian's wrk package" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
fi

LOG=$(mktemp -d /tmp/compare-http.XXXXXX)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$LOG"; }
trap cleanup EXIT

# start_server NAME CMD...: starts CMD in the background, waits for it to print its /hello URL.
start_server() {
  local name=$1; shift
  "$@" >"$LOG/$name.out" 2>"$LOG/$name.err" &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*/hello' "$LOG/$name.out" 2>/dev/null | head -1 || true)
    [ -n "$URL" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "compare-http.sh: $name exited:" >&2; cat "$LOG/$name.err" >&2; exit 1; }
    sleep 0.1
  done
  echo "compare-http.sh: $name did not start within 30 s" >&2; exit 1
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

# measure NAME: warm-up run, then the measured run; sets RPS and prints wrk's summary.
measure() {
  local name=$1
  [ "$(curl -s "$URL")" = "Hello, world" ] || { echo "compare-http.sh: $name did not answer 'Hello, world' at $URL" >&2; exit 1; }
  if [ "$WARMUP" -gt 0 ]; then
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$URL" >/dev/null
  fi
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$URL" >"$LOG/$name.wrk"
  RPS=$(awk '/^Requests\/sec:/ {print $2}' "$LOG/$name.wrk")
  local errors non2xx
  errors=$(grep -o 'Socket errors:.*' "$LOG/$name.wrk" || echo "Socket errors: none")
  non2xx=$(grep -o 'Non-2xx or 3xx responses: [0-9]*' "$LOG/$name.wrk" || echo "Non-2xx or 3xx responses: 0")
  local p50 p99
  p50=$(awk '$1=="50%" {print $2}' "$LOG/$name.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$LOG/$name.wrk")
  printf '%-8s %12s req/s   latency p50 %s p99 %s   %s; %s\n' "$name" "$RPS" "$p50" "$p99" "$errors" "$non2xx"
  echo "RESULT $name $RPS"
}

echo "# hello world: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s after a ${WARMUP}s warm-up, fresh process each,"\
     "$LOOPS loop(s); $($JAVA -version 2>&1 | head -1); $(nproc) CPUs"
start_server squall "$JAVA" -jar "$JAR" hello-server --port 0 --loops "$LOOPS"
measure squall; SQUALL=$RPS; stop_server
start_server netty "$JAVA" -jar "$JAR" netty-hello-server --port 0 --loops "$LOOPS"
measure netty; NETTY=$RPS; stop_server
TORNADO=
if /usr/bin/python3 -c 'import tornado' 2>/dev/null; then
  start_server tornado /usr/bin/python3 bench/peers/tornado_hello.py --port 0
  measure tornado; TORNADO=$RPS; stop_server
fi
awk -v s="$SQUALL" -v n="$NETTY" 'BEGIN { printf "ratio squall/netty: %.2fx (target: >= 1.00x)\n", s / n }'
[ -n "$TORNADO" ] && awk -v s="$SQUALL" -v t="$TORNADO" 'BEGIN { printf "ratio squall/tornado: %.2fx\n", s / t }'
exit 0
