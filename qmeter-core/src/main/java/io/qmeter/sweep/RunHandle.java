package io.qmeter.sweep;

import java.util.Optional;

/**
 * One piece of work submitted to a {@link Placement}: its state, polled by the scheduler, and a way
 * to cancel it. The run's results go to the store, not through the handle.
 *
 * <pre>{@code
 * RunHandle h = placement.submit(job);
 * if (h.poll() == RunHandle.State.FAILED) throw new IllegalStateException(h.failure().orElseThrow());
 * }</pre>
 */
public interface RunHandle {

    /** Where a submitted piece of work stands. */
    enum State {
        /** Accepted, not started yet. */
        PENDING,
        /** Running. */
        RUNNING,
        /** Ended normally (its points stored, whatever their status). */
        DONE,
        /** Ended with an error outside the points' own recording (see {@link RunHandle#failure()}). */
        FAILED,
        /** Cancelled before it ended. */
        CANCELLED;

        /**
         * Whether the work has ended.
         *
         * @return true for DONE, FAILED and CANCELLED
         */
        public boolean isTerminal() {
            return this == DONE || this == FAILED || this == CANCELLED;
        }
    }

    /**
     * The state now; never blocks for long.
     *
     * @return the state
     */
    State poll();

    /**
     * Why the work failed, once {@link #poll()} says FAILED.
     *
     * @return the error, or empty
     */
    Optional<Throwable> failure();

    /** Asks the work to stop; idempotent, and harmless once it ended. */
    void cancel();
}
