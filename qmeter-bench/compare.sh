#!/usr/bin/env bash
# Before/after and transport-ceiling figures beside run.sh (about 8 min):
#   before: qmeter-core without this module's fixes (build-baseline.sh), capacity 16/256 + JMH decodeAndInterpret
#   lean:   the same load runner with the bench's reference transport (LeanNettySender), capacity 16/256
#   handoff: qMeter's client with each send() handed from the dispatcher to a Netty event loop
#   loops1: qMeter's client with one Reactor Netty event loop (-Dreactor.netty.ioWorkerCount=1; default 4)
#   prio:   the dispatcher's MAX_PRIORITY made effective (-XX:ThreadPriorityPolicy=1, needs root)
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
TRIALS=${TRIALS:-3}
M=${MEASURE_S:-10}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
CP="$HERE/$T/classes:$(cat "$HERE/$T/classpath.txt")"
BASE=$("$HERE/build-baseline.sh" | tail -1)
mkdir -p "$HERE/results"
exec > >(tee "$HERE/results/compare-$(date -u +%Y%m%dT%H%M%SZ).txt")
STUB_DIR=$("$HERE/stub.sh" "$PORT")
trap 'stop_stub "$STUB_DIR"' EXIT
# start each search at what run.sh found (its latest results file), else at the targets
LAST=$(ls -t "$HERE"/results/run-*.txt 2>/dev/null | grep -v quick | head -1 || true)
val() { local v; v=$( [[ -n "$LAST" ]] && grep -m1 "^$1=" "$LAST" | cut -d= -f2 ); [[ -n "$v" && "$v" != -1 ]] && echo "${v%.*}" || echo "$2"; }
C16=${C16:-$(val capacity16.req_per_s 8000)}; C256=${C256:-$(val capacity256.req_per_s 2000)}
echo "compare.start_from=$LAST capacity16=$C16 capacity256=$C256"
echo "compare.date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "compare.loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg)"
# CPU time stolen by the hypervisor over the whole run (a shared VM's noise): steal / all, from /proc/stat
STAT0=$(awk '/^cpu /{print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
run() { java $CLIENT_JAVA_OPTS -cp "$1" "${@:2}" 2> >(grep -v ' INFO ' >&2); }
run "$BASE:$CP" io.qmeter.bench.CapacityBench --url "http://127.0.0.1:$PORT" --tokens 16 --start "$C16" \
    --trials "$TRIALS" --measure-s "$M" --name before.capacity16
run "$BASE:$CP" io.qmeter.bench.CapacityBench --url "http://127.0.0.1:$PORT" --tokens 256 --start "$C256" \
    --trials "$TRIALS" --measure-s "$M" --name before.capacity256
run "$CP" io.qmeter.bench.CapacityBench --url "http://127.0.0.1:$PORT" --tokens 16 --start $((C16 * 2)) \
    --trials $((TRIALS + 2)) --measure-s "$M" --sender lean --name lean.capacity16
run "$CP" io.qmeter.bench.CapacityBench --url "http://127.0.0.1:$PORT" --tokens 256 --start $((C256 * 2)) \
    --trials $((TRIALS + 2)) --measure-s "$M" --sender lean --name lean.capacity256
run "$CP" io.qmeter.bench.CapacityBench --url "http://127.0.0.1:$PORT" --tokens 16 --start "$C16" \
    --trials $((TRIALS + 1)) --measure-s "$M" --handoff true --name handoff.capacity16
CLIENT_JAVA_OPTS="$CLIENT_JAVA_OPTS -Dreactor.netty.ioWorkerCount=1" run "$CP" io.qmeter.bench.CapacityBench \
    --url "http://127.0.0.1:$PORT" --tokens 16 --start "$C16" --trials "$TRIALS" --measure-s "$M" --name loops1.capacity16
# the 256-token search again with the criterion against the drawn schedule (see LoadTrial.keptUp)
run "$CP" io.qmeter.bench.CapacityBench --url "http://127.0.0.1:$PORT" --tokens 256 --start "$C256" \
    --trials 4 --measure-s 20 --name after.capacity256
# the dispatcher's Thread.MAX_PRIORITY only takes effect with ThreadPriorityPolicy=1 (root): nice -5
CLIENT_JAVA_OPTS="$CLIENT_JAVA_OPTS -XX:ThreadPriorityPolicy=1" run "$CP" io.qmeter.bench.LagBench \
    --url "http://127.0.0.1:$PORT" --rates 1000 --measure-s 20 --name prio.lag
CLIENT_JAVA_OPTS="$CLIENT_JAVA_OPTS -XX:ThreadPriorityPolicy=1" run "$CP" io.qmeter.bench.CapacityBench \
    --url "http://127.0.0.1:$PORT" --tokens 16 --start "$C16" --trials "$TRIALS" --measure-s "$M" --name prio.capacity16
for v in before after; do
  cp="$CP"; [[ $v == before ]] && cp="$BASE:$CP"
  java -cp "$cp" org.openjdk.jmh.Main 'SseDecodeBench.decodeAndInterpret' -f 1 -wi 3 -w 1s -i 5 -r 1s \
      -rf csv -rff "$HERE/$T/jmh-$v.csv" >&2
  tail -n +2 "$HERE/$T/jmh-$v.csv" | tr -d '"' | awk -F, -v v="$v" '{n=$1; sub(/.*jmh\./,"",n);
      printf "%s.jmh.%s.ns_per_event=%.1f\n", v, n, $5}'
done
echo "compare.loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)"
read -r st0 all0 <<< "$STAT0"; read -r st1 all1 <<< "$(awk '/^cpu /{print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)"
echo "compare.cpu_steal_pct=$(awk -v a=$((st1 - st0)) -v b=$((all1 - all0)) 'BEGIN{printf "%.1f", (b > 0 ? 100 * a / b : 0)}')"
