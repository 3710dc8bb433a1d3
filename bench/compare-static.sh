#!/usr/bin/env bash
# Static file throughput: Squall's StaticFileHandler against nginx (sendfile on, 1 worker) and Tornado 6.2's
# StaticFileHandler, each in a fresh process, one after the other, on the same files; measured with wrk.
#
#   bench/compare-static.sh [--threads 2] [--duration 5] [--warmup 2] [--loops 1]
#
# Files: small.css (4 KiB, 50 connections) and big.bin (10 MiB, 10 connections). Needs
# bench/target/squall-bench.jar (mvn -B -DskipTests package), wrk and nginx (Debian packages). JAVA selects
# the JVM. Lines starting with "RESULT" give name, file and requests/s.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

THREADS=2 DURATION=5 WARMUP=2 LOOPS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --loops) LOOPS=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "compare-static.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

JAVA=${JAVA:-java}
JAR=bench/target/squall-bench.jar
[ -f "$JAR" ] || { echo "compare-static.sh: $JAR is missing: build it with mvn -B -DskipTests package" >&2; exit 1; }
command -v wrk >/dev/null || { echo "compare-static.sh: needs wrk (Debian package wrk)" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "compare-static.sh: needs nginx (Debian package nginx)" >&2; exit 1; }

bench_workdir compare-static.sh
STATIC='http://127\.0\.0\.1:[0-9]+/static/'
mkdir -p "$WORK/www/static"
head -c 4096 /dev/urandom | base64 -w 80 | head -c 4096 >"$WORK/www/static/small.css"
head -c $((10 * 1024 * 1024)) /dev/urandom >"$WORK/www/static/big.bin"
chmod -R a+rX "$WORK" # nginx's workers run as another user when started as root

# measure NAME FILE CONNECTIONS: checks the bytes, warms up, measures; prints wrk's figures.
measure() {
  local name=$1 file=$2 conns=$3 url="${URL}$2"
  cmp -s <(curl -s "$url") "$WORK/www/static/$file" || { echo "compare-static.sh: $name served $file wrong" >&2; exit 1; }
  [ "$WARMUP" -gt 0 ] && wrk -t"$THREADS" -c"$conns" -d"${WARMUP}s" "$url" >/dev/null
  wrk -t"$THREADS" -c"$conns" -d"${DURATION}s" --latency "$url" >"$WORK/$name.$file.wrk"
  local rps tr p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/$name.$file.wrk")
  tr=$(awk '/^Transfer\/sec:/ {print $2}' "$WORK/$name.$file.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/$name.$file.wrk")
  errors=$(grep -o 'Socket errors:.*\|Non-2xx.*' "$WORK/$name.$file.wrk" | tr '\n' ' ' || true)
  printf '%-8s %-10s %10s req/s %10s/s  p99 %s %s\n' "$name" "$file" "$rps" "$tr" "$p99" "$errors"
  echo "RESULT $name $file $rps"
  eval "R_${name}_${file%%.*}=$rps"
}

echo "# static files: wrk -t$THREADS -d${DURATION}s after ${WARMUP}s warm-up; small.css 4 KiB at -c50, big.bin"\
     "10 MiB at -c10; $LOOPS loop(s)/worker(s); $($JAVA -version 2>&1 | head -1); $(nproc) CPUs"
start_server squall "$STATIC" small.css "$JAVA" -jar "$JAR" static-server --dir "$WORK/www/static" --port 0 --loops "$LOOPS"
measure squall small.css 50; measure squall big.bin 10; stop_server

PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$WORK/nginx.conf" <<CONF
worker_processes $LOOPS;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  types { text/css css; application/octet-stream bin; }
  server { listen 127.0.0.1:$PORT; root $WORK/www; location /static/ { etag on; } }
}
CONF
start_server nginx "$STATIC" small.css bash -c "echo http://127.0.0.1:$PORT/static/; exec $NGINX -p $WORK -c $WORK/nginx.conf"
measure nginx small.css 50; measure nginx big.bin 10; stop_server

if /usr/bin/python3 -c 'import tornado' 2>/dev/null; then
  start_server tornado "$STATIC" small.css /usr/bin/python3 bench/peers/tornado_static.py --dir "$WORK/www/static" --port 0
  measure tornado small.css 50; measure tornado big.bin 10; stop_server
fi
for f in small big; do
  s=$(eval echo "\$R_squall_$f"); n=$(eval echo "\$R_nginx_$f"); t=$(eval echo "\${R_tornado_$f:-}")
  awk -v f="$f" -v s="$s" -v n="$n" -v t="$t" 'BEGIN { printf "ratio %s: squall/nginx %.2fx", f, s / n;
    if (t != "") printf ", squall/tornado %.2fx", s / t; printf "\n" }'
done
