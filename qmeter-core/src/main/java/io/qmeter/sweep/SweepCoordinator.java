package io.qmeter.sweep;

import io.qmeter.internal.Checks;
import io.qmeter.LoadRunBuilder;
import io.qmeter.QMeter;
import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineFactory;
import io.qmeter.power.PowerSensor;
import io.qmeter.quality.QualityBenchmark;
import io.qmeter.search.SaturationSearch;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Plan}: for each configuration it starts the engine (through an {@link Engine} made
 * by an {@link EngineFactory}), waits until it is healthy, measures the idle power once, finds the
 * saturation point with {@link SaturationSearch} over real load runs ({@link io.qmeter.search.LoadProbe}; or over the
 * probe a {@link SearchProbeFactory} supplies, see {@link Builder#searchProbe}), runs the
 * plan's rates (absolute, or fractions of the saturation point) with an energy window per run, and
 * stores every point in the {@link ResultStore} under its {@link RunKey}. Points already stored are
 * skipped, so running the same plan again resumes it; the saturation search is stored too (rate
 * label {@value #SATURATION_LABEL}) and reused on resume. A plan's {@link QualityStep}s are scored
 * once per configuration after its engine is healthy and before its load runs, and stored under
 * {@code plan/configuration/<step label>/0} (OK with the score, or FAILED with the cause), skipped
 * on resume like the points.
 *
 * <p><b>Engine supervision.</b> During every run the engine's health is polled about once a second
 * and the outcome of every request is watched. When the engine is down, unresponsive twice in a
 * row, or hangs (requests in flight, none completing, and a one-token request unanswered), the run
 * is stopped and discarded, the engine's log tail kept, the engine restarted and the point retried,
 * up to {@code maxAttempts}. A point that keeps failing is stored as {@link RunStatus#FAILED} with
 * the cause and the log tail, and the sweep goes on. A run from a broken engine is never stored as
 * a success; a completed run with failed requests or failing the client self-check is stored as
 * {@link RunStatus#INVALID} with the reasons.
 *
 * <p><b>Concurrency.</b> With {@code parallelism > 1}, configurations whose engines are independent
 * ({@link EngineFactory#independent}: separate simulated engines, disjoint GPUs) run at the same
 * time. <b>Cancellation</b>: {@link #cancel()} (or interrupting the thread in {@link #run}) stops
 * the current runs within about a second and stores each load run it stopped as
 * {@link RunStatus#CANCELLED}; what was stored stays, and a re-run runs the cancelled and the
 * remaining points.
 *
 * <pre>{@code
 * try (ResultStore store = ResultStore.sqlite(Path.of("results.db"));
 *      SweepCoordinator c = SweepCoordinator.builder(store).parallelism(5)
 *              .listener(ConsoleProgress.toTerminal(System.out)).build()) {
 *     SweepReport report = c.run(Plan.read(Path.of("plan.json")));
 * }
 * }</pre>
 */
public final class SweepCoordinator implements AutoCloseable {

    /** The rate label under which a configuration's saturation search is stored. */
    public static final String SATURATION_LABEL = "saturation";

    private static final Logger LOG = LoggerFactory.getLogger(SweepCoordinator.class);

    private final SweepRuntime rt;

    private SweepCoordinator(Builder cfg) {
        this.rt = new SweepRuntime(cfg);
    }

    /**
     * A builder storing into {@code store}: engines from {@link EngineFactory#find}, parallelism 1,
     * 3 attempts per point, health polled every second, hang declared after 5 s without progress,
     * engine restarts 1 s apart, doubling up to 30 s.
     *
     * @param store where runs are stored (not closed by the coordinator)
     * @return the builder
     */
    public static Builder builder(ResultStore store) {
        return new Builder(Objects.requireNonNull(store, "store"));
    }

    /**
     * Stops the plan: current load runs are stopped within about a second and stored as
     * {@link RunStatus#CANCELLED} (a re-run runs them again), no new point starts; {@link #run} then returns a report with {@code cancelled} set. Idempotent.
     */
    public void cancel() {
        if (rt.cancel()) {
            LOG.info("sweep cancelled; stopping current runs");
        }
    }

    /**
     * Whether {@link #cancel()} was called.
     *
     * @return true after cancel
     */
    public boolean isCancelled() {
        return rt.isCancelled();
    }

    /** Cancels a running plan (if any); idempotent. */
    @Override
    public void close() {
        rt.cancel();
    }

    /**
     * Runs the plan on a new thread.
     *
     * @param plan the plan
     * @return the report's future; cancelling it cancels the sweep
     */
    public CompletableFuture<SweepReport> runAsync(Plan plan) {
        CompletableFuture<SweepReport> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(run(plan));
            } catch (RuntimeException | Error e) {
                f.completeExceptionally(e);
            }
        }, "qmeter-sweep-" + plan.id());
        t.setDaemon(true);
        f.whenComplete((r, e) -> {
            if (f.isCancelled()) {
                cancel();
            }
        });
        t.start();
        return f;
    }

    /**
     * Runs the plan, blocking until every point is stored or the sweep is cancelled.
     *
     * @param plan the plan
     * @return what was done
     */
    public SweepReport run(Plan plan) {
        Objects.requireNonNull(plan, "plan");
        long t0 = System.nanoTime();
        Workload workload = rt.cfg.workloads.apply(plan.workload());
        Set<RunKey> stored = new java.util.HashSet<>(rt.cfg.store.keys(plan.id()));
        if (!stored.isEmpty()) {
            // a run stopped by a cancellation is run again (and replaced)
            for (io.qmeter.store.StoredRun r : rt.cfg.store.findByPlan(plan.id())) {
                if (r.status() == RunStatus.CANCELLED) {
                    stored.remove(r.key());
                }
            }
        }
        Map<String, List<PlanPoint>> byConfig = new LinkedHashMap<>();
        int skipped = 0;
        List<PlanPoint> all = plan.points();
        for (PlanPoint p : all) {
            List<PlanPoint> l = byConfig.computeIfAbsent(p.key().configurationId(), k -> new ArrayList<>());
            if (stored.contains(p.key())) {
                skipped++;
            } else {
                l.add(p);
            }
        }
        Map<String, List<QualityPoint>> qualityByConfig = new LinkedHashMap<>();
        List<QualityPoint> allQuality = plan.qualityPoints();
        for (QualityPoint q : allQuality) {
            List<QualityPoint> l = qualityByConfig.computeIfAbsent(q.key().configurationId(), k -> new ArrayList<>());
            if (stored.contains(q.key())) {
                skipped++;
            } else {
                l.add(q);
            }
        }
        int total = all.size() + allQuality.size();
        ConfigurationTask.Totals totals = new ConfigurationTask.Totals();
        rt.emit(new SweepEvent.PlanStarted(plan.id(), total, skipped, plan.configurations().size(),
                rt.cfg.parallelism));
        List<ConfigurationTask> tasks = new ArrayList<>();
        for (EngineSettings s : plan.configurations()) {
            List<PlanPoint> pending = byConfig.getOrDefault(s.id(), List.of());
            int storedHere = (int) all.stream().filter(p -> p.key().configurationId().equals(s.id())).count()
                    - pending.size();
            List<QualityPoint> pendingQuality = qualityByConfig.getOrDefault(s.id(), List.of());
            storedHere += (int) allQuality.stream().filter(q -> q.key().configurationId().equals(s.id())).count()
                    - pendingQuality.size();
            tasks.add(new ConfigurationTask(rt, plan, workload, s, pending, pendingQuality, storedHere, totals));
        }
        try (Placement placement = rt.cfg.placement.get()) {
            new PlanScheduler(rt).runAll(tasks, placement);
        }
        List<SweepReport.ConfigurationOutcome> outcomes = new ArrayList<>();
        for (ConfigurationTask t : tasks) {
            outcomes.add(t.outcome());
        }
        SweepReport report = new SweepReport(plan.id(), total, skipped, totals.ok.get(), totals.invalid.get(),
                totals.failed.get(), rt.isCancelled(), outcomes, Duration.ofNanos(System.nanoTime() - t0));
        rt.emit(new SweepEvent.PlanDone(plan.id(), report));
        return report;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The engine settings as the flat map an {@link EngineFactory} reads: model, quantization,
     * tensorParallel, gpu, plus each extra argument of the form {@code key=value} (leading dashes
     * dropped).
     *
     * @param s the settings
     * @return the map
     */
    public static Map<String, String> settingsMap(EngineSettings s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(EngineFactory.MODEL, s.model());
        m.put(EngineFactory.QUANTIZATION, s.quantization());
        m.put(EngineFactory.TENSOR_PARALLEL, Integer.toString(s.tensorParallel()));
        m.put(EngineFactory.GPU, s.gpu());
        for (String a : s.extraArgs()) {
            String t = a.replaceFirst("^-+", "");
            int eq = t.indexOf('=');
            if (eq > 0) {
                m.put(t.substring(0, eq), t.substring(eq + 1));
            } else {
                m.put(t, "true");
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * The workload a plan's spec names: {@code synthetic} ({@code inputTokens}, {@code outputTokens}),
     * {@code sharegpt-like} ({@code meanInputTokens}, {@code meanOutputTokens}) or {@code sharegpt}
     * ({@code file}).
     *
     * @param spec the spec
     * @return the workload
     * @throws IllegalArgumentException naming the kind or parameter that is not understood
     */
    public static Workload workloadOf(WorkloadSpec spec) {
        Map<String, Object> p = spec.parameters();
        String kind = spec.kind().toLowerCase(Locale.ROOT).replace('_', '-');
        switch (kind) {
            case "synthetic":
                return QMeter.synthetic(intParam(p, "inputTokens", "workload.inputTokens"),
                        intParam(p, "outputTokens", "workload.outputTokens"));
            case "sharegpt-like":
            case "sharegptlike":
                return QMeter.sharegptLike(intParam(p, p.containsKey("meanInputTokens") ? "meanInputTokens"
                                : "inputTokens", "workload.meanInputTokens"),
                        intParam(p, p.containsKey("meanOutputTokens") ? "meanOutputTokens" : "outputTokens",
                                "workload.meanOutputTokens"));
            case "sharegpt":
                Object f = p.get("file");
                if (!(f instanceof String file)) {
                    throw new IllegalArgumentException("workload.file: expected the ShareGPT JSON file, was " + f);
                }
                return QMeter.sharegpt(Path.of(file));
            default:
                throw new IllegalArgumentException("workload.kind: expected synthetic, sharegpt-like or sharegpt, was '"
                        + spec.kind() + "'; or pass your own with SweepCoordinator.Builder.workloads(...)");
        }
    }

    private static int intParam(Map<String, Object> p, String name, String path) {
        Object v = p.get(name);
        if (v instanceof Number n && n.doubleValue() >= 1 && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw new IllegalArgumentException(path + ": expected an integer >= 1, was " + v);
    }

    /**
     * Builds a {@link SweepCoordinator}; every setter returns a new builder.
     *
     * <pre>{@code
     * SweepCoordinator c = SweepCoordinator.builder(store).parallelism(5).maxAttempts(3)
     *         .listener(ConsoleProgress.toTerminal(System.out)).build();
     * }</pre>
     */
    public static final class Builder {
        final ResultStore store;
        Function<EngineSettings, Engine> engines;
        BiPredicate<EngineSettings, EngineSettings> independence;
        Function<WorkloadSpec, Workload> workloads = SweepCoordinator::workloadOf;
        List<ProgressListener> listeners = List.of();
        int parallelism = 1;
        int maxAttempts = 3;
        Duration healthInterval = Duration.ofSeconds(1);
        Duration stallTimeout = Duration.ofSeconds(5);
        Duration startTimeout = Duration.ofMinutes(10);
        Duration firstTokenTimeout = Duration.ofMinutes(2);
        Duration idleTimeout = Duration.ofSeconds(30);
        Duration runRequestTimeout;
        Duration probeRequestTimeout;
        int burstRequests;
        Duration probeMinDuration = Duration.ZERO;
        double maxRateOverBurst = Double.NaN;
        PowerSensor powerSensor;
        Function<List<Integer>, PowerSensor> powerSensors;
        Duration idleSettle = Duration.ofSeconds(5);
        Duration clientLag;
        double clientRateFraction = 0.95;
        UnaryOperator<SaturationSearch.Builder> searchTuning = b -> b;
        UnaryOperator<LoadRunBuilder> loadTuning = b -> b;
        boolean keepRecords;
        SearchProbeFactory searchProbe = SearchProbeFactory.REAL_TIME;
        Duration restartBackoff = Duration.ofSeconds(1);
        Duration serverMetricsInterval = Duration.ofSeconds(1);
        Duration restartBackoffMax = Duration.ofSeconds(30);
        Supplier<Placement> placement = LocalPlacement::new;
        Function<String, Optional<QualityBenchmark>> qualityBenchmarks = QualityBenchmark::find;

        private Builder(ResultStore store) {
            this.store = store;
        }

        private Builder copy() {
            Builder b = new Builder(store);
            b.engines = engines;
            b.independence = independence;
            b.workloads = workloads;
            b.listeners = listeners;
            b.parallelism = parallelism;
            b.maxAttempts = maxAttempts;
            b.healthInterval = healthInterval;
            b.stallTimeout = stallTimeout;
            b.startTimeout = startTimeout;
            b.firstTokenTimeout = firstTokenTimeout;
            b.idleTimeout = idleTimeout;
            b.runRequestTimeout = runRequestTimeout;
            b.probeRequestTimeout = probeRequestTimeout;
            b.burstRequests = burstRequests;
            b.probeMinDuration = probeMinDuration;
            b.maxRateOverBurst = maxRateOverBurst;
            b.powerSensor = powerSensor;
            b.powerSensors = powerSensors;
            b.idleSettle = idleSettle;
            b.clientLag = clientLag;
            b.clientRateFraction = clientRateFraction;
            b.searchTuning = searchTuning;
            b.loadTuning = loadTuning;
            b.keepRecords = keepRecords;
            b.searchProbe = searchProbe;
            b.restartBackoff = restartBackoff;
            b.serverMetricsInterval = serverMetricsInterval;
            b.restartBackoffMax = restartBackoffMax;
            b.placement = placement;
            b.qualityBenchmarks = qualityBenchmarks;
            return b;
        }

        /**
         * Finds the benchmark a plan's {@link QualityStep} names (default
         * {@link QualityBenchmark#find(String)}: the {@link java.util.ServiceLoader} benchmarks, from
         * {@code qmeter-quality}). A step whose benchmark is not found is stored as failed, with the
         * names that are available.
         *
         * <pre>{@code
         * builder.qualityBenchmarks(name -> name.equals("gsm8k")
         *         ? Optional.of(new Gsm8kBenchmark(test, train)) : QualityBenchmark.find(name));
         * }</pre>
         *
         * @param finder benchmark name to the benchmark, or empty
         * @return a new builder
         */
        public Builder qualityBenchmarks(Function<String, Optional<QualityBenchmark>> finder) {
            Builder b = copy();
            b.qualityBenchmarks = Objects.requireNonNull(finder, "qualityBenchmarks");
            return b;
        }

        /**
         * Makes the engines explicitly instead of through {@link EngineFactory#find} (tests, custom
         * launchers).
         *
         * @param factory settings to engine
         * @return a new builder
         */
        public Builder engines(Function<EngineSettings, Engine> factory) {
            Builder b = copy();
            b.engines = Objects.requireNonNull(factory, "engines");
            return b;
        }

        /**
         * Makes the engines with this factory.
         *
         * @param factory the factory
         * @return a new builder
         */
        public Builder engineFactory(EngineFactory factory) {
            Objects.requireNonNull(factory, "factory");
            Builder b = engines(s -> factory.create(settingsMap(s)));
            b.independence = (x, y) -> factory.independent(settingsMap(x), settingsMap(y));
            return b;
        }

        /**
         * Which configurations may run at the same time (default: the engine factory's
         * {@link EngineFactory#independent}, else different GPUs).
         *
         * @param predicate true when two configurations may run concurrently
         * @return a new builder
         */
        public Builder independence(BiPredicate<EngineSettings, EngineSettings> predicate) {
            Builder b = copy();
            b.independence = Objects.requireNonNull(predicate, "independence");
            return b;
        }

        /**
         * Resolves the plan's workload spec (default {@link SweepCoordinator#workloadOf}).
         *
         * @param resolver spec to workload
         * @return a new builder
         */
        public Builder workloads(Function<WorkloadSpec, Workload> resolver) {
            Builder b = copy();
            b.workloads = Objects.requireNonNull(resolver, "workloads");
            return b;
        }

        /**
         * Adds a progress listener.
         *
         * @param listener the listener
         * @return a new builder
         */
        public Builder listener(ProgressListener listener) {
            Builder b = copy();
            List<ProgressListener> l = new ArrayList<>(listeners);
            l.add(Objects.requireNonNull(listener, "listener"));
            b.listeners = List.copyOf(l);
            return b;
        }

        /**
         * How many independent configurations may run at once; default 1.
         *
         * @param n at least 1
         * @return a new builder
         */
        public Builder parallelism(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("parallelism must be >= 1, was " + n);
            }
            Builder b = copy();
            b.parallelism = n;
            return b;
        }

        /**
         * Attempts per point (and per engine start, and per search) before it is stored as failed; default 3.
         *
         * @param n at least 1
         * @return a new builder
         */
        public Builder maxAttempts(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, was " + n);
            }
            Builder b = copy();
            b.maxAttempts = n;
            return b;
        }

        /**
         * How often health is polled during a run; default 1 s.
         *
         * @param interval &gt; 0
         * @return a new builder
         */
        public Builder healthInterval(Duration interval) {
            Builder b = copy();
            b.healthInterval = Checks.positive("healthInterval", interval);
            return b;
        }

        /**
         * How long without a completed request (with requests in flight) before a one-token
         * liveness request is sent, and how long it may take; default 5 s.
         *
         * @param timeout &gt; 0
         * @return a new builder
         */
        public Builder stallTimeout(Duration timeout) {
            Builder b = copy();
            b.stallTimeout = Checks.positive("stallTimeout", timeout);
            return b;
        }

        /**
         * How long an engine may take to become healthy after {@code start()}; default 10 min.
         *
         * @param timeout &gt; 0
         * @return a new builder
         */
        public Builder startTimeout(Duration timeout) {
            Builder b = copy();
            b.startTimeout = Checks.positive("startTimeout", timeout);
            return b;
        }

        /**
         * Client timeouts: first token (default 2 min) and gap between tokens (default 30 s).
         *
         * @param firstToken first-token timeout
         * @param idle       idle-gap timeout
         * @return a new builder
         */
        public Builder clientTimeouts(Duration firstToken, Duration idle) {
            Builder b = copy();
            b.firstTokenTimeout = Checks.positive("firstTokenTimeout", firstToken);
            b.idleTimeout = Checks.positive("idleTimeout", idle);
            return b;
        }

        /**
         * Cuts each request of a sweep run this long after it was sent (default: no cut). Cut
         * requests are recorded as TIMEOUT with what arrived, counted in the metric
         * {@code truncated_requests}, and do not make the run INVALID: latency percentiles then
         * cover the completed requests only, and J/token counts every token that arrived inside the
         * energy window, cut requests' included. Keeps runs short when answers are long.
         *
         * @param timeout &gt; 0
         * @return a new builder
         */
        public Builder runRequestTimeout(Duration timeout) {
            Builder b = copy();
            b.runRequestTimeout = Checks.positive("runRequestTimeout", timeout);
            return b;
        }

        /**
         * Cuts each request of a search probe this long after it was sent (see {@link io.qmeter.search.LoadProbe}:
         * a cut request keeps its TTFT and its TPOT is estimated from the tokens received).
         *
         * @param timeout &gt; 0
         * @return a new builder
         */
        public Builder probeRequestTimeout(Duration timeout) {
            Builder b = copy();
            b.probeRequestTimeout = Checks.positive("probeRequestTimeout", timeout);
            return b;
        }

        /**
         * Caps the search's rates at {@code factor ×} the throughput of a max-throughput burst that
         * the coordinator runs first (it counts as one of the plan's probes; the search then starts
         * at 0.75 × that throughput). Short probes cannot see an overload that builds up slowly, so
         * without a cap they may pass far above the saturation point; default: no cap (the search
         * runs its own burst, or starts from the plan's initial rate).
         *
         * @param factor &gt; 0.75, e.g. 1.1
         * @return a new builder
         */
        public Builder maxRateOverBurst(double factor) {
            if (!(factor > 0.75) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("maxRateOverBurst must be > 0.75 and finite, was " + factor);
            }
            Builder b = copy();
            b.maxRateOverBurst = factor;
            return b;
        }

        /**
         * Least arrival time of a search probe (see {@link io.qmeter.search.LoadProbe#withMinDuration}); default 0.
         *
         * @param d at least zero
         * @return a new builder
         */
        public Builder probeMinDuration(Duration d) {
            Objects.requireNonNull(d, "probeMinDuration");
            if (d.isNegative()) {
                throw new IllegalArgumentException("probeMinDuration must be >= 0, was " + d);
            }
            Builder b = copy();
            b.probeMinDuration = d;
            return b;
        }

        /**
         * Requests in the search's max-throughput burst (default: the search's request count).
         *
         * @param n at least 1
         * @return a new builder
         */
        public Builder burstRequests(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("burstRequests must be >= 1, was " + n);
            }
            Builder b = copy();
            b.burstRequests = n;
            return b;
        }

        /**
         * One power sensor for every configuration whose engine brings none of its own (default
         * none). It measures the same devices for every configuration, so it is refused with
         * {@link #parallelism parallelism} above 1 (its windows and idle baselines would include
         * the other configurations' work): use {@link #powerSensors} then.
         *
         * @param sensor the sensor (not closed by the coordinator)
         * @return a new builder
         */
        public Builder powerSensor(PowerSensor sensor) {
            Builder b = copy();
            b.powerSensor = Objects.requireNonNull(sensor, "powerSensor");
            return b;
        }

        /**
         * Makes a power sensor per configuration over the GPUs its engine serves from
         * ({@link io.qmeter.engine.EngineHandle#gpuIndices()}), for engines that bring no sensor of
         * their own. The coordinator closes the sensors it made when the configuration ends. Works
         * with any parallelism: two configurations never hold one GPU at once, and each idle
         * baseline is measured while only its own engine holds its GPUs.
         *
         * <pre>{@code
         * builder.parallelism(4).powerSensors(gpus -> new NvmlPowerSensor(NvmlSensorOptions.defaults()
         *         .withGpus(GpuSelection.indices(gpus.stream().mapToInt(i -> i).toArray()))));
         * }</pre>
         *
         * @param perGpus CUDA device indices (never empty) to the sensor over exactly those devices
         * @return a new builder
         */
        public Builder powerSensors(Function<List<Integer>, PowerSensor> perGpus) {
            Builder b = copy();
            b.powerSensors = Objects.requireNonNull(perGpus, "powerSensors");
            return b;
        }

        /**
         * How long the idle baseline is measured, once per configuration; default 5 s.
         *
         * @param settle &gt; 0
         * @return a new builder
         */
        public Builder idleSettle(Duration settle) {
            Builder b = copy();
            b.idleSettle = Checks.positive("idleSettle", settle);
            return b;
        }

        /**
         * Client self-check thresholds for every run (default: the load run's, 5 ms and 0.95).
         *
         * @param maxLagP99       largest acceptable p99 schedule lag
         * @param minRateFraction smallest acceptable achieved ÷ scheduled rate
         * @return a new builder
         */
        public Builder clientCheck(Duration maxLagP99, double minRateFraction) {
            Builder b = copy();
            b.clientLag = Checks.positive("maxLagP99", maxLagP99);
            b.clientRateFraction = minRateFraction;
            return b;
        }

        /**
         * Adjusts each saturation search (request count per probe, time budgets...) after the
         * plan's settings were applied.
         *
         * @param tuning the adjustment
         * @return a new builder
         */
        public Builder searchTuning(UnaryOperator<SaturationSearch.Builder> tuning) {
            Builder b = copy();
            b.searchTuning = Objects.requireNonNull(tuning, "searchTuning");
            return b;
        }

        /**
         * Adjusts every load run (probes and sweep runs) after the coordinator configured it.
         *
         * @param tuning the adjustment
         * @return a new builder
         */
        public Builder loadTuning(UnaryOperator<LoadRunBuilder> tuning) {
            Builder b = copy();
            b.loadTuning = Objects.requireNonNull(tuning, "loadTuning");
            return b;
        }

        /**
         * Supplies the saturation search's probe per configuration (default
         * {@link SearchProbeFactory#REAL_TIME}: real load runs against the running engine). See
         * {@link SearchProbeFactory}; the plan's runs always go to the real engine.
         *
         * <pre>{@code
         * builder.searchProbe((settings, realTime) -> VirtualTimeProbe.of(simConfig(settings), lengths));
         * }</pre>
         *
         * @param factory settings and the default probe to the probe to search with
         * @return a new builder
         */
        public Builder searchProbe(SearchProbeFactory factory) {
            Builder b = copy();
            b.searchProbe = Objects.requireNonNull(factory, "searchProbe");
            return b;
        }

        /**
         * Whether stored payloads keep every request record (large); default false (summaries only).
         *
         * @param keep true to keep them
         * @return a new builder
         */
        public Builder keepRecords(boolean keep) {
            Builder b = copy();
            b.keepRecords = keep;
            return b;
        }

        /**
         * The wait before an engine is started again after a failed start or a crash: {@code initial}
         * after the first failure in a row, doubled after each further one, at most {@code max}
         * (default 1 s and 30 s). A run that completes resets it. Cancelling the sweep ends the wait.
         *
         * @param initial at least zero
         * @param max     at least {@code initial}
         * @return a new builder
         */
        public Builder restartBackoff(Duration initial, Duration max) {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(max, "max");
            if (initial.isNegative() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("restartBackoff: expected 0 <= initial <= max, was " + initial
                        + " and " + max);
            }
            Builder b = copy();
            b.restartBackoff = initial;
            b.restartBackoffMax = max;
            return b;
        }

        /**
         * How often the engine's own metrics ({@link io.qmeter.engine.EngineHandle#serverMetrics()})
         * are scraped, from a background thread, while a point's load runs (default 1 s;
         * {@link Duration#ZERO} turns scraping off). Each stored run then carries, beside the
         * client's numbers, {@code server_<name>_mean} / {@code _max} for gauges,
         * {@code server_<name>_delta} for counters, {@code server_ttft_mean_ms} /
         * {@code server_tpot_mean_ms} where the engine exports them, and the raw series in its
         * payload ({@code serverMetrics}). The series covers the whole run, warm-up included.
         *
         * @param interval &gt; 0, or zero for off
         * @return a new builder
         */
        public Builder serverMetricsInterval(Duration interval) {
            Objects.requireNonNull(interval, "serverMetricsInterval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("serverMetricsInterval must be > 0 (or zero for off), was "
                        + interval);
            }
            Builder b = copy();
            b.serverMetricsInterval = interval;
            return b;
        }

        /**
         * Where each configuration runs: a new placement per {@link SweepCoordinator#run}, closed when
         * the run ends (default {@link LocalPlacement}: threads of this JVM).
         *
         * @param factory makes the placement of one run
         * @return a new builder
         */
        public Builder placement(Supplier<Placement> factory) {
            Builder b = copy();
            b.placement = Objects.requireNonNull(factory, "placement");
            return b;
        }

        /**
         * Builds the coordinator.
         *
         * @return the coordinator
         */
        public SweepCoordinator build() {
            if (powerSensor != null && powerSensors != null) {
                throw new IllegalStateException("both powerSensor(...) and powerSensors(...) were set; choose one: "
                        + "powerSensors(gpus -> ...) measures each configuration over its own GPUs");
            }
            if (powerSensor != null && parallelism > 1) {
                throw new IllegalStateException("one shared powerSensor(...) with parallelism(" + parallelism
                        + ") would count every GPU for every configuration and take idle baselines while the "
                        + "others run. Use powerSensors(gpus -> sensor over those GPUs) so that each configuration "
                        + "is measured over its own GPUs, or parallelism(1)");
            }
            return new SweepCoordinator(copy());
        }

    }
}
