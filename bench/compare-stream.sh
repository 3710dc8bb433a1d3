#!/usr/bin/env bash
# Streamed bodies: Squall's @StreamRequestBody upload and flush-awaiting download against Tornado's
# @stream_request_body and `await self.flush()`, each server in a fresh process, one after the other, one
# loop each; curl is the client (upload: curl -T FILE with a Content-Length; download: to /dev/null).
#
#   bench/compare-stream.sh [--mib 1024] [--runs 3]
#
# Prints per run the wall time curl saw and the CPU seconds the server process used (utime+stime from
# /proc), as RESULT lines: name, direction, MiB, wall s, MiB/s, server CPU s. Needs
# bench/target/squall-bench.jar (mvn -B -DskipTests package), curl and /usr/bin/python3 with tornado.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

MIB=1024 RUNS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --mib) MIB=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "compare-stream.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

JAVA=${JAVA:-java}
JAR=bench/target/squall-bench.jar
[ -f "$JAR" ] || { echo "compare-stream.sh: $JAR is missing: build it with mvn -B -DskipTests package" >&2; exit 1; }
command -v curl >/dev/null || { echo "compare-stream.sh: needs curl (Debian package curl)" >&2; exit 1; }
/usr/bin/python3 -c 'import tornado' 2>/dev/null || { echo "compare-stream.sh: needs python3-tornado" >&2; exit 1; }

bench_workdir compare-stream.sh
ROOT='http://127\.0\.0\.1:[0-9]+/'
head -c $((MIB * 1024 * 1024)) /dev/urandom >"$WORK/body.bin"

cpu() { cpu_ticks; }

measure() {
  local name=$1
  for run in $(seq 1 "$RUNS"); do
    local c0 c1 wall
    c0=$(cpu)
    wall=$(curl -sf -H 'Expect:' -T "$WORK/body.bin" -o "$WORK/reply" -w '%{time_total}' "${URL}upload")
    c1=$(cpu)
    [ "$(cut -d' ' -f1 "$WORK/reply")" = "$((MIB * 1024 * 1024))" ] || { echo "compare-stream.sh: $name upload got $(cat "$WORK/reply")" >&2; exit 1; }
    awk -v n="$name" -v m="$MIB" -v w="$wall" -v c=$((c1 - c0)) -v t="$TICK" \
      'BEGIN { printf "RESULT %s upload %d MiB %.2f s %.0f MiB/s server-cpu %.2f s\n", n, m, w, m / w, c / t }'
    c0=$(cpu)
    wall=$(curl -sf -o /dev/null -w '%{time_total}' "${URL}download/$MIB")
    c1=$(cpu)
    awk -v n="$name" -v m="$MIB" -v w="$wall" -v c=$((c1 - c0)) -v t="$TICK" \
      'BEGIN { printf "RESULT %s download %d MiB %.2f s %.0f MiB/s server-cpu %.2f s\n", n, m, w, m / w, c / t }'
  done
}

start_server squall "$ROOT" download/1 "$JAVA" -jar "$JAR" stream-server --port 0
curl -sf -o /dev/null "${URL}download/64"; curl -sf -H 'Expect:' -T "$WORK/body.bin" -o /dev/null "${URL}upload" # warm-up
measure squall
stop_server

start_server tornado "$ROOT" download/1 /usr/bin/python3 bench/peers/tornado_stream.py --port 0
measure tornado
stop_server
