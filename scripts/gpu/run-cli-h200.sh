#!/usr/bin/env bash
# Runs ON the GPU machine (see run-h200.sh for what it has), from the repository root, with .device/
# carried there (scripts/gpu/prepare.sh with QMETER_DEVICE_CLI=1 adds the qmeter CLI's jars and the
# GSM8K test file). The qmeter command end to end on a CUDA llama-server with NVML energy, in one call:
#
#   1. builds llama-server with CUDA and writes the random-weight model (llama-build.sh)
#   2. qmeter check-gpu
#   3. qmeter run of a JSON plan: F16 and Q4_0 of the model, a GSM8K quality step (QUALITY_ITEMS items,
#      idle and under a background load at 50 % of saturation), the saturation search under the SLO,
#      runs at 50 % and 100 % of it, NVML energy, every request's record kept
#   4. qmeter export --format vllm and --format csv
#
# Everything goes to $OUT: steps.log, build.log, model.log, check-gpu.txt, plan.json, run.txt (the
# command's output), run.log (its progress and logs), cli-h200.db, vllm.jsonl, runs.csv.
# Write the HTML report from cli-h200.db on any machine with a full JDK: qmeter report cli-h200.db.
#
# Reproduce:  QMETER_DEVICE_CLI=1 bash scripts/gpu/prepare.sh   then, with the device tool,
#   run(command="bash scripts/gpu/run-cli-h200.sh", carry=[".device"], timeout_s=600)
. "$(dirname "$0")/common.sh"
QUALITY_ITEMS=${QUALITY_ITEMS:-40}

. "$REPO/scripts/gpu/llama-build.sh"
[ -f "$DEV/gsm8k-test.jsonl" ] || fail "expected .device/gsm8k-test.jsonl (QMETER_DEVICE_CLI=1 bash scripts/gpu/prepare.sh)"

qmeter() {
  "$DEV/jre/bin/java" -Xmx4g -Dorg.slf4j.simpleLogger.defaultLogLevel=info -Dorg.slf4j.simpleLogger.showDateTime=true \
      -Dorg.slf4j.simpleLogger.log.io.netty=warn -cp "$DEV/lib/*" io.qmeter.cli.Qmeter "$@"
}

log "qmeter check-gpu"
qmeter check-gpu > "$OUT/check-gpu.txt" 2>&1
log "check-gpu exited $?"

cat > "$OUT/plan.json" <<JSON
{
  "id": "cli-h200-llamacpp",
  "description": "qmeter run on an H200: random-weight $SHAPE, F16 and Q4_0, GSM8K idle and under load",
  "configurations": [
    {"engine": "llama.cpp", "model": "$WORK/models/$SHAPE-F16.gguf", "quantization": "F16", "gpu": "$GPU",
     "extraArgs": ["executable=$SERVER", "maxConcurrency=16", "contextLength=8192", "startTimeout=2m",
                   "logDir=$OUT/engine-logs"]},
    {"engine": "llama.cpp", "model": "$WORK/models/$SHAPE-Q4_0.gguf", "quantization": "Q4_0", "gpu": "$GPU",
     "extraArgs": ["executable=$SERVER", "maxConcurrency=16", "contextLength=8192", "startTimeout=2m",
                   "logDir=$OUT/engine-logs"]}
  ],
  "workload": {"kind": "synthetic", "inputTokens": 256, "outputTokens": 64},
  "slo": {"targets": [{"metric": "ttft", "percentile": 90, "max": "300ms"},
                      {"metric": "tpot", "percentile": 90, "max": "15ms"}]},
  "rates": {"fractionOfSaturation": [0.5, 1.0]},
  "runLength": {"duration": "8s", "warmupRequests": 4},
  "seed": 42,
  "search": {"maxProbes": 5, "tolerance": 0.1, "samplesAboveQuantile": 6, "requestsPerProbe": {"min": 30, "max": 120}},
  "quality": [{"benchmark": "gsm8k", "dataset": "$DEV/gsm8k-test.jsonl", "maxItems": $QUALITY_ITEMS, "fewShot": 1,
               "maxTokens": 64, "concurrency": 8, "underLoad": [0.5]}]
}
JSON

log "qmeter run plan.json --nvml"
qmeter run "$OUT/plan.json" --store "$OUT/cli-h200.db" --nvml --keep-records --idle-settle 5s --progress lines \
    > "$OUT/run.txt" 2> "$OUT/run.log"
RUN_RC=$?
log "run exited $RUN_RC"
qmeter export --store "$OUT/cli-h200.db" --format vllm -o "$OUT/vllm.jsonl" >> "$OUT/run.log" 2>&1
log "export vllm exited $?"
qmeter export --store "$OUT/cli-h200.db" --format csv -o "$OUT/runs.csv" >> "$OUT/run.log" 2>&1
log "export csv exited $?"
log "done in $(( $(date +%s) - T0 )) s"
exit "$RUN_RC"
