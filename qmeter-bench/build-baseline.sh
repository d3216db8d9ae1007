#!/usr/bin/env bash
# Builds the "before" qmeter-core for before/after figures: qmeter-core's main sources at git
# revision BASELINE_REV (default 9fa14f9, the last commit with the Reactor Netty client), compiled
# into qmeter-bench/$T/baseline/classes against the bench's class path (which still carries Reactor
# Netty through qmeter-testkit). Prints that folder; put it before the class path:
#   java -cp "$(qmeter-bench/build-baseline.sh | tail -1):$CP" io.qmeter.bench.CapacityBench ...
# (classes on that prefix come before qmeter-core's jar, so the baseline's versions win).
set -euo pipefail
cd "$(dirname "$0")/.."
T=${QMETER_TARGET:-target-bench}
REV=${BASELINE_REV:-9fa14f9}
B=qmeter-bench/$T/baseline
rm -rf "$B"; mkdir -p "$B/src" "$B/classes"
git archive "$REV" qmeter-core/src/main/java | tar -x -C "$B/src" --strip-components=4
[[ -f qmeter-bench/$T/classpath.txt ]] || { echo "build the module first (run.sh does)" >&2; exit 1; }
javac -nowarn -XDsuppressNotes --release 17 -d "$B/classes" -cp "$(cat qmeter-bench/$T/classpath.txt)" \
    $(find "$B/src" -name '*.java' ! -name package-info.java)
echo "$REV" > "$B/REV"
echo "$B/classes"
