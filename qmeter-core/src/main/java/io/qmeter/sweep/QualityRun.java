package io.qmeter.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmeter.RunResult;
import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.Health;
import io.qmeter.quality.ItemResult;
import io.qmeter.quality.QualityBenchmark;
import io.qmeter.quality.QualityException;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One quality step of one configuration: finds the benchmark, runs it against the healthy engine
 * (restarted and retried when the engine fails during it, up to {@code maxAttempts}) and stores the
 * score under the step's key: OK; INVALID when some items' requests failed (the score counts them
 * as wrong); FAILED with the cause when no score came (benchmark not found, no data, engine down).
 * A point with a background load ({@link QualityPoint#background()}) scores the benchmark while a
 * {@link BackgroundLoad} runs, stores the background's latency beside the score and compares the
 * answers with the stored idle score's; an invalid background makes the score INVALID.
 */
final class QualityRun {

    private final ConfigurationTask task;
    private final SweepRuntime rt;
    private final QualityPoint q;

    QualityRun(ConfigurationTask task, QualityPoint q) {
        this.task = task;
        this.rt = task.rt;
        this.q = q;
    }

    void run() {
        long t0 = System.nanoTime();
        String name = q.step().benchmark();
        double rate = Double.NaN;
        if (q.background().isPresent()) {
            RatePoint bg = q.background().get();
            rate = bg.resolve(task.saturation);
            if (!(rate > 0)) {
                storeFailed(task, q, "no saturation point for this configuration (" + task.searchDetail
                        + "), so the background load " + bg.label() + " has no rate", List.of(), List.of(), 0, t0);
                return;
            }
        }
        QualityBenchmark benchmark;
        try {
            Optional<QualityBenchmark> found = rt.cfg.qualityBenchmarks.apply(name);
            if (found == null || found.isEmpty()) {
                List<String> names = new ArrayList<>();
                QualityBenchmark.available().forEach(b -> names.add(b.name()));
                storeFailed(task, q, "no quality benchmark named '" + name + "' was found (available: "
                        + (names.isEmpty() ? "none" : String.join(", ", names)) + "); add qmeter-quality to the "
                        + "class path or pass the benchmark with SweepCoordinator.Builder.qualityBenchmarks(...)",
                        List.of(), List.of(), 0, t0);
                return;
            }
            benchmark = found.get();
        } catch (RuntimeException e) {
            storeFailed(task, q, "looking up quality benchmark '" + name + "' failed: " + e, List.of(), List.of(), 0, t0);
            return;
        }
        EngineSession session = task.session;
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
            QualityScore score;
            Loaded loaded = null;
            try {
                if (q.background().isPresent()) {
                    loaded = runUnderLoad(benchmark, session, rate);
                    score = loaded.score();
                } else {
                    score = runCancellable(benchmark, session, q.step().options());
                }
            } catch (CancellationException e) {
                return;
            } catch (EngineFailure e) {
                causes.add(e.getMessage());
                task.afterEngineFailure(q.key(), causes.get(causes.size() - 1), attempt);
                continue;
            } catch (QualityException e) {
                // the benchmark cannot run at all here (no data, no sandbox): retrying will not help
                causes.add(e.getMessage());
                storeFailed(task, q, "quality benchmark " + name + " could not run: " + e.getMessage(), List.of(),
                        causes, attempt, t0);
                return;
            } catch (RuntimeException e) {
                causes.add("quality benchmark " + name + " failed: " + e);
                if (session.healthy()) {
                    storeFailed(task, q, causes.get(causes.size() - 1), List.of(), causes, attempt, t0);
                    return;
                }
                task.afterEngineFailure(q.key(), causes.get(causes.size() - 1), attempt);
                continue;
            }
            if (!session.healthy()) {
                causes.add("the engine was not healthy after quality benchmark " + name + " ("
                        + session.handle().health() + "); the score is discarded");
                task.afterEngineFailure(q.key(), causes.get(causes.size() - 1), attempt);
                continue;
            }
            session.succeeded();
            store(score, loaded, attempt, t0);
            return;
        }
        if (rt.isCancelled()) {
            return;
        }
        storeFailed(task, q, ConfigurationTask.failedAfter(attempt, causes), session.logTail(), causes, attempt, t0);
    }

    /** A score taken under a background load, with the load's run. */
    private record Loaded(QualityScore score, RunResult background, boolean covered, double rate) {
    }

    /**
     * Scores the benchmark while the plan's workload runs as an open-loop Poisson background at
     * {@code rate}: the background starts first, the benchmark once the background's warm-up requests
     * (the plan's {@code runLength.warmupRequests}, at least 1) are sent, and the background's schedule
     * ends when the benchmark is done and at least one plan run's worth of measured requests was sent.
     */
    private Loaded runUnderLoad(QualityBenchmark b, EngineSession session, double rate) {
        try (EngineWatch watch = session.newWatch(rt.cfg.runRequestTimeout);
             BackgroundLoad bg = new BackgroundLoad(task, watch, rate, task.plan.seedFor(q.key()),
                     task.plan.runLength().warmupRequests(), minMeasured(rate))) {
            bg.awaitWarmup();
            QualityScore s;
            try {
                s = runCancellable(b, session, q.step().options());
            } finally {
                bg.stop();
            }
            RunResult rr = bg.join(Duration.ZERO);
            return new Loaded(s, rr, bg.covered(), rate);
        }
    }

    /**
     * The background's measured requests at least: as many as one of the plan's runs measures (its
     * request count, or its duration at this rate), so that its latency is as well founded as theirs.
     */
    private long minMeasured(double rate) {
        RunLength len = task.plan.runLength();
        return len.isTimed() ? (long) Math.ceil(rate * len.duration().toNanos() / 1e9) : len.requests();
    }

    /** The idle score of this step, as stored (for a loaded score's comparison), if one with items is. */
    private Optional<QualityScore> idleScore() {
        try {
            Optional<StoredRun> st = rt.cfg.store.find(q.idleKey());
            if (st.isEmpty() || st.get().status() == RunStatus.FAILED || !st.get().payload().has("score")) {
                return Optional.empty();
            }
            return Optional.of(QualityScore.fromJson(st.get().payload().get("score").toString()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The ids of the items whose response differs between two scores, over the items both have (in
     * the loaded score's order); {@code compared[0]} gets the number of items both have.
     */
    static List<String> differing(QualityScore idle, QualityScore loaded, int[] compared) {
        Map<String, String> before = new HashMap<>();
        for (ItemResult i : idle.items()) {
            before.put(i.id(), i.response() == null ? "" : i.response());
        }
        List<String> out = new ArrayList<>();
        int n = 0;
        for (ItemResult i : loaded.items()) {
            String was = before.get(i.id());
            if (was == null) {
                continue;
            }
            n++;
            if (!was.equals(i.response() == null ? "" : i.response())) {
                out.add(i.id());
            }
        }
        compared[0] = n;
        return out;
    }

    /**
     * Runs the benchmark on its own thread so that a cancelled sweep does not wait for it, polling
     * the engine's health every {@code healthInterval}: an engine found not up twice in a row ends
     * the attempt (the benchmark's thread is interrupted and abandoned) instead of waiting for every
     * request to time out.
     */
    private QualityScore runCancellable(QualityBenchmark b, EngineSession session, QualityOptions options) {
        EngineHandle h = session.handle();
        CompletableFuture<QualityScore> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(b.run(h, options));
            } catch (RuntimeException | Error e) {
                f.completeExceptionally(e);
            }
        }, "qmeter-quality-" + task.cid);
        t.setDaemon(true);
        t.start();
        int downPolls = 0;
        while (true) {
            try {
                return f.get(rt.cfg.healthInterval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (rt.isCancelled()) {
                    t.interrupt();
                    throw new CancellationException("the sweep was cancelled");
                }
                Health health;
                try {
                    health = h.health();
                } catch (RuntimeException ex) {
                    health = new Health(Health.Status.UNRESPONSIVE, ex.toString());
                }
                downPolls = health.isUp() ? 0 : downPolls + 1;
                if (downPolls >= 2) {
                    t.interrupt();
                    throw new EngineFailure("the engine went " + health.status() + " (" + health.detail()
                            + ") during quality benchmark " + b.name() + "; the attempt is abandoned", List.of());
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(String.valueOf(e.getCause()), e.getCause());
            } catch (InterruptedException e) {
                t.interrupt();
                rt.cancel();
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            }
        }
    }

    private void store(QualityScore s, Loaded loaded, int attempts, long t0) {
        long errors = s.items().stream().filter(i -> i.error() != null).count();
        List<String> reasons = new ArrayList<>();
        if (errors > 0) {
            ItemResult first = s.items().stream().filter(i -> i.error() != null).findFirst().orElseThrow();
            reasons.add(errors + " of " + s.n() + " items could not be scored (scored as wrong); first: " + first.id()
                    + ": " + first.error());
        }
        Map<String, Double> m = new TreeMap<>();
        m.put("quality", s.value());
        m.put("quality_stderr", s.standardError());
        m.put("quality_ci_low", s.ciLow());
        m.put("quality_ci_high", s.ciHigh());
        m.put("quality_n", (double) s.n());
        m.put("quality_errors", (double) errors);
        s.secondary().forEach((k, v) -> m.put(metricName(k), v));
        m.put("attempts", (double) attempts);
        m.put("elapsed_s", (System.nanoTime() - t0) / 1e9);
        Map<String, String> labels = labels();
        labels.put("quality_metric", s.metric());
        labels.put("simulated", Boolean.toString(s.simulated()));
        ObjectNode payload = payload(attempts);
        try {
            payload.set("score", ResultMapping.JSON.readTree(s.toJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a quality score's own JSON did not parse", e);
        }
        if (loaded != null) {
            underLoad(s, loaded, m, payload, reasons);
        }
        RunStatus status = reasons.isEmpty() ? RunStatus.OK : RunStatus.INVALID;
        String cause = reasons.isEmpty() ? null : String.join("; ", reasons);
        rt.put(new StoredRun(q.key(), status, cause, labels, m, payload.toString(), Instant.now()));
        task.count(status);
        rt.emit(new SweepEvent.RunDone(task.plan.id(), q.key(), status, cause, attempts,
                Duration.ofNanos(System.nanoTime() - t0)));
    }

    /**
     * Adds a loaded score's background run (its metrics prefixed {@code background_}, the run in the
     * payload) and its comparison with the stored idle score; the reasons get why the background
     * does not stand for the load asked for (not valid, failed requests, ended before the benchmark).
     */
    private void underLoad(QualityScore s, Loaded l, Map<String, Double> m, ObjectNode payload, List<String> reasons) {
        RatePoint bg = q.background().orElseThrow();
        RunResult rr = l.background();
        ResultMapping.metrics(rr).forEach((k, v) -> m.put("background_" + k, v));
        m.put("background_target_rps", l.rate());
        m.put("background_covered", l.covered() ? 1.0 : 0.0);
        if (bg.isRelative()) {
            m.put("saturation_rps", task.saturation);
            m.put("saturation_fraction", bg.value());
        }
        ObjectNode b = payload.putObject("background");
        b.put("rate", bg.label());
        b.put("targetRate", l.rate());
        b.put("covered", l.covered());
        ResultMapping.putResult(b, rr, false);
        if (!rr.valid()) {
            reasons.add("the background load was not valid: " + String.join("; ", rr.invalidReasons()));
        }
        long failed = rr.summary().failedRequests();
        if (failed > 0) {
            reasons.add(failed + " of " + rr.summary().measuredRequests() + " background requests failed "
                    + rr.summary().outcomes());
        }
        if (!l.covered()) {
            reasons.add("the background load ended before the benchmark did (" + rr.endReason() + ")");
        }
        Optional<QualityScore> idle = idleScore();
        if (idle.isPresent()) {
            int[] compared = new int[1];
            List<String> differ = differing(idle.get(), s, compared);
            m.put("quality_idle", idle.get().value());
            m.put("quality_delta", s.value() - idle.get().value());
            m.put("answers_compared", (double) compared[0]);
            m.put("answers_differ", (double) differ.size());
            m.put("answers_differ_fraction", compared[0] == 0 ? Double.NaN : (double) differ.size() / compared[0]);
            payload.putPOJO("differingItems", differ);
        } else {
            payload.put("differingItems", "no idle score with items is stored under " + q.idleKey().asString());
        }
    }

    /**
     * A store metric name for a benchmark's secondary metric: {@code quality_} and the name with
     * characters outside {@code [A-Za-z0-9_]} replaced by {@code _} ({@code exact_match,flexible-extract}
     * becomes {@code quality_exact_match_flexible_extract}, {@code pass@10} becomes {@code quality_pass_10}).
     */
    static String metricName(String secondary) {
        return "quality_" + secondary.replaceAll("[^A-Za-z0-9_]", "_");
    }

    private Map<String, String> labels() {
        return labels(task, q);
    }

    private static Map<String, String> labels(ConfigurationTask task, QualityPoint q) {
        Map<String, String> l = new TreeMap<>(task.labels(null));
        l.put("step", "quality");
        l.put("benchmark", q.step().benchmark());
        q.background().ifPresent(r -> l.put("under_load", r.label()));
        if (q.step().options().dataset() != null) {
            l.put("dataset", q.step().options().dataset().toString());
        }
        return l;
    }

    private ObjectNode payload(int attempts) {
        return payload(q, attempts);
    }

    private static ObjectNode payload(QualityPoint q, int attempts) {
        ObjectNode p = ResultMapping.JSON.createObjectNode();
        p.put("point", q.key().asString());
        p.put("benchmark", q.step().benchmark());
        q.background().ifPresent(r -> p.put("underLoad", r.label()));
        p.put("attempts", attempts);
        QualityOptions o = q.step().options();
        ObjectNode opt = p.putObject("options");
        opt.put("maxItems", o.maxItems());
        opt.put("seed", o.seed());
        opt.put("concurrency", o.concurrency());
        opt.put("maxTokens", o.maxTokens());
        opt.put("temperature", o.temperature());
        opt.put("samples", o.samples());
        opt.put("fewShot", o.fewShot());
        opt.put("requestTimeout", Durations.format(o.requestTimeout()));
        opt.put("executionTimeout", Durations.format(o.executionTimeout()));
        if (o.dataset() != null) {
            opt.put("dataset", o.dataset().toString());
        }
        return p;
    }

    static void storeFailed(ConfigurationTask task, QualityPoint q, String cause, List<String> tail,
                            List<String> causes, int attempts, long t0) {
        ObjectNode payload = payload(q, attempts);
        payload.putPOJO("causes", causes);
        payload.putPOJO("logTail", tail);
        String fullCause = tail.isEmpty() ? cause : cause + "\nengine log tail:\n  "
                + String.join("\n  ", tail.subList(Math.max(0, tail.size() - 10), tail.size()));
        task.rt.put(new StoredRun(q.key(), RunStatus.FAILED, fullCause, labels(task, q),
                Map.of("attempts", (double) attempts), payload.toString(), Instant.now()));
        task.count(RunStatus.FAILED);
        task.rt.emit(new SweepEvent.RunDone(task.plan.id(), q.key(), RunStatus.FAILED, cause, attempts,
                Duration.ofNanos(System.nanoTime() - t0)));
    }
}
