#!/usr/bin/env bash
# Two Squall processes behind a load balancer on 127.0.0.1 (see deploy/README.md).
#
#   deploy/run.sh start [haproxy|nginx]   backends on :9001 and :9002, the balancer on :9000 (default haproxy)
#   deploy/run.sh status                  what runs, by PID
#   deploy/run.sh stop                    SIGTERM each process by its PID (the backends stop gracefully),
#                                         SIGKILL after 15 s
#
# Needs bench/target/squall-bench.jar (mvn -B -q -DskipTests package) and Debian's haproxy or nginx package.
# PIDs and logs go to RUN_DIR (default ${TMPDIR:-/tmp}/squall-deploy). JAVA selects the JVM.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_DIR=${RUN_DIR:-${TMPDIR:-/tmp}/squall-deploy}
JAVA=${JAVA:-java}
JAR=bench/target/squall-bench.jar
BACKENDS=("squall1 9001" "squall2 9002")

is_running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_for_port PORT NAME LOG: until something answers on 127.0.0.1:PORT (30 s at most)
wait_for_port() {
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "run.sh: $2 did not listen on 127.0.0.1:$1 within 30 s; see $3" >&2
  return 1
}

start() {
  local balancer=${1:-haproxy}
  [ -f "$JAR" ] || { echo "run.sh: $JAR is missing: build it with mvn -B -q -DskipTests package" >&2; exit 1; }
  command -v "$balancer" >/dev/null 2>&1 || [ -x "/usr/sbin/$balancer" ] \
    || { echo "run.sh: $balancer not found: install Debian's $balancer package" >&2; exit 1; }
  mkdir -p "$RUN_DIR"
  for b in "${BACKENDS[@]}"; do
    set -- $b
    if is_running "$RUN_DIR/$1.pid"; then echo "$1 already runs (pid $(cat "$RUN_DIR/$1.pid"))"; continue; fi
    "$JAVA" -jar "$JAR" backend-server --name "$1" --port "$2" >"$RUN_DIR/$1.log" 2>&1 &
    echo $! >"$RUN_DIR/$1.pid"
    wait_for_port "$2" "$1" "$RUN_DIR/$1.log"
    echo "$1: http://127.0.0.1:$2/ (pid $(cat "$RUN_DIR/$1.pid"))"
  done
  if is_running "$RUN_DIR/balancer.pid"; then echo "the balancer already runs (pid $(cat "$RUN_DIR/balancer.pid"))"; return; fi
  case "$balancer" in
    haproxy)
      PATH=$PATH:/usr/sbin haproxy -db -f deploy/haproxy/haproxy.cfg >"$RUN_DIR/balancer.log" 2>&1 &
      ;;
    nginx)
      mkdir -p "$RUN_DIR/nginx/tmp"
      cp deploy/nginx/nginx.conf "$RUN_DIR/nginx/nginx.conf"
      PATH=$PATH:/usr/sbin nginx -p "$RUN_DIR/nginx" -c nginx.conf -e stderr >"$RUN_DIR/balancer.log" 2>&1 &
      ;;
    *) echo "run.sh: unknown balancer '$balancer' (haproxy or nginx)" >&2; exit 2 ;;
  esac
  echo $! >"$RUN_DIR/balancer.pid"
  wait_for_port 9000 "$balancer" "$RUN_DIR/balancer.log"
  echo "$balancer: http://127.0.0.1:9000/ (pid $(cat "$RUN_DIR/balancer.pid")); try: curl http://127.0.0.1:9000/"
}

stop_pid_file() {
  local f=$1
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { echo "pid $pid ignored SIGTERM for 15 s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; }
    echo "stopped $(basename "$f" .pid) (pid $pid)"
  fi
  rm -f "$f"
}

stop() {
  stop_pid_file "$RUN_DIR/balancer.pid"
  for b in "${BACKENDS[@]}"; do
    set -- $b
    stop_pid_file "$RUN_DIR/$1.pid"
  done
}

status() {
  for f in "$RUN_DIR"/*.pid; do
    [ -f "$f" ] || { echo "nothing runs"; return; }
    if is_running "$f"; then echo "$(basename "$f" .pid): running, pid $(cat "$f")"; else echo "$(basename "$f" .pid): not running"; fi
  done
}

case "${1:-}" in
  start) start "${2:-haproxy}" ;;
  stop) stop ;;
  status) status ;;
  *) sed -n '2,11p' "$0"; exit 2 ;;
esac
