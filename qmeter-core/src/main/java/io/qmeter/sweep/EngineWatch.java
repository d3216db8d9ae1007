package io.qmeter.sweep;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.Endpoint;
import io.qmeter.client.LlmClient;
import io.qmeter.client.RequestSender;
import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.Health;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.workload.PromptSpec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Watches one engine while a load runs against it: a sender decorator that sees every request's
 * outcome, and {@link #check()} (called about once a second) that polls health and detects a hang.
 * A hang is: requests in flight, none completed for {@code stallTimeout}, and a one-token request
 * sent on a side connection gets no answer within {@code stallTimeout} either.
 */
final class EngineWatch implements RequestSender {

    private final RequestSender delegate;
    private final EngineHandle handle;
    private final Duration stallTimeout;
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong lastProgressNanos = new AtomicLong(System.nanoTime());
    private final AtomicReference<String> broken = new AtomicReference<>();
    private final AtomicLong engineErrors = new AtomicLong();
    private volatile String lastEngineError;
    private int unresponsiveInRow;

    EngineWatch(RequestSender delegate, EngineHandle handle, Duration stallTimeout) {
        this.delegate = delegate;
        this.handle = handle;
        this.stallTimeout = stallTimeout;
    }

    @Override
    public CompletableFuture<RequestRecord> send(CompletionRequest request, long index, long scheduledNanos) {
        return watch(delegate.send(request, index, scheduledNanos));
    }

    @Override
    public boolean sendsAhead() {
        return delegate.sendsAhead();
    }

    @Override
    public CompletableFuture<RequestRecord> sendAt(CompletionRequest request, long index, long scheduledNanos) {
        return watch(delegate.sendAt(request, index, scheduledNanos));
    }

    @Override
    public long lastArrivalNanos() {
        return delegate.lastArrivalNanos();
    }

    @Override
    public void prepare(CompletionRequest template, int concurrency) {
        delegate.prepare(template, concurrency);
    }

    @Override
    public io.qmeter.client.LoopDelayWatch watchLoopDelay(long fromNanos, long toNanos) {
        return delegate.watchLoopDelay(fromNanos, toNanos);
    }

    private CompletableFuture<RequestRecord> watch(CompletableFuture<RequestRecord> sent) {
        if (inFlight.getAndIncrement() == 0) {
            lastProgressNanos.set(System.nanoTime());
        }
        CompletableFuture<RequestRecord> watched = sent.whenComplete((r, e) -> {
            inFlight.decrementAndGet();
            lastProgressNanos.set(System.nanoTime());
            if (r != null && isEngineError(r)) {
                engineErrors.incrementAndGet();
                lastEngineError = r.outcome() + (r.error() == null ? "" : ": " + r.error());
            }
        });
        // the load runner cancels what is still open when a run ends: pass that on to the sender
        watched.whenComplete((r, e) -> {
            if (watched.isCancelled()) {
                sent.cancel(true);
            }
        });
        return watched;
    }

    /** Outcomes that say the engine (not the request) is in trouble. */
    static boolean isEngineError(RequestRecord r) {
        return r.outcome() == Outcome.CONNECTION_ERROR || r.outcome() == Outcome.TIMEOUT
                || r.outcome() == Outcome.STREAM_ERROR
                || (r.outcome() == Outcome.HTTP_ERROR && r.httpStatus() >= 500);
    }

    /** The reason the engine was found broken, or null. */
    String broken() {
        return broken.get();
    }

    long engineErrors() {
        return engineErrors.get();
    }

    /**
     * One check: health, then failed outcomes, then a stall. Returns the reason when broken.
     */
    String check() {
        if (broken.get() != null) {
            return broken.get();
        }
        Health h = handle.health();
        if (h.status() == Health.Status.DOWN) {
            return fail("engine is DOWN: " + h.detail());
        }
        if (h.status() != Health.Status.UP) {
            if (++unresponsiveInRow >= 2) {
                return fail("engine is " + h.status() + " twice in a row: " + h.detail());
            }
        } else {
            unresponsiveInRow = 0;
        }
        long errors = engineErrors.get();
        if (errors > 0 && h.status() != Health.Status.UP) {
            return fail(errors + " requests failed (last: " + lastEngineError + ") and the engine is " + h.status());
        }
        // progress is a completed request or any bytes from the server: a slow engine that still
        // streams tokens (long outputs, every slot busy) is not hung, even when nothing completes
        long now = System.nanoTime();
        long idle = now - Math.max(lastProgressNanos.get(), delegate.lastArrivalNanos());
        long open = inFlight.get();
        if (open > 0 && idle > stallTimeout.toNanos() && !answersOneToken()) {
            return fail(String.format(java.util.Locale.ROOT, "engine hangs: %d requests in flight, none completed "
                    + "and no bytes arrived for %.1f s, and a 1-token request got no answer within %s", open,
                    idle / 1e9, stallTimeout));
        }
        return null;
    }

    /** Final check after a run: health must be UP. */
    String checkAfterRun() {
        if (broken.get() != null) {
            return broken.get();
        }
        Health h = handle.health();
        if (!h.isUp()) {
            return fail("engine is " + h.status() + " after the run: " + h.detail());
        }
        return null;
    }

    private String fail(String why) {
        broken.compareAndSet(null, why);
        return broken.get();
    }

    private boolean answersOneToken() {
        try (LlmClient c = LlmClient.create(handle.baseUrl()).firstTokenTimeout(stallTimeout)
                .requestTimeout(stallTimeout.plus(stallTimeout))) {
            CompletionRequest ping = CompletionRequest.of(Endpoint.COMPLETIONS, handle.model(),
                    PromptSpec.ofText("ping", 1, 1));
            RequestRecord r = c.send(ping, -1, System.nanoTime()).get(stallTimeout.toMillis() + 500,
                    TimeUnit.MILLISECONDS);
            if (r.isOk()) {
                lastProgressNanos.set(System.nanoTime());
                return true;
            }
            return false;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true; // cancelled: not a verdict on the engine
        } catch (ExecutionException e) {
            return false;
        }
    }

    @Override
    public void close() {
        delegate.close();
    }
}
