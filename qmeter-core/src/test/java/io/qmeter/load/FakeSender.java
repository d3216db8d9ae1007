package io.qmeter.load;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.RequestSender;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * A test {@link RequestSender}: "sends" at once, and completes each future from a scheduled executor
 * after {@code ttftNanos + (tokens - 1) * gapNanos}, with chunk times laid out on that plan. Outcomes
 * per index are scripted. Tracks the largest number of requests in flight at once.
 */
public final class FakeSender implements RequestSender {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-sender");
        t.setDaemon(true);
        return t;
    });
    private final long ttftNanos;
    private final long gapNanos;
    private final LongFunction<Outcome> outcomes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger sends = new AtomicInteger();
    private final ConcurrentHashMap<Long, CompletionRequest> requests = new ConcurrentHashMap<>();
    private volatile boolean neverComplete;

    public FakeSender(long ttftNanos, long gapNanos, LongFunction<Outcome> outcomes) {
        this.ttftNanos = ttftNanos;
        this.gapNanos = gapNanos;
        this.outcomes = outcomes;
    }

    public FakeSender(long ttftNanos, long gapNanos) {
        this(ttftNanos, gapNanos, i -> Outcome.OK);
    }

    /** Futures are never completed (to test drain timeout and cancellation). */
    public FakeSender neverComplete() {
        neverComplete = true;
        return this;
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    public int sends() {
        return sends.get();
    }

    public CompletionRequest request(long index) {
        return requests.get(index);
    }

    @Override
    public CompletableFuture<RequestRecord> send(CompletionRequest request, long index, long scheduledNanos) {
        long sent = System.nanoTime();
        sends.incrementAndGet();
        requests.put(index, request);
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        CompletableFuture<RequestRecord> f = new CompletableFuture<>();
        if (neverComplete) {
            return f;
        }
        int out = request.maxTokens();
        Outcome outcome = outcomes.apply(index);
        long total = ttftNanos + (out - 1) * gapNanos;
        timer.schedule(() -> {
            inFlight.decrementAndGet();
            RequestRecord r;
            if (outcome == Outcome.OK) {
                long[] chunks = new long[out];
                for (int j = 0; j < out; j++) {
                    chunks[j] = sent + ttftNanos + j * gapNanos;
                }
                r = new RequestRecord(index, scheduledNanos, sent, chunks[0], chunks[out - 1], chunks, null,
                        request.prompt().inputTokens(), request.prompt().inputTokens(), out, out, false, "length",
                        Outcome.OK, 200, null, null);
            } else {
                r = new RequestRecord(index, scheduledNanos, sent, -1, -1, null, null,
                        request.prompt().inputTokens(), -1, out, 0, false, null, outcome, 500, "scripted failure",
                        null);
            }
            f.complete(r);
        }, total, TimeUnit.NANOSECONDS);
        return f;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
