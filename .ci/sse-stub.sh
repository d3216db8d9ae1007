#!/usr/bin/env bash
# Starts the zero-delay SSE stub (Debian's nginx, one worker; ../shared/bench/sse-stub) on
# 127.0.0.1, idempotently, and prints the env export for the tests that drive it
# (qmeter-cluster's ShardedLoadIT skips with a reason when QMETER_SSE_STUB_URL is unset).
#
#   eval "$(bash .ci/sse-stub.sh)"     # then QMETER_SSE_STUB_URL is set
#
# Installs nginx when missing (needs root and apt). Running it again while the stub answers changes
# nothing. Progress goes to stderr; only the export line goes to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${QMETER_SSE_STUB_PORT:-8090}
DIR=${QMETER_SSE_STUB_DIR:-/tmp/qmeter-sse-stub}
URL="http://127.0.0.1:$PORT"

log() { echo "sse-stub.sh: $*" >&2; }

answers() { curl -sf -m 2 -X POST -d '{}' "$URL/v1/completions" 2>/dev/null | grep -q '\[DONE\]'; }

if ! answers; then
  STUB=""
  for d in "${QMETER_SSE_STUB_SRC:-}" ../shared/bench/sse-stub /work/shared/bench/sse-stub; do
    if [ -n "$d" ] && [ -x "$d/start.sh" ]; then STUB=$d; break; fi
  done
  if [ -z "$STUB" ]; then
    log "ERROR: the SSE stub (bench/sse-stub/start.sh) was not found in ../shared beside the clone"
    exit 1
  fi
  if ! command -v nginx >/dev/null 2>&1; then
    log "installing nginx (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get -o DPkg::Lock::Timeout=900 install -y -qq nginx >&2
  fi
  # a stub left over from an earlier run in the same folder: stop it first
  if [ -f "$DIR/nginx.pid" ] && kill -0 "$(cat "$DIR/nginx.pid")" 2>/dev/null; then
    bash "$STUB/stop.sh" "$DIR" >&2 || true
  fi
  log "starting the stub on $URL (folder $DIR)"
  bash "$STUB/start.sh" "$PORT" "$DIR" >&2
  if ! answers; then
    log "ERROR: the stub did not answer on $URL; see $DIR/error.log"
    exit 1
  fi
fi
log "SSE stub ready at $URL"
echo "export QMETER_SSE_STUB_URL=$URL"
