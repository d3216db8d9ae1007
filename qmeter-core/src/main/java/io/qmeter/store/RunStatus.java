package io.qmeter.store;

/**
 * How a stored run ended. Only {@link #OK} runs count as measurements; the others keep their
 * cause so that a failure is recorded, never dropped.
 *
 * <pre>{@code
 * long failed = store.findByPlan(id).stream().filter(r -> r.status() != RunStatus.OK).count();
 * }</pre>
 */
public enum RunStatus {
    /** The run completed and is valid. */
    OK,
    /** The run could not complete (engine crashed, client error); see the cause. */
    FAILED,
    /** The run completed but does not count (client lag, missed rate); see the cause. */
    INVALID,
    /**
     * The run was stopped by the user (the sweep was cancelled, e.g. Ctrl-C) before it completed;
     * the cause says when. A sweep run again runs the point again and replaces it.
     */
    CANCELLED
}
