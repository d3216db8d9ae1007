package io.qmeter.sweep;

import io.qmeter.LoadRun;
import io.qmeter.LoadRunBuilder;
import io.qmeter.QMeter;
import io.qmeter.RunResult;
import io.qmeter.workload.PromptSpec;
import io.qmeter.workload.Workload;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open-loop background load of a quality score under load: the plan's workload at Poisson
 * arrivals of the given rate, run through the configuration's load machinery on its own thread
 * while the engine is watched. It lasts as long as it is needed: the workload is wrapped so that it
 * ends once {@link #stop()} was called (the benchmark is done) and at least the plan's measured
 * requests were sent (the load run then ends at its last dispatched request, which is where its
 * measured window ends), with {@link #MAX_DURATION} as a safety cap.
 */
final class BackgroundLoad implements AutoCloseable {

    /** The longest a background load may run; a benchmark still running then is not covered. */
    static final Duration MAX_DURATION = Duration.ofHours(6);

    private final Stoppable workload;
    private final CompletableFuture<RunResult> result = new CompletableFuture<>();
    private final SweepRuntime rt;
    private final EngineWatch watch;
    private volatile boolean stoppedWhileRunning;

    /**
     * Starts the load.
     *
     * @param warmupRequests requests it sends before {@link #awaitWarmup()} returns (at least 1); they
     *                       are left out of its measured window
     * @param minMeasured    requests it sends after the warm-up at least, however soon the benchmark ends
     */
    BackgroundLoad(ConfigurationTask task, EngineWatch watch, double rate, long seed, int warmupRequests,
                   long minMeasured) {
        this.rt = task.rt;
        this.watch = watch;
        int warm = Math.max(1, warmupRequests);
        // the load run draws its first prompt before it starts: warm + 1 drawn = warm handed to the sender
        this.workload = new Stoppable(task.workload, warm + 1, warm + 1 + Math.max(0, minMeasured));
        LoadRunBuilder b = task.base(watch).workload(workload).arrivals(QMeter.poisson(rate)).seed(seed)
                .duration(MAX_DURATION).warmup(Duration.ofNanos(Math.round(warm / rate * 1e9)))
                .slo(task.plan.slo());
        LoadRun run = b.build();
        Thread t = new Thread(() -> {
            try {
                result.complete(rt.runWatched(watch, run));
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        }, "qmeter-background-" + task.cid);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Waits until the warm-up requests were handed to the sender, polling the sweep's cancellation
     * and the engine's watch every health interval.
     *
     * @throws EngineFailure        when the engine failed meanwhile, or the load ended before its warm-up
     * @throws CancellationException when the sweep was cancelled
     */
    void awaitWarmup() {
        while (true) {
            try {
                if (workload.warmedUp.await(rt.cfg.healthInterval.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            }
            if (rt.isCancelled()) {
                throw new CancellationException("the sweep was cancelled");
            }
            if (result.isDone()) {
                RunResult r = join(Duration.ZERO);
                throw new IllegalStateException("the background load ended before its warm-up ("
                        + workload.drawn.get() + " prompts drawn): " + r.endReason());
            }
            String why = watch.check();
            if (why != null) {
                throw new EngineFailure(why, List.of());
            }
        }
    }

    /**
     * Lets the background's schedule end (once its minimum of measured requests is sent; requests in
     * flight complete); notes whether it was still running.
     */
    void stop() {
        if (!workload.stopped.getAndSet(true)) {
            stoppedWhileRunning = !result.isDone() && !workload.exhausted;
        }
    }

    /**
     * Whether the load was still running when {@link #stop()} was called (so it covered the whole
     * benchmark, not only its beginning).
     *
     * @return true when covered
     */
    boolean covered() {
        return stoppedWhileRunning;
    }

    /**
     * The load's result, after {@link #stop()}.
     *
     * @param timeout how long to wait; zero or negative waits without limit
     * @return the result
     * @throws EngineFailure        when the engine failed during it
     * @throws CancellationException when the sweep was cancelled
     */
    RunResult join(Duration timeout) {
        try {
            return timeout.isZero() || timeout.isNegative() ? result.get()
                    : result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("the background load failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the background load did not end within " + timeout + " of its stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        }
    }

    /** Ends the load at once and waits a little for it, so that it does not outlive its attempt unnoticed. */
    @Override
    public void close() {
        stop();
        workload.ended.set(true);
        try {
            result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | CancellationException e) {
            // already reported (or abandoned with a failed attempt)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The plan's workload, ending when stopped; counts the prompts drawn. */
    private static final class Stoppable implements Workload {
        private final Workload inner;
        final AtomicBoolean stopped = new AtomicBoolean();
        final AtomicBoolean ended = new AtomicBoolean();
        final AtomicLong drawn = new AtomicLong();
        final CountDownLatch warmedUp = new CountDownLatch(1);
        private final long warmDraws;
        private final long minDraws;
        volatile boolean exhausted;

        Stoppable(Workload inner, long warmDraws, long minDraws) {
            this.inner = inner;
            this.warmDraws = warmDraws;
            this.minDraws = minDraws;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public Map<String, Object> describe() {
            return inner.describe();
        }

        @Override
        public Iterator<PromptSpec> prompts(long seed) {
            Iterator<PromptSpec> it = inner.prompts(seed);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    if (ended.get() || stopped.get() && drawn.get() >= minDraws) {
                        return false;
                    }
                    boolean more = it.hasNext();
                    if (!more) {
                        exhausted = true;
                    }
                    return more;
                }

                @Override
                public PromptSpec next() {
                    PromptSpec p = it.next();
                    if (drawn.incrementAndGet() >= warmDraws) {
                        warmedUp.countDown();
                    }
                    return p;
                }
            };
        }
    }
}
