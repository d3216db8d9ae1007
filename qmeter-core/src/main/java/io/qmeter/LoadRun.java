package io.qmeter;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.LlmClient;
import io.qmeter.client.RequestSender;
import io.qmeter.internal.load.LoadOutcome;
import io.qmeter.load.ClosedLoop;
import io.qmeter.load.LoadPlan;
import io.qmeter.load.LoadShard;
import io.qmeter.internal.load.LoadRunner;
import io.qmeter.metrics.ClientCheck;
import io.qmeter.metrics.EnergyReport;
import io.qmeter.metrics.RunSummary;
import io.qmeter.metrics.SloReport;
import io.qmeter.metrics.SloThreshold;
import io.qmeter.workload.PromptSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A configured load run, immutable; {@link #run()} may be called more than once (each call is a
 * fresh run with the same seed). Built by {@link LoadRunBuilder#build()}.
 *
 * <pre>{@code
 * LoadRun run = QMeter.load("http://127.0.0.1:8000").model("m").workload(QMeter.synthetic(128, 64))
 *         .arrivals(QMeter.poisson(5)).requests(200).build();
 * RunResult r = run.run();
 * CompletableFuture<RunResult> later = run.runAsync();   // cancel() stops it; what was measured is kept
 * }</pre>
 */
public final class LoadRun {

    private final LoadRunBuilder.Spec config;
    private final LoadPlan plan;
    private final LoadShard shard;
    /** The wall-clock instant of the schedule's offset 0, or null to start when ready. */
    private final Instant startAt;

    LoadRun(LoadRunBuilder b) {
        LoadRunBuilder.Spec s = b.spec;
        this.config = s;
        CompletionRequest template = CompletionRequest.of(s.endpoint(), s.model(), PromptSpec.ofText("", 0, 1))
                .withIgnoreEos(s.ignoreEos()).withTemperature(s.temperature()).withStream(s.stream())
                .withIncludeUsage(s.stream()).withExtraBody(body(s));
        this.plan = new LoadPlan(s.arrivals(), s.workload(), template, s.seed(), s.duration(), s.requests(),
                s.warmup(), s.cooldown(), s.maxInFlight(), s.drainTimeout(), s.spin());
        this.shard = LoadShard.whole();
        this.startAt = null;
    }

    private LoadRun(LoadRun base, LoadShard shard, Instant startAt) {
        this.config = base.config;
        this.plan = base.plan;
        this.shard = shard;
        this.startAt = startAt;
    }

    /**
     * A copy that sends only one shard of the schedule: every {@code shard.count()}-th arrival,
     * starting at {@code shard.index()}. The whole seeded schedule and workload are still drawn, so
     * each request keeps its index, due time and prompt from the one-process run, and the shards
     * of all processes together send every arrival exactly once. Results say which shard they are
     * (the arrivals in the echoed config carry {@code shard}); the client self-check's target rate is
     * this shard's share. Give every process the same {@link #withStartAt start instant}.
     *
     * <pre>{@code
     * RunResult part = run.withShard(LoadShard.of(2, 4)).withStartAt(Instant.parse("2026-01-01T10:00:00Z")).run();
     * }</pre>
     *
     * @param shard the shard, {@link LoadShard#whole()} for every arrival
     * @return the copy
     * @throws IllegalArgumentException for a closed loop (it has no schedule to split)
     */
    public LoadRun withShard(LoadShard shard) {
        Objects.requireNonNull(shard, "shard");
        if (!shard.isWhole() && plan.arrivals() instanceof ClosedLoop c) {
            throw new IllegalArgumentException("a closed loop has no schedule to split into shards, was shard "
                    + shard + " of " + c.name() + "; give each process its own closed loop instead");
        }
        return new LoadRun(this, shard, startAt);
    }

    /**
     * A copy whose schedule starts (offset 0) at a wall-clock instant rather than as soon as the run
     * is ready: the instant is mapped once onto this process's monotonic clock, and every time in the
     * result is measured on that clock. Several processes given the same instant start together to
     * within the offset between their hosts' wall clocks. {@link #run()} fails when the instant has
     * passed by the time the run is ready to send (leave room for start-up).
     *
     * <pre>{@code
     * RunResult r = run.withStartAt(Instant.now().plusSeconds(20)).run();
     * }</pre>
     *
     * @param startAt the instant of the schedule's offset 0
     * @return the copy
     */
    public LoadRun withStartAt(Instant startAt) {
        return new LoadRun(this, shard, Objects.requireNonNull(startAt, "startAt"));
    }

    /**
     * Which arrivals this run sends ({@link LoadShard#whole()} unless {@link #withShard} was used).
     *
     * @return the shard
     */
    public LoadShard shard() {
        return shard;
    }

    /**
     * The wall-clock start instant, when one was set with {@link #withStartAt}.
     *
     * @return the instant, or empty to start as soon as the run is ready
     */
    public Optional<Instant> startAt() {
        return Optional.ofNullable(startAt);
    }

    /** The extra body fields, with {@code cache_prompt} when the prompt cache was set. */
    private static Map<String, Object> body(LoadRunBuilder.Spec b) {
        if (b.promptCache() == null) {
            return b.extraBody();
        }
        Map<String, Object> m = new LinkedHashMap<>(b.extraBody());
        m.put("cache_prompt", b.promptCache());
        return m;
    }

    /** Fails at build time when the first prompt does not fit the endpoint (token ids on chat). */
    void checkFirstRequest() {
        Iterator<PromptSpec> it = plan.workload().prompts(plan.seed());
        if (!it.hasNext()) {
            throw new IllegalArgumentException("workload must yield prompts, was empty: " + plan.workload().name());
        }
        try {
            plan.template().withPrompt(it.next());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("workload " + plan.workload().name() + " does not fit endpoint "
                    + plan.template().endpoint() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The load plan this run executes.
     *
     * @return the plan
     */
    public LoadPlan plan() {
        return plan;
    }

    /**
     * Runs the load and blocks until every request has a record.
     *
     * @return the result
     */
    public RunResult run() {
        RequestSender sender = newSender();
        try (LoadRunner runner = new LoadRunner(plan, sender, config.powerSensor(), shard, startAt)) {
            return execute(runner);
        } finally {
            closeIfOwned(sender);
        }
    }

    /**
     * Runs the load on a new thread. Cancelling the future stops the run (outstanding requests become
     * {@code CANCELLED} records; the cancelled future carries no result).
     *
     * @return the future result
     */
    public CompletableFuture<RunResult> runAsync() {
        CompletableFuture<RunResult> f = new CompletableFuture<>();
        RequestSender sender = newSender();
        LoadRunner runner = new LoadRunner(plan, sender, config.powerSensor(), shard, startAt);
        Thread t = new Thread(() -> {
            try {
                f.complete(execute(runner));
            } catch (RuntimeException | Error e) {
                f.completeExceptionally(e);
            } finally {
                closeIfOwned(sender);
            }
        }, "qmeter-load-run");
        t.setDaemon(true);
        f.whenComplete((r, e) -> {
            if (f.isCancelled()) {
                runner.cancel();
            }
        });
        t.start();
        return f;
    }

    private RequestSender newSender() {
        if (config.sender() != null) {
            return config.sender();
        }
        LlmClient c = LlmClient.create(config.baseUrl()).apiKey(config.apiKey());
        if (config.connectTimeout() != null) {
            c = c.connectTimeout(config.connectTimeout());
        }
        if (config.firstTokenTimeout() != null) {
            c = c.firstTokenTimeout(config.firstTokenTimeout());
        }
        if (config.idleTimeout() != null) {
            c = c.idleTimeout(config.idleTimeout());
        }
        if (config.requestTimeout() != null) {
            c = c.requestTimeout(config.requestTimeout());
        }
        if (config.maxConnections() > 0) {
            c = c.maxConnections(config.maxConnections());
        }
        return c;
    }

    private void closeIfOwned(RequestSender sender) {
        if (sender != config.sender()) {
            sender.close();
        }
    }

    private RunResult execute(LoadRunner runner) {
        LoadOutcome o = runner.run();
        RunSummary summary = RunSummary.of(o.records(), o.window(), plan.template().ignoreEos());
        SloReport sloReport = config.slo() == null ? null : SloReport.of(config.slo(), o.records(), o.window());
        // a shard is checked against its own share of the schedule
        ClientCheck check = ClientCheck.of(o.records(), o.window(), plan.arrivals().ratePerSecond() / shard.count(),
                config.clientCheck(), o.loopDelay());
        EnergyReport energy = o.energy() == null ? null
                : EnergyReport.of(config.powerSensor().name(), o.energy(), o.records(), o.energyStartNanos(),
                o.energyEndNanos(), config.idleWatts());
        List<String> reasons = new ArrayList<>(check.reasons());
        if (summary.measuredRequests() == 0) {
            reasons.add("no request was scheduled in the measured window (warm-up " + plan.warmup()
                    + ", cool-down " + plan.cooldown() + ", schedule end " + o.scheduleEndNanos() / 1e9
                    + " s); lengthen the run or shorten warm-up/cool-down");
        }
        if (o.cancelled()) {
            reasons.add("the run was cancelled before its schedule ended");
        } else if (o.endReason().startsWith("the dispatcher failed")) {
            reasons.add(o.endReason());
        }
        return new RunResult(RunResult.SCHEMA_VERSION, plan.seed(), o.startedAt().toString(), echo(), o.endReason(),
                o.scheduleEndNanos(), o.window(), summary, sloReport, check, reasons.isEmpty(), reasons, energy,
                o.records());
    }

    private RunConfig echo() {
        List<String> slo = config.slo() == null ? List.of()
                : config.slo().thresholds().stream().map(SloThreshold::toString).toList();
        return new RunConfig(config.baseUrl() == null ? null : config.baseUrl().toString(), config.model(),
                config.endpoint(), config.sender() == null ? "LlmClient" : config.sender().getClass().getName(),
                strings(plan.workload().describe()), arrivalsEcho(),
                plan.arrivals().ratePerSecond(), plan.duration() == null ? -1 : plan.duration().toNanos(),
                plan.maxRequests(), plan.warmup().toNanos(), plan.cooldown().toNanos(), plan.maxInFlight(),
                config.ignoreEos(), config.temperature(), config.stream(), slo, config.clientCheck(),
                plan.drainTimeout().toNanos(), config.powerSensor() == null ? null : config.powerSensor().name(),
                config.idleWatts(), strings(plan.template().extraBody()),
                config.promptCache() != null ? (config.promptCache() ? "on" : "off")
                        : config.extraBody().containsKey("cache_prompt")
                        ? "cache_prompt=" + config.extraBody().get("cache_prompt") + " (extraBody)" : "engine default");
    }

    /** The arrivals as configured, with the shard and the start instant when set. */
    private Map<String, String> arrivalsEcho() {
        Map<String, String> m = strings(plan.arrivals().describe());
        if (!shard.isWhole()) {
            m.put("shard", shard.toString());
        }
        if (startAt != null) {
            m.put("startAt", startAt.toString());
        }
        return m;
    }

    private static Map<String, String> strings(Map<String, ?> m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    @Override
    public String toString() {
        return "LoadRun[" + plan.arrivals().name() + " x " + plan.workload().name() + ", seed " + plan.seed()
                + (shard.isWhole() ? "" : ", shard " + shard) + "]";
    }
}
