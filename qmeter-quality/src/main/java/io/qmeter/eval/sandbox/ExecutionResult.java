package io.qmeter.eval.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * How one sandboxed program ended.
 *
 * <pre>{@code
 * ExecutionResult r = sandbox.run(program);
 * if (r.status() == ExecutionResult.Status.TIMED_OUT) System.out.println("cut after " + r.elapsed());
 * }</pre>
 *
 * @param status   passed (exit 0), failed (another exit status), timed out (killed at the limit), or
 *                 error (could not be started)
 * @param exitCode the exit status, or -1 when it timed out or never started
 * @param elapsed  wall time from start to end (or to the kill)
 * @param output   the tail of its standard output and error together (at most 4,000 characters)
 */
public record ExecutionResult(Status status, int exitCode, Duration elapsed, String output) {

    /** How a program ended. */
    public enum Status {
        /** Exited with status 0. */
        PASSED,
        /** Exited with another status (an assertion, an exception, a refused system call). */
        FAILED,
        /** Ran past the time limit and was killed with its whole process tree. */
        TIMED_OUT,
        /** Could not be started. */
        ERROR
    }

    /** Checks and defaults. */
    public ExecutionResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(elapsed, "elapsed");
        output = output == null ? "" : output;
    }

    /**
     * Whether the program passed.
     *
     * @return true for {@link Status#PASSED}
     */
    public boolean passed() {
        return status == Status.PASSED;
    }

    /**
     * A one-line verdict: "passed", "timed out after 3 s", or "failed: " and the last line of output.
     *
     * @return the verdict
     */
    public String verdict() {
        switch (status) {
            case PASSED:
                return "passed";
            case TIMED_OUT:
                return "timed out after " + elapsed.toMillis() + " ms";
            case ERROR:
                return "error: " + lastLine();
            default:
                return "failed (exit " + exitCode + "): " + lastLine();
        }
    }

    private String lastLine() {
        String t = output.strip();
        int i = t.lastIndexOf('\n');
        return i < 0 ? t : t.substring(i + 1);
    }
}
