#!/usr/bin/env bash
# Prepares, HERE (a machine with a JDK 17 and the warm ~/.m2), everything the GPU machine needs to run
# qMeter against a CUDA llama-server, in the git-ignored folder .device/:
#
#   .device/jre/                  a jlinked Java runtime (the GPU machine has no Java)
#   .device/lib/*.jar             qmeter-core, -nvml, -engines, -examples and their runtime dependencies
#                                 (sqlite-jdbc slimmed to its linux-x86_64 native library)
#   .device/llama.cpp-*.tar.xz    the llama.cpp snapshot, built with CUDA there by run-h200.sh
#   .device/make-random-llama.py  writes the random-weight model there
#
# The device tool carries at most 64 MiB in all; this script fails when .device/ is larger. Then, on
# the GPU machine, in one call (carry: [".device"]):
#
#   bash scripts/gpu/run-h200.sh          # writes the table, CSV and JSON into $OUT
#
# Usage: bash scripts/gpu/prepare.sh      (from anywhere; ~1 min with a warm ~/.m2)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
SNAPSHOT=c392e50
DEV=$REPO/.device
LIMIT_MIB=64
log() { echo "prepare.sh: $*" >&2; }

ENGINES=${QMETER_ENGINES_DIR:-}
if [ -z "$ENGINES" ]; then
  for d in "$REPO/../shared/engines" /work/shared/engines; do
    if [ -f "$d/llama.cpp-$SNAPSHOT.tar.xz" ]; then ENGINES=$(cd "$d" && pwd); break; fi
  done
fi
[ -n "$ENGINES" ] || { log "ERROR: expected llama.cpp-$SNAPSHOT.tar.xz in ../shared/engines/; set QMETER_ENGINES_DIR"; exit 1; }

# .device/ must stay out of git: the repository's .gitignore has it; a clone without that line gets
# it in its own exclude file
mkdir -p "$DEV"
if ! git check-ignore -q "$DEV"; then
  EXCLUDE=$(git rev-parse --git-path info/exclude)
  mkdir -p "$(dirname "$EXCLUDE")"
  echo '.device/' >> "$EXCLUDE"
fi

log "building the jars and copying their runtime dependencies (offline, tests skipped)"
# one invocation, so that the reactor's own jars resolve; each module copies into its target/dependency
# QMETER_DEVICE_CLI=1 also takes the qmeter command (for run-cli-h200.sh): its modules, picocli and the
# report's chart jars (the GPU machine runs check-gpu, run and export; the HTML report needs java.desktop,
# which the jlinked runtime leaves out to stay under the carry limit: write it here from the store)
CLI=${QMETER_DEVICE_CLI:-0}
MODS=qmeter-examples
[ "$CLI" = 1 ] && MODS=qmeter-examples,qmeter-cli
mvn -B -o -q -pl "$MODS" -am -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
    package dependency:copy-dependencies -DincludeScope=runtime -DexcludeGroupIds=io.qmeter

rm -rf "$DEV/lib" && mkdir -p "$DEV/lib"
# what core, nvml and engines need at run time (not the testkit's reactor-netty), plus slf4j-simple
for m in qmeter-core qmeter-nvml qmeter-engines; do
  cp "$m"/target/dependency/*.jar "$DEV/lib/"
done
cp qmeter-examples/target/dependency/slf4j-simple-*.jar "$DEV/lib/" \
  || log "WARNING: no slf4j-simple; the run will log nothing (SLF4J no-op)"
for m in qmeter-core qmeter-nvml qmeter-engines qmeter-examples; do
  jar=$(ls "$m"/target/"$m"-*.jar | grep -v -e sources -e javadoc | head -1)
  cp "$jar" "$DEV/lib/"
done
if [ "$CLI" = 1 ]; then
  for m in qmeter-cli qmeter-analysis qmeter-quality qmeter-cluster; do
    cp "$(ls "$m"/target/"$m"-*.jar | grep -v -e sources -e javadoc -e -all | head -1)" "$DEV/lib/"
  done
  cp qmeter-cli/target/dependency/picocli-*.jar qmeter-cli/target/dependency/xchart-*.jar \
     qmeter-cli/target/dependency/VectorGraphics2D-*.jar "$DEV/lib/"
  DATASETS=$(cd "$ENGINES/../datasets" 2>/dev/null && pwd) || { log "ERROR: no ../shared/datasets beside $ENGINES"; exit 1; }
  cp "$DATASETS/gsm8k-test.jsonl" "$DEV/"
else
  rm -f "$DEV/gsm8k-test.jsonl"
fi
# the PostgreSQL driver is not needed there (the run stores into SQLite)
rm -f "$DEV"/lib/postgresql-*.jar "$DEV"/lib/checker-qual-*.jar

# sqlite-jdbc carries native libraries for every platform (~14 MB): keep linux x86_64 only
for j in "$DEV"/lib/sqlite-jdbc-*.jar; do
  [ -f "$j" ] || continue
  tmp=$(mktemp -d)
  (cd "$tmp" && jar xf "$j" && find org/sqlite/native -mindepth 1 -maxdepth 1 ! -name Linux -exec rm -rf {} + \
     && find org/sqlite/native/Linux -mindepth 1 -maxdepth 1 ! -name x86_64 -exec rm -rf {} + \
     && rm -f "$j" && jar cfm "$j" META-INF/MANIFEST.MF -C "$tmp" .)
  rm -rf "$tmp"
done

MODULES=java.base,java.logging,java.management,java.naming,java.net.http,java.sql,jdk.unsupported,jdk.crypto.ec
if [ ! -x "$DEV/jre/bin/java" ] || [ "$(cat "$DEV/jre/.modules" 2>/dev/null)" != "$MODULES" ]; then
  log "jlinking a runtime with $MODULES"
  rm -rf "$DEV/jre"
  jlink --add-modules "$MODULES" --compress=2 --strip-debug --no-header-files --no-man-pages --output "$DEV/jre"
  echo "$MODULES" > "$DEV/jre/.modules"
fi

cp "$ENGINES/llama.cpp-$SNAPSHOT.tar.xz" "$ENGINES/make-random-llama.py" "$DEV/"
git rev-parse HEAD > "$DEV/COMMIT" 2>/dev/null || true

# the class path works with the jlinked runtime: the main's --help runs without a GPU or a server
"$DEV/jre/bin/java" -cp "$DEV/lib/*" io.qmeter.examples.GpuLlamaStudy --help >/dev/null
[ "$CLI" = 1 ] && "$DEV/jre/bin/java" -cp "$DEV/lib/*" io.qmeter.cli.Qmeter run --help >/dev/null

size_kib=$(du -sk "$DEV" | cut -f1)
log "$(du -sh "$DEV/jre" "$DEV/lib" "$DEV"/llama.cpp-*.tar.xz | tr '\n' ' ')"
log ".device/ is $((size_kib / 1024)) MiB (limit $LIMIT_MIB MiB)"
if [ "$size_kib" -gt $((LIMIT_MIB * 1024)) ]; then
  log "ERROR: .device/ is larger than the $LIMIT_MIB MiB the device tool carries; drop jars or JRE modules"
  exit 1
fi
log "ready: run scripts/gpu/run-h200.sh on the GPU machine with carry [\".device\"]"
