package io.qmeter.cli;

/**
 * The exit codes of the {@code qmeter} command, for scripts.
 *
 * <pre>{@code
 * qmeter run plan.json || case $? in 1) echo "some runs failed";; 2) echo "fix the plan";; esac
 * }</pre>
 */
public final class ExitCodes {

    /** Everything asked for was done and every run is OK. */
    public static final int OK = 0;
    /** The command ran but runs failed or are invalid (or the check it made failed). */
    public static final int FAILED = 1;
    /** Bad input: an unknown option, a bad value, an invalid plan; nothing was run. */
    public static final int BAD_INPUT = 2;
    /** Stopped by Ctrl-C (SIGINT, 128 + 2): the current run is stored as cancelled. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
