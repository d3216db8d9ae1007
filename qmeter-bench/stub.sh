#!/usr/bin/env bash
# Starts the neutral nginx SSE stub (shared/bench/sse-stub, unchanged but for one added location,
# GET /stub_status: nginx's stub_status, connections accepted and requests served) so that the
# benchmarks can count at the server what the client claims it sent. Prints the stub's DIR.
#   stub.sh [PORT]          stop with: "$SSE_STUB/stop.sh" DIR
# The location is added to a copy of the stub's config template before nginx starts (an earlier
# version reloaded nginx after start.sh; the reload sometimes took effect only after tens of seconds).
set -euo pipefail
port=${1:-8090}
here=$(cd "$(dirname "$0")" && pwd)
SSE_STUB=${SSE_STUB:-$(cd "$here/../../shared/bench/sse-stub" 2>/dev/null && pwd || echo /work/shared/bench/sse-stub)}
# the stub listens with reuseport: a second stub on the same port would silently share the
# connections and make stub_status meaningless, so refuse a port that is taken
if ss -ltn "( sport = :$port )" 2>/dev/null | grep -q LISTEN; then
  echo "port $port is already in use (another stub?); stop it or choose another port" >&2; exit 1
fi
copy=$(mktemp -d /tmp/sse-stub-src.XXXXXX)
cp -r "$SSE_STUB"/. "$copy/"
sed -i 's#^        location / { return 404; }#        location = /stub_status { stub_status; }\n        location / { return 404; }#' \
    "$copy/nginx.conf.in"
grep -q stub_status "$copy/nginx.conf.in" || { echo "could not add stub_status to the stub's config" >&2; exit 1; }
dir=$("$copy/start.sh" "$port" | tail -1)
rm -rf "$copy"
for i in $(seq 50); do curl -sf "http://127.0.0.1:$port/stub_status" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/stub_status" >/dev/null || { echo "stub_status did not come up on $port" >&2; exit 1; }
echo "$dir"
