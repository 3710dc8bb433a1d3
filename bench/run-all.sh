#!/usr/bin/env bash
# Regenerates bench/RESULTS.md: every row of issue 5's targets table, Squall and its peers measured side by
# side in one run (about 15 minutes; --quick for a few-minute smoke run of the same steps).
#
#   bench/run-all.sh [--quick] [--no-build] [--out DIR]
#
# Raw outputs go to DIR (default bench/results/latest), one file per step; bench/report.py turns them into
# bench/RESULTS.md. JAVA17 and JAVA25 select the JVMs (default: java on PATH, Temurin 25). Everything binds
# 127.0.0.1; every server started here is stopped on exit.
set -uo pipefail
cd "$(dirname "$0")/.."

QUICK=0 BUILD=1 OUT=bench/results/latest
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; shift ;;
    --no-build) BUILD=0; shift ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "run-all.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

JAVA17=${JAVA17:-$(command -v java)}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
PY=/usr/bin/python3
JAR=bench/target/squall-bench.jar
HTTPLOAD_PY=${HTTPLOAD_PY:-../shared/tools/httpload.py}

if [ "$QUICK" = 1 ]; then
  JMH="-f 1 -wi 1 -w 300ms -i 2 -r 300ms"; MEM=20000; SEED_S=4; SEED30_S=5; C10K_P=1000; C10K_S=5
  HELLO="--duration 2 --warmup 1"; WARM_S=1
else
  JMH="-f 1 -wi 5 -w 1s -i 5 -r 1s"; MEM=100000; SEED_S=10; SEED30_S=30; C10K_P=10000; C10K_S=61
  HELLO="--duration 10 --warmup 5"; WARM_S=2.5
fi

if [ "$BUILD" = 1 ]; then
  echo "== build (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package || { echo "run-all.sh: the build failed" >&2; exit 1; }
fi
[ -f "$JAR" ] || { echo "run-all.sh: $JAR is missing (drop --no-build)" >&2; exit 1; }
if ! /usr/bin/python3 -c 'import tornado' 2>/dev/null; then
  echo "# installing Debian's python3-tornado for the Tornado 6.2 peer" >&2
  (apt-get update -qq && apt-get install -y -qq python3-tornado) >/dev/null 2>&1 || echo "# (install failed: Tornado rows will be empty)" >&2
fi

rm -rf "$OUT"; mkdir -p "$OUT"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT

# step NAME CMD...: runs CMD, stdout to OUT/NAME.txt, stderr to OUT/NAME.err, "status seconds" to OUT/NAME.rc
step() {
  local name=$1; shift
  echo "== $name: $*"
  local t0; t0=$(date +%s)
  "$@" >"$OUT/$name.txt" 2>"$OUT/$name.err"
  local rc=$?
  echo "$rc $(( $(date +%s) - t0 ))" >"$OUT/$name.rc"
  echo "$*" >"$OUT/$name.cmd"
  [ "$rc" = 0 ] || echo "   (exit status $rc; see $OUT/$name.err)"
}

# start_bg NAME REGEX CMD...: starts a server, waits until its output matches REGEX; sets MATCH to the match.
start_bg() {
  local name=$1 regex=$2; shift 2
  "$@" >"$OUT/$name.server.txt" 2>"$OUT/$name.server.err" &
  local pid=$!
  PIDS+=("$pid"); LAST_PID=$pid
  for _ in $(seq 1 300); do
    MATCH=$(grep -o -E "$regex" "$OUT/$name.server.txt" 2>/dev/null | head -1 || true)
    [ -n "$MATCH" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "run-all.sh: $name did not start: $(cat "$OUT/$name.server.err")" >&2
  MATCH=
  return 1
}

# stop_pid PID: asks the process to stop, and kills it if it has not ended within 10 s.
stop_pid() {
  kill "$1" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null
  wait "$1" 2>/dev/null
}
stop_bg() { stop_pid "$LAST_PID"; }

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "kernel: $(uname -r)"
  echo "java17: $("$JAVA17" -version 2>&1 | head -2 | tail -1)"
  echo "java25: $("$JAVA25" -version 2>&1 | head -2 | tail -1)"
  echo "tornado: $($PY -c 'import tornado; print(tornado.version)' 2>/dev/null || echo none)"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null) $(git status --porcelain 2>/dev/null | grep -q . && echo '(with local changes)')"
  echo "load-before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "quick: $QUICK"
} >"$OUT/env.txt"
cat "$OUT/env.txt"

# 1. JMH: ns and bytes per await step, every system, on JDK 17 and on JDK 25 (where vt runs).
step jmh17 "$JAVA17" -jar "$JAR" jmh $JMH -prof gc -rf json -rff "$OUT/jmh17.json"
step jmh25 "$JAVA25" -jar "$JAR" jmh $JMH -prof gc -rf json -rff "$OUT/jmh25.json"

# 2. Heap per suspended coroutine.
#    The serial collector's full GC leaves exactly the live objects, so the figures are exact.
step memory17 "$JAVA17" -XX:+UseSerialGC -jar "$JAR" memory --count "$MEM"
step memory25 "$JAVA25" -XX:+UseSerialGC -jar "$JAR" memory --count "$MEM"

# 3. The seed's experiment, in-process, every variant: as users run it (fresh JVM, no warm-up), then with a
#    one-round warm-up of each asynchronous variant before its window (JIT compiled, as a long-running server).
step seed10 "$JAVA17" -jar "$JAR" seed --parallel 200 --seconds "$SEED_S"
step seed10-warm "$JAVA17" -jar "$JAR" seed --parallel 200 --seconds "$SEED_S" --variants async,raw \
  --warmup-seconds "$WARM_S"

# 4. The same servers as a separate process, measured by the outside work-alike and by http-load (after a
#    one-round warm-up), 10 s and 30 s.
if start_bg squall-seed 'http://127\.0\.0\.1:[0-9]+/ +\(TCPClient' "$JAVA17" -jar "$JAR" seed-servers \
     --echo-port 0 --blocking-port -1 --async-port 0 --raw-port -1; then
  URL=${MATCH%% *}
  "$JAVA17" -jar "$JAR" http-load --parallel 200 --seconds "$WARM_S" "$URL" >/dev/null 2>&1
  sleep 3 # let the warm-up's requests still in flight at the server finish
  step seed10-pyload-squall "$PY" "$HTTPLOAD_PY" -parallel 200 -seconds "$SEED_S" "$URL"
  step seed30-squall "$JAVA17" -jar "$JAR" http-load --parallel 200 --seconds "$SEED30_S" "$URL"
  step seed30-pyload-squall "$PY" "$HTTPLOAD_PY" -parallel 200 -seconds "$SEED30_S" "$URL"
  stop_bg
fi

# 5. Tornado 6.2 running the seed's async server, measured the same ways.
if $PY -c 'import tornado' 2>/dev/null && start_bg tornado-seed 'http://127\.0\.0\.1:[0-9]+/' \
     $PY bench/peers/tornado_seed.py --echo-port 18898 --port 18901; then
  URL=$MATCH
  step seed10-pyload-tornado "$PY" "$HTTPLOAD_PY" -parallel 200 -seconds "$SEED_S" "$URL"
  step seed10-squallload-tornado "$JAVA17" -jar "$JAR" http-load --parallel 200 --seconds "$SEED_S" "$URL"
  step seed30-tornado "$JAVA17" -jar "$JAR" http-load --parallel 200 --seconds "$SEED30_S" "$URL"
  step seed30-pyload-tornado "$PY" "$HTTPLOAD_PY" -parallel 200 -seconds "$SEED30_S" "$URL"
  stop_bg
fi

# 6. 10,000 connections each waiting 2 s: echo server and HTTP server in separate processes (the open-file
#    limit is 20,000 per process here), large backlogs, http-load in a third process. A 61 s window: 30
#    rounds of 2 s fit in it when a round's overhead stays under 33 ms, so the window's ceiling is
#    300,000 / 61 = 4,918/s (a 30 s window's is 14 rounds = 4,667/s, below the 4,900/s target).
if start_bg c10k-echo '127\.0\.0\.1:[0-9]+' "$JAVA17" -jar "$JAR" seed-servers --echo-port 0 --blocking-port -1 \
     --async-port -1 --raw-port -1 --backlog 4096; then
  ECHO_PID=$LAST_PID
  EPORT=${MATCH##*:}
  if start_bg c10k-http 'http://127\.0\.0\.1:[0-9]+/' "$JAVA17" -jar "$JAR" seed-servers --no-echo --echo-port "$EPORT" \
       --blocking-port -1 --async-port 0 --raw-port -1 --backlog 4096; then
    URL=$MATCH
    "$JAVA17" -jar "$JAR" http-load --parallel "$C10K_P" --seconds "$WARM_S" "$URL" >/dev/null 2>&1
    sleep 3
    step c10k "$JAVA17" -jar "$JAR" http-load --parallel "$C10K_P" --seconds "$C10K_S" "$URL"
    stop_bg
  fi
  stop_pid "$ECHO_PID"
fi

# 7. Hello world: wrk against Squall, Netty and Tornado, fresh processes.
step hello env JAVA="$JAVA17" bench/compare-http.sh $HELLO

echo "load-after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/env.txt"
echo "== report -> bench/RESULTS.md"
# The generated part ends with "## How to reproduce" and its code block; every section after that was measured
# by hand (issues 8-17) and is carried over unchanged.
HAND=$(mktemp)
awk '/^## How to reproduce/ {repro = 1} repro && /^## / && !/^## How to reproduce/ {keep = 1} keep' \
  bench/RESULTS.md >"$HAND" 2>/dev/null || true
{ $PY bench/report.py "$OUT"; if [ -s "$HAND" ]; then echo; cat "$HAND"; fi; } >bench/RESULTS.md.new \
  && mv bench/RESULTS.md.new bench/RESULTS.md && echo "wrote bench/RESULTS.md (hand-measured sections kept)"
rm -f "$HAND" bench/RESULTS.md.new
