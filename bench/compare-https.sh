#!/usr/bin/env bash
# Hello world over TLS: Squall's hello-server with HTTPServer.ssl(...) against Netty's SslHandler (JDK
# provider, the same protocols and suites), each in a fresh process, one after the other, measured with wrk
# over https; prints req/s, the server process's CPU time per request, and the ratios.
#
#   bench/compare-https.sh [--threads 2] [--connections 100] [--duration 10] [--warmup 5] [--loops 1]
#
# Needs bench/target/squall-bench.jar (mvn -B -DskipTests package), wrk and openssl (a throw-away EC P-256
# certificate is made in a temp directory). JAVA selects the JVM. Lines starting with "RESULT" are for scripts.
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
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "compare-https.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

JAVA=${JAVA:-java}
JAR=bench/target/squall-bench.jar
[ -f "$JAR" ] || { echo "compare-https.sh: $JAR is missing: build it with mvn -B -DskipTests package" >&2; exit 1; }
command -v wrk >/dev/null 2>&1 || { echo "compare-https.sh: needs wrk (Debian package wrk)" >&2; exit 1; }
command -v openssl >/dev/null 2>&1 || { echo "compare-https.sh: needs openssl (Debian package openssl)" >&2; exit 1; }

bench_workdir compare-https.sh
LOG=$WORK

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$LOG/key.pem" -out "$LOG/cert.pem" \
  -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
TLSARGS=(--tls-cert "$LOG/cert.pem" --tls-key "$LOG/key.pem")
HELLO='https://127\.0\.0\.1:[0-9]+/hello'

measure() {
  local name=$1
  [ "$(curl -sk "$URL")" = "Hello, world" ] || { echo "compare-https.sh: $name did not answer 'Hello, world' at $URL" >&2; exit 1; }
  local proto
  local hostport=${URL#https://}
  proto=$(echo | timeout 20 openssl s_client -connect "${hostport%%/*}" 2>/dev/null | awk '/^New, / {print $2, $5}' | tr -d ',' | head -1 || true)
  if [ "$WARMUP" -gt 0 ]; then
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "${URL}" >/dev/null
  fi
  local before after
  before=$(cpu_ticks)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$URL" >"$LOG/$name.wrk"
  after=$(cpu_ticks)
  RPS=$(awk '/^Requests\/sec:/ {print $2}' "$LOG/$name.wrk")
  local reqs errors p50 p99
  reqs=$(awk '/requests in/ {print $1}' "$LOG/$name.wrk")
  errors=$(grep -o 'Socket errors:.*' "$LOG/$name.wrk" || echo "Socket errors: none")
  p50=$(awk '$1=="50%" {print $2}' "$LOG/$name.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$LOG/$name.wrk")
  CPU=$(awk -v b="$before" -v a="$after" -v t="$TICK" -v n="$reqs" 'BEGIN { printf "%.1f", (a - b) / t * 1e6 / n }')
  printf '%-8s %12s req/s   server CPU %s us/req   latency p50 %s p99 %s   %s   (%s)\n' \
    "$name" "$RPS" "$CPU" "$p50" "$p99" "$errors" "$proto"
  echo "RESULT $name $RPS $CPU"
}

echo "# hello world over TLS: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s https after a ${WARMUP}s warm-up, fresh"\
     "process each, $LOOPS loop(s); $($JAVA -version 2>&1 | head -1); $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
start_server squall "$HELLO" "" "$JAVA" -jar "$JAR" hello-server --port 0 --loops "$LOOPS" "${TLSARGS[@]}"
measure squall; SQUALL=$RPS; SQUALL_CPU=$CPU; stop_server
start_server netty "$HELLO" "" "$JAVA" -jar "$JAR" netty-hello-server --port 0 --loops "$LOOPS" "${TLSARGS[@]}"
measure netty; NETTY=$RPS; NETTY_CPU=$CPU; stop_server
awk -v s="$SQUALL" -v n="$NETTY" -v sc="$SQUALL_CPU" -v nc="$NETTY_CPU" \
  'BEGIN { printf "ratio squall/netty: %.2fx req/s, %.2fx CPU per request\n", s / n, sc / nc }'
exit 0
