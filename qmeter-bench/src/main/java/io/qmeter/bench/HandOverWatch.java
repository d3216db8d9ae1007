package io.qmeter.bench;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.RequestSender;
import io.qmeter.metrics.RequestRecord;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link RequestSender} that forwards everything to another (sending ahead when it does) and
 * tells an observer about each request the load runner hands over: its index, its due time, whether
 * it went ahead of that time ({@code sendAt}) or at it ({@code send}), when it was handed over
 * (taken before the target sees it), and the future of its record.
 * Closing it does not close the target (its owner does).
 *
 * <pre>{@code
 * RequestSender watched = new HandOverWatch(client, (i, due, ahead, at, f) -> log(i, at - due));
 * }</pre>
 */
final class HandOverWatch implements RequestSender {

    /** Sees each hand-over, on the load runner's dispatcher thread. */
    @FunctionalInterface
    interface Observer {
        /**
         * One request was handed to the target.
         *
         * @param index          its index in the schedule
         * @param scheduledNanos its due time
         * @param ahead          true when handed over ahead of that time
         * @param handedAtNanos  {@link System#nanoTime()} just before the target was called
         * @param record         the target's future of its record
         */
        void handedOver(long index, long scheduledNanos, boolean ahead, long handedAtNanos,
                        CompletableFuture<RequestRecord> record);
    }

    private final RequestSender target;
    private final Observer observer;

    HandOverWatch(RequestSender target, Observer observer) {
        this.target = target;
        this.observer = observer;
    }

    @Override
    public CompletableFuture<RequestRecord> send(CompletionRequest request, long index, long scheduledNanos) {
        return handOver(request, index, scheduledNanos, false);
    }

    @Override
    public boolean sendsAhead() {
        return target.sendsAhead();
    }

    @Override
    public CompletableFuture<RequestRecord> sendAt(CompletionRequest request, long index, long scheduledNanos) {
        return handOver(request, index, scheduledNanos, true);
    }

    private CompletableFuture<RequestRecord> handOver(CompletionRequest request, long index, long scheduledNanos,
                                                      boolean ahead) {
        long at = System.nanoTime();
        CompletableFuture<RequestRecord> f = ahead ? target.sendAt(request, index, scheduledNanos)
                : target.send(request, index, scheduledNanos);
        observer.handedOver(index, scheduledNanos, ahead, at, f);
        return f;
    }

    /**
     * Whether the client's loop delay is sampled: {@code -Dqmeter.bench.loopDelay=false} turns the probe
     * off, to measure what it costs.
     */
    static final boolean LOOP_DELAY = Boolean.parseBoolean(System.getProperty("qmeter.bench.loopDelay", "true"));

    @Override
    public io.qmeter.client.LoopDelayWatch watchLoopDelay(long fromNanos, long toNanos) {
        return LOOP_DELAY ? target.watchLoopDelay(fromNanos, toNanos) : null;
    }

    @Override
    public void close() {
        // the target is closed by its owner
    }
}
