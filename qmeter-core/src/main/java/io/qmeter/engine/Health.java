package io.qmeter.engine;

/**
 * The health of a serving engine at one moment.
 *
 * <pre>{@code
 * Health h = handle.health();
 * if (!h.isUp()) System.out.println(h.detail());
 * }</pre>
 *
 * @param status the status
 * @param detail what was seen (the HTTP status, the exception, the exit code)
 */
public record Health(Status status, String detail) {

    /** The states an engine can be in. */
    public enum Status {
        /** Ready to serve requests. */
        UP,
        /** Started but not ready yet (loading weights). */
        STARTING,
        /** Answers but is not healthy, or did not answer within the health timeout. */
        UNRESPONSIVE,
        /** Gone: the process exited or the port refuses connections. */
        DOWN
    }

    /**
     * Healthy.
     *
     * @return an UP health
     */
    public static Health up() {
        return new Health(Status.UP, "ok");
    }

    /**
     * Whether the engine is ready.
     *
     * @return true when UP
     */
    public boolean isUp() {
        return status == Status.UP;
    }
}
