package io.qmeter.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmeter.search.Decision;
import io.qmeter.search.Judgement;
import io.qmeter.search.LoadProbe;
import io.qmeter.search.Probe;
import io.qmeter.search.ProbeRequest;
import io.qmeter.search.ProbeResult;
import io.qmeter.search.SaturationSearch;
import io.qmeter.search.SearchResult;
import io.qmeter.search.StopReason;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A configuration's saturation search: reused when stored, else run over real load runs (or the
 * builder's {@link SearchProbeFactory}) while the engine is watched, retried after an engine
 * failure, and stored under the rate label {@value SweepCoordinator#SATURATION_LABEL}.
 */
final class SaturationStep {

    private static final Logger LOG = LoggerFactory.getLogger(SweepCoordinator.class);

    private final ConfigurationTask task;
    private final SweepRuntime rt;
    private final Plan plan;
    private final String cid;
    private String searchProbeName = "";

    SaturationStep(ConfigurationTask task) {
        this.task = task;
        this.rt = task.rt;
        this.plan = task.plan;
        this.cid = task.cid;
    }

    void run() {
        RunKey key = new RunKey(plan.id(), cid, SweepCoordinator.SATURATION_LABEL, 0);
        Optional<StoredRun> st = rt.cfg.store.find(key);
        if (st.isPresent() && st.get().status() == RunStatus.OK) {
            task.saturation = st.get().metrics().getOrDefault("saturation_rps", Double.NaN);
            task.searchDetail = "STORED: " + st.get().labels().getOrDefault("search_stop", "");
            rt.emit(new SweepEvent.SearchDone(plan.id(), cid, task.saturation, "STORED", 0,
                    "reused the search stored under " + key));
            return;
        }
        EngineSession session = task.session;
        List<String> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= rt.cfg.maxAttempts && !rt.isCancelled(); attempt++) {
            SearchResult r;
            AtomicBoolean engineBroke = new AtomicBoolean();
            String[] brokeCause = new String[1];
            try (EngineWatch watch = session.newWatch(rt.cfg.probeRequestTimeout)) {
                LoadProbe lp = LoadProbe.of(task.base(watch)).withRunner(run -> {
                    try {
                        return rt.runWatched(watch, run);
                    } catch (EngineFailure e) {
                        engineBroke.set(true);
                        brokeCause[0] = e.getMessage();
                        throw e;
                    }
                });
                lp = lp.withMinDuration(rt.cfg.probeMinDuration);
                if (rt.cfg.burstRequests > 0) {
                    lp = lp.withBurstRequests(rt.cfg.burstRequests);
                }
                Probe chosen;
                try {
                    chosen = Objects.requireNonNull(rt.cfg.searchProbe.probeFor(task.settings, lp),
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
                if (!Double.isNaN(rt.cfg.maxRateOverBurst) && Double.isNaN(plan.search().initialRate())) {
                    double t;
                    try {
                        ProbeResult burst = reporting.run(new ProbeRequest(
                                Double.POSITIVE_INFINITY, Math.max(1, rt.cfg.burstRequests), plan.seedFor(key), 0));
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
                        sb = sb.initialRate(0.75 * t).rateRange(Math.min(0.01, 0.05 * t), rt.cfg.maxRateOverBurst * t)
                                .maxProbes(Math.max(1, plan.search().maxProbes() - 1));
                        r = rt.cfg.searchTuning.apply(sb).build().run(reporting);
                        r = new SearchResult(r.saturationRate(), r.highestPassingRate(), r.lowestFailingRate(), t,
                                r.probes(), r.stopReason(), r.detail(), r.tolerance());
                    }
                } else {
                    r = rt.cfg.searchTuning.apply(sb).build().run(reporting);
                }
                task.probes += extra;
            }
            task.probes += r.probeCount();
            if (rt.isCancelled()) {
                return;
            }
            if (r.stopReason() == StopReason.PROBE_ERROR && engineBroke.get()) {
                List<String> tail = session.logTail();
                failures.add(brokeCause[0]);
                boolean retry = attempt < rt.cfg.maxAttempts;
                rt.emit(new SweepEvent.Failure(plan.id(), cid, key, "saturation search: " + brokeCause[0], tail,
                        retry));
                if (!retry || !session.restartQuietly()) {
                    break;
                }
                continue;
            }
            session.succeeded();
            task.saturation = r.found() ? r.saturationRate() : Double.NaN;
            task.searchDetail = r.stopReason() + ": " + r.detail();
            store(key, r);
            rt.emit(new SweepEvent.SearchDone(plan.id(), cid, task.saturation, r.stopReason().name(), task.probes,
                    r.detail()));
            return;
        }
        if (rt.isCancelled()) {
            return;
        }
        task.searchDetail = "FAILED: " + String.join(" | ", failures);
        ObjectNode payload = ResultMapping.JSON.createObjectNode();
        payload.putPOJO("failures", failures);
        payload.putPOJO("logTail", session.logTail());
        rt.put(new StoredRun(key, RunStatus.FAILED, "the saturation search failed " + failures.size()
                + " times: " + String.join(" | ", failures), task.labels(null), Map.of(), payload.toString(),
                Instant.now()));
        rt.emit(new SweepEvent.SearchDone(plan.id(), cid, Double.NaN, "FAILED", task.probes, task.searchDetail));
    }

    private SaturationSearch.Builder searchBuilder(RunKey key) {
        SaturationSearch.Builder b = SaturationSearch.builder().judge(task.judge)
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
                    Judgement j = task.judge.judge(res);
                    verdict = j.decision() == Decision.UNDECIDED ? "UNDECIDED (leans " + j.leaning() + ")"
                            : j.decision().name();
                }
                return res;
            } catch (RuntimeException e) {
                verdict = "error: " + e.getMessage();
                throw e;
            } finally {
                rt.emit(new SweepEvent.ProbeDone(plan.id(), cid, i, req.isBurst() ? "MAX_THROUGHPUT" : "RATE",
                        req.ratePerSecond(), req.requestCount(), verdict, Duration.ofNanos(System.nanoTime() - t0)));
            }
        };
    }

    private void store(RunKey key, SearchResult r) {
        Map<String, String> labels = task.labels(null);
        labels.put("search_stop", r.stopReason().name());
        labels.put("search_probe", searchProbeName);
        boolean ok = r.found();
        rt.put(new StoredRun(key, ok ? RunStatus.OK : RunStatus.FAILED,
                ok ? null : "no saturation point: " + r.stopReason() + ": " + r.detail(), labels,
                ResultMapping.searchMetrics(r, task.idleWatts), ResultMapping.searchPayload(r), Instant.now()));
    }
}
