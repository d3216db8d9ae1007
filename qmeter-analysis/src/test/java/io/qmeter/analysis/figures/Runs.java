package io.qmeter.analysis.figures;

import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Stored runs shaped as the sweep stores them, from known numbers (test data). */
public final class Runs {

    public static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private Runs() {
    }

    public static Map<String, String> labels(String method) {
        Map<String, String> l = new HashMap<>();
        l.put("engine", "simulated");
        l.put("model", "Llama-2-13B");
        l.put("quantization", method);
        l.put("tensor_parallel", "1");
        l.put("gpu", "H100-80GB");
        l.put("workload", "sharegpt-like");
        l.put("sensor", "simulated");
        return l;
    }

    /** A load run at a fraction of saturation, with SLO checks (P90 TTFT 1000 ms, P90 TPOT 200 ms) and energy. */
    public static StoredRun load(String plan, String method, double fraction, double sat, double ttft, double tpot,
                                 double jPerToken, long seed, int startSecond) {
        Map<String, Double> m = new HashMap<>();
        m.put("target_rps", fraction * sat);
        m.put("saturation_fraction", fraction);
        m.put("saturation_rps", sat);
        m.put("ttft_p90_ms", ttft);
        m.put("tpot_p90_ms", tpot);
        m.put("j_per_token", jPerToken);
        m.put("j_per_token_net", jPerToken * 0.9);
        m.put("avg_watts", 300 + 100 * fraction);
        m.put("idle_watts", 80.0);
        m.put("schedule_lag_p99_ms", 1.5);
        m.put("loop_delay_p99_ms", 2.5);
        m.put("ok_requests", 100.0);
        m.put("measured_requests", 100.0);
        String rate = String.format(Locale.ROOT, "%ssat", new java.math.BigDecimal(fraction).stripTrailingZeros().toPlainString());
        String payload = """
                {"point":"%s","seed":%d,"targetRate":%s,"attempts":1,"result":{"seed":%d,"startedAt":"%s",
                 "config":{"slo":["ttft p90 <= 1000 ms","tpot p90 <= 200 ms"],"clientCheck":{"maxLagP99Nanos":200000000,"minRateFraction":0.9},
                   "durationNanos":16000000000,"warmupNanos":1000000000,"maxRequests":0},
                 "window":{"startNanos":1000000000,"endNanos":17000000000},
                 "slo":{"checks":[{"metric":"TTFT","percentile":90.0,"thresholdMillis":1000.0,"observedMillis":%s,"passed":true},
                                  {"metric":"TPOT","percentile":90.0,"thresholdMillis":200.0,"observedMillis":%s,"passed":true}]},
                 "clientCheck":{"targetRatePerSecond":%s,"scheduledRatePerSecond":%s,"achievedRatePerSecond":%s,"valid":true,"reasons":[]},
                 "energy":{"sensor":"simulated","quality":"ESTIMATED","available":true,"windowStartNanos":1000000000,
                   "windowEndNanos":17000000000,"devices":[{"deviceId":"sim-gpu-0","joules":1.0,"quality":"ESTIMATED","edgeSkewNanos":0}]}}}
                """.formatted(plan + "/" + method + "/" + rate + "/0", seed, fraction * sat, seed,
                T0.plusSeconds(startSecond), ttft, tpot, fraction * sat, fraction * sat, fraction * sat);
        return new StoredRun(new RunKey(plan, cid(method), rate, 0), RunStatus.OK, null, labels(method), m, payload,
                T0.plusSeconds(startSecond + 20));
    }

    public static StoredRun saturation(String plan, String method, double sat) {
        Map<String, String> l = labels(method);
        l.put("search_stop", "CONVERGED");
        l.put("search_probe", "virtual time");
        return new StoredRun(new RunKey(plan, cid(method), "saturation", 0), RunStatus.OK, null, l,
                Map.of("saturation_rps", sat, "probes", 8.0, "idle_watts", 80.0), "{\"stopReason\":\"CONVERGED\"}", T0);
    }

    public static StoredRun quality(String plan, String method, String benchmark, double score) {
        Map<String, String> l = labels(method);
        l.put("step", "quality");
        l.put("benchmark", benchmark);
        l.put("quality_metric", "exact_match,strict-match");
        l.put("simulated", "true");
        return new StoredRun(new RunKey(plan, cid(method), "quality." + benchmark, 0), RunStatus.OK, null, l,
                Map.of("quality", score, "quality_stderr", 0.05, "quality_n", 50.0),
                "{\"benchmark\":\"" + benchmark + "\",\"options\":{\"seed\":1234}}", T0);
    }

    public static String cid(String method) {
        return "simulated-" + method.toLowerCase(Locale.ROOT) + "-tp1";
    }
}
