package io.qmeter.sweep;

import java.time.Duration;

/**
 * Decides where one configuration of a plan runs (its engine start, saturation search and points):
 * in this JVM ({@link LocalPlacement}), or as a task of a cluster scheduler. The coordinator's
 * scheduler decides <em>which</em> configurations may run at the same time and hands each to
 * {@link #submit}; the placement only runs it and reports its state through the returned
 * {@link RunHandle}, which the scheduler polls. Nothing here assumes threads: a Slurm or
 * Kubernetes placement submits {@link PlacementJob#planId()} and
 * {@link PlacementJob#configuration()} to its scheduler and ignores {@link PlacementJob#inProcess()}.
 *
 * <p>Contract: {@link #submit} after {@link #close} throws {@link IllegalStateException};
 * {@link #close} cancels what is still running and is idempotent.
 *
 * <pre>{@code
 * try (Placement p = new LocalPlacement()) {
 *     RunHandle h = p.submit(job);
 *     while (!h.poll().isTerminal()) p.awaitChange(Duration.ofSeconds(1));
 * }
 * }</pre>
 */
public interface Placement extends AutoCloseable {

    /**
     * Starts one configuration's work.
     *
     * @param job what to run
     * @return its handle
     * @throws IllegalStateException after {@link #close()}
     */
    RunHandle submit(PlacementJob job);

    /**
     * Waits up to {@code max} for some submitted work to change state since this method last
     * returned (a local placement returns as soon as a job ends, at once if one ended in between; a
     * remote one may simply wait out its polling interval).
     *
     * @param max the longest wait
     * @throws InterruptedException when the waiting thread is interrupted
     */
    void awaitChange(Duration max) throws InterruptedException;

    /** Cancels what is still running and refuses new work; idempotent. */
    @Override
    void close();
}
