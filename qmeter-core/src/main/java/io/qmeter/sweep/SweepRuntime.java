package io.qmeter.sweep;

import io.qmeter.LoadRun;
import io.qmeter.RunResult;
import io.qmeter.store.StoredRun;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every part of one coordinator shares: its settings, the cancelled flag, the load runs in
 * flight (so that cancel reaches them), progress events and the store.
 */
final class SweepRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(SweepCoordinator.class);

    final SweepCoordinator.Builder cfg;
    final GpuLedger gpus = new GpuLedger();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final CountDownLatch cancelledLatch = new CountDownLatch(1);
    private final Set<CompletableFuture<?>> running = ConcurrentHashMap.newKeySet();

    SweepRuntime(SweepCoordinator.Builder cfg) {
        this.cfg = cfg;
    }

    boolean isCancelled() {
        return cancelled.get();
    }

    /** Sets the cancelled flag and cancels the runs in flight; true the first time. */
    boolean cancel() {
        if (cancelled.compareAndSet(false, true)) {
            cancelledLatch.countDown();
            running.forEach(f -> f.cancel(true));
            return true;
        }
        return false;
    }

    /**
     * Waits {@code d} unless the sweep is cancelled first.
     *
     * @return true when the whole wait passed, false when cancelled or interrupted
     */
    boolean pause(Duration d) {
        if (d.isZero() || d.isNegative()) {
            return !isCancelled();
        }
        try {
            return !cancelledLatch.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            return false;
        }
    }

    void emit(SweepEvent e) {
        for (ProgressListener l : cfg.listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                LOG.warn("progress listener {} failed on {}", l, e.getClass().getSimpleName(), ex);
            }
        }
    }

    void put(StoredRun run) {
        cfg.store.put(run);
    }

    /** Runs a load while watching the engine; the result only when the engine stayed healthy. */
    RunResult runWatched(EngineWatch watch, LoadRun run) {
        if (cancelled.get()) {
            throw new CancellationException("the sweep was cancelled");
        }
        CompletableFuture<RunResult> f = run.runAsync();
        running.add(f);
        try {
            while (true) {
                try {
                    RunResult r = f.get(cfg.healthInterval.toMillis(), TimeUnit.MILLISECONDS);
                    String why = watch.checkAfterRun();
                    if (why != null) {
                        throw new EngineFailure(why, List.of());
                    }
                    return r;
                } catch (TimeoutException e) {
                    if (cancelled.get()) {
                        f.cancel(true);
                        throw new CancellationException("the sweep was cancelled");
                    }
                    String why = watch.check();
                    if (why != null) {
                        f.cancel(true);
                        throw new EngineFailure(why, List.of());
                    }
                } catch (CancellationException e) {
                    throw e;
                } catch (ExecutionException e) {
                    throw new EngineFailure("the load run failed: " + e.getCause(), List.of());
                } catch (InterruptedException e) {
                    f.cancel(true);
                    if (cancel()) {
                        LOG.info("sweep cancelled; stopping current runs");
                    }
                    Thread.currentThread().interrupt();
                    throw new CancellationException("interrupted");
                }
            }
        } finally {
            running.remove(f);
        }
    }
}
