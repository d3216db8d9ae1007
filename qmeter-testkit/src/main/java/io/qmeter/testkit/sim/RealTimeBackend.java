package io.qmeter.testkit.sim;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The simulated engine running in real time: one iteration-loop thread plans each iteration with
 * the shared scheduler, computes its duration from the roofline, waits until its deadline
 * ({@link LockSupport#parkNanos(long)} then a short spin) and hands the tokens to the sinks.
 *
 * <p>Iterations follow model time, not the thread's wake-ups: iteration k+1 starts at iteration
 * k's deadline and admits exactly the requests that arrived by then, as {@link VirtualTimeSimulator}
 * does; a thread that wakes late delivers late but does not shift later iterations. Energy is
 * integrated over the same timeline into {@link #powerSensor()}.
 *
 * <pre>{@code
 * try (RealTimeBackend b = RealTimeBackend.create(SimConfig.builder().model("Llama-2-7B").build())) {
 *     b.submit(new SimRequest(331, 231, true, 1L), sink);
 * }
 * }</pre>
 */
public final class RealTimeBackend implements ServingBackend {

    private static final Logger LOG = LoggerFactory.getLogger(RealTimeBackend.class);
    /** The last stretch of each wait is a spin, for sub-100 µs accuracy. */
    private static final long SPIN_NANOS = 100_000;

    private final SimConfig config;
    private final PerfModel perf;
    private final IterationScheduler scheduler;
    private final EnergyMeter meter;
    private final SimulatedPowerSensor sensor;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Seq> inbox = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Seq> cancels = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Seq> pending = new PriorityQueue<>(
            Comparator.comparingLong((Seq s) -> s.arrivalNanos).thenComparingLong(s -> s.id));
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;
    /** Set by the loop after its last look at the inbox; a later submission must fail itself. */
    private volatile boolean terminated;
    private volatile BackendStats stats = new BackendStats(0, 0, 0, 0, 0, 0, 0);
    private final Object closeLock = new Object();
    private boolean joined;

    private RealTimeBackend(SimConfig config) {
        this.config = config;
        this.perf = new PerfModel(config);
        this.scheduler = new IterationScheduler(config);
        this.meter = new EnergyMeter(config.gpu().idleWatts(), System.nanoTime());
        this.sensor = new SimulatedPowerSensor(meter, System::nanoTime, config);
        this.thread = new Thread(this::loop, "qmeter-sim-iterations");
        this.thread.setDaemon(true);
        this.thread.start();
        LOG.debug("simulated engine {} started: {}", config.label(), config.memoryPlan().summary());
    }

    /**
     * Starts a backend with its iteration thread.
     *
     * @param config the configuration
     * @return the running backend; close it
     */
    public static RealTimeBackend create(SimConfig config) {
        return new RealTimeBackend(java.util.Objects.requireNonNull(config, "config"));
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public SimConfig config() {
        return config;
    }

    /**
     * The power sensor bound to this backend: its windows integrate the modelled power of every
     * tensor-parallel rank over wall-clock time.
     *
     * @return the sensor (shares the backend's lifetime; closing it does nothing)
     */
    public SimulatedPowerSensor powerSensor() {
        return sensor;
    }

    @Override
    public Submission submit(SimRequest request, TokenSink sink) {
        return submit(request, sink, System.nanoTime());
    }

    /**
     * Queues a request as if it had arrived at {@code arrivalNanos} (a {@link System#nanoTime()}
     * value): it joins the first iteration that starts at or after that time, so a replay harness
     * may submit slightly ahead of its schedule and still be admitted exactly on time. A time in
     * the past joins the next iteration; if the engine is idle, that iteration starts at the given
     * time, so the first tokens may be due at once (the server "received" the request then).
     *
     * @param request      the request
     * @param sink         where its tokens go
     * @param arrivalNanos its arrival time on the {@link System#nanoTime()} clock
     * @return a handle to cancel it
     */
    public Submission submit(SimRequest request, TokenSink sink, long arrivalNanos) {
        java.util.Objects.requireNonNull(request, "request");
        java.util.Objects.requireNonNull(sink, "sink");
        String reject = scheduler.rejectReason(request.promptTokens(), request.maxTokens(), contextLength());
        if (reject == null && closed) {
            reject = "the simulated engine is shut down";
        }
        if (reject != null) {
            safeError(sink, reject);
            return () -> { };
        }
        Seq s = new Seq(ids.incrementAndGet(), arrivalNanos, request.promptTokens(), request.maxTokens(),
                Seq.targetTokens(request, config.seed()), sink);
        inbox.add(s);
        if (terminated && inbox.remove(s)) {
            // the loop has shut down after this request passed the closed check
            safeError(sink, "the simulated engine is shut down");
            return () -> { };
        }
        LockSupport.unpark(thread);
        return () -> {
            if (!s.cancelled) {
                s.cancelled = true;
                cancels.add(s);
                LockSupport.unpark(thread);
            }
        };
    }

    @Override
    public BackendStats stats() {
        return stats;
    }

    @Override
    public int contextLength() {
        return config.model().contextLength();
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        synchronized (closeLock) {
            if (joined || Thread.currentThread() == thread) {
                return;
            }
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            joined = true;
        }
    }

    private void loop() {
        long start = System.nanoTime(); // model time: when the next iteration starts
        boolean busy = false;
        try {
            while (!closed) {
                drain();
                if (scheduler.idle()) {
                    if (busy) {
                        meter.setWatts(start, perf.idleWatts());
                        busy = false;
                        publish();
                    }
                    Seq next = pending.peek();
                    if (next == null) {
                        LockSupport.park(this);
                        continue;
                    }
                    long at = Math.max(start, next.arrivalNanos);
                    long left = at - System.nanoTime();
                    if (left > 0) {
                        if (left > SPIN_NANOS) {
                            LockSupport.parkNanos(this, left - SPIN_NANOS);
                        } else {
                            Thread.onSpinWait();
                        }
                        continue; // re-check: an earlier request may have come in meanwhile
                    }
                    start = at;
                }
                admitUpTo(start);
                if (!scheduler.plan()) {
                    // cannot happen (an idle cache admits any request that passed rejectReason); do not spin
                    LOG.error("simulated engine could not schedule {} waiting requests with {} running",
                            scheduler.waitingCount(), scheduler.runningCount());
                    LockSupport.parkNanos(this, 1_000_000);
                    continue;
                }
                long duration = perf.iterationNanos(scheduler.shape());
                meter.setWatts(start, perf.lastWatts());
                busy = true;
                long deadline = start + duration;
                waitUntil(deadline);
                scheduler.complete(deadline, this::deliver);
                start = deadline;
                publish();
            }
        } catch (RuntimeException | Error e) {
            LOG.error("simulated engine iteration loop failed", e);
        } finally {
            shutdown();
        }
    }

    private void drain() {
        Seq s;
        while ((s = inbox.poll()) != null) {
            pending.add(s);
        }
        while ((s = cancels.poll()) != null) {
            if (!pending.remove(s)) {
                scheduler.remove(s);
            }
        }
    }

    private void admitUpTo(long nanos) {
        while (!pending.isEmpty() && pending.peek().arrivalNanos <= nanos) {
            Seq s = pending.poll();
            if (!s.cancelled) {
                scheduler.addWaiting(s);
            }
        }
    }

    private void waitUntil(long deadline) {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            if (left > SPIN_NANOS) {
                LockSupport.parkNanos(this, left - SPIN_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private void deliver(Seq s, long nanos, boolean finished) {
        TokenSink sink = (TokenSink) s.owner;
        try {
            sink.onTokens(1, nanos);
            if (finished) {
                sink.onFinish(s.generated < s.maxTokens ? "stop" : "length", s.promptTokens, s.generated);
            }
        } catch (RuntimeException e) {
            LOG.warn("token sink of request {} threw; the request continues", s.id, e);
        }
    }

    private void publish() {
        stats = new BackendStats(scheduler.runningCount(), scheduler.waitingCount(), scheduler.kvUsage(),
                scheduler.promptTokensTotal(), scheduler.generationTokensTotal(), scheduler.finishedTotal(),
                scheduler.preemptionsTotal());
    }

    private void shutdown() {
        closed = true;
        meter.setWatts(System.nanoTime(), perf.idleWatts());
        ArrayList<Seq> all = scheduler.drainAll();
        all.addAll(pending);
        pending.clear();
        Seq s;
        while ((s = inbox.poll()) != null) {
            all.add(s);
        }
        terminated = true;
        while ((s = inbox.poll()) != null) {
            all.add(s);
        }
        for (Seq x : all) {
            if (!x.cancelled) {
                safeError((TokenSink) x.owner, "the simulated engine shut down before the request finished");
            }
        }
        publish();
    }

    private static void safeError(TokenSink sink, String message) {
        try {
            sink.onError(message);
        } catch (RuntimeException e) {
            LOG.warn("token sink threw from onError", e);
        }
    }
}
