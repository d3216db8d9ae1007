package io.qmeter.engine;

import java.util.List;

/**
 * An engine failed to start, died or hung. Carries the engine's last log lines.
 *
 * <pre>{@code
 * try { engine.start(); } catch (EngineException e) { e.logTail().forEach(System.err::println); }
 * }</pre>
 */
public class EngineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> logTail;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do
     * @param logTail the engine's last log lines (may be empty)
     * @param cause   the underlying cause, or {@code null}
     */
    public EngineException(String message, List<String> logTail, Throwable cause) {
        super(message, cause);
        this.logTail = List.copyOf(logTail);
    }

    /**
     * Creates the exception without a log.
     *
     * @param message what happened and what to do
     */
    public EngineException(String message) {
        this(message, List.of(), null);
    }

    /**
     * Whether starting the same engine again can succeed. A crash, a hang or a busy port may pass; a
     * refused flag, a missing model or an unsupported quantization method will fail the same way
     * every time, so a sweep stops retrying at once and stores the point as failed with this cause.
     * Default: true; launchers that recognise the failure override it.
     *
     * <pre>{@code
     * catch (EngineException e) { if (!e.retryable()) giveUp(e.getMessage()); }
     * }</pre>
     *
     * @return true when a retry may help
     */
    public boolean retryable() {
        return true;
    }

    /**
     * The engine's last log lines.
     *
     * @return the lines, oldest first
     */
    public List<String> logTail() {
        return logTail;
    }
}
