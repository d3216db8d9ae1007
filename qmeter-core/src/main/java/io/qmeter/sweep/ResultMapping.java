package io.qmeter.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmeter.RunResult;
import io.qmeter.metrics.LatencyStats;
import io.qmeter.search.ProbeOutcome;
import io.qmeter.search.SearchResult;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Result mapping: how a run or a search becomes the flat metrics and the JSON payload of a
 * {@link io.qmeter.store.StoredRun}. Pure functions, no state.
 */
final class ResultMapping {

    static final ObjectMapper JSON = new ObjectMapper();

    private ResultMapping() {
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
        latency(m, "ttft", s.ttft());
        latency(m, "tpot", s.tpot());
        latency(m, "itl", s.itl());
        latency(m, "e2e", s.e2e());
        m.put("retried_requests", (double) s.retriedRequests());
        if (s.serverPromptTime().count() > 0) {
            // the server's own prefill time, and what the client side adds to TTFT beside it
            latency(m, "server_prompt", s.serverPromptTime());
            latency(m, "ttft_client_share", s.clientShareOfTtft());
        }
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

    private static void latency(Map<String, Double> m, String name, LatencyStats l) {
        m.put(name + "_p50_ms", l.p50Millis());
        m.put(name + "_p90_ms", l.p90Millis());
        m.put(name + "_p99_ms", l.p99Millis());
        m.put(name + "_mean_ms", l.meanMillis());
    }

    /** The run as JSON, without its request records unless {@code keepRecords}. */
    static void putResult(ObjectNode payload, RunResult rr, boolean keepRecords) {
        try {
            RunResult slim = keepRecords ? rr : new RunResult(rr.schemaVersion(), rr.seed(), rr.startedAt(),
                    rr.config(), rr.endReason(), rr.scheduleEndNanos(), rr.window(), rr.summary(), rr.slo(),
                    rr.clientCheck(), rr.valid(), rr.invalidReasons(), rr.energy(), List.of());
            payload.set("result", JSON.readTree(slim.toJson()));
        } catch (java.io.IOException e) {
            payload.put("result", "could not be serialized: " + e.getMessage());
        }
    }

    /** Flat metrics of a saturation search. */
    static Map<String, Double> searchMetrics(SearchResult r, double idleWatts) {
        Map<String, Double> m = new TreeMap<>();
        m.put("saturation_rps", r.saturationRate());
        m.put("lowest_failing_rps", r.lowestFailingRate());
        m.put("max_throughput_rps", r.maxThroughputPerSecond());
        m.put("probes", (double) r.probeCount());
        m.put("idle_watts", idleWatts);
        return m;
    }

    /** A saturation search's payload: stop reason, detail, tolerance and every probe. */
    static String searchPayload(SearchResult r) {
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
        return payload.toString();
    }
}
