package io.qmeter.sweep;

import io.qmeter.internal.Checks;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmeter.LoadRun;
import io.qmeter.LoadRunBuilder;
import io.qmeter.QMeter;
import io.qmeter.RunResult;
import io.qmeter.client.LlmClient;
import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineException;
import io.qmeter.engine.EngineFactory;
import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.Health;
import io.qmeter.metrics.LatencyStats;
import io.qmeter.power.PowerSensor;
import io.qmeter.search.Decision;
import io.qmeter.search.Judgement;
import io.qmeter.search.Probe;
import io.qmeter.search.ProbeOutcome;
import io.qmeter.search.ProbeResult;
import io.qmeter.search.SaturationSearch;
import io.qmeter.search.SearchResult;
import io.qmeter.search.SloJudge;
import io.qmeter.search.StopReason;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Plan}: for each configuration it starts the engine (through an {@link Engine} made
 * by an {@link EngineFactory}), waits until it is healthy, measures the idle power once, finds the
 * saturation point with {@link SaturationSearch} over real load runs ({@link LoadProbe}; or over the
 * probe a {@link SearchProbeFactory} supplies, see {@link Builder#searchProbe}), runs the
 * plan's rates (absolute, or fractions of the saturation point) with an energy window per run, and
 * stores every point in the {@link ResultStore} under its {@link RunKey}. Points already stored are
 * skipped, so running the same plan again resumes it; the saturation search is stored too (rate
 * label {@value #SATURATION_LABEL}) and reused on resume.
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
 * the current runs within about a second; what was stored stays, the rest is left to a re-run.
 *
 * <pre>{@code
 * try (ResultStore store = ResultStore.sqlite(Path.of("results.db"));
 *      SweepCoordinator c = SweepCoordinator.builder(store).parallelism(5)
 *              .listener(ConsoleProgress.toStdout()).build()) {
 *     SweepReport report = c.run(Plan.read(Path.of("plan.json")));
 * }
 * }</pre>
 */
public final class SweepCoordinator implements AutoCloseable {

    /** The rate label under which a configuration's saturation search is stored. */
    public static final String SATURATION_LABEL = "saturation";

    private static final Logger LOG = LoggerFactory.getLogger(SweepCoordinator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LOG_LINES = 50;

    private final Builder cfg;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final Set<CompletableFuture<?>> running = ConcurrentHashMap.newKeySet();

    private SweepCoordinator(Builder cfg) {
        this.cfg = cfg;
    }

    /**
     * A builder storing into {@code store}: engines from {@link EngineFactory#find}, parallelism 1,
     * 3 attempts per point, health polled every second, hang declared after 5 s without progress.
     *
     * @param store where runs are stored (not closed by the coordinator)
     * @return the builder
     */
    public static Builder builder(ResultStore store) {
        return new Builder(Objects.requireNonNull(store, "store"));
    }

    /**
     * Stops the plan: current runs are abandoned (not stored) within about a second, no new point
     * starts; {@link #run} then returns a report with {@code cancelled} set. Idempotent.
     */
    public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            LOG.info("sweep cancelled; stopping current runs");
            running.forEach(f -> f.cancel(true));
        }
    }

    /**
     * Whether {@link #cancel()} was called.
     *
     * @return true after cancel
     */
    public boolean isCancelled() {
        return cancelled.get();
    }

    /** Cancels a running plan (if any); idempotent. */
    @Override
    public void close() {
        if (cancelled.compareAndSet(false, true)) {
            running.forEach(f -> f.cancel(true));
        }
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
        Workload workload = cfg.workloads.apply(plan.workload());
        Set<RunKey> stored = cfg.store.keys(plan.id());
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
        Totals totals = new Totals();
        emit(new SweepEvent.PlanStarted(plan.id(), all.size(), skipped, plan.configurations().size(),
                cfg.parallelism));
        List<ConfigTask> tasks = new ArrayList<>();
        for (EngineSettings s : plan.configurations()) {
            List<PlanPoint> pending = byConfig.getOrDefault(s.id(), List.of());
            int storedHere = (int) all.stream().filter(p -> p.key().configurationId().equals(s.id())).count()
                    - pending.size();
            tasks.add(new ConfigTask(plan, workload, s, pending, storedHere, totals));
        }
        runAll(tasks);
        List<SweepReport.ConfigurationOutcome> outcomes = new ArrayList<>();
        for (ConfigTask t : tasks) {
            outcomes.add(t.outcome());
        }
        SweepReport report = new SweepReport(plan.id(), all.size(), skipped, totals.ok.get(), totals.invalid.get(),
                totals.failed.get(), cancelled.get(), outcomes, Duration.ofNanos(System.nanoTime() - t0));
        emit(new SweepEvent.PlanDone(plan.id(), report));
        return report;
    }

    // ---------------------------------------------------------------- scheduling

    private void runAll(List<ConfigTask> tasks) {
        if (cfg.parallelism == 1 || tasks.size() <= 1) {
            for (ConfigTask t : tasks) {
                if (cancelled.get() || Thread.currentThread().isInterrupted()) {
                    cancel();
                    break;
                }
                t.execute();
            }
            return;
        }
        Scheduler sched = new Scheduler(tasks);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < Math.min(cfg.parallelism, tasks.size()); i++) {
            Thread w = new Thread(sched::work, "qmeter-sweep-worker-" + i);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            while (w.isAlive()) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    cancel();
                }
            }
        }
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
        }
        if (!sched.errors.isEmpty()) {
            Throwable first = sched.errors.get(0);
            if (first instanceof Error err) {
                throw err;
            }
            throw (RuntimeException) first; // as run() does with parallelism 1
        }
    }

    /** Hands configurations to workers, never two dependent ones at once. */
    private final class Scheduler {
        private final List<ConfigTask> queue;
        private final List<ConfigTask> active = new ArrayList<>();

        final List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());

        Scheduler(List<ConfigTask> tasks) {
            this.queue = new ArrayList<>(tasks);
        }

        void work() {
            while (true) {
                ConfigTask t = next();
                if (t == null) {
                    return;
                }
                try {
                    t.execute();
                } catch (RuntimeException | Error e) {
                    // never lose a configuration silently: run() rethrows after the other workers end
                    LOG.error("configuration {} aborted", t.cid, e);
                    errors.add(e);
                } finally {
                    synchronized (this) {
                        active.remove(t);
                        notifyAll();
                    }
                }
            }
        }

        private synchronized ConfigTask next() {
            while (true) {
                if (queue.isEmpty() || cancelled.get()) {
                    return null;
                }
                for (ConfigTask t : queue) {
                    if (active.stream().allMatch(a -> independent(a.settings, t.settings))) {
                        queue.remove(t);
                        active.add(t);
                        return t;
                    }
                }
                try {
                    wait(1000);
                } catch (InterruptedException e) {
                    cancel();
                    return null;
                }
            }
        }
    }

    private boolean independent(EngineSettings a, EngineSettings b) {
        if (cfg.independence != null) {
            return cfg.independence.test(a, b);
        }
        if (cfg.engines == null && a.engine().equalsIgnoreCase(b.engine())) {
            try {
                return EngineFactory.find(a.engine()).independent(settingsMap(a), settingsMap(b));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return !a.gpu().equals(b.gpu());
    }

    // ---------------------------------------------------------------- one configuration

    /** Counters over the whole plan. */
    private static final class Totals {
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger invalid = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
    }

    private final class ConfigTask {
        private final Plan plan;
        private final Workload workload;
        private final EngineSettings settings;
        private final List<PlanPoint> pending;
        private final int storedPoints;
        private final Totals totals;
        private final String cid;
        private double saturation = Double.NaN;
        private String searchDetail = "";
        private int probes;
        private double idleWatts = Double.NaN;
        private EngineSession session;
        private final SloJudge judge;
        private String searchProbeName = "";

        ConfigTask(Plan plan, Workload workload, EngineSettings settings, List<PlanPoint> pending, int storedPoints,
                   Totals totals) {
            this.plan = plan;
            this.workload = workload;
            this.settings = settings;
            this.pending = pending;
            this.storedPoints = storedPoints;
            this.totals = totals;
            this.cid = settings.id();
            this.judge = plan.search().judge(plan.slo());
        }

        SweepReport.ConfigurationOutcome outcome() {
            return new SweepReport.ConfigurationOutcome(cid, settings, saturation, searchDetail, probes, idleWatts,
                    session == null ? 0 : session.restarts);
        }

        void execute() {
            if (cancelled.get()) {
                return;
            }
            emit(new SweepEvent.ConfigurationStarted(plan.id(), cid, settings, pending.size(), storedPoints));
            if (pending.isEmpty()) {
                return;
            }
            Engine engine;
            try {
                engine = cfg.engines != null ? cfg.engines.apply(settings)
                        : EngineFactory.find(settings.engine()).create(settingsMap(settings));
            } catch (RuntimeException e) {
                failAll("no engine for " + settings.canonical() + ": " + e.getMessage(), List.of());
                return;
            }
            session = new EngineSession(engine, cid);
            try {
                try {
                    session.start();
                } catch (EngineFailure e) {
                    emit(new SweepEvent.Failure(plan.id(), cid, null, e.getMessage(), e.logTail, false));
                    failAll(e.getMessage(), e.logTail);
                    return;
                }
                measureIdle();
                boolean needsSaturation = pending.stream().anyMatch(p -> p.rate().isRelative());
                if (needsSaturation) {
                    findSaturation();
                }
                for (PlanPoint p : pending) {
                    if (cancelled.get()) {
                        return;
                    }
                    runPoint(p);
                }
            } finally {
                session.close();
            }
        }

        private void measureIdle() {
            PowerSensor s = sensor();
            if (s == null) {
                return;
            }
            try {
                idleWatts = s.measureIdleWatts(cfg.idleSettle);
            } catch (RuntimeException e) {
                LOG.warn("{}: idle power could not be measured ({}); net J/token will be missing", cid, e.toString());
            }
        }

        private PowerSensor sensor() {
            Optional<PowerSensor> own = session.handle == null ? Optional.empty() : session.handle.powerSensor();
            return own.orElse(cfg.powerSensor);
        }

        private Map<String, String> labels(PlanPoint p) {
            Map<String, String> l = new TreeMap<>();
            l.put("engine", settings.engine());
            l.put("model", settings.model());
            l.put("quantization", settings.quantization());
            l.put("tensor_parallel", Integer.toString(settings.tensorParallel()));
            l.put("gpu", settings.gpu());
            l.put("workload", plan.workload().label());
            if (p != null) {
                l.put("rate_kind", p.rate().isRelative() ? "fraction_of_saturation" : "absolute");
            }
            PowerSensor s = sensor();
            if (s != null) {
                l.put("sensor", s.name());
            }
            return l;
        }

        // ------------------------------------------------------------ saturation

        private void findSaturation() {
            RunKey key = new RunKey(plan.id(), cid, SATURATION_LABEL, 0);
            Optional<StoredRun> st = cfg.store.find(key);
            if (st.isPresent() && st.get().status() == RunStatus.OK) {
                saturation = st.get().metrics().getOrDefault("saturation_rps", Double.NaN);
                searchDetail = "STORED: " + st.get().labels().getOrDefault("search_stop", "");
                emit(new SweepEvent.SearchDone(plan.id(), cid, saturation, "STORED", 0,
                        "reused the search stored under " + key));
                return;
            }
            List<String> failures = new ArrayList<>();
            for (int attempt = 1; attempt <= cfg.maxAttempts && !cancelled.get(); attempt++) {
                SearchResult r;
                AtomicBoolean engineBroke = new AtomicBoolean();
                String[] brokeCause = new String[1];
                try (EngineWatch watch = session.newWatch(cfg.probeRequestTimeout)) {
                    LoadProbe lp = LoadProbe.of(base(watch)).withRunner(run -> {
                        try {
                            return runWatched(watch, run);
                        } catch (EngineFailure e) {
                            engineBroke.set(true);
                            brokeCause[0] = e.getMessage();
                            throw e;
                        }
                    });
                    lp = lp.withMinDuration(cfg.probeMinDuration);
                    if (cfg.burstRequests > 0) {
                        lp = lp.withBurstRequests(cfg.burstRequests);
                    }
                    Probe chosen;
                    try {
                        chosen = Objects.requireNonNull(cfg.searchProbe.probeFor(settings, lp),
                                "the searchProbe factory returned null");
                        searchProbeName = chosen == lp ? "real-time load runs" : chosen.toString();
                    } catch (RuntimeException e) {
                        // recorded as the search's failure (PROBE_ERROR) rather than lost with the thread
                        String why = "the searchProbe factory failed for " + cid + ": " + e.getMessage();
                        LOG.warn(why, e);
                        chosen = req -> {
                            throw new IllegalStateException(why, e);
                        };
                        searchProbeName = "none (factory failed)";
                    }
                    Probe reporting = reporting(chosen);
                    SaturationSearch.Builder sb = searchBuilder(key);
                    int extra = 0;
                    if (!Double.isNaN(cfg.maxRateOverBurst) && Double.isNaN(plan.search().initialRate())) {
                        double t;
                        try {
                            ProbeResult burst = reporting.run(new io.qmeter.search.ProbeRequest(
                                    Double.POSITIVE_INFINITY, Math.max(1, cfg.burstRequests), plan.seedFor(key), 0));
                            t = burst.achievedThroughputPerSecond();
                        } catch (EngineFailure e) {
                            t = Double.NaN;
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        extra = 1;
                        if (engineBroke.get()) {
                            r = new SearchResult(Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.of(),
                                    StopReason.PROBE_ERROR, "the burst probe failed: " + brokeCause[0],
                                    plan.search().tolerance());
                        } else if (!(t > 0) || Double.isInfinite(t)) {
                            r = new SearchResult(Double.NaN, Double.NaN, Double.NaN, t, List.of(),
                                    StopReason.PROBE_ERROR, "the burst probe measured no throughput (" + t + ")",
                                    plan.search().tolerance());
                        } else {
                            sb = sb.initialRate(0.75 * t).rateRange(Math.min(0.01, 0.05 * t), cfg.maxRateOverBurst * t)
                                    .maxProbes(Math.max(1, plan.search().maxProbes() - 1));
                            r = cfg.searchTuning.apply(sb).build().run(reporting);
                            r = new SearchResult(r.saturationRate(), r.highestPassingRate(), r.lowestFailingRate(), t,
                                    r.probes(), r.stopReason(), r.detail(), r.tolerance());
                        }
                    } else {
                        r = cfg.searchTuning.apply(sb).build().run(reporting);
                    }
                    probes += extra;
                }
                probes += r.probeCount();
                if (cancelled.get()) {
                    return;
                }
                if (r.stopReason() == StopReason.PROBE_ERROR && engineBroke.get()) {
                    List<String> tail = session.logTail();
                    failures.add(brokeCause[0]);
                    boolean retry = attempt < cfg.maxAttempts;
                    emit(new SweepEvent.Failure(plan.id(), cid, key, "saturation search: " + brokeCause[0], tail,
                            retry));
                    if (!retry || !session.restartQuietly()) {
                        break;
                    }
                    continue;
                }
                saturation = r.found() ? r.saturationRate() : Double.NaN;
                searchDetail = r.stopReason() + ": " + r.detail();
                storeSearch(key, r);
                emit(new SweepEvent.SearchDone(plan.id(), cid, saturation, r.stopReason().name(), probes,
                        r.detail()));
                return;
            }
            if (cancelled.get()) {
                return;
            }
            searchDetail = "FAILED: " + String.join(" | ", failures);
            ObjectNode payload = JSON.createObjectNode();
            payload.putPOJO("failures", failures);
            payload.putPOJO("logTail", session.logTail());
            put(new StoredRun(key, RunStatus.FAILED, "the saturation search failed " + failures.size()
                    + " times: " + String.join(" | ", failures), labels(null), Map.of(), payload.toString(),
                    Instant.now()));
            emit(new SweepEvent.SearchDone(plan.id(), cid, Double.NaN, "FAILED", probes, searchDetail));
        }

        private SaturationSearch.Builder searchBuilder(RunKey key) {
            SaturationSearch.Builder b = SaturationSearch.builder().judge(judge)
                    .tolerance(plan.search().tolerance()).maxProbes(plan.search().maxProbes())
                    .seed(plan.seedFor(key));
            if (!Double.isNaN(plan.search().initialRate())) {
                b = b.initialRate(plan.search().initialRate());
            }
            return b;
        }

        private Probe reporting(Probe inner) {
            AtomicInteger index = new AtomicInteger();
            return req -> {
                long t0 = System.nanoTime();
                int i = index.getAndIncrement();
                ProbeResult res = null;
                String verdict = "error";
                try {
                    res = inner.run(req);
                    if (req.isBurst()) {
                        verdict = String.format(Locale.ROOT, "burst: %.2f req/s", res.achievedThroughputPerSecond());
                    } else {
                        Judgement j = judge.judge(res);
                        verdict = j.decision() == Decision.UNDECIDED ? "UNDECIDED (leans " + j.leaning() + ")"
                                : j.decision().name();
                    }
                    return res;
                } catch (RuntimeException e) {
                    verdict = "error: " + e.getMessage();
                    throw e;
                } finally {
                    emit(new SweepEvent.ProbeDone(plan.id(), cid, i, req.isBurst() ? "MAX_THROUGHPUT" : "RATE",
                            req.ratePerSecond(), req.requestCount(), verdict, Duration.ofNanos(System.nanoTime() - t0)));
                }
            };
        }

        private void storeSearch(RunKey key, SearchResult r) {
            Map<String, Double> m = new TreeMap<>();
            m.put("saturation_rps", r.saturationRate());
            m.put("lowest_failing_rps", r.lowestFailingRate());
            m.put("max_throughput_rps", r.maxThroughputPerSecond());
            m.put("probes", (double) r.probeCount());
            m.put("idle_watts", idleWatts);
            ArrayNode probesJson = JSON.createArrayNode();
            for (ProbeOutcome o : r.probes()) {
                ObjectNode n = probesJson.addObject();
                n.put("index", o.index());
                n.put("purpose", o.purpose().name());
                n.put("rate_rps", o.ratePerSecond());
                n.put("requests", o.request().requestCount());
                n.put("seed", o.request().seed());
                n.put("decision", o.decision() == null ? null : o.decision().name());
                n.put("judgement", o.judgement() == null ? null : o.judgement().reason());
                n.put("error", o.error());
                n.put("elapsed_ms", o.elapsed().toMillis());
                if (o.result() != null && !Double.isNaN(o.result().achievedThroughputPerSecond())) {
                    n.put("throughput_rps", o.result().achievedThroughputPerSecond());
                }
            }
            ObjectNode payload = JSON.createObjectNode();
            payload.put("stopReason", r.stopReason().name());
            payload.put("detail", r.detail());
            payload.put("tolerance", r.tolerance());
            payload.set("probes", probesJson);
            Map<String, String> labels = labels(null);
            labels.put("search_stop", r.stopReason().name());
            labels.put("search_probe", searchProbeName);
            boolean ok = r.found();
            put(new StoredRun(key, ok ? RunStatus.OK : RunStatus.FAILED,
                    ok ? null : "no saturation point: " + r.stopReason() + ": " + r.detail(), labels, m,
                    payload.toString(), Instant.now()));
        }

        // ------------------------------------------------------------ points

        private void runPoint(PlanPoint p) {
            long t0 = System.nanoTime();
            RunKey key = p.key();
            double rate = p.rate().resolve(saturation);
            if (p.rate().isRelative() && !(rate > 0)) {
                storeFailed(p, "no saturation point for this configuration (" + searchDetail + "), so "
                        + p.rate().label() + " has no rate", List.of(), List.of(), 0, t0);
                return;
            }
            List<String> causes = new ArrayList<>();
            int attempt = 0;
            while (attempt < cfg.maxAttempts) {
                attempt++;
                if (cancelled.get()) {
                    return;
                }
                if (session.deadCause != null) {
                    causes.add(session.deadCause);
                    break;
                }
                if (!session.healthy() && !session.restartQuietly()) {
                    causes.add(session.deadCause);
                    break;
                }
                LoadRun run;
                try (EngineWatch watch = session.newWatch(cfg.runRequestTimeout)) {
                    try {
                        run = pointRun(watch, p, rate);
                    } catch (RuntimeException e) {
                        storeFailed(p, "the run could not be configured: " + e.getMessage(), List.of(), causes, attempt,
                                t0);
                        return;
                    }
                    RunResult rr;
                    try {
                        rr = runWatched(watch, run);
                    } catch (CancellationException e) {
                        return;
                    } catch (EngineFailure e) {
                        causes.add(e.getMessage());
                        List<String> tail = session.logTail();
                        boolean retry = attempt < cfg.maxAttempts && !cancelled.get();
                        emit(new SweepEvent.Failure(plan.id(), cid, key, e.getMessage(), tail, retry));
                        if (retry) {
                            session.restartQuietly();
                        }
                        continue;
                    }
                    storeResult(p, rate, rr, attempt, t0);
                    return;
                }
            }
            if (cancelled.get()) {
                return;
            }
            storeFailed(p, "failed after " + attempt + (attempt == 1 ? " attempt: " : " attempts: ")
                    + (causes.isEmpty() ? "?" : causes.get(causes.size() - 1)), session.logTail(), causes, attempt, t0);
        }

        private LoadRun pointRun(EngineWatch watch, PlanPoint p, double rate) {
            LoadRunBuilder b = base(watch).arrivals(QMeter.poisson(rate)).seed(p.seed());
            RunLength len = plan.runLength();
            Duration warm = Duration.ofNanos(Math.round(len.warmupRequests() / rate * 1e9));
            if (len.isTimed()) {
                b = b.duration(len.duration().plus(warm));
            } else {
                b = b.requests((long) len.requests() + len.warmupRequests());
            }
            if (len.warmupRequests() > 0) {
                b = b.warmup(warm);
            }
            b = b.slo(plan.slo());
            PowerSensor s = sensor();
            if (s != null) {
                b = b.powerSensor(s);
                if (!Double.isNaN(idleWatts)) {
                    b = b.idleWatts(idleWatts);
                }
            }
            return b.build();
        }

        private LoadRunBuilder base(EngineWatch watch) {
            LoadRunBuilder b = QMeter.load(session.handle).workload(workload).sender(watch);
            if (cfg.clientLag != null) {
                b = b.clientCheck(cfg.clientLag, cfg.clientRateFraction);
            }
            return cfg.loadTuning.apply(b);
        }

        private void storeResult(PlanPoint p, double rate, RunResult rr, int attempts, long t0) {
            List<String> reasons = new ArrayList<>(rr.invalidReasons());
            // only requests cut by the run's own whole-request limit are "truncated"; a connect,
            // first-token or idle timeout is the engine's failure and keeps the run INVALID
            long truncated = cfg.runRequestTimeout == null ? 0
                    : rr.measuredRecords().stream()
                            .filter(r -> r.outcome() == io.qmeter.metrics.Outcome.TIMEOUT && r.error() != null
                                    && r.error().startsWith("request timeout"))
                            .count();
            long failedReq = rr.summary().failedRequests() - truncated;
            if (failedReq > 0) {
                reasons.add(failedReq + " of " + rr.summary().measuredRequests() + " measured requests failed "
                        + rr.summary().outcomes());
            }
            RunStatus status = reasons.isEmpty() ? RunStatus.OK : RunStatus.INVALID;
            String cause = reasons.isEmpty() ? null : String.join("; ", reasons);
            Map<String, Double> m = metrics(rr);
            m.put("target_rps", rate);
            m.put("attempts", (double) attempts);
            m.put("truncated_requests", (double) truncated);
            if (p.rate().isRelative()) {
                m.put("saturation_rps", saturation);
                m.put("saturation_fraction", p.rate().value());
            }
            ObjectNode payload = JSON.createObjectNode();
            payload.put("point", p.key().asString());
            payload.put("seed", p.seed());
            payload.put("targetRate", rate);
            payload.put("attempts", attempts);
            try {
                RunResult slim = cfg.keepRecords ? rr : new RunResult(rr.schemaVersion(), rr.seed(), rr.startedAt(),
                        rr.config(), rr.endReason(), rr.scheduleEndNanos(), rr.window(), rr.summary(), rr.slo(),
                        rr.clientCheck(), rr.valid(), rr.invalidReasons(), rr.energy(), List.of());
                payload.set("result", JSON.readTree(slim.toJson()));
            } catch (java.io.IOException e) {
                payload.put("result", "could not be serialized: " + e.getMessage());
            }
            put(new StoredRun(p.key(), status, cause, labels(p), m, payload.toString(), Instant.now()));
            count(status);
            emit(new SweepEvent.RunDone(plan.id(), p.key(), status, cause, attempts,
                    Duration.ofNanos(System.nanoTime() - t0)));
        }

        private void storeFailed(PlanPoint p, String cause, List<String> tail, List<String> causes, int attempts,
                                 long t0) {
            ObjectNode payload = JSON.createObjectNode();
            payload.put("point", p.key().asString());
            payload.put("attempts", attempts);
            payload.putPOJO("causes", causes);
            payload.putPOJO("logTail", tail);
            Map<String, Double> m = new TreeMap<>();
            m.put("attempts", (double) attempts);
            String fullCause = tail.isEmpty() ? cause : cause + "\nengine log tail:\n  "
                    + String.join("\n  ", tail.subList(Math.max(0, tail.size() - 10), tail.size()));
            put(new StoredRun(p.key(), RunStatus.FAILED, fullCause, labels(p), m, payload.toString(), Instant.now()));
            count(RunStatus.FAILED);
            emit(new SweepEvent.RunDone(plan.id(), p.key(), RunStatus.FAILED, cause, attempts,
                    Duration.ofNanos(System.nanoTime() - t0)));
        }

        private void failAll(String cause, List<String> tail) {
            for (PlanPoint p : pending) {
                if (cancelled.get()) {
                    return;
                }
                storeFailed(p, cause, tail, List.of(cause), 0, System.nanoTime());
            }
        }

        private void count(RunStatus s) {
            (s == RunStatus.OK ? totals.ok : s == RunStatus.INVALID ? totals.invalid : totals.failed).incrementAndGet();
        }
    }

    private void put(StoredRun run) {
        cfg.store.put(run);
    }

    /** Runs a load while watching the engine; the result only when the engine stayed healthy. */
    private RunResult runWatched(EngineWatch watch, LoadRun run) {
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
                    cancel();
                    Thread.currentThread().interrupt();
                    throw new CancellationException("interrupted");
                }
            }
        } finally {
            running.remove(f);
        }
    }

    private void emit(SweepEvent e) {
        for (ProgressListener l : cfg.listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                LOG.warn("progress listener {} failed on {}", l, e.getClass().getSimpleName(), ex);
            }
        }
    }

    /** An engine failed (start, death, hang); carries its log tail. */
    static final class EngineFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient List<String> logTail;

        EngineFailure(String message, List<String> logTail) {
            super(message);
            this.logTail = List.copyOf(logTail);
        }
    }

    /** The running engine of one configuration: start, restart, log tail, watches. */
    private final class EngineSession implements AutoCloseable {
        private final Engine engine;
        private final String cid;
        private EngineHandle handle;
        private List<String> lastTail = List.of();
        private String deadCause;
        int restarts;

        EngineSession(Engine engine, String cid) {
            this.engine = engine;
            this.cid = cid;
        }

        void start() {
            String cause = null;
            for (int i = 1; i <= cfg.maxAttempts && !cancelled.get(); i++) {
                try {
                    handle = engine.start();
                    String h = awaitHealthy(handle);
                    if (h == null) {
                        deadCause = null;
                        return;
                    }
                    cause = h;
                    lastTail = handle.logTail(LOG_LINES);
                    handle.close();
                    handle = null;
                } catch (EngineException e) {
                    cause = e.getMessage();
                    lastTail = e.logTail();
                } catch (RuntimeException e) {
                    cause = e.toString();
                }
                LOG.warn("{}: engine start {} of {} failed: {}", cid, i, cfg.maxAttempts, cause);
            }
            deadCause = "the engine did not start after " + cfg.maxAttempts + " attempts: " + cause;
            throw new EngineFailure(deadCause, lastTail);
        }

        private String awaitHealthy(EngineHandle h) {
            long deadline = System.nanoTime() + cfg.startTimeout.toNanos();
            Health last = h.health();
            while (!last.isUp()) {
                if (System.nanoTime() > deadline || cancelled.get()) {
                    return "the engine was not healthy within " + cfg.startTimeout + ": " + last.detail();
                }
                try {
                    Thread.sleep(200); // polling an engine that is starting, with a deadline
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancel();
                    return "interrupted";
                }
                last = h.health();
            }
            return null;
        }

        boolean restartQuietly() {
            lastTail = logTail();
            if (handle != null) {
                handle.close();
                handle = null;
            }
            restarts++;
            LOG.info("{}: restarting the engine (restart {})", cid, restarts);
            try {
                start();
                return true;
            } catch (EngineFailure e) {
                return false;
            }
        }

        boolean healthy() {
            return handle != null && handle.health().isUp();
        }

        List<String> logTail() {
            if (handle != null) {
                List<String> t = handle.logTail(LOG_LINES);
                if (!t.isEmpty()) {
                    return t;
                }
            }
            return lastTail;
        }

        EngineWatch newWatch(Duration requestTimeout) {
            LlmClient c = LlmClient.create(handle.baseUrl()).firstTokenTimeout(cfg.firstTokenTimeout)
                    .idleTimeout(cfg.idleTimeout);
            if (requestTimeout != null) {
                c = c.requestTimeout(requestTimeout);
            }
            return new EngineWatch(c, handle, cfg.stallTimeout);
        }

        @Override
        public void close() {
            if (handle != null) {
                handle.close();
                handle = null;
            }
        }
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

    /** Flat metrics of a run, for the store and its CSV export. */
    static Map<String, Double> metrics(RunResult rr) {
        Map<String, Double> m = new TreeMap<>();
        var s = rr.summary();
        m.put("measured_requests", (double) s.measuredRequests());
        m.put("ok_requests", (double) s.okRequests());
        m.put("failed_requests", (double) s.failedRequests());
        m.put("throughput_rps", s.requestThroughputPerSecond());
        m.put("output_tok_per_s", s.outputTokenThroughputPerSecond());
        m.put("achieved_rps", rr.clientCheck().achievedRatePerSecond());
        m.put("schedule_lag_p99_ms", rr.clientCheck().scheduleLag().p99Millis());
        m.put("loop_delay_p99_ms", rr.clientCheck().loopDelay().p99Millis());
        m.put("valid", rr.valid() ? 1.0 : 0.0);
        lat(m, "ttft", s.ttft());
        lat(m, "tpot", s.tpot());
        lat(m, "itl", s.itl());
        lat(m, "e2e", s.e2e());
        if (rr.slo() != null) {
            m.put("slo_passed", rr.slo().passed() ? 1.0 : 0.0);
            m.put("slo_attainment", rr.slo().attainment());
            m.put("goodput_rps", rr.slo().goodputPerSecond());
        }
        if (rr.energy() != null) {
            var e = rr.energy();
            m.put("energy_j", e.joules());
            m.put("j_per_token", e.joulesPerToken());
            m.put("j_per_token_net", e.netJoulesPerToken());
            m.put("avg_watts", e.averageWatts());
            m.put("idle_watts", e.idleWatts());
            m.put("energy_tokens", e.outputTokens());
        }
        return m;
    }

    private static void lat(Map<String, Double> m, String name, LatencyStats l) {
        m.put(name + "_p50_ms", l.p50Millis());
        m.put(name + "_p90_ms", l.p90Millis());
        m.put(name + "_p99_ms", l.p99Millis());
        m.put(name + "_mean_ms", l.meanMillis());
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
     *         .listener(ConsoleProgress.toStdout()).build();
     * }</pre>
     */
    public static final class Builder {
        private final ResultStore store;
        private Function<EngineSettings, Engine> engines;
        private BiPredicate<EngineSettings, EngineSettings> independence;
        private Function<WorkloadSpec, Workload> workloads = SweepCoordinator::workloadOf;
        private List<ProgressListener> listeners = List.of();
        private int parallelism = 1;
        private int maxAttempts = 3;
        private Duration healthInterval = Duration.ofSeconds(1);
        private Duration stallTimeout = Duration.ofSeconds(5);
        private Duration startTimeout = Duration.ofMinutes(10);
        private Duration firstTokenTimeout = Duration.ofMinutes(2);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private Duration runRequestTimeout;
        private Duration probeRequestTimeout;
        private int burstRequests;
        private Duration probeMinDuration = Duration.ZERO;
        private double maxRateOverBurst = Double.NaN;
        private PowerSensor powerSensor;
        private Duration idleSettle = Duration.ofSeconds(5);
        private Duration clientLag;
        private double clientRateFraction = 0.95;
        private UnaryOperator<SaturationSearch.Builder> searchTuning = b -> b;
        private UnaryOperator<LoadRunBuilder> loadTuning = b -> b;
        private boolean keepRecords;
        private SearchProbeFactory searchProbe = SearchProbeFactory.REAL_TIME;

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
            b.idleSettle = idleSettle;
            b.clientLag = clientLag;
            b.clientRateFraction = clientRateFraction;
            b.searchTuning = searchTuning;
            b.loadTuning = loadTuning;
            b.keepRecords = keepRecords;
            b.searchProbe = searchProbe;
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
         * Cuts each request of a search probe this long after it was sent (see {@link LoadProbe}:
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
         * Least arrival time of a search probe (see {@link LoadProbe#withMinDuration}); default 0.
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
         * The power sensor for engines that bring none of their own (default none).
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
         * Builds the coordinator.
         *
         * @return the coordinator
         */
        public SweepCoordinator build() {
            return new SweepCoordinator(copy());
        }

    }
}
