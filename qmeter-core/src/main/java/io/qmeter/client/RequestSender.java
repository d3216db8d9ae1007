package io.qmeter.client;

import io.qmeter.metrics.RequestRecord;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one request and measures it. {@link LlmClient} is the HTTP implementation; tests and
 * virtual-time simulations provide others, passed in explicitly (no {@link java.util.ServiceLoader}
 * discovery); the testkit's {@code RequestSenderCompatibilityKit} checks the contract.
 *
 * <p>Contract: the returned future always completes normally with a record, whatever happens
 * (HTTP errors, timeouts, malformed streams become the record's {@link io.qmeter.metrics.Outcome});
 * it never completes exceptionally. Times in the record are absolute {@link System#nanoTime()}
 * values; {@code scheduledNanos} is copied into it unchanged.
 *
 * <pre>{@code
 * RequestRecord r = sender.send(request, 0, System.nanoTime()).join();
 * }</pre>
 */
public interface RequestSender extends AutoCloseable {

    /**
     * Sends a request now.
     *
     * @param request        the request
     * @param index          its position in the run's schedule
     * @param scheduledNanos when the schedule said it was due ({@link System#nanoTime()})
     * @return the measured record; never completes exceptionally
     */
    CompletableFuture<RequestRecord> send(CompletionRequest request, long index, long scheduledNanos);

    /**
     * Whether {@link #sendAt} holds a request until its due time itself (so the load runner can
     * hand requests over ahead of time instead of waking up for each one). False by default.
     *
     * @return true when {@link #sendAt} is implemented
     */
    default boolean sendsAhead() {
        return false;
    }

    /**
     * Sends a request at {@code scheduledNanos} (at once when that has passed). The record's
     * {@code dispatchNanos} is when the sender started sending it, so schedule lag measures the
     * sender's own timing. Cancelling the future before the due time means it is never sent.
     * Only for senders whose {@link #sendsAhead()} is true.
     *
     * @param request        the request
     * @param index          its position in the run's schedule
     * @param scheduledNanos when to send it ({@link System#nanoTime()})
     * @return the measured record; never completes exceptionally
     * @throws UnsupportedOperationException when {@link #sendsAhead()} is false
     */
    default CompletableFuture<RequestRecord> sendAt(CompletionRequest request, long index, long scheduledNanos) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " sends only now; check sendsAhead()");
    }

    /**
     * Starts sampling how late the sender's event loops run between two {@link System#nanoTime()}
     * instants (see {@link LoopDelayWatch}), for senders that timestamp responses on event loops.
     * None by default.
     *
     * @param fromNanos first instant sampled
     * @param toNanos   last instant sampled
     * @return the watch to {@link LoopDelayWatch#stop()}, or {@code null} when this sender has none
     */
    default LoopDelayWatch watchLoopDelay(long fromNanos, long toNanos) {
        return null;
    }

    /**
     * Gets ready to send {@code template}-like requests at up to {@code concurrency} at once, before
     * a run fixes its time origin, so that nothing the sender builds once (threads, event loops,
     * connections, the classes of its hot path) is paid by the run's first requests. Blocks until
     * ready or until it gives up; a sender that cannot get ready (the server is down) returns anyway,
     * and its requests then report why. Does nothing by default.
     *
     * @param template    a request like those the run will send
     * @param concurrency how many requests the run expects in flight at once (at least 1)
     */
    default void prepare(CompletionRequest template, int concurrency) {
    }

    /**
     * When bytes last arrived from the server on any of this sender's connections
     * ({@link System#nanoTime()}), so a watchdog can tell a slow engine that still streams tokens
     * from a hung one. Read from another thread; never blocks.
     *
     * <pre>{@code
     * long quietNanos = System.nanoTime() - sender.lastArrivalNanos();
     * }</pre>
     *
     * @return the time of the last arrival, or {@link Long#MIN_VALUE} when nothing arrived or the
     *         sender does not know (the default)
     */
    default long lastArrivalNanos() {
        return Long.MIN_VALUE;
    }

    /** Releases connections; idempotent. */
    @Override
    void close();
}
