package io.qmeter.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmeter.LoadRunBuilder;
import io.qmeter.QMeter;
import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineFactory;
import io.qmeter.engine.EngineHandle;
import io.qmeter.power.PowerSensor;
import io.qmeter.search.SloJudge;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.workload.Workload;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-configuration task: starts the configuration's engine, scores its quality steps on the
 * idle engine ({@link QualityRun}), measures its idle power, finds its saturation point when a
 * relative rate or background load needs it ({@link SaturationStep}), scores the quality steps under
 * their background loads and runs its pending points one after another ({@link PointRun}); then
 * stops the engine.
 */
final class ConfigurationTask {

    private static final Logger LOG = LoggerFactory.getLogger(SweepCoordinator.class);

    /** Counters over the whole plan. */
    static final class Totals {
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger invalid = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
    }

    final SweepRuntime rt;
    final Plan plan;
    final Workload workload;
    final EngineSettings settings;
    final List<PlanPoint> pending;
    final List<QualityPoint> pendingQuality;
    private final int storedPoints;
    private final Totals totals;
    final String cid;
    final SloJudge judge;
    double saturation = Double.NaN;
    String searchDetail = "";
    int probes;
    double idleWatts = Double.NaN;
    EngineSession session;
    private final Map<List<Integer>, PowerSensor> ownSensors = new HashMap<>();
    private boolean warnedNoGpus;

    ConfigurationTask(SweepRuntime rt, Plan plan, Workload workload, EngineSettings settings,
                      List<PlanPoint> pending, List<QualityPoint> pendingQuality, int storedPoints, Totals totals) {
        this.rt = rt;
        this.plan = plan;
        this.workload = workload;
        this.settings = settings;
        this.pending = pending;
        this.pendingQuality = pendingQuality;
        this.storedPoints = storedPoints;
        this.totals = totals;
        this.cid = settings.id();
        this.judge = plan.search().judge(plan.slo());
    }

    String cid() {
        return cid;
    }

    EngineSettings settings() {
        return settings;
    }

    /** This configuration as a job for a {@link Placement}. */
    PlacementJob job() {
        return new PlacementJob(plan.id(), settings, pending, this::execute);
    }

    SweepReport.ConfigurationOutcome outcome() {
        return new SweepReport.ConfigurationOutcome(cid, settings, saturation, searchDetail, probes, idleWatts,
                session == null ? 0 : session.restarts());
    }

    void execute() {
        if (rt.isCancelled()) {
            return;
        }
        rt.emit(new SweepEvent.ConfigurationStarted(plan.id(), cid, settings, pending.size() + pendingQuality.size(),
                storedPoints));
        if (pending.isEmpty() && pendingQuality.isEmpty()) {
            return;
        }
        Engine engine;
        try {
            engine = rt.cfg.engines != null ? rt.cfg.engines.apply(settings)
                    : EngineFactory.find(settings.engine()).create(SweepCoordinator.settingsMap(settings));
        } catch (RuntimeException e) {
            failAll("no engine for " + settings.canonical() + ": " + e.getMessage(), List.of());
            return;
        }
        session = new EngineSession(rt, engine, cid);
        try {
            try {
                session.start();
            } catch (EngineFailure e) {
                rt.emit(new SweepEvent.Failure(plan.id(), cid, null, e.getMessage(), e.logTail, false));
                failAll(e.getMessage(), e.logTail);
                return;
            }
            List<QualityPoint> loaded = pendingQuality.stream().filter(q -> q.background().isPresent()).toList();
            for (QualityPoint q : pendingQuality) {
                if (rt.isCancelled()) {
                    return;
                }
                if (q.background().isEmpty()) {
                    new QualityRun(this, q).run();
                }
            }
            if (pending.isEmpty() && loaded.isEmpty()) {
                return;
            }
            measureIdle();
            boolean needsSaturation = pending.stream().anyMatch(p -> p.rate().isRelative())
                    || loaded.stream().anyMatch(q -> q.background().get().isRelative());
            if (needsSaturation) {
                new SaturationStep(this).run();
            }
            // scores under a background load: after the search (a fraction needs its saturation point)
            for (QualityPoint q : loaded) {
                if (rt.isCancelled()) {
                    return;
                }
                new QualityRun(this, q).run();
            }
            for (PlanPoint p : pending) {
                if (rt.isCancelled()) {
                    return;
                }
                new PointRun(this, p).run();
            }
        } finally {
            session.close();
            closeOwnSensors();
        }
    }

    private void measureIdle() {
        PowerSensor s = sensor();
        if (s == null) {
            return;
        }
        List<Integer> gpus = session.handle() == null ? List.of() : session.handle().gpuIndices();
        try {
            // measured again (at most twice) when another configuration's engine was started on
            // these GPUs meanwhile and stopped because they were held: its start drew power
            for (int i = 0; i < 3; i++) {
                long before = rt.gpus.disturbances(gpus);
                idleWatts = s.measureIdleWatts(rt.cfg.idleSettle);
                if (rt.gpus.disturbances(gpus) == before) {
                    break;
                }
                LOG.info("{}: another configuration's engine started on GPUs {} during the idle baseline; "
                        + "measuring again", cid, gpus);
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: idle power could not be measured ({}); net J/token will be missing", cid, e.toString());
        }
    }

    /**
     * The sensor of this configuration's energy windows: the engine's own; else one made by the
     * builder's per-GPU factory for the GPUs the engine reports (kept per GPU set, closed when the
     * configuration ends); else the builder's single sensor (only allowed with parallelism 1).
     */
    PowerSensor sensor() {
        EngineHandle h = session == null ? null : session.handle();
        Optional<PowerSensor> own = h == null ? Optional.empty() : h.powerSensor();
        if (own.isPresent()) {
            return own.get();
        }
        if (rt.cfg.powerSensors == null) {
            return rt.cfg.powerSensor;
        }
        List<Integer> gpus = h == null ? List.of() : h.gpuIndices();
        if (gpus.isEmpty()) {
            if (h != null && !warnedNoGpus) {
                warnedNoGpus = true;
                LOG.warn("{}: its engine reports no GPU indices, so the per-GPU power sensor factory cannot "
                        + "measure its energy; give the engine a sensor of its own (EngineHandle.powerSensor) "
                        + "or run the plan with parallelism(1) and one shared powerSensor(...)", cid);
            }
            return null;
        }
        return ownSensors.computeIfAbsent(List.copyOf(gpus), g -> Objects.requireNonNull(
                rt.cfg.powerSensors.apply(g), "the powerSensors factory returned null for GPUs " + g));
    }

    private void closeOwnSensors() {
        for (PowerSensor s : ownSensors.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.warn("{}: closing power sensor {} failed", cid, s.name(), e);
            }
        }
        ownSensors.clear();
    }

    /**
     * After the engine failed during an attempt at {@code key}: reports the failure and, when another
     * attempt is left and the sweep goes on, restarts the engine. Load points and quality steps alike.
     */
    void afterEngineFailure(RunKey key, String cause, int attempt) {
        boolean retry = attempt < rt.cfg.maxAttempts && !rt.isCancelled();
        rt.emit(new SweepEvent.Failure(plan.id(), cid, key, cause, session.logTail(), retry));
        if (retry) {
            session.restartQuietly();
        }
    }

    /** The cause stored for a point or step that used up its attempts: the last cause seen. */
    static String failedAfter(int attempts, List<String> causes) {
        return "failed after " + attempts + (attempts == 1 ? " attempt: " : " attempts: ")
                + (causes.isEmpty() ? "?" : causes.get(causes.size() - 1));
    }

    /** A load run against the running engine through {@code watch}, with the builder's settings. */
    LoadRunBuilder base(EngineWatch watch) {
        LoadRunBuilder b = QMeter.load(session.handle()).workload(workload).sender(watch);
        if (rt.cfg.clientLag != null) {
            b = b.clientCheck(rt.cfg.clientLag, rt.cfg.clientRateFraction);
        }
        return rt.cfg.loadTuning.apply(b);
    }

    Map<String, String> labels(PlanPoint p) {
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
            String detail = s.capability().detail();
            if (detail != null && !detail.isBlank()) {
                l.put("sensor_detail", detail); // for NVML: each GPU's name, UUID and energy support
            }
        }
        if (session != null && session.handle() != null) {
            Map<String, Object> d = session.handle().describe();
            Object version = d.get("engineVersion");
            if (version != null) {
                l.put("engine_version", version.toString());
            }
            Object command = d.get("command");
            if (command != null) {
                l.put("engine_command", command.toString());
            }
        }
        List<Integer> gpus = session == null || session.handle() == null ? List.of() : session.handle().gpuIndices();
        if (!gpus.isEmpty()) {
            l.put("gpus", gpus.toString());
        }
        return l;
    }

    void storeFailed(PlanPoint p, String cause, List<String> tail, List<String> causes, int attempts, long t0) {
        ObjectNode payload = ResultMapping.JSON.createObjectNode();
        payload.put("point", p.key().asString());
        payload.put("attempts", attempts);
        payload.putPOJO("causes", causes);
        payload.putPOJO("logTail", tail);
        Map<String, Double> m = new TreeMap<>();
        m.put("attempts", (double) attempts);
        String fullCause = tail.isEmpty() ? cause : cause + "\nengine log tail:\n  "
                + String.join("\n  ", tail.subList(Math.max(0, tail.size() - 10), tail.size()));
        rt.put(new StoredRun(p.key(), RunStatus.FAILED, fullCause, labels(p), m, payload.toString(), Instant.now()));
        count(RunStatus.FAILED);
        rt.emit(new SweepEvent.RunDone(plan.id(), p.key(), RunStatus.FAILED, cause, attempts,
                Duration.ofNanos(System.nanoTime() - t0)));
    }

    private void failAll(String cause, List<String> tail) {
        for (QualityPoint q : pendingQuality) {
            if (rt.isCancelled()) {
                return;
            }
            QualityRun.storeFailed(this, q, cause, tail, List.of(cause), 0, System.nanoTime());
        }
        for (PlanPoint p : pending) {
            if (rt.isCancelled()) {
                return;
            }
            storeFailed(p, cause, tail, List.of(cause), 0, System.nanoTime());
        }
    }

    void count(RunStatus s) {
        switch (s) {
            case OK -> totals.ok.incrementAndGet();
            case INVALID -> totals.invalid.incrementAndGet();
            case FAILED -> totals.failed.incrementAndGet();
            // not done: the point stays among the remaining ones and a re-run runs it again
            case CANCELLED -> { }
            default -> throw new IllegalStateException("unknown run status " + s);
        }
    }
}
