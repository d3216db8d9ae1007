package io.qmeter.internal.load;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.LoopDelayWatch;
import io.qmeter.client.RequestSender;
import io.qmeter.internal.RecordLog;
import io.qmeter.load.ClosedLoop;
import io.qmeter.load.LoadPlan;
import io.qmeter.load.LoadShard;
import io.qmeter.metrics.LatencyStats;
import io.qmeter.metrics.MeasurementWindow;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.power.EnergyReading;
import io.qmeter.power.EnergyWindow;
import io.qmeter.power.PowerSensor;
import io.qmeter.workload.PromptSpec;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PrimitiveIterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one open-loop load: a dedicated platform thread holds the schedule (request {@code i} is due
 * at {@code t0 + offset(i)} whatever happened before), parks until shortly before each due time,
 * spins the rest, and hands the request to the {@link RequestSender} without blocking. Schedule lag
 * (dispatch − scheduled) is kept in each record. With an in-flight cap, a request that finds the cap
 * full waits in a FIFO queue and is sent when a permit frees up; that wait shows as queue delay
 * (sent − scheduled), never as schedule lag, and the dispatcher never blocks on it.
 *
 * <p>With a sender that {@linkplain RequestSender#sendsAhead() sends ahead} (such as
 * {@link io.qmeter.client.LlmClient}) and no in-flight cap, the dispatcher instead hands requests
 * over up to 10 ms before they are due, in batches, and the sender's I/O thread sends each at its
 * due time; the dispatch time in the record is then the sender's. This removes the wake-up of a
 * second thread per request, which on a small machine is what makes the schedule slip.
 *
 * <p>Every scheduled request ends as a record: when the drain timeout passes or the run is
 * cancelled, outstanding requests are recorded as {@link Outcome#CANCELLED} with the reason. The
 * sender is not closed (its owner closes it).
 *
 * <pre>{@code
 * try (LoadRunner runner = new LoadRunner(plan, sender, null)) {
 *     LoadOutcome outcome = runner.run();
 * }
 * }</pre>
 */
public final class LoadRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoadRunner.class);
    private static final long START_MARGIN_NANOS = 2_000_000L;
    /**
     * With a sender that sends ahead: requests are handed over up to this long before they are due,
     * in batches at least half of it apart.
     */
    public static final long AHEAD_NANOS = 10_000_000L;
    private static final ThreadLocal<boolean[]> DRAINING = ThreadLocal.withInitial(() -> new boolean[1]);

    private final LoadPlan plan;
    private final RequestSender sender;
    private final PowerSensor sensor;
    /** Which arrivals this process sends. */
    private final LoadShard shard;
    /** The wall-clock instant of offset 0, or null to start when ready. */
    private final Instant startAt;
    /** How long the end of a run waits for completions that are being recorded concurrently. */
    private static final long RECORDING_GRACE_NANOS = 5_000_000_000L;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CompletableFuture<Void> cancelledSignal = new CompletableFuture<>();

    private final RecordLog done = new RecordLog();
    private final ConcurrentHashMap<Long, Item> inFlight = new ConcurrentHashMap<>();
    private final Object capLock = new Object();
    private final ArrayDeque<Item> capQueue = new ArrayDeque<>();
    private final Semaphore permits;
    /** The sender holds requests until due ({@link RequestSender#sendAt}); only without an in-flight cap. */
    private final boolean ahead;
    private boolean capClosed; // guarded by capLock
    /** The closed loop this run keeps busy, or null for an open-loop schedule. */
    private final ClosedLoop closedLoop;
    /** Closed loop: one token per stream that is free to send (completions put theirs back). */
    private final java.util.concurrent.BlockingQueue<Boolean> freeStreams;
    /** A closed loop bounded by a request count only: the window's end is not known until it ends. */
    private static final long OPEN_END_NANOS = Long.MAX_VALUE / 4;

    private final AtomicLong outstanding = new AtomicLong(1);
    private final AtomicLong measuredOutstanding = new AtomicLong(1);
    private final CompletableFuture<Void> allDone = new CompletableFuture<>();
    private final CompletableFuture<Void> measuredDone = new CompletableFuture<>();
    private final CompletableFuture<Void> dispatchDone = new CompletableFuture<>();

    private volatile Thread dispatcher;
    private volatile String endReason = "not started";
    private long t0;
    /** The workload's prompts, opened before t0; the dispatcher's only after it starts. */
    private Iterator<PromptSpec> prompts;
    private CompletionRequest pendingFirst;
    private RuntimeException promptsFailure;
    private long[] preOffsets;
    private long scheduleEndNanos;
    private long windowStartNanos;
    private long windowEndNanos;
    private volatile long lastOffsetNanos = -1;
    private volatile boolean scheduleCompleted;
    /**
     * Sent ahead and cancelled: requests due after this ({@link System#nanoTime()}) were never
     * sent; Long.MAX_VALUE otherwise. Set by the sweep: 1 ms after it began, a margin for the
     * cancellation to reach the sender's I/O thread before their due time.
     */
    private long neverSentAfterNanos = Long.MAX_VALUE;

    /**
     * Creates a runner for one run.
     *
     * @param plan   the plan
     * @param sender sends the requests (not closed by the runner)
     * @param sensor measures energy over the measured interval, or {@code null}
     */
    public LoadRunner(LoadPlan plan, RequestSender sender, PowerSensor sensor) {
        this(plan, sender, sensor, LoadShard.whole(), null);
    }

    /**
     * Creates a runner that sends one shard of the schedule and/or starts at a given wall-clock
     * instant (several processes, possibly on several hosts, sharing one load). The whole schedule
     * and the whole workload are still drawn, so each sent request keeps its index, due time and
     * prompt from the one-process run; arrivals of other shards are skipped without waiting.
     *
     * @param plan    the plan
     * @param sender  sends the requests (not closed by the runner)
     * @param sensor  measures energy over the measured interval, or {@code null}
     * @param shard   which arrivals this process sends ({@link LoadShard#whole()} for all)
     * @param startAt the wall-clock instant of the schedule's offset 0, mapped once onto this
     *                process's monotonic clock; {@code null} to start as soon as the runner is ready
     */
    public LoadRunner(LoadPlan plan, RequestSender sender, PowerSensor sensor, LoadShard shard, Instant startAt) {
        this.shard = Objects.requireNonNull(shard, "shard");
        this.startAt = startAt;
        this.plan = Objects.requireNonNull(plan, "plan");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.sensor = sensor;
        this.permits = plan.maxInFlight() > 0 ? new Semaphore(plan.maxInFlight()) : null;
        this.closedLoop = plan.arrivals() instanceof ClosedLoop c ? c : null;
        if (closedLoop != null && !shard.isWhole()) {
            throw new IllegalArgumentException("a closed loop has no schedule to split into shards, was shard "
                    + shard + " of " + closedLoop.name() + "; give each process its own closed loop instead");
        }
        this.ahead = permits == null && sender.sendsAhead() && closedLoop == null;
        this.freeStreams = closedLoop == null ? null : new java.util.concurrent.LinkedBlockingQueue<>();
    }

    /**
     * Runs the load and blocks until every request has a record (or the drain timeout passed).
     * Call once.
     *
     * @return the outcome
     * @throws IllegalStateException when called twice
     */
    public LoadOutcome run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a LoadRunner runs once; create another for the next run");
        }
        prepareSchedule();
        preparePrompts();
        prepareSender();
        Thread d = new Thread(closedLoop != null ? this::closedLoopDispatch : this::dispatchLoop,
                "qmeter-dispatcher");
        d.setDaemon(true);
        d.setPriority(Thread.MAX_PRIORITY);
        dispatcher = d;
        Instant startedAt;
        if (startAt == null) {
            t0 = System.nanoTime() + START_MARGIN_NANOS;
            startedAt = Instant.now().plusNanos(START_MARGIN_NANOS);
        } else {
            t0 = nanoTimeAt(startAt);
            startedAt = startAt;
            long aheadNanos = t0 - System.nanoTime();
            if (aheadNanos < 0) {
                throw new IllegalStateException("the start instant " + startAt + " had passed by "
                        + String.format(java.util.Locale.ROOT, "%.3f", -aheadNanos / 1e6) + " ms when this process "
                        + "was ready to send; give a start instant further ahead (at least the time every "
                        + "process needs to start and prepare, e.g. now + 30 s)");
            }
        }
        LOG.info("load run starting: {}, workload {}, duration {}, requests {}, in-flight cap {}{}",
                plan.arrivals().name(), plan.workload().name(), plan.duration(),
                plan.maxRequests() < 0 ? "unbounded" : plan.maxRequests(),
                plan.maxInFlight() == 0 ? "none" : plan.maxInFlight(),
                (shard.isWhole() ? "" : ", shard " + shard) + (startAt == null ? "" : ", start at " + startAt));
        LoopDelayWatch loopWatch = watchLoop();
        d.start();

        EnergyReading energy = null;
        long energyStart = -1;
        long energyEnd = -1;
        if (sensor != null) {
            parkUntil(t0 + windowStartNanos);
            energyStart = System.nanoTime() - t0;
            try (EnergyWindow w = sensor.open()) {
                long waitNanos = Math.max(0, t0 + windowEndNanos - System.nanoTime()) + plan.drainTimeout().toNanos();
                await(measuredDone, waitNanos);
                parkUntilWindowEnd(); // sparse arrivals: the window still lasts until its end
                energy = w.end();
            } catch (RuntimeException e) {
                energy = EnergyReading.unavailable(Math.max(0, System.nanoTime() - t0 - energyStart),
                        "the power sensor " + sensor.name() + " failed: " + e);
            }
            energyEnd = System.nanoTime() - t0;
        }
        dispatchDone.join();
        // sent ahead, the last requests may not be due yet: the drain timeout starts at the last due time
        long untilLastDue = ahead && lastOffsetNanos >= 0 ? Math.max(0, t0 + lastOffsetNanos - System.nanoTime()) : 0;
        long drainNanos = plan.drainTimeout().toNanos();
        if (!await(allDone, drainNanos > Long.MAX_VALUE - untilLastDue ? Long.MAX_VALUE : drainNanos + untilLastDue)
                && !stopped.get()) {
            endReason = endReason + "; " + outstanding.get() + " requests still outstanding after the drain timeout "
                    + plan.drainTimeout() + " were recorded as CANCELLED";
        }
        sweep(stopped.get() ? "the run was cancelled before the request completed"
                : "no response within the drain timeout (" + plan.drainTimeout() + ") after the schedule ended");
        // a completion that took its request out of flight just before the sweep may still be recording
        // it (finish() does not block, so this is brief): wait, so that no record is missing
        if (outstanding.get() > 0 && !recorded()) {
            LOG.warn("{} requests were still being recorded {} ms after the run ended; they are missing from "
                    + "its records", outstanding.get(), RECORDING_GRACE_NANOS / 1_000_000);
        }
        if (neverSentAfterNanos != Long.MAX_VALUE) {
            // requests handed ahead but not yet due when the run was cancelled were never sent:
            // the schedule ends where sending stopped
            lastOffsetNanos = Math.min(lastOffsetNanos, neverSentAfterNanos - t0);
        }

        LatencyStats loopDelay = loopWatch == null ? null : loopWatch.stop();
        List<RequestRecord> records = done.toRecords(t0);
        records.sort(Comparator.comparingLong(RequestRecord::index));
        // a schedule cut short (workload exhausted, cancelled) ends at its last dispatched request
        long end = scheduleCompleted && scheduleEndNanos >= 0 ? scheduleEndNanos : Math.max(0, lastOffsetNanos);
        long wEnd = Math.max(windowStartNanos, Math.min(windowEndNanos, end - plan.cooldown().toNanos()));
        MeasurementWindow window = new MeasurementWindow(windowStartNanos, wEnd);
        LOG.info("load run ended: {} records, {}", records.size(), endReason);
        return new LoadOutcome(startedAt, records, end, window, energy, energyStart, energyEnd, endReason,
                stopped.get(), loopDelay);
    }

    /**
     * Lets the sender build what it builds once (event loops, connections, hot-path classes) before
     * t0: a run that paid for it would show the client's own start-up as lag in its first requests.
     */
    private void prepareSender() {
        long began = System.nanoTime();
        try {
            sender.prepare(pendingFirst != null ? pendingFirst : plan.template(), warmConcurrency());
        } catch (RuntimeException e) {
            LOG.warn("the sender could not get ready before the run ({}); its first requests may pay for it", e.toString());
        }
        LOG.debug("sender prepared in {} ms", (System.nanoTime() - began) / 1e6);
    }

    /**
     * Opens the workload and builds the first request before t0 (a workload's first prompt may cost
     * milliseconds: tables, files); a failure is the dispatcher's to report.
     */
    private void preparePrompts() {
        try {
            prompts = plan.workload().prompts(plan.seed());
            if (prompts.hasNext()) {
                pendingFirst = plan.template().withPrompt(prompts.next());
            }
        } catch (RuntimeException e) {
            promptsFailure = e;
        }
    }

    /** Whether the workload has another request. */
    private boolean hasNextRequest() {
        if (promptsFailure != null) {
            throw promptsFailure;
        }
        return pendingFirst != null || prompts.hasNext();
    }

    /** The workload's next request (the first was built before t0). */
    private CompletionRequest nextRequest() {
        CompletionRequest r = pendingFirst;
        if (r != null) {
            pendingFirst = null;
            return r;
        }
        return plan.template().withPrompt(prompts.next());
    }

    /** Draws the workload's next prompt without building a request (an arrival of another shard). */
    private void skipRequest() {
        if (pendingFirst != null) {
            pendingFirst = null;
        } else {
            prompts.next();
        }
    }

    /**
     * This process's {@link System#nanoTime()} at a wall-clock instant: the wall clock and the
     * monotonic clock are read together a few times and the pair read closest together is used,
     * so the mapping's error is the wall clock's own (its offset from the other hosts' clocks,
     * which NTP or PTP keeps small) plus about a microsecond.
     */
    static long nanoTimeAt(Instant when) {
        long bestSpan = Long.MAX_VALUE;
        long mid = 0;
        Instant wall = null;
        for (int k = 0; k < 7; k++) {
            long a = System.nanoTime();
            Instant w = Instant.now();
            long b = System.nanoTime();
            if (b - a < bestSpan) {
                bestSpan = b - a;
                mid = a + (b - a) / 2;
                wall = w;
            }
        }
        long untilNanos;
        try {
            untilNanos = java.time.Duration.between(wall, when).toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("start instant " + when + " is too far from now (" + wall + ")", e);
        }
        return mid + untilNanos;
    }

    /** The concurrency the sender is told to expect: the in-flight cap, else a few requests. */
    private int warmConcurrency() {
        if (plan.maxInFlight() > 0) {
            return plan.maxInFlight();
        }
        double rate = plan.arrivals().ratePerSecond() / shard.count();
        // a few: about 50 ms worth of arrivals, between 1 and 8 (more are opened as needed)
        return Double.isFinite(rate) && rate > 0 ? (int) Math.max(1, Math.min(8, Math.ceil(rate * 0.05))) : 4;
    }

    /** Starts sampling the sender's loop delay over the measured window; null when it has none or fails. */
    private LoopDelayWatch watchLoop() {
        try {
            return sender.watchLoopDelay(t0 + windowStartNanos, t0 + windowEndNanos);
        } catch (RuntimeException e) {
            LOG.warn("the sender's event-loop delay is not sampled in this run: {}", e.toString());
            return null;
        }
    }

    /**
     * Stops dispatching and records outstanding requests as {@link Outcome#CANCELLED}; {@link #run()}
     * then returns what was measured. Idempotent.
     */
    public void cancel() {
        if (stopped.compareAndSet(false, true)) {
            endReason = "cancelled";
            Thread d = dispatcher;
            if (d != null) {
                LockSupport.unpark(d);
            }
            cancelledSignal.complete(null);
        }
    }

    /** Cancels the run if it is still going; idempotent. */
    @Override
    public void close() {
        cancel();
    }

    // ---------------------------------------------------------------- schedule

    private void prepareSchedule() {
        long durationNanos = plan.duration() == null ? -1 : plan.duration().toNanos();
        windowStartNanos = plan.warmup().toNanos();
        if (closedLoop != null) {
            scheduleEndNanos = durationNanos;
            windowEndNanos = durationNanos < 0 ? OPEN_END_NANOS
                    : Math.max(windowStartNanos, durationNanos - plan.cooldown().toNanos());
            return;
        }
        if (plan.maxRequests() >= 0 || plan.arrivals().isFinite()) {
            // the end of a count-bounded schedule is known only once its offsets are drawn
            PrimitiveIterator.OfLong it = plan.arrivals().offsetsNanos(plan.arrivalSeed());
            long cap = plan.maxRequests() >= 0 ? plan.maxRequests() : Long.MAX_VALUE;
            long[] buf = new long[(int) Math.min(cap, 1 << 16)];
            int n = 0;
            boolean cutByDuration = false;
            while (n < cap && it.hasNext()) {
                long off = it.nextLong();
                if (durationNanos >= 0 && off >= durationNanos) {
                    cutByDuration = true;
                    break;
                }
                if (n == buf.length) {
                    if (buf.length >= Integer.MAX_VALUE - 8) {
                        throw new IllegalArgumentException("requests must be < " + Integer.MAX_VALUE
                                + " for a count-bounded run, was " + plan.maxRequests());
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, 2L * buf.length));
                }
                buf[n++] = off;
            }
            preOffsets = Arrays.copyOf(buf, n);
            scheduleEndNanos = cutByDuration ? durationNanos : (n == 0 ? 0 : preOffsets[n - 1]);
        } else {
            scheduleEndNanos = durationNanos;
        }
        windowEndNanos = Math.max(windowStartNanos, scheduleEndNanos - plan.cooldown().toNanos());
    }

    private void dispatchLoop() {
        PrimitiveIterator.OfLong offsets = preOffsets != null ? Arrays.stream(preOffsets).iterator()
                : plan.arrivals().offsetsNanos(plan.arrivalSeed());
        long durationNanos = plan.duration() == null ? -1 : plan.duration().toNanos();
        long spinNanos = plan.spin().toNanos();
        // Spinning is capped at a tenth of the mean gap between arrivals: with a fixed 100 us spin a
        // Poisson schedule keeps the dispatcher spinning 1 - exp(-rate * spin) of the time (63 % of a
        // core at 10,000 req/s, 86 % at 20,000), CPU the event loops and, on a small machine, the
        // server need. The cap leaves low rates (<= 1,000 req/s) unchanged.
        double meanGapNanos = 10.0 * spinNanos;
        long previousOffset = 0;
        long nextBatchNanos = Long.MIN_VALUE;
        boolean measuredOpen = true;
        long i = 0;
        String reason;
        try {
            while (true) {
                if (stopped.get()) {
                    reason = "cancelled";
                    break;
                }
                if (plan.maxRequests() >= 0 && i >= plan.maxRequests()) {
                    reason = "request count reached (" + i + ")";
                    scheduleCompleted = true;
                    break;
                }
                if (!offsets.hasNext()) {
                    reason = plan.arrivals().isFinite() ? "trace ended after " + i + " arrivals"
                            : "schedule ended after " + i + " requests";
                    scheduleCompleted = true;
                    break;
                }
                long off = offsets.nextLong();
                if (durationNanos >= 0 && off >= durationNanos) {
                    reason = "duration reached (" + plan.duration() + ", " + i + " requests)";
                    scheduleCompleted = true;
                    break;
                }
                if (!hasNextRequest()) {
                    reason = "workload " + plan.workload().name() + " exhausted after " + i + " prompts";
                    break;
                }
                if (measuredOpen && off > windowEndNanos) {
                    measuredOpen = false;
                    finishMeasured();
                }
                if (!shard.takes(i)) {
                    skipRequest(); // another process sends it; its prompt is drawn so the next ones match
                    i++;
                    continue;
                }
                CompletionRequest request = nextRequest();
                long due = t0 + off;
                long now;
                if (ahead) {
                    // hand the request over up to AHEAD_NANOS early; the sender's I/O thread sends it
                    // when due and records the dispatch time. Batches are at least half of that apart.
                    if (due - AHEAD_NANOS - System.nanoTime() > 0) {
                        long wake = Math.max(due - AHEAD_NANOS, nextBatchNanos);
                        waitUntil(wake, 0);
                        nextBatchNanos = System.nanoTime() + AHEAD_NANOS / 2;
                    }
                    now = -1;
                } else {
                    meanGapNanos += ((off - previousOffset) - meanGapNanos) / 64.0;
                    previousOffset = off;
                    waitUntil(due, Math.min(spinNanos, (long) (meanGapNanos / 10)));
                    now = System.nanoTime();
                }
                if (stopped.get()) {
                    reason = "cancelled";
                    break;
                }
                boolean measured = off >= windowStartNanos && off <= windowEndNanos;
                lastOffsetNanos = off;
                dispatch(new Item(i, due, now, request, measured));
                i++;
            }
        } catch (RuntimeException | Error e) {
            reason = "the dispatcher failed after " + i + " requests: " + e;
            LOG.error("load dispatcher failed", e);
        }
        endReason = reason;
        if (measuredOpen) {
            finishMeasured();
        }
        if (outstanding.decrementAndGet() == 0) {
            allDone.complete(null);
        }
        dispatchDone.complete(null);
    }

    /**
     * The closed loop: sends a request whenever a stream is free (all of them at t0), until the
     * duration or the request count is reached. Each request's scheduled time is when it is sent.
     */
    private void closedLoopDispatch() {
        for (int k = 0; k < closedLoop.streams(); k++) {
            freeStreams.add(Boolean.TRUE);
        }
        long durationNanos = plan.duration() == null ? -1 : plan.duration().toNanos();
        boolean measuredOpen = true;
        long i = 0;
        String reason;
        try {
            waitUntil(t0, 0);
            while (true) {
                if (stopped.get()) {
                    reason = "cancelled";
                    break;
                }
                if (plan.maxRequests() >= 0 && i >= plan.maxRequests()) {
                    reason = "request count reached (" + i + ", " + closedLoop.name() + ")";
                    break;
                }
                long now = System.nanoTime();
                if (durationNanos >= 0 && now - t0 >= durationNanos) {
                    reason = "duration reached (" + plan.duration() + ", " + i + " requests, " + closedLoop.name() + ")";
                    scheduleCompleted = true;
                    break;
                }
                long waitNanos = durationNanos >= 0 ? t0 + durationNanos - now : 10_000_000L;
                if (freeStreams.poll(Math.min(waitNanos, 10_000_000L), TimeUnit.NANOSECONDS) == null) {
                    continue; // look at the bounds and the cancellation again
                }
                if (!hasNextRequest()) {
                    reason = "workload " + plan.workload().name() + " exhausted after " + i + " prompts";
                    break;
                }
                now = System.nanoTime();
                long off = now - t0;
                if (durationNanos >= 0 && off >= durationNanos) {
                    reason = "duration reached (" + plan.duration() + ", " + i + " requests, " + closedLoop.name() + ")";
                    scheduleCompleted = true;
                    break;
                }
                if (measuredOpen && off > windowEndNanos) {
                    measuredOpen = false;
                    finishMeasured();
                }
                CompletionRequest request = nextRequest();
                boolean measured = off >= windowStartNanos && off <= windowEndNanos;
                lastOffsetNanos = off;
                dispatch(new Item(i, now, now, request, measured));
                i++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reason = "the dispatcher was interrupted after " + i + " requests";
        } catch (RuntimeException | Error e) {
            reason = "the dispatcher failed after " + i + " requests: " + e;
            LOG.error("load dispatcher failed", e);
        }
        endReason = reason;
        if (measuredOpen) {
            finishMeasured();
        }
        if (outstanding.decrementAndGet() == 0) {
            allDone.complete(null);
        }
        dispatchDone.complete(null);
    }

    private void waitUntil(long due, long spinNanos) {
        while (!stopped.get()) {
            long remaining = due - System.nanoTime();
            if (remaining <= spinNanos) {
                break;
            }
            LockSupport.parkNanos(remaining - spinNanos);
        }
        while (System.nanoTime() - due < 0 && !stopped.get()) {
            Thread.onSpinWait();
        }
    }

    private void finishMeasured() {
        if (measuredOutstanding.decrementAndGet() == 0) {
            measuredDone.complete(null);
        }
    }

    // ---------------------------------------------------------------- dispatch and completion

    private void dispatch(Item it) {
        outstanding.incrementAndGet();
        if (it.measured) {
            measuredOutstanding.incrementAndGet();
        }
        if (permits == null) {
            inFlight.put(it.index, it);
            send(it);
            return;
        }
        boolean closed;
        synchronized (capLock) {
            closed = capClosed;
            if (!closed) {
                capQueue.add(it);
            }
        }
        if (closed) {
            finish(it, failure(it, "never sent: the run ended before the in-flight cap freed up"));
            return;
        }
        drain();
    }

    /** Sends queued requests while permits are free; never recurses (synchronous completions loop here). */
    private void drain() {
        boolean[] draining = DRAINING.get();
        if (draining[0]) {
            return;
        }
        draining[0] = true;
        try {
            while (true) {
                Item it;
                synchronized (capLock) {
                    if (capClosed || capQueue.isEmpty() || !permits.tryAcquire()) {
                        return;
                    }
                    it = capQueue.poll();
                    inFlight.put(it.index, it);
                }
                send(it);
            }
        } finally {
            draining[0] = false;
        }
    }

    private void send(Item it) {
        CompletableFuture<RequestRecord> f;
        try {
            f = ahead ? sender.sendAt(it.request, it.index, it.scheduledNanos)
                    : sender.send(it.request, it.index, it.scheduledNanos);
        } catch (RuntimeException e) {
            LOG.warn("RequestSender.send threw for request {}", it.index, e);
            complete(it, null, e);
            return;
        }
        if (f == null) {
            complete(it, null, new NullPointerException("RequestSender.send returned null"));
            return;
        }
        it.future = f;
        f.whenComplete((r, ex) -> complete(it, r, ex));
    }

    private void complete(Item it, RequestRecord r, Throwable ex) {
        if (inFlight.remove(it.index) == null) {
            return; // already recorded as cancelled by a sweep
        }
        RequestRecord rec = r != null ? r
                : failure(it, "the RequestSender broke its contract and failed instead of returning a record: " + ex);
        if (permits != null) {
            permits.release();
        }
        finish(it, rec);
        if (permits != null) {
            drain();
        }
        if (freeStreams != null) {
            freeStreams.add(Boolean.TRUE); // the stream is free: the closed loop sends its next request
        }
    }

    private void finish(Item it, RequestRecord rec) {
        // sent ahead, the sender recorded when it dispatched; otherwise the dispatcher did
        done.add(rec, ahead ? rec.dispatchNanos() : it.dispatchNanos);
        if (it.measured && measuredOutstanding.decrementAndGet() == 0) {
            measuredDone.complete(null);
        }
        if (outstanding.decrementAndGet() == 0) {
            allDone.complete(null);
        }
    }

    /** Records every request still queued or in flight as cancelled. */
    private void sweep(String why) {
        if (ahead && stopped.get()) {
            neverSentAfterNanos = System.nanoTime() + 1_000_000L;
        }
        List<Item> queued = new ArrayList<>();
        if (permits != null) {
            synchronized (capLock) {
                capClosed = true;
                queued.addAll(capQueue);
                capQueue.clear();
            }
        }
        for (Item it : queued) {
            finish(it, failure(it, "never sent: still waiting for the in-flight cap (" + plan.maxInFlight()
                    + ") when the run ended (" + why + ")"));
        }
        for (Map.Entry<Long, Item> e : inFlight.entrySet()) {
            Item it = e.getValue();
            if (inFlight.remove(e.getKey()) != null) {
                finish(it, failure(it, it.scheduledNanos > neverSentAfterNanos
                        ? "never sent: the run was cancelled before the request was due" : why));
                CompletableFuture<RequestRecord> f = it.future;
                if (f != null) {
                    f.cancel(true); // stop the stream: the run is over, the server should not keep working
                }
            }
        }
    }

    private static RequestRecord failure(Item it, String error) {
        PromptSpec p = it.request.prompt();
        return new RequestRecord(it.index, it.scheduledNanos, -1, -1, -1, null, null, p.inputTokens(), -1,
                p.outputTokens(), 0, false, null, Outcome.CANCELLED, 0, error, null);
    }

    private void parkUntil(long deadline) {
        while (!stopped.get() && !dispatchDone.isDone()) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(remaining, 10_000_000L));
        }
    }

    /** Parks until the measured window's end, unless the schedule was cut short or cancelled. */
    private void parkUntilWindowEnd() {
        long deadline = t0 + windowEndNanos;
        while (!stopped.get() && !(dispatchDone.isDone() && !scheduleCompleted)) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(remaining, 10_000_000L));
        }
    }

    /** Waits for a future or cancellation; true when the future completed. */
    /** Waits up to the grace time for every request to be recorded (cancellation does not cut it short). */
    private boolean recorded() {
        try {
            allDone.get(RECORDING_GRACE_NANOS, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return allDone.isDone();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return allDone.isDone();
        }
    }

    private boolean await(CompletableFuture<Void> f, long timeoutNanos) {
        try {
            CompletableFuture.anyOf(f, cancelledSignal).get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
        return f.isDone();
    }

    private static final class Item {
        final long index;
        final long scheduledNanos;
        final long dispatchNanos;
        final CompletionRequest request;
        final boolean measured;
        /** The sender's future, once sent; cancelled when the run ends before it completed. */
        volatile CompletableFuture<RequestRecord> future;

        Item(long index, long scheduledNanos, long dispatchNanos, CompletionRequest request, boolean measured) {
            this.index = index;
            this.scheduledNanos = scheduledNanos;
            this.dispatchNanos = dispatchNanos;
            this.request = request;
            this.measured = measured;
        }
    }
}
