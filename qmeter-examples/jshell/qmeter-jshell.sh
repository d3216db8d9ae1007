#!/bin/sh
# Starts jshell with qMeter on the class path (run from the repository root; extra arguments go to jshell, e.g. a script).
cd "$(dirname "$0")/../.." && mvn -B -q -pl qmeter-examples -am -DskipTests -Dmdep.outputFile="$PWD/qmeter-examples/target/jshell.classpath" -Dmdep.includeScope=runtime compile dependency:build-classpath >/dev/null && exec jshell --class-path "qmeter-examples/target/classes:$(cat qmeter-examples/target/jshell.classpath)" "$@"
