#!/usr/bin/env bash
# Sourced by the GPU scripts (run-h200.sh, run-cli-h200.sh) on the GPU machine: checks .device/, builds
# llama-server and llama-quantize with CUDA (sm_90) from the carried snapshot while the random-weight
# model is written, and quantizes it to Q8_0 and Q4_0. Expects DEV, OUT, WORK, SHAPE, GPU and the
# functions log and fail; sets SRC, SERVER and QUANTIZE. LLAMA_BIN=folder skips the build.
[ -x "$DEV/jre/bin/java" ] || fail "expected .device/jre (run scripts/gpu/prepare.sh here and carry .device)"
TARBALL=$(ls "$DEV"/llama.cpp-*.tar.xz 2>/dev/null | head -1)
[ -n "$TARBALL" ] || fail "expected the llama.cpp snapshot in .device/"
nvidia-smi -q > "$OUT/nvidia-smi.txt" 2>&1 || true
nvidia-smi --query-gpu=name,compute_cap,driver_version,power.limit --format=csv | tee -a "$OUT/steps.log" >&2 || true

log "unpacking $(basename "$TARBALL")"
rm -rf "$WORK/unpack" && mkdir -p "$WORK/unpack"
tar -xJf "$TARBALL" -C "$WORK/unpack"
SRC=$(dirname "$(find "$WORK/unpack" -maxdepth 2 -name CMakeLists.txt | sort | head -1)")
[ -f "$SRC/CMakeLists.txt" ] || fail "no CMakeLists.txt in $(basename "$TARBALL")"

# the model is written on the CPU while CUDA compiles
log "writing the random $SHAPE model (F16) in the background"
( python3 "$DEV/make-random-llama.py" "$SRC" "$WORK/models/$SHAPE-F16.gguf" "$SHAPE" > "$OUT/model.log" 2>&1 \
  && echo ok > "$WORK/models/.f16-done" ) &
MODEL_PID=$!

if [ -n "${LLAMA_BIN:-}" ]; then
  log "using the llama-server and llama-quantize in $LLAMA_BIN (no build)"
  SERVER=$LLAMA_BIN/llama-server
  QUANTIZE=$LLAMA_BIN/llama-quantize
else
  log "building llama-server and llama-quantize with CUDA (sm_90, -j16)"
  ( cmake -S "$SRC" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
      -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
    && cmake --build "$WORK/build" -j16 --target llama-server llama-quantize ) > "$OUT/build.log" 2>&1 \
    || { tail -40 "$OUT/build.log" >&2; fail "the CUDA build failed (build.log)"; }
  SERVER=$WORK/build/bin/llama-server
  QUANTIZE=$WORK/build/bin/llama-quantize
fi
[ -x "$SERVER" ] || fail "no llama-server at $SERVER"
log "llama-server: $SERVER"

wait "$MODEL_PID"
[ -f "$WORK/models/.f16-done" ] || { cat "$OUT/model.log" >&2; fail "make-random-llama.py failed (model.log)"; }
for q in Q8_0 Q4_0; do
  "$QUANTIZE" "$WORK/models/$SHAPE-F16.gguf" "$WORK/models/$SHAPE-$q.gguf" "$q" >> "$OUT/model.log" 2>&1 \
    || fail "llama-quantize $q failed (model.log)"
done
ls -la "$WORK/models" | tee -a "$OUT/steps.log" >&2
