#!/usr/bin/env bash
# Installs Debian's chromium, idempotently, for qmeter-analysis' HtmlReportChromiumIT (it loads the
# HTML report in headless Chromium and skips, with the reason, when chromium is missing). Then checks
# that headless Chromium really renders a page here and exits non-zero if not, so CI never silently
# skips the browser test.
#
#   bash .ci/chromium.sh
#
# Needs root and apt when chromium is missing. Progress goes to stderr.
set -euo pipefail

log() { echo "chromium.sh: $*" >&2; }

if ! command -v chromium >/dev/null 2>&1; then
  log "installing chromium (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq chromium >&2
fi

probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '<!DOCTYPE html><html><body><p id="x">chromium ok</p></body></html>' > "$probe/p.html"
if ! timeout 120 chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --user-data-dir="$probe/profile" --dump-dom "file://$probe/p.html" 2>/dev/null | grep -q 'chromium ok'; then
  log "ERROR: chromium is installed but cannot render a page headless"
  exit 1
fi
log "$(chromium --version 2>/dev/null | head -1) ready"
