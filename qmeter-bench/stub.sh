#!/usr/bin/env bash
# Starts the neutral nginx SSE stub (shared/bench/sse-stub/start.sh, unchanged) and adds one
# location, GET /stub_status (nginx's stub_status: connections accepted, requests served), so
# the benchmarks can count at the server what the client claims it sent. Prints the stub's DIR.
#   stub.sh [PORT]          stop with: "$SSE_STUB/stop.sh" DIR
set -euo pipefail
port=${1:-8090}
here=$(cd "$(dirname "$0")" && pwd)
SSE_STUB=${SSE_STUB:-$(cd "$here/../../shared/bench/sse-stub" 2>/dev/null && pwd || echo /work/shared/bench/sse-stub)}
# the stub listens with reuseport: a second stub on the same port would silently share the
# connections and make stub_status meaningless, so refuse a port that is taken
if ss -ltn "( sport = :$port )" 2>/dev/null | grep -q LISTEN; then
  echo "port $port is already in use (another stub?); stop it or choose another port" >&2; exit 1
fi
dir=$("$SSE_STUB/start.sh" "$port" | tail -1)
if ! grep -q stub_status "$dir/nginx.conf"; then
  sed -i 's#^        location / { return 404; }#        location = /stub_status { stub_status; }\n        location / { return 404; }#' "$dir/nginx.conf"
  nginx -c "$dir/nginx.conf" -s reload 2>/dev/null
fi
# the reload can be slow, or lost when it reaches a master still starting: wait, and ask again once
for i in $(seq 200); do
  curl -sf "http://127.0.0.1:$port/stub_status" >/dev/null && break
  [[ $i == 30 ]] && nginx -c "$dir/nginx.conf" -s reload 2>/dev/null
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/stub_status" >/dev/null || { echo "stub_status did not come up on $port" >&2; exit 1; }
echo "$dir"
