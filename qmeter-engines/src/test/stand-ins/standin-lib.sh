# Shared part of qMeter's stand-in engine programs (sourced, not run). A stand-in parses the same
# flags as the real program, refuses unknown ones like the real one does, then replaces itself
# (exec) with the testkit's simulated engine speaking a matching dialect, so that qmeter-engines
# supervises it exactly as it would the real program.
#
# Environment:
#   QMETER_STANDIN_CLASSPATH  (required) class path holding io.qmeter.testkit.SimulatedEngineMain
#   QMETER_STANDIN_JAVA       the java program (default: java on PATH)
#   STANDIN_EXIT_AT_START=N   print a loading line, then exit with status N (a crash during start)
#   STANDIN_LOG=TEXT          print TEXT on stderr first (e.g. a fatal line the engine would log)
#   STANDIN_CHILD=1           start a child process (sleep) that must be stopped with the server
#   STANDIN_SIM_ARGS="..."    extra SimulatedEngineMain flags, e.g. "--crash-after 3"
#   STANDIN_ARGS_FILE=PATH    write the arguments received there, one per line
#   STANDIN_CRASH_ONCE=PATH   the first start (PATH absent: it is created) crashes after
#                             STANDIN_CRASH_AFTER requests (default 10); later starts do not
#   STANDIN_DRY_RUN=1         only check the flags: exit 0 after parsing, touching no file

standin_record_args() {
  if [ -n "${STANDIN_ARGS_FILE:-}" ]; then
    printf '%s\n' "$@" > "$STANDIN_ARGS_FILE"
  fi
}

# standin_exec DIALECT PORT SERVED_NAME TP
standin_exec() {
  if [ "${STANDIN_DRY_RUN:-}" = "1" ]; then
    exit 0
  fi
  if [ -n "${STANDIN_LOG:-}" ]; then
    echo "$STANDIN_LOG" >&2
  fi
  if [ -n "${STANDIN_EXIT_AT_START:-}" ]; then
    echo "$STANDIN_NAME: loading model ..."
    exit "$STANDIN_EXIT_AT_START"
  fi
  if [ -z "${QMETER_STANDIN_CLASSPATH:-}" ]; then
    echo "$STANDIN_NAME: QMETER_STANDIN_CLASSPATH is not set (the stand-in needs the testkit's class path)" >&2
    exit 70
  fi
  if [ "${STANDIN_CHILD:-}" = "1" ]; then
    sleep 600 >/dev/null 2>&1 < /dev/null &
  fi
  if [ -n "${STANDIN_CRASH_ONCE:-}" ] && [ ! -e "$STANDIN_CRASH_ONCE" ]; then
    : > "$STANDIN_CRASH_ONCE"
    STANDIN_SIM_ARGS="${STANDIN_SIM_ARGS:-} --crash-after ${STANDIN_CRASH_AFTER:-10}"
  fi
  tp_arg=""
  case "$4" in 1|2|4|8) tp_arg="--tp $4" ;; esac
  # shellcheck disable=SC2086
  exec "${QMETER_STANDIN_JAVA:-java}" -Xshare:auto -XX:TieredStopAtLevel=1 -Xmx128m \
    -cp "$QMETER_STANDIN_CLASSPATH" io.qmeter.testkit.SimulatedEngineMain \
    --dialect "$1" --port "$2" --served-model-name "$3" $tp_arg ${STANDIN_SIM_ARGS:-}
}
