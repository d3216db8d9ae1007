#!/usr/bin/env bash
# Builds qmeter-bench and measures every figure of qmeter-bench/README.md in one go (about 12 min):
#   1. wrk against the nginx SSE stub (the machine's ceiling), 16- and 256-token streams
#   2. capacity: highest sustained Poisson rate (achieved >= 99 % of target, lag p99 <= 1 ms, 20 s),
#      16 and 256 tokens, plus one overload trial each; nginx's stub_status counts what arrived
#   3. schedule lag at 100 and 1,000 req/s
#   4. fidelity against the testkit's scripted stub at 100, 1,000 and 5,000 concurrent streams, and
#      against a stub that writes its send time into each token (the client's own timestamp error)
#   5. 10,000 concurrent slow streams (1 token/s): heap and threads
#   6. stalls: late requests per round, per-thread CPU and run-queue waits (StallBench)
#   7. JMH: SSE decoding per event, recording a request into the metrics
#   floor: the same schedule-lag and timestamp figures for refclient (native/refclient.c), a minimal
#      C client, at the targets' rates: what this machine allows any client (steps 2b and 4c)
# Usage: qmeter-bench/run.sh [--quick]      (--quick: a few seconds per step, to check it works)
# Output: name=value lines on stdout and in qmeter-bench/results/run-<UTC time>.txt
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0
[[ "${1:-}" == "--quick" ]] && QUICK=1
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
NGINX_PORT=${NGINX_PORT:-18090}
FID_PORT=${FID_PORT:-18091}
CONC_PORT=${CONC_PORT:-18092}
# the client JVM: a fixed, pre-touched heap (a run keeps every request record; 256-token runs need ~1 GiB)
CLIENT_JAVA_OPTS=${CLIENT_JAVA_OPTS:-"-Xms3g -Xmx3g -XX:+AlwaysPreTouch"}
STUB_JAVA_OPTS=${STUB_JAVA_OPTS:-"-Xms1g -Xmx1g"}

# 10,000 streams need 10,000 sockets in the client and as many in the scripted stub
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [[ $(ulimit -n) -lt 12000 ]]; then
  echo "ulimit -n is $(ulimit -n); the 10,000-stream step needs >= 12000 (raise the hard limit)" >&2
fi

command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; }
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

echo "# building qmeter-bench (output folder $T)" >&2
mvn -B -q -pl qmeter-bench -am -Dqmeter.target="$T" -Dmaven.test.skip=true -Dmaven.javadoc.skip=true \
    -Dmaven.source.skip=true package >&2
CP="$HERE/$T/classes:$(cat "$HERE/$T/classpath.txt")"
# QMETER_BENCH_CP_PREFIX: classes put before qmeter-core (build-baseline.sh uses it for "before" figures)
[[ -n "${QMETER_BENCH_CP_PREFIX:-}" ]] && CP="$QMETER_BENCH_CP_PREFIX:$CP"

mkdir -p "$HERE/results"
[[ $QUICK == 1 ]] && RESULT_SUFFIX="${RESULT_SUFFIX:-}-quick"
OUT="$HERE/results/run-$(date -u +%Y%m%dT%H%M%SZ)${RESULT_SUFFIX:-}.txt"
exec > >(tee "$OUT")

STUB_DIR=""
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  [[ -n "$STUB_DIR" ]] && stop_stub "$STUB_DIR"
  return 0
}
trap cleanup EXIT

java_client() { java $CLIENT_JAVA_OPTS -cp "$CP" "$@" 2> >(grep -v ' INFO ' >&2); }

start_stub_jvm() { # main-class log-name port ttft-ms gap-ms tokens: a stub JVM, waited for until it listens
  java $STUB_JAVA_OPTS -cp "$CP" "io.qmeter.bench.$1" --port "$3" --ttft-ms "$4" --gap-ms "$5" \
      --tokens "$6" > "$HERE/$T/$2-$3.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do grep -q baseUrl "$HERE/$T/$2-$3.log" && return 0; sleep 0.2; done
  echo "the $2 stub on port $3 did not start:" >&2; cat "$HERE/$T/$2-$3.log" >&2; exit 1
}
start_scripted() { start_stub_jvm ScriptedStubMain scripted "$@"; }   # the testkit's ScriptedEngine
start_stamped() { start_stub_jvm TimestampStubMain stamped "$@"; }    # writes its send time into each token
stop_last() { kill "${PIDS[-1]}" 2>/dev/null || true; wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'; }

echo "run.date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "run.machine=$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, kernel $(uname -r)"
echo "run.java=$(java -version 2>&1 | head -1)"
echo "run.client_java_opts=$CLIENT_JAVA_OPTS"
echo "run.loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg)"
# CPU time stolen by the hypervisor over the whole run (a shared VM's noise): steal / all, from /proc/stat
STAT0=$(awk '/^cpu /{print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
echo "run.quick=$QUICK"

if [[ $QUICK == 1 ]]; then
  M=3; W=1; TRIALS=1; WRK_D=2s; FID_M=3; STREAMS=100,500; CONC=1000; JITW=2; JMH="-f 1 -wi 1 -w 1s -i 1 -r 1s"
else
  M=20; W=3; TRIALS=${TRIALS:-7}; WRK_D=10s; FID_M=10; STREAMS=100,1000,5000; CONC=10000; JITW=15
  JMH="-f 1 -wi 3 -w 1s -i 5 -r 1s"
fi
# extra flags for CapacityBench and LagBench, e.g. BENCH_FLAGS="--io-threads 2"
BF=${BENCH_FLAGS:-}

# ---- 1. the nginx stub, and wrk as the ceiling
STUB_DIR=$("$HERE/stub.sh" "$NGINX_PORT")
cat > "$HERE/$T/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body   = '{"model":"m","prompt":[1,2,3],"max_tokens":16,"stream":true}'
wrk.headers["Content-Type"] = "application/json"
EOF
for n in 16 256; do
  path=/v1/completions; [[ $n == 256 ]] && path=/n256/v1/completions
  r=$(wrk -t1 -c64 -d"$WRK_D" -s "$HERE/$T/post.lua" "http://127.0.0.1:$NGINX_PORT$path" | awk '/Requests\/sec/{print $2}')
  echo "wrk$n.req_per_s=$r"
  echo "wrk$n.command=wrk -t1 -c64 -d$WRK_D -s post.lua http://127.0.0.1:$NGINX_PORT$path"
done

# ---- 2. capacity
java_client io.qmeter.bench.CapacityBench --url "http://127.0.0.1:$NGINX_PORT" --tokens 16 --start "${CAP16_START:-20000}" \
    --trials "$TRIALS" --measure-s "$M" --warmup-s "$W" --jit-warmup-s "$JITW" --overload 2 $BF
java_client io.qmeter.bench.CapacityBench --url "http://127.0.0.1:$NGINX_PORT" --tokens 256 --start "${CAP256_START:-8000}" \
    --trials "$TRIALS" --measure-s "$M" --warmup-s "$W" --jit-warmup-s "$JITW" --overload 2 $BF

# ---- 2b. the machine's floor: refclient (one C thread, epoll, keep-alive, HTTP framing and SSE
# event ends only, no JSON) at the capacity targets, measured as CapacityBench measures (lag p99)
gcc -O2 -o "$HERE/$T/refclient" "$HERE/native/refclient.c" -lm
floor() { # name, then refclient's arguments: its ref_* lines renamed floor.<name>.*
  "$HERE/$T/refclient" "${@:2}" | sed "s/^ref_/floor.$1./"
}
floor capacity16_at20000 lag --port "$NGINX_PORT" --rate 20000 --seconds "$M" --warmup "$W"
floor capacity256_at8000 lag --port "$NGINX_PORT" --path /n256/v1/completions --max-tokens 256 --rate 8000 \
    --seconds "$M" --warmup "$W"
floor lag_at1000 lag --port "$NGINX_PORT" --rate 1000 --seconds "$M" --warmup "$W"

# ---- 3. schedule lag at 100 and 1,000 req/s
java_client io.qmeter.bench.LagBench --url "http://127.0.0.1:$NGINX_PORT" --rates 100,1000 --measure-s "$M" \
    --warmup-s "$W" --jit-warmup-s "$JITW" $BF
stop_stub "$STUB_DIR"; STUB_DIR=""

# ---- 4. fidelity against the scripted stub (its own JVM)
start_scripted "$FID_PORT" 200 100 16
java_client io.qmeter.bench.FidelityBench --url "http://127.0.0.1:$FID_PORT" --ttft-ms 200 --gap-ms 100 \
    --tokens 16 --streams "$STREAMS" --measure-s "$FID_M" --jit-warmup-s "$JITW"
stop_last
# ---- 4b. the same against a stub that writes its send time into each token: the client's own error
start_stamped "$FID_PORT" 200 100 16
java_client io.qmeter.bench.FidelityBench --url "http://127.0.0.1:$FID_PORT" --ttft-ms 200 --gap-ms 100 \
    --tokens 16 --streams "$STREAMS" --measure-s "$FID_M" --jit-warmup-s "$JITW" --stamped true --name fidelity_stamped
# ---- 4c. the floor of that error: refclient against the same stub (a blocking epoll loop, and one
# that never sleeps)
floor stamped1000 stamped --port "$FID_PORT" --streams 1000 --seconds "$FID_M" --warmup 5
floor stamped1000_busy stamped --port "$FID_PORT" --streams 1000 --seconds "$FID_M" --warmup 5 --busy 1
stop_last

# ---- 5. 10,000 concurrent slow streams (one token a second)
start_scripted "$CONC_PORT" 1000 1000 20
java_client io.qmeter.bench.ConcurrencyBench --url "http://127.0.0.1:$CONC_PORT" --streams "$CONC" --tokens 20
stop_last

# ---- 6. where late requests come from (3 rounds in one JVM at 8,000 16-token req/s)
STUB_DIR=$("$HERE/stub.sh" "$NGINX_PORT")
java_client io.qmeter.bench.StallBench --url "http://127.0.0.1:$NGINX_PORT" --rate 8000 --seconds "$((M / 2 > 1 ? M / 2 : 2))" --rounds 3
stop_stub "$STUB_DIR"; STUB_DIR=""

# ---- 7. JMH
java -cp "$CP" org.openjdk.jmh.Main 'io\.qmeter\.bench\.jmh\..*' $JMH -rf csv -rff "$HERE/$T/jmh.csv" >&2
echo "jmh.settings=$JMH"
# "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit",params...
tail -n +2 "$HERE/$T/jmh.csv" | tr -d '"' | awk -F, '{
  name=$1; sub(/.*jmh\./, "", name); p="";
  for (i = 8; i <= NF; i++) if ($i != "") p = p "_" $i;
  printf "jmh.%s%s.%s=%.1f\njmh.%s%s.error=%.1f\n", name, p, $7, $5, name, p, $6 }' | sed 's#ns/op#ns_per_op#'

echo "run.loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)"
read -r st0 all0 <<< "$STAT0"; read -r st1 all1 <<< "$(awk '/^cpu /{print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)"
echo "run.cpu_steal_pct=$(awk -v a=$((st1 - st0)) -v b=$((all1 - all0)) 'BEGIN{printf "%.1f", (b > 0 ? 100 * a / b : 0)}')"
