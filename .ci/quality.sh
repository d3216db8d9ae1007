#!/usr/bin/env bash
# Installs what qmeter-quality's tests need, idempotently: bubblewrap (the sandbox for generated
# code), Debian's python3 (runs HumanEval programs) and python3-nltk (the Porter stemmer is checked
# against it). Then checks that bwrap can really create a sandbox here and exits non-zero if not,
# so CI never silently skips the sandbox tests.
#
#   bash .ci/quality.sh
#
# Needs root and apt when something is missing. Progress goes to stderr.
set -euo pipefail

log() { echo "quality.sh: $*" >&2; }

missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
[ -x /usr/bin/python3 ] || missing+=(python3)
/usr/bin/python3 -c 'import nltk' >/dev/null 2>&1 || missing+=(python3-nltk)

if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${missing[@]}" >&2
fi

if ! bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --unshare-all --die-with-parent \
    /usr/bin/python3 -c 'print("sandbox ok")' >&2; then
  log "ERROR: bubblewrap is installed but cannot create a sandbox (user namespaces disabled?)"
  exit 1
fi
log "bubblewrap $(bwrap --version 2>/dev/null | awk '{print $2}'), $(/usr/bin/python3 --version), nltk $(/usr/bin/python3 -c 'import nltk; print(nltk.__version__)') ready"
