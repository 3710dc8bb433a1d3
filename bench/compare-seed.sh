#!/usr/bin/env bash
# The seed's experiment side by side: Squall's seed-servers (async handler), Netty's (netty-seed-server) and
# Tornado 6.2's (bench/peers/tornado_seed.py), each in a fresh process with its own echo server answering
# after 2 s, warmed up, then measured with the shared http_load work-alike (a fresh connection per fetch);
# prints fetches/s and the mean and max first-response times, and the comparison with the targets.
#
#   bench/compare-seed.sh [--parallel 200] [--seconds 10] [--warmup 5]
#
# Needs bench/target/squall-bench.jar (mvn -B -DskipTests package) and /usr/bin/python3 (with python3-tornado
# for the Tornado row). HTTPLOAD_PY points at httpload.py (default ../shared/tools/httpload.py). JAVA selects
# the JVM. Lines starting with "RESULT" are for scripts: RESULT name fetches/s mean-ms max-ms errors.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

PARALLEL=200 SECONDS_=10 WARMUP=5
while [ $# -gt 0 ]; do
  case "$1" in
    --parallel) PARALLEL=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "compare-seed.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

JAVA=${JAVA:-java}
PY=/usr/bin/python3
JAR=bench/target/squall-bench.jar
HTTPLOAD_PY=${HTTPLOAD_PY:-../shared/tools/httpload.py}
[ -f "$JAR" ] || { echo "compare-seed.sh: $JAR is missing: build it with mvn -B -DskipTests package" >&2; exit 1; }
[ -f "$HTTPLOAD_PY" ] || { echo "compare-seed.sh: $HTTPLOAD_PY not found (set HTTPLOAD_PY)" >&2; exit 1; }
bench_workdir compare-seed.sh
ROOT='http://127\.0\.0\.1:[0-9]+/'

# measure NAME: warm-up load, then the measured one; sets MEAN and MAX (ms, first response).
measure() {
  local name=$1
  [ "$WARMUP" -gt 0 ] && "$PY" "$HTTPLOAD_PY" -parallel "$PARALLEL" -seconds "$WARMUP" "$URL" >/dev/null
  "$PY" "$HTTPLOAD_PY" -parallel "$PARALLEL" -seconds "$SECONDS_" "$URL" >"$WORK/$name.load"
  local fetches errors
  fetches=$(awk '/fetches\/sec/ {print $1}' "$WORK/$name.load")
  MEAN=$(awk '/msecs\/first-response/ {print $2}' "$WORK/$name.load")
  MAX=$(awk '/msecs\/first-response/ {print $3}' "$WORK/$name.load")
  errors=$(awk '/^errors:/ {print $2}' "$WORK/$name.load")
  printf '%-8s %8s fetches/s   first-response mean %8s ms  max %8s ms   errors %s\n' "$name" "$fetches" "$MEAN" "$MAX" "${errors:-0}"
  echo "RESULT $name $fetches $MEAN $MAX ${errors:-0}"
}

echo "# seed: http_load work-alike -parallel $PARALLEL -seconds $SECONDS_ after a ${WARMUP}s warm-up, fresh process"\
     "each, echo delay 2000 ms; $($JAVA -version 2>&1 | head -1); $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
start_server squall "$ROOT" "" "$JAVA" -jar "$JAR" seed-servers --echo-port 0 --blocking-port -1 --raw-port -1 --async-port 0
URL=$(grep -o -E 'async handler: +http://127\.0\.0\.1:[0-9]+/' "$WORK/squall.out" | grep -o -E "$ROOT")
measure squall; S_MEAN=$MEAN; S_MAX=$MAX; stop_server
start_server netty "$ROOT" "" "$JAVA" -jar "$JAR" netty-seed-server --echo-port 0 --port 0
measure netty; N_MEAN=$MEAN; N_MAX=$MAX; stop_server
T_MEAN=
if "$PY" -c 'import tornado' 2>/dev/null; then
  start_server tornado "$ROOT" "" "$PY" bench/peers/tornado_seed.py --echo-port 0 --port 0 --backlog 1024
  measure tornado; T_MEAN=$MEAN; stop_server
  [ "$T_MEAN" = "-" ] && T_MEAN= # no fetch finished inside the window
fi
awk -v s="$S_MEAN" -v n="$N_MEAN" -v t="${T_MEAN:-0}" -v sm="$S_MAX" -v nm="$N_MAX" 'BEGIN {
  printf "mean first-response: squall %.0f ms, netty %.0f ms%s; target below both: %s\n", s, n,
    (t > 0 ? sprintf(", tornado %.0f ms", t) : ""), (s < n && (t == 0 || s < t)) ? "met" : "MISSED"
  printf "max first-response: squall %.0f ms, netty %.0f ms; target at most netty'"'"'s: %s\n", sm, nm, sm <= nm ? "met" : "MISSED"
}'
exit 0
