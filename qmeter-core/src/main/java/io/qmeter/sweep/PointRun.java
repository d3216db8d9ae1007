package io.qmeter.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmeter.LoadRun;
import io.qmeter.LoadRunBuilder;
import io.qmeter.QMeter;
import io.qmeter.RunResult;
import io.qmeter.metrics.Outcome;
import io.qmeter.power.PowerSensor;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * The point run: one plan point of a configuration, run against its engine while the engine is
 * watched, retried after an engine failure (the engine restarted with backoff) up to
 * {@code maxAttempts}, and stored: OK, INVALID with the reasons, or FAILED with every cause and the
 * engine's log tail.
 */
final class PointRun {

    private final ConfigurationTask task;
    private final SweepRuntime rt;
    private final PlanPoint p;

    PointRun(ConfigurationTask task, PlanPoint p) {
        this.task = task;
        this.rt = task.rt;
        this.p = p;
    }

    void run() {
        long t0 = System.nanoTime();
        RunKey key = p.key();
        EngineSession session = task.session;
        double rate = p.rate().resolve(task.saturation);
        if (p.rate().isRelative() && !(rate > 0)) {
            task.storeFailed(p, "no saturation point for this configuration (" + task.searchDetail + "), so "
                    + p.rate().label() + " has no rate", List.of(), List.of(), 0, t0);
            return;
        }
        List<String> causes = new ArrayList<>();
        int attempt = 0;
        while (attempt < rt.cfg.maxAttempts) {
            attempt++;
            if (rt.isCancelled()) {
                return;
            }
            String dead = session.readyForAttempt();
            if (dead != null) {
                causes.add(dead);
                break;
            }
            LoadRun run;
            try (EngineWatch watch = session.newWatch(rt.cfg.runRequestTimeout)) {
                try {
                    run = loadRun(watch, rate);
                } catch (RuntimeException e) {
                    task.storeFailed(p, "the run could not be configured: " + e.getMessage(), List.of(), causes,
                            attempt, t0);
                    return;
                }
                RunResult rr;
                ServerMetricsScraper scraper = rt.cfg.serverMetricsInterval.isZero() ? null
                        : ServerMetricsScraper.start(session.handle(), rt.cfg.serverMetricsInterval);
                try {
                    rr = rt.runWatched(watch, run);
                } catch (CancellationException e) {
                    storeCancelled(rate, attempt, t0);
                    return;
                } catch (EngineFailure e) {
                    causes.add(e.getMessage());
                    task.afterEngineFailure(key, e.getMessage(), attempt);
                    continue;
                } finally {
                    if (scraper != null) {
                        scraper.close();
                    }
                }
                session.succeeded();
                store(rate, rr, attempt, t0, scraper == null ? List.of() : scraper.samples());
                return;
            }
        }
        if (rt.isCancelled()) {
            return;
        }
        task.storeFailed(p, ConfigurationTask.failedAfter(attempt, causes), session.logTail(), causes, attempt, t0);
    }

    /**
     * Records the run the sweep's cancellation stopped as {@link RunStatus#CANCELLED} (no metrics:
     * its numbers are partial); a re-run of the plan runs the point again.
     */
    private void storeCancelled(double rate, int attempts, long t0) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        String cause = String.format(java.util.Locale.ROOT, "cancelled after %.1f s", elapsed.toMillis() / 1000.0)
                + " (the sweep was stopped before the run"
                + " completed); running the plan again runs this point again";
        ObjectNode payload = ResultMapping.JSON.createObjectNode();
        payload.put("point", p.key().asString());
        payload.put("seed", p.seed());
        payload.put("targetRate", rate);
        payload.put("attempts", attempts);
        try {
            rt.put(new StoredRun(p.key(), RunStatus.CANCELLED, cause, task.labels(p), Map.of("target_rps", rate),
                    payload.toString(), Instant.now()));
        } catch (RuntimeException e) {
            return; // the store is closing with the process: the point stays unstored, a re-run runs it
        }
        rt.emit(new SweepEvent.RunDone(task.plan.id(), p.key(), RunStatus.CANCELLED, cause, attempts, elapsed));
    }

    private LoadRun loadRun(EngineWatch watch, double rate) {
        Plan plan = task.plan;
        LoadRunBuilder b = task.base(watch).arrivals(QMeter.poisson(rate)).seed(p.seed());
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
        PowerSensor s = task.sensor();
        if (s != null) {
            b = b.powerSensor(s);
            if (!Double.isNaN(task.idleWatts)) {
                b = b.idleWatts(task.idleWatts);
            }
        }
        return b.build();
    }

    private void store(double rate, RunResult rr, int attempts, long t0, List<ServerMetricsScraper.Sample> server) {
        List<String> reasons = new ArrayList<>(rr.invalidReasons());
        // only requests cut by the run's own whole-request limit are "truncated"; a connect,
        // first-token or idle timeout is the engine's failure and keeps the run INVALID
        long truncated = rt.cfg.runRequestTimeout == null ? 0
                : rr.measuredRecords().stream()
                        .filter(r -> r.outcome() == Outcome.TIMEOUT && r.error() != null
                                && r.error().startsWith("request timeout"))
                        .count();
        long failedReq = rr.summary().failedRequests() - truncated;
        if (failedReq > 0) {
            reasons.add(failedReq + " of " + rr.summary().measuredRequests() + " measured requests failed "
                    + rr.summary().outcomes());
        }
        RunStatus status = reasons.isEmpty() ? RunStatus.OK : RunStatus.INVALID;
        String cause = reasons.isEmpty() ? null : String.join("; ", reasons);
        Map<String, Double> m = ResultMapping.metrics(rr);
        m.put("target_rps", rate);
        m.put("attempts", (double) attempts);
        m.put("truncated_requests", (double) truncated);
        m.putAll(ServerMetricsScraper.summarize(server));
        if (p.rate().isRelative()) {
            m.put("saturation_rps", task.saturation);
            m.put("saturation_fraction", p.rate().value());
        }
        ObjectNode payload = ResultMapping.JSON.createObjectNode();
        payload.put("point", p.key().asString());
        payload.put("seed", p.seed());
        payload.put("targetRate", rate);
        payload.put("attempts", attempts);
        ResultMapping.putResult(payload, rr, rt.cfg.keepRecords);
        if (!server.isEmpty()) {
            payload.set("serverMetrics", ServerMetricsScraper.toJson(server, rt.cfg.serverMetricsInterval));
        }
        rt.put(new StoredRun(p.key(), status, cause, task.labels(p), m, payload.toString(), Instant.now()));
        task.count(status);
        rt.emit(new SweepEvent.RunDone(task.plan.id(), p.key(), status, cause, attempts,
                Duration.ofNanos(System.nanoTime() - t0)));
    }
}
