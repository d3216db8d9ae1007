#!/usr/bin/env bash
# Builds a real llama.cpp server for the engine integration tests, idempotently, and prints the env
# exports.
#
#   eval "$(bash .ci/llama.sh)"    # then QMETER_LLAMA_SERVER / _QUANTIZE / _MODEL_DIR are set
#
# Unpacks the llama.cpp snapshot from ../shared/engines/ (override with QMETER_ENGINES_DIR), builds
# llama-server and llama-quantize on the CPU, writes a tiny random-weight Llama GGUF (F16) with the
# snapshot's gguf-py and make-random-llama.py, and quantizes it to Q8_0 and Q4_0. Everything lands in
# a cache outside the clone, keyed by the snapshot version:
#
#   ${QMETER_LLAMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/qmeter/llama.cpp-c392e50}/
#     src/                       the unpacked snapshot
#     build/bin/llama-server     the binaries
#     build/bin/llama-quantize
#     models/tiny-{F16,Q8_0,Q4_0}.gguf
#
# so a second run changes nothing and takes a second. Installs cmake, g++, make and python3-numpy
# with apt-get when missing (needs root). Progress goes to stderr; only export lines go to stdout.
set -euo pipefail

SNAPSHOT=c392e50
REPO=$(cd "$(dirname "$0")/.." && pwd)
ENGINES=${QMETER_ENGINES_DIR:-}
if [ -z "$ENGINES" ]; then
  for d in "$REPO/../shared/engines" /work/shared/engines; do
    if [ -f "$d/llama.cpp-$SNAPSHOT.tar.xz" ]; then ENGINES=$(cd "$d" && pwd); break; fi
  done
fi
CACHE=${QMETER_LLAMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/qmeter/llama.cpp-$SNAPSHOT}
JOBS=${QMETER_LLAMA_JOBS:-$(nproc 2>/dev/null || echo 2)}

log() { echo "llama.sh: $*" >&2; }

if [ -z "$ENGINES" ] || [ ! -f "$ENGINES/llama.cpp-$SNAPSHOT.tar.xz" ]; then
  log "ERROR: expected the llama.cpp snapshot llama.cpp-$SNAPSHOT.tar.xz in ../shared/engines/ beside the clone;"
  log "       found none. Set QMETER_ENGINES_DIR to the folder that holds it."
  exit 1
fi

apt_install() {
  log "installing $* (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "$@" >&2
}

SERVER=$CACHE/build/bin/llama-server
QUANTIZE=$CACHE/build/bin/llama-quantize
MODELS=$CACHE/models
mkdir -p "$CACHE" "$MODELS"

# one build at a time per cache (a second CI run or a developer beside it waits)
exec 9>"$CACHE/.lock"
flock 9

if [ ! -x "$SERVER" ] || [ ! -x "$QUANTIZE" ]; then
  missing=()
  command -v cmake >/dev/null 2>&1 || missing+=(cmake)
  command -v g++ >/dev/null 2>&1 || missing+=(g++)
  command -v make >/dev/null 2>&1 || missing+=(make)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
  if [ ! -f "$CACHE/src/CMakeLists.txt" ]; then
    log "unpacking $ENGINES/llama.cpp-$SNAPSHOT.tar.xz into $CACHE/src"
    rm -rf "$CACHE/src.tmp" && mkdir -p "$CACHE/src.tmp"
    tar -xJf "$ENGINES/llama.cpp-$SNAPSHOT.tar.xz" -C "$CACHE/src.tmp"
    top=$(find "$CACHE/src.tmp" -maxdepth 2 -name CMakeLists.txt -printf '%h\n' | sort | head -1)
    rm -rf "$CACHE/src" && mv "$top" "$CACHE/src" && rm -rf "$CACHE/src.tmp"
  fi
  log "building llama-server and llama-quantize on the CPU (-j$JOBS; about 2 minutes on 2 cores)"
  start=$(date +%s)
  cmake -S "$CACHE/src" -B "$CACHE/build" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF \
      -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=ON -DLLAMA_BUILD_SERVER=ON -DGGML_NATIVE=ON >&2
  cmake --build "$CACHE/build" -j"$JOBS" --target llama-server llama-quantize >&2
  log "built in $(( $(date +%s) - start )) s"
else
  log "llama-server cached at $SERVER"
fi

if ! python3 -c 'import numpy' >/dev/null 2>&1; then apt_install python3-numpy; fi
if [ ! -s "$MODELS/tiny-F16.gguf" ]; then
  log "writing the tiny random-weight Llama (F16)"
  python3 "$ENGINES/make-random-llama.py" "$CACHE/src" "$MODELS/tiny-F16.gguf.tmp" tiny >&2
  mv "$MODELS/tiny-F16.gguf.tmp" "$MODELS/tiny-F16.gguf"
fi
for q in Q8_0 Q4_0; do
  if [ ! -s "$MODELS/tiny-$q.gguf" ]; then
    log "quantizing to $q"
    "$QUANTIZE" "$MODELS/tiny-F16.gguf" "$MODELS/tiny-$q.gguf.tmp" "$q" >"$MODELS/quantize-$q.log" 2>&1 \
      || { tail -20 "$MODELS/quantize-$q.log" >&2; exit 1; }
    mv "$MODELS/tiny-$q.gguf.tmp" "$MODELS/tiny-$q.gguf"
  fi
done

echo "export QMETER_LLAMA_SERVER=$SERVER"
echo "export QMETER_LLAMA_QUANTIZE=$QUANTIZE"
echo "export QMETER_LLAMA_MODEL_DIR=$MODELS"
