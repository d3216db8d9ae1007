#!/usr/bin/env bash
# Builds the "before" qmeter-core for before/after figures: the core sources as they are in the tree
# minus this module's fixes (patches/*.patch reversed; files listed in patches/added-files removed),
# compiled into qmeter-bench/$T/baseline/classes. Use it with
#   QMETER_BENCH_CP_PREFIX=qmeter-bench/target-bench/baseline/classes RESULT_SUFFIX=-before qmeter-bench/run.sh
# (classes on that prefix come before qmeter-core's jar, so the baseline's versions win).
set -euo pipefail
cd "$(dirname "$0")/.."
T=${QMETER_TARGET:-target-bench}
B=qmeter-bench/$T/baseline
rm -rf "$B"; mkdir -p "$B/src" "$B/classes"
cp -r qmeter-core/src/main/java/. "$B/src/"
for p in qmeter-bench/patches/*.patch; do
  patch -s -R -p1 -d "$B/src" < "$p"
done
while read -r f; do [[ -n "$f" ]] && rm -f "$B/src/$f"; done < qmeter-bench/patches/added-files
[[ -f qmeter-bench/$T/classpath.txt ]] || { echo "build the module first (run.sh does)" >&2; exit 1; }
javac -nowarn -XDsuppressNotes --release 17 -d "$B/classes" -cp "$(cat qmeter-bench/$T/classpath.txt)" \
    $(find "$B/src" -name '*.java' ! -name package-info.java)
echo "$B/classes"
