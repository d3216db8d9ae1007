package io.qmeter.bench;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.Endpoint;
import io.qmeter.client.LlmClient;
import io.qmeter.client.RequestSender;
import io.qmeter.internal.load.LoadOutcome;
import io.qmeter.load.LoadPlan;
import io.qmeter.internal.load.LoadRunner;
import io.qmeter.load.PoissonArrivals;
import io.qmeter.metrics.ClientCheck;
import io.qmeter.metrics.ClientCheckThresholds;
import io.qmeter.metrics.LatencyStats;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.metrics.RunSummary;
import io.qmeter.workload.PromptSpec;
import io.qmeter.workload.SyntheticWorkload;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One open-loop Poisson run of qMeter's load runner and HTTP client against a server, measured
 * from inside (the client's self-check: schedule lag, achieved rate) and, when the server is the
 * nginx stub, from outside (requests and connections counted by nginx's stub_status over the same
 * window), plus this process's CPU time and heap.
 *
 * <pre>{@code
 * LoadTrial.Result r = new LoadTrial(URI.create("http://127.0.0.1:8090"), 16).rate(20_000).run();
 * }</pre>
 */
public final class LoadTrial {

    private final URI baseUrl;
    private final int outputTokens;
    private double rate = 1000;
    private Duration warmup = Duration.ofSeconds(3);
    private Duration measure = Duration.ofSeconds(20);
    private Duration cooldown = Duration.ofMillis(500);
    private int maxConnections = LlmClient.DEFAULT_MAX_CONNECTIONS;
    private URI stubStatus;
    private long seed = 42;
    private long maxRequests = -1;
    private java.util.function.Consumer<LoadOutcome> inspector = o -> { };
    private boolean keepText;
    /** Absolute {@code System.nanoTime()} of one request's schedule, to convert the run's relative times back. */
    private final java.util.concurrent.atomic.AtomicLongArray probe = new java.util.concurrent.atomic.AtomicLongArray(
            new long[] {-1, 0});
    private volatile long originNanos = Long.MIN_VALUE;
    private Runnable callback;
    private long abortLagNanos = Long.MAX_VALUE;
    private Duration spin;
    private int ioThreads = LlmClient.DEFAULT_IO_THREADS;
    private boolean lean;
    private Duration callbackAt;

    /**
     * A trial against {@code baseUrl} asking for {@code outputTokens} per request.
     *
     * @param baseUrl      server root (for the 256-token stub: {@code http://127.0.0.1:8090/n256})
     * @param outputTokens tokens per request (max_tokens; the stub's stream length)
     */
    public LoadTrial(URI baseUrl, int outputTokens) {
        this.baseUrl = baseUrl;
        this.outputTokens = outputTokens;
    }

    /**
     * Sets the Poisson rate.
     *
     * @param r requests per second
     * @return this
     */
    public LoadTrial rate(double r) {
        this.rate = r;
        return this;
    }

    /**
     * Sets the warm-up, measured and cool-down spans.
     *
     * @param w warm-up
     * @param m measured window
     * @param c cool-down
     * @return this
     */
    public LoadTrial spans(Duration w, Duration m, Duration c) {
        this.warmup = w;
        this.measure = m;
        this.cooldown = c;
        return this;
    }

    /**
     * Sets the client's connection pool size.
     *
     * @param n connections
     * @return this
     */
    public LoadTrial maxConnections(int n) {
        this.maxConnections = n;
        return this;
    }

    /**
     * Enables the external view through nginx stub_status.
     *
     * @param url the stub_status URL, or null
     * @return this
     */
    public LoadTrial stubStatus(URI url) {
        this.stubStatus = url;
        return this;
    }

    /**
     * Cancels the run (and fails the trial) as soon as one request is handed to the client more
     * than {@code lag} after its scheduled time: a client that far behind cannot recover within the
     * trial, and its backlog would only make the trial long.
     *
     * @param lag the limit
     * @return this
     */
    public LoadTrial abortWhenLagExceeds(Duration lag) {
        this.abortLagNanos = lag.toNanos();
        return this;
    }

    /**
     * Overrides the dispatcher's spin before each due time ({@link LoadPlan#spin()}), or null for the default.
     *
     * @param d the spin
     * @return this
     */
    public LoadTrial spin(Duration d) {
        this.spin = d;
        return this;
    }

    /**
     * The client's event loops ({@code LlmClient.ioThreads}).
     *
     * @param n 1 or more
     * @return this
     */
    public LoadTrial ioThreads(int n) {
        this.ioThreads = n;
        return this;
    }

    /**
     * Uses the bench's reference transport ({@link LeanNettySender}) instead of qMeter's
     * {@code LlmClient}, to show what the transport costs.
     *
     * @param on true for the reference transport
     * @return this
     */
    public LoadTrial lean(boolean on) {
        this.lean = on;
        return this;
    }

    /**
     * Bounds the number of requests.
     *
     * @param n requests, or -1 for none
     * @return this
     */
    public LoadTrial maxRequests(long n) {
        this.maxRequests = n;
        return this;
    }

    /**
     * Keeps each request's generated text in its record (the timestamping stub writes its send times there).
     *
     * @param on true to keep the text
     * @return this
     */
    public LoadTrial keepText(boolean on) {
        this.keepText = on;
        return this;
    }

    /**
     * After {@link #run()}: the run's origin as an absolute {@link System#nanoTime()} (records hold
     * times relative to it), for comparing them with times another process took on the same clock.
     *
     * @return the origin, or {@code Long.MIN_VALUE} before a run
     */
    public long originNanos() {
        return originNanos;
    }

    /**
     * Lets the caller look at the raw outcome (records relative to the run's start) before it is dropped.
     *
     * @param c the inspector
     * @return this
     */
    public LoadTrial inspect(java.util.function.Consumer<LoadOutcome> c) {
        this.inspector = c;
        return this;
    }

    /**
     * Runs a callback on the sampler thread at a time after the run's start.
     *
     * @param after when, from the start of the schedule
     * @param c     the callback
     * @return this
     */
    public LoadTrial callbackAt(Duration after, Runnable c) {
        this.callbackAt = after;
        this.callback = c;
        return this;
    }

    /**
     * Sets the seed.
     *
     * @param s seed
     * @return this
     */
    public LoadTrial seed(long s) {
        this.seed = s;
        return this;
    }

    /**
     * What one trial measured. Times in microseconds, rates per second.
     *
     * @param targetRate       the Poisson rate asked for
     * @param clientCheck      the load runner's self-check over the measured window
     * @param summary          the run summary over the measured window
     * @param windowSeconds    length of the measured window
     * @param stubRequests     requests nginx counted over the measured window, or -1
     * @param stubRequestsRun  requests nginx counted over the whole run, or -1
     * @param clientRequestsRun records the client produced over the whole run
     * @param connectionsOpened connections nginx accepted over the whole run, or -1
     * @param cpuNanosWindow   process CPU time over the measured window
     * @param windowCompleted  requests that completed OK inside the measured window (by last token)
     * @param heapPeakBytes    largest heap in use seen during the run (sampled every 100 ms)
     * @param threadsPeak      most live threads seen during the run
     * @param contentEvents    content chunks received by measured OK requests
     */
    public record Result(double targetRate, ClientCheck clientCheck, RunSummary summary, double windowSeconds,
                         long stubRequests, long stubRequestsRun, long clientRequestsRun, long connectionsOpened,
                         long cpuNanosWindow, long windowCompleted, long heapPeakBytes, int threadsPeak,
                         long contentEvents, java.util.Map<String, Long> cpuByRole, long gcCount, long gcMillis,
                         boolean aborted) {

        /**
         * Whether the rate was sustained: achieved ≥ 99 % of target, schedule lag p99 ≤ 1 ms, queue
         * delay p99 ≤ 1 ms, no failure. Schedule lag ends when the client's loop takes the request
         * up; queue delay ends when its bytes are written, so it also holds any wait for a
         * connection (all {@code maxConnections} busy): a request taken up on time but written late
         * was not sent on schedule.
         *
         * @return true when sustained
         */
        public boolean sustained() {
            return !aborted && keptUp()
                    && clientCheck.scheduleLag().p99Millis() <= 1.0
                    && summary.queueDelay().p99Millis() <= 1.0
                    && summary.failedRequests() == 0;
        }

        /**
         * Whether the achieved send rate was at least 99 % of the rate the Poisson schedule actually
         * drew in the window (a 20 s Poisson sample differs from the target by about 1/sqrt(n), up to
         * 1 % at 1,000 req/s: comparing with the target would fail good trials by chance).
         *
         * @return true when the client kept up with its schedule
         */
        public boolean keptUp() {
            return clientCheck.achievedRatePerSecond() >= 0.99 * clientCheck.scheduledRatePerSecond();
        }

        /**
         * Prints the client's event-loop delay over the window, as its self-check saw it
         * ({@code loop_delay_p50/p99/max_us}); nothing when it was not sampled, or with a "before"
         * qmeter-core that did not sample it.
         *
         * @param f where
         */
        public void printLoopDelay(Figures f) {
            LatencyStats loop;
            try {
                loop = clientCheck.loopDelay();
            } catch (NoSuchMethodError before) {
                return;
            }
            if (loop.count() > 0) {
                f.put("loop_delay_p50_us", loop.p50Millis() * 1000);
                f.put("loop_delay_p99_us", loop.p99Millis() * 1000);
                f.put("loop_delay_max_us", loop.maxMillis() * 1000);
            }
        }

        /**
         * Prints the figures.
         *
         * @param f where
         */
        public void print(Figures f) {
            LatencyStats lag = clientCheck.scheduleLag();
            f.put("target_req_per_s", targetRate);
            f.put("scheduled_req_per_s", clientCheck.scheduledRatePerSecond());
            f.put("client_achieved_req_per_s", clientCheck.achievedRatePerSecond());
            if (stubRequests >= 0) {
                f.put("stub_req_per_s", stubRequests / windowSeconds);
                f.put("stub_vs_client_rate_diff_pct",
                        100.0 * (stubRequests / windowSeconds - clientCheck.achievedRatePerSecond())
                                / clientCheck.achievedRatePerSecond());
                f.put("stub_requests_run", stubRequestsRun);
                f.put("client_records_run", clientRequestsRun);
                f.put("connections_opened", connectionsOpened);
            }
            f.put("completed_req_per_s", summary.requestThroughputPerSecond());
            f.put("sse_events_per_s", (contentEvents + 2.0 * summary.okRequests()) / windowSeconds);
            f.put("ok", summary.okRequests());
            f.put("failed", summary.failedRequests());
            for (var e : summary.outcomes().entrySet()) {
                if (e.getValue() > 0 && e.getKey() != io.qmeter.metrics.Outcome.OK) {
                    f.put("failed." + e.getKey(), e.getValue());
                }
            }
            f.put("aborted_for_lag", aborted ? 1 : 0);
            f.put("lag_p50_us", lag.p50Millis() * 1000);
            f.put("lag_p99_us", lag.p99Millis() * 1000);
            f.put("lag_max_us", lag.maxMillis() * 1000);
            printLoopDelay(f);
            f.put("ttft_p50_us", summary.ttft().p50Millis() * 1000);
            f.put("ttft_p99_us", summary.ttft().p99Millis() * 1000);
            f.put("queue_delay_p99_us", summary.queueDelay().p99Millis() * 1000);
            f.put("e2e_p99_us", summary.e2e().p99Millis() * 1000);
            boolean cpuKnown = cpuNanosWindow > 0 && windowCompleted > 0; // not when cut short before the window's end
            f.put("cpu_us_per_req", cpuKnown ? cpuNanosWindow / 1e3 / windowCompleted : Double.NaN);
            f.put("cpu_cores_used", cpuKnown ? cpuNanosWindow / 1e9 / windowSeconds : Double.NaN);
            if (cpuByRole != null && cpuKnown) {
                for (var e : cpuByRole.entrySet()) {
                    if (!e.getKey().equals("process")) {
                        f.put("cpu_us_per_req." + e.getKey(), e.getValue() / 1e3 / windowCompleted);
                    }
                }
            }
            f.put("heap_peak_mib", heapPeakBytes / 1048576.0);
            f.put("gc_count", gcCount);
            f.put("gc_ms", gcMillis);
            f.put("threads_peak", threadsPeak);
            f.put("client_check_valid", clientCheck.valid() ? 1 : 0);
            f.put("sustained", sustained() ? 1 : 0);
        }
    }

    /**
     * Runs the trial (blocking).
     *
     * @return what it measured
     */
    public Result run() {
        CompletionRequest template = CompletionRequest.of(Endpoint.COMPLETIONS, "m",
                PromptSpec.ofTokens(new int[] {1}, outputTokens)).withIgnoreEos(true).withKeepText(keepText);
        Duration total = warmup.plus(measure).plus(cooldown);
        LoadPlan plan = LoadPlan.of(new PoissonArrivals(rate), SyntheticWorkload.fixed(16, outputTokens), template,
                seed, total, maxRequests).withWarmup(warmup).withCooldown(cooldown).withDrainTimeout(Duration.ofSeconds(60));
        if (spin != null) {
            plan = plan.withSpin(spin);
        }
        StubStatus before = stubStatus == null ? null : StubStatus.read(stubStatus);
        Sampler sampler = new Sampler();
        LoadOutcome outcome;
        java.util.concurrent.atomic.AtomicBoolean aborted = new java.util.concurrent.atomic.AtomicBoolean();
        try (RequestSender client = lean ? new LeanNettySender(baseUrl, Math.min(maxConnections, 4096))
                : client(LlmClient.create(baseUrl).maxConnections(maxConnections)
                        .firstTokenTimeout(Duration.ofSeconds(30)).requestTimeout(Duration.ofSeconds(60)))) {
            LoadRunner[] holder = new LoadRunner[1];
            java.util.function.LongConsumer lagCheck = lag -> {
                if (lag > abortLagNanos && aborted.compareAndSet(false, true)) {
                    Figures.note("trial at %.0f req/s aborted: schedule lag over %d ms", rate,
                            abortLagNanos / 1_000_000);
                    java.util.concurrent.CompletableFuture.runAsync(holder[0]::cancel);
                }
            };
            RequestSender watched = new HandOverWatch(client, (index, scheduledNanos, ahead, handedAt, f) -> {
                remember(index, scheduledNanos);
                if (ahead) {
                    // sent ahead, the lag is known once the sender dispatched it
                    f.thenAccept(r -> {
                        if (r.dispatchNanos() >= 0) {
                            lagCheck.accept(r.dispatchNanos() - r.scheduledNanos());
                        }
                    });
                } else {
                    lagCheck.accept(handedAt - scheduledNanos);
                }
            });
            try (LoadRunner runner = new LoadRunner(plan, watched, null)) {
                holder[0] = runner;
                long t0 = System.nanoTime() + 2_000_000L; // the runner starts its schedule 2 ms after run()
                sampler.start(t0);
                outcome = runner.run();
            }
        }
        sampler.stopAndJoin();
        long probeIndex = probe.get(0);
        for (RequestRecord r : outcome.records()) {
            if (r.index() == probeIndex) {
                originNanos = probe.get(1) - r.scheduledNanos();
                break;
            }
        }
        inspector.accept(outcome);
        StubStatus after = stubStatus == null ? null : StubStatus.read(stubStatus);

        ClientCheck check = clientCheck(outcome, rate);
        RunSummary summary = RunSummary.of(outcome.records(), outcome.window(), true);
        double windowSeconds = outcome.window().lengthNanos() / 1e9;
        long events = 0;
        long completedInWindow = 0;
        long wStart = outcome.window().startNanos();
        long wEnd = outcome.window().endNanos();
        for (RequestRecord r : outcome.records()) {
            if (r.isOk() && outcome.window().contains(r)) {
                events += r.chunkNanos().length;
            }
            if (r.isOk() && r.lastTokenNanos() >= wStart && r.lastTokenNanos() <= wEnd) {
                completedInWindow++;
            }
        }
        long stubWindow = -1;
        long stubRun = -1;
        long conns = -1;
        if (before != null && sampler.statusStart != null && sampler.statusEnd != null) {
            stubWindow = sampler.statusEnd.requests() - sampler.statusStart.requests() - 1;
            stubRun = after.requests() - before.requests() - 3; // three stub_status reads in between
            conns = after.accepts() - before.accepts() - 3;
        }
        return new Result(rate, check, summary, windowSeconds, stubWindow, stubRun, outcome.records().size(), conns,
                sampler.cpuEnd - sampler.cpuStart, completedInWindow, sampler.heapPeak.get(), sampler.threadsPeak,
                events, sampler.rolesStart == null || sampler.rolesEnd == null ? null
                        : ThreadCpu.delta(sampler.rolesStart, sampler.rolesEnd),
                sampler.gcEnd == null || sampler.gcStart == null ? -1 : sampler.gcEnd.gcCount() - sampler.gcStart.gcCount(),
                sampler.gcEnd == null || sampler.gcStart == null ? -1 : sampler.gcEnd.gcMillis() - sampler.gcStart.gcMillis(),
                aborted.get());
    }

    /**
     * The client's self-check with the benchmarks' thresholds (1 ms, 99 %), with the loop delay when
     * this qmeter-core samples it (a "before" build has no {@code LoadOutcome.loopDelay()}).
     */
    private static ClientCheck clientCheck(LoadOutcome outcome, double rate) {
        ClientCheckThresholds t = ClientCheckThresholds.of(Duration.ofMillis(1), 0.99);
        try {
            return ClientCheck.of(outcome.records(), outcome.window(), rate, t, outcome.loopDelay());
        } catch (NoSuchMethodError before) {
            return ClientCheck.of(outcome.records(), outcome.window(), rate, t);
        }
    }

    private void remember(long index, long absoluteScheduledNanos) {
        if (probe.get(0) < 0) {
            probe.set(1, absoluteScheduledNanos);
            probe.set(0, index);
        }
    }

    /** Sets the event loops only when asked, so that a "before" qmeter-core without that setting still runs. */
    private LlmClient client(LlmClient c) {
        return withKeepAlive(ioThreads == LlmClient.DEFAULT_IO_THREADS ? c : c.ioThreads(ioThreads));
    }

    /**
     * How long the benchmarks' client keeps an unused connection: {@code -Dqmeter.bench.keepAliveS}, 60 s
     * by default (the nginx stub keeps connections 300 s; {@code 3} gives the library's default).
     */
    static final Duration KEEP_ALIVE = Duration.ofMillis((long) (1000 * Double.parseDouble(
            System.getProperty("qmeter.bench.keepAliveS", "60"))));

    /**
     * {@code c} with {@link #KEEP_ALIVE}; unchanged with a "before" qmeter-core that has no such setting
     * (it closed idle connections after 3 s).
     *
     * @param c the client
     * @return the client to use
     */
    static LlmClient withKeepAlive(LlmClient c) {
        try {
            return c.connectionKeepAlive(KEEP_ALIVE);
        } catch (NoSuchMethodError before) {
            return c;
        }
    }

    /** Samples CPU and stub counters at the window's edges and heap/threads every 100 ms. */
    private final class Sampler {
        private Thread thread;
        private volatile boolean stop;
        volatile StubStatus statusStart;
        volatile StubStatus statusEnd;
        volatile long cpuStart;
        volatile long cpuEnd;
        volatile ProcessStats gcStart;
        volatile ProcessStats gcEnd;
        volatile java.util.Map<String, Long> rolesStart;
        volatile java.util.Map<String, Long> rolesEnd;
        final AtomicLong heapPeak = new AtomicLong();
        volatile int threadsPeak;

        void start(long t0) {
            long ws = t0 + warmup.toNanos();
            long we = t0 + warmup.plus(measure).toNanos();
            thread = new Thread(() -> {
                boolean startDone = false;
                boolean endDone = false;
                boolean midDone = callback == null;
                long wm = callback == null ? Long.MAX_VALUE : t0 + callbackAt.toNanos();
                while (!stop) {
                    long now = System.nanoTime();
                    if (!startDone && now >= ws) {
                        rolesStart = ThreadCpu.byRole();
                        gcStart = ProcessStats.now();
                        cpuStart = rolesStart.get("process");
                        statusStart = stubStatus == null ? null : StubStatus.read(stubStatus);
                        startDone = true;
                    }
                    if (!endDone && now >= we) {
                        rolesEnd = ThreadCpu.byRole();
                        gcEnd = ProcessStats.now();
                        cpuEnd = rolesEnd.get("process");
                        statusEnd = stubStatus == null ? null : StubStatus.read(stubStatus);
                        endDone = true;
                    }
                    if (!midDone && now >= wm) {
                        callback.run();
                        midDone = true;
                    }
                    ProcessStats s = ProcessStats.now();
                    heapPeak.accumulateAndGet(s.heapUsedBytes(), Math::max);
                    threadsPeak = Math.max(threadsPeak, s.threads());
                    long next = Math.min(now + 100_000_000L, Math.min(!startDone ? ws : !endDone ? we : Long.MAX_VALUE,
                            !midDone ? wm : Long.MAX_VALUE));
                    LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                }
            }, "bench-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stopAndJoin() {
            stop = true;
            LockSupport.unpark(thread);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
