#!/usr/bin/env bash
# Sourced first by the GPU scripts (run-h200.sh, run-cli-h200.sh): the repository root as the working
# folder, the shared settings (DEV, OUT, SHAPE, GPU, WORK) and the log and fail functions, which
# prefix each line with the calling script's name and its seconds so far.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
DEV=$REPO/.device
OUT=${OUT:-$REPO/gpu-out}
SHAPE=${SHAPE:-tinyllama}
GPU=${GPU:-0}
WORK=${TMPDIR:-/tmp}/qmeter-gpu
T0=$(date +%s)
mkdir -p "$OUT" "$WORK/models"
SCRIPT_NAME=$(basename "$0")
log() { echo "$SCRIPT_NAME [+$(( $(date +%s) - T0 ))s]: $*" | tee -a "$OUT/steps.log" >&2; }
fail() { log "FAILED: $*"; exit 1; }
