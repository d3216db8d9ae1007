#!/usr/bin/env bash
# Runs ON the GPU machine (x86-64, 16 cores, one H200, Python 3.12 + numpy + pynvml, no Java, no
# network), from the repository root, with .device/ carried there (made by scripts/gpu/prepare.sh).
# One device call of at most 10 minutes does everything:
#
#   1. builds llama-server and llama-quantize with CUDA (sm_90) from the carried snapshot (~3 min);
#      the random-weight model is written meanwhile (make-random-llama.py, F16), then quantized to
#      Q8_0 and Q4_0
#   2. starts an independent pynvml sampler (nvml_sampler.py) beside the Java main
#   3. io.qmeter.examples.GpuLlamaStudy launches llama-server through qmeter-engines for F16, Q8_0,
#      Q4_0 and Q4_0 with a q8_0 KV cache; for each it finds the saturation point under the SLO,
#      runs 25/50/75/100 % of it and measures J/token with NvmlPowerSensor
#   4. crosscheck.py compares qMeter's joules per run with the pynvml counter over the same windows
#
# Everything it writes goes to $OUT (default ./gpu-out): build.log, model.log, study.log (progress),
# table.txt (the table),
# gpu-llamacpp.csv / .json / -windows.json / .db, pynvml-samples.csv, crosscheck.txt, nvidia-smi.txt.
#
# Settings (environment): SHAPE (tinyllama | llama2-7b | tiny; default tinyllama), BUDGET_S (seconds of
# search + sweep per configuration; default 80), CONFIGS (default "F16 Q8_0 Q4_0 Q4_0+KVq8_0"),
# DEADLINE_S (no configuration starts unless it fits before this many seconds; default 570),
# STUDY_ARGS (more arguments for the Java main).
# For a dry run on a machine without a GPU: LLAMA_BIN=folder of a CPU llama-server and llama-quantize
# (skips the CUDA build), GPU=cpu, SHAPE=tiny.
#
# Reproduce (from a checkout here):  bash scripts/gpu/prepare.sh   then, with the device tool,
#   run(command="bash scripts/gpu/run-h200.sh", carry=[".device"], timeout_s=600)
. "$(dirname "$0")/common.sh"
BUDGET_S=${BUDGET_S:-80}

. "$REPO/scripts/gpu/llama-build.sh"

SAMPLER_PID=
if python3 -c 'import pynvml' 2>/dev/null; then
  python3 scripts/gpu/nvml_sampler.py --gpu "${GPU/cpu/0}" --out "$OUT/pynvml-samples.csv" 2>>"$OUT/steps.log" &
  SAMPLER_PID=$!
else
  log "pynvml is missing: no independent reading this time"
fi
# a few seconds of the bare GPU (no server) for the record
BARE_UNTIL=$(python3 -c 'import time; print(time.time() + 3)')
sleep 3

# one JVM per configuration, so that the time limit can only cut whole configurations: a configuration
# starts only when its budget still fits before DEADLINE_S (default 570 s after this script began);
# then one more call (--report-only) prints the whole table and writes the files from the store
STUDY=("$DEV/jre/bin/java" -Xmx4g -Dorg.slf4j.simpleLogger.defaultLogLevel=info
    -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.log.io.netty=warn
    -cp "$DEV/lib/*" io.qmeter.examples.GpuLlamaStudy
    --server "$SERVER" --models "$WORK/models" --shape "$SHAPE" $([ "$GPU" = cpu ] && echo --cpu || echo --gpu "$GPU")
    --out "$OUT" --budget-s "$BUDGET_S" ${STUDY_ARGS:-})
DEADLINE=$(( T0 + ${DEADLINE_S:-570} ))
STUDY_RC=0
for cfg in ${CONFIGS:-F16 Q8_0 Q4_0 Q4_0+KVq8_0}; do
  left=$(( DEADLINE - $(date +%s) ))
  if [ "$left" -lt $(( BUDGET_S + 30 )) ]; then
    log "SKIPPED $cfg: ${left}s left before the deadline, a configuration needs about $(( BUDGET_S + 30 ))s"
    continue
  fi
  log "GpuLlamaStudy $cfg (budget ${BUDGET_S}s of search + sweep; ${left}s left)"
  "${STUDY[@]}" --configs "$cfg" >> "$OUT/study.log" 2>&1
  rc=$?
  log "GpuLlamaStudy $cfg exited $rc"
  [ "$rc" -eq 0 ] || STUDY_RC=$rc
done
log "the table (from the store)"
"${STUDY[@]}" --report-only 2>&1 | tee "$OUT/table.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || STUDY_RC=1

if [ -n "$SAMPLER_PID" ]; then
  kill -TERM "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null
  if [ -f "$OUT/gpu-llamacpp-windows.json" ]; then
    python3 scripts/gpu/crosscheck.py "$OUT/gpu-llamacpp-windows.json" "$OUT/pynvml-samples.csv" \
        --bare-until "$BARE_UNTIL" 2>&1 | tee "$OUT/crosscheck.txt"
  fi
fi
cp "$SRC/LICENSE" "$OUT/llama.cpp-LICENSE" 2>/dev/null || true
log "done in $(( $(date +%s) - T0 )) s"
exit "$STUDY_RC"
