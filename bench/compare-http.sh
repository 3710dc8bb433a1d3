#!/usr/bin/env bash
# Hello-world throughput: Squall's hello-server against Netty's (and Tornado 6.2's when installed), each in
# a fresh process, one after the other, measured with wrk; prints req/s, server CPU per request (from
# /proc/PID/stat, user + system, over the measured run) and the ratios.
#
#   bench/compare-http.sh [--threads 2] [--connections 100] [--duration 10] [--warmup 5] [--loops "1 2"]
#
# --loops takes one loop count or a list: each count runs Squall (start(n)) and Netty (NioEventLoopGroup(n));
# Tornado (one thread) runs once. Needs bench/target/squall-bench.jar (mvn -B -DskipTests package) and wrk
# (installed from Debian's package when missing). JAVA selects the JVM (default: java on PATH). Lines
# starting with "RESULT" are for bench/run-all.sh (names: squall, netty for 1 loop; squall_l2, netty_l2...).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

THREADS=2 CONNECTIONS=100 DURATION=10 WARMUP=5 LOOPS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --loops) LOOPS=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
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
bench_workdir compare-http.sh
HELLO='http://127\.0\.0\.1:[0-9]+/hello'

# measure NAME: warm-up run, then the measured run; sets RPS and CPU (server microseconds per request).
measure() {
  local name=$1
  [ "$(curl -s "$URL")" = "Hello, world" ] || { echo "compare-http.sh: $name did not answer 'Hello, world' at $URL" >&2; exit 1; }
  if [ "$WARMUP" -gt 0 ]; then
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$URL" >/dev/null
  fi
  local before after reqs errors non2xx p50 p99
  before=$(cpu_ticks)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$URL" >"$WORK/$name.wrk"
  after=$(cpu_ticks)
  RPS=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/$name.wrk")
  reqs=$(awk '/requests in/ {print $1}' "$WORK/$name.wrk")
  CPU=$(awk -v b="$before" -v a="$after" -v t="$TICK" -v n="$reqs" 'BEGIN { printf "%.1f", (a - b) / t * 1e6 / n }')
  errors=$(grep -o 'Socket errors:.*' "$WORK/$name.wrk" || echo "Socket errors: none")
  non2xx=$(grep -o 'Non-2xx or 3xx responses: [0-9]*' "$WORK/$name.wrk" || echo "Non-2xx or 3xx responses: 0")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/$name.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/$name.wrk")
  printf '%-11s %10s req/s   server CPU %5s us/req   latency p50 %s p99 %s   %s; %s\n' \
    "$name" "$RPS" "$CPU" "$p50" "$p99" "$errors" "$non2xx"
  echo "RESULT $name $RPS $CPU"
}

echo "# hello world: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s after a ${WARMUP}s warm-up, fresh process each,"\
     "loops: $LOOPS; $($JAVA -version 2>&1 | head -1); $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A S_RPS S_CPU N_RPS N_CPU
for n in $LOOPS; do
  suffix=$([ "$n" = 1 ] && echo "" || echo "_l$n")
  start_server "squall$suffix" "$HELLO" "" "$JAVA" -jar "$JAR" hello-server --port 0 --loops "$n"
  measure "squall$suffix"; S_RPS[$n]=$RPS; S_CPU[$n]=$CPU; stop_server
  start_server "netty$suffix" "$HELLO" "" "$JAVA" -jar "$JAR" netty-hello-server --port 0 --loops "$n"
  measure "netty$suffix"; N_RPS[$n]=$RPS; N_CPU[$n]=$CPU; stop_server
done
TORNADO=
if /usr/bin/python3 -c 'import tornado' 2>/dev/null; then
  start_server tornado "$HELLO" "" /usr/bin/python3 bench/peers/tornado_hello.py --port 0
  measure tornado; TORNADO=$RPS; stop_server
fi
for n in $LOOPS; do
  awk -v n="$n" -v s="${S_RPS[$n]}" -v r="${N_RPS[$n]}" -v sc="${S_CPU[$n]}" -v nc="${N_CPU[$n]}" \
    'BEGIN { printf "ratio squall/netty, %d loop(s): %.2fx req/s (target: >= 1.00x), %.2fx CPU per request (target: <= 1.00x)\n", n, s / r, sc / nc }'
done
first=${LOOPS%% *}
for n in $LOOPS; do
  [ "$n" = "$first" ] && continue
  awk -v n="$n" -v f="$first" -v s1="${S_RPS[$first]}" -v s="${S_RPS[$n]}" -v r1="${N_RPS[$first]}" -v r="${N_RPS[$n]}" \
    'BEGIN { printf "scaling %d -> %d loops: squall %.2fx, netty %.2fx req/s\n", f, n, s / s1, r / r1 }'
done
[ -n "$TORNADO" ] && awk -v s="${S_RPS[$first]}" -v t="$TORNADO" -v f="$first" 'BEGIN { printf "ratio squall (%d loop(s))/tornado: %.2fx\n", f, s / t }'
exit 0
