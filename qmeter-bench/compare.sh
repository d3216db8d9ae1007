#!/usr/bin/env bash
# Before/after figures beside run.sh, all in one sitting on the same machine (about 12 min):
#   before: qmeter-core at BASELINE_REV (default 9fa14f9: the Reactor Netty client, the dispatcher
#           thread sending each request itself), built by build-baseline.sh
#   after:  the current qmeter-core (plain Netty client, requests handed ahead to its event loop)
#   lean:   the current load runner with the bench's reference transport (LeanNettySender)
#   fifo:   the current client with its event loop under SCHED_FIFO (chrt, needs root): what the
#           schedule does when the OS never makes the loop wait for a CPU
# Figures: capacity 16/256 (10 s windows), schedule lag at 1,000 req/s (20 s), CPU per request.
# Usage: qmeter-bench/compare.sh        (after run.sh has built the module)
# Output: name=value lines, also in qmeter-bench/results/compare-<UTC time>.txt
set -euo pipefail
cd "$(dirname "$0")/.."
T=${QMETER_TARGET:-target-bench}
HERE=qmeter-bench
SSE_STUB=${SSE_STUB:-$(cd ../shared/bench/sse-stub 2>/dev/null && pwd || echo /work/shared/bench/sse-stub)}
export SSE_STUB
stop_stub() { # stop.sh, then wait until nginx has really gone (a graceful QUIT waits for connections)
  local pid; pid=$(cat "$1/nginx.pid" 2>/dev/null || true)
  "$SSE_STUB/stop.sh" "$1" 2>/dev/null || true
  for _ in $(seq 50); do [[ -z "$pid" ]] || [[ "$(ps -o stat= -p "$pid" 2>/dev/null)" != [^Z]* ]] && return 0; sleep 0.1; done
  kill -TERM "$pid" 2>/dev/null || true
}
PORT=${NGINX_PORT:-18090}
CLIENT_JAVA_OPTS=${CLIENT_JAVA_OPTS:-"-Xms3g -Xmx3g -XX:+AlwaysPreTouch"}
TRIALS=${TRIALS:-4}
M=${MEASURE_S:-10}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
CP="$HERE/$T/classes:$(cat "$HERE/$T/classpath.txt")"
BASE=$("$HERE/build-baseline.sh" | tail -1)
mkdir -p "$HERE/results"
exec > >(tee "$HERE/results/compare-$(date -u +%Y%m%dT%H%M%SZ).txt")
STUB_DIR=$("$HERE/stub.sh" "$PORT")
trap 'stop_stub "$STUB_DIR"' EXIT
echo "compare.baseline_rev=$(cat "$BASE/../REV")"
echo "compare.date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "compare.loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg)"
STAT0=$(awk '/^cpu /{print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
run() { java $CLIENT_JAVA_OPTS -cp "$1" "${@:2}" 2> >(grep -v ' INFO ' >&2); }
U="http://127.0.0.1:$PORT"
run "$BASE:$CP" io.qmeter.bench.CapacityBench --url "$U" --tokens 16 --start 3000 --trials "$TRIALS" --measure-s "$M" \
    --name before.capacity16
run "$CP" io.qmeter.bench.CapacityBench --url "$U" --tokens 16 --start 5000 --trials "$TRIALS" --measure-s "$M" \
    --name after.capacity16
run "$BASE:$CP" io.qmeter.bench.CapacityBench --url "$U" --tokens 256 --start 900 --trials "$TRIALS" --measure-s "$M" \
    --name before.capacity256
run "$CP" io.qmeter.bench.CapacityBench --url "$U" --tokens 256 --start 1500 --trials "$TRIALS" --measure-s "$M" \
    --name after.capacity256
run "$BASE:$CP" io.qmeter.bench.LagBench --url "$U" --rates 1000 --measure-s 20 --name before.lag
run "$CP" io.qmeter.bench.LagBench --url "$U" --rates 1000 --measure-s 20 --name after.lag
run "$CP" io.qmeter.bench.CapacityBench --url "$U" --tokens 16 --start 5000 --trials "$TRIALS" --measure-s "$M" \
    --sender lean --name lean.capacity16
# the event loop under SCHED_FIFO: set once the loop thread exists (chrt needs root; skipped otherwise)
if chrt -f -p 10 $$ 2>/dev/null && chrt -o -p 0 $$; then
  run "$CP" io.qmeter.bench.CapacityBench --url "$U" --tokens 16 --start 5000 --trials "$TRIALS" --measure-s "$M" \
      --name fifo.capacity16 &
  JPID=$!
  # every trial makes a new client, so a new event loop thread: keep raising each one
  while kill -0 "$JPID" 2>/dev/null; do
    JAVA=$(pgrep -f "fifo.capacity16" | head -1 || true)
    for tid in $( [[ -n "$JAVA" ]] && ps -L -o tid=,comm= -p "$JAVA" | awk '/qmeter-io/{print $1}' || true); do
      [[ "$(chrt -p "$tid" 2>/dev/null)" == *SCHED_FIFO* ]] || chrt -f -p 10 "$tid" 2>/dev/null || true
    done
    sleep 0.2
  done
  wait "$JPID"
fi
echo "compare.loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)"
read -r st0 all0 <<< "$STAT0"; read -r st1 all1 <<< "$(awk '/^cpu /{print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)"
echo "compare.cpu_steal_pct=$(awk -v a=$((st1 - st0)) -v b=$((all1 - all0)) 'BEGIN{printf "%.1f", (b > 0 ? 100 * a / b : 0)}')"
