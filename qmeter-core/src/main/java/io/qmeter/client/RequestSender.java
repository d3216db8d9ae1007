package io.qmeter.client;

import io.qmeter.metrics.RequestRecord;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one request and measures it. {@link LlmClient} is the HTTP implementation; tests and
 * virtual-time simulations provide others.
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

    /** Releases connections; idempotent. */
    @Override
    void close();
}
