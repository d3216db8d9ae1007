package io.qmeter.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.RunResult;
import io.qmeter.client.Endpoint;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A qMeter run as vLLM's benchmark result JSON, field for field as {@code vllm bench serve
 * --save-result --save-detailed} writes it, so qMeter and vLLM results can be read side by side by
 * the same scripts.
 *
 * <p><b>Source.</b> The keys, their order, units and computations follow
 * {@code vllm/benchmarks/serve.py} of vllm-project/vllm at commit
 * {@code 009e6d4a1cd6ba3fb2a9fc00f4ec06f5297232a1} (functions {@code calculate_metrics},
 * {@code benchmark} and {@code main_async}): the setup keys ({@code date}, {@code endpoint_type},
 * {@code backend}, {@code label}, {@code model_id}, {@code tokenizer_id}, {@code num_prompts},
 * {@code request_rate}, {@code burstiness}, {@code max_concurrency}), then the benchmark result
 * ({@code duration} in s, {@code completed}, {@code failed}, token totals, throughputs in req/s and
 * tok/s, {@code request_goodput} ({@code null} without a goodput SLO), the per-request lists in s,
 * {@code max_output_tokens_per_s}, {@code max_concurrent_requests}, {@code rtfx}), then per
 * percentile metric ({@code ttft}, {@code tpot}, {@code itl} by default; {@code e2el} on request)
 * {@code mean_*_ms}, {@code median_*_ms}, {@code std_*_ms} and {@code p<N>_*_ms} in ms. Without
 * {@link #withDetailed detailed} lists the keys vLLM drops without {@code --save-detailed}
 * ({@code input_lens}, {@code output_lens}, {@code start_times}, {@code ttfts}, {@code itls},
 * {@code generated_texts}, {@code errors}) are left out as vLLM leaves them out.
 *
 * <p><b>Definitions</b> (vLLM's, which differ from qMeter's own in one place): TTFT and E2EL are
 * measured from the request's send ({@code start_time}), not from its scheduled arrival, as vLLM
 * measures them; the queue time ({@code queue_times}) is send − scheduled. TPOT is (E2EL − TTFT) /
 * (output tokens − 1) over requests with more than one token; ITL is one gap per streamed chunk;
 * means, medians, population standard deviations and linearly interpolated percentiles are numpy's.
 * {@code start_times} are seconds from the run's start. Only the measured requests (no warm-up or
 * cool-down) are exported.
 *
 * <pre>{@code
 * VllmResultExport.options().withPercentiles(50, 90, 99).withPercentileMetrics("ttft", "tpot", "itl", "e2el")
 *         .write(runResult, Path.of("vllm-result.json"));
 * }</pre>
 */
public final class VllmResultExport {

    /** The vLLM source file these results follow, with its commit. */
    public static final String SOURCE = "vllm-project/vllm vllm/benchmarks/serve.py @ "
            + "009e6d4a1cd6ba3fb2a9fc00f4ec06f5297232a1";

    /** The per-request lists vLLM drops without {@code --save-detailed}. */
    public static final List<String> DETAILED_KEYS = List.of("input_lens", "output_lens", "start_times", "ttfts",
            "itls", "generated_texts", "errors");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private final String backend;
    private final String label;
    private final String tokenizerId;
    private final double burstiness;
    private final List<String> percentileMetrics;
    private final double[] percentiles;
    private final boolean detailed;
    private final Map<String, Double> goodputMillis;

    private VllmResultExport(String backend, String label, String tokenizerId, double burstiness,
                             List<String> percentileMetrics, double[] percentiles, boolean detailed,
                             Map<String, Double> goodputMillis) {
        this.backend = backend;
        this.label = label;
        this.tokenizerId = tokenizerId;
        this.burstiness = burstiness;
        this.percentileMetrics = List.copyOf(percentileMetrics);
        this.percentiles = percentiles.clone();
        this.detailed = detailed;
        this.goodputMillis = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(goodputMillis));
    }

    /**
     * vLLM's defaults: backend from the run's endpoint ({@code openai} or {@code openai-chat}),
     * no label, tokenizer = model, burstiness 1, percentile metrics {@code ttft,tpot,itl},
     * percentile 99, detailed lists, no goodput SLO.
     *
     * @return the options
     */
    public static VllmResultExport options() {
        return new VllmResultExport(null, null, null, 1.0, List.of("ttft", "tpot", "itl"), new double[] {99}, true,
                Map.of());
    }

    /**
     * The {@code backend} / {@code endpoint_type} to report (vLLM's {@code --backend}).
     *
     * @param name for example {@code vllm} or {@code openai}
     * @return a copy
     */
    public VllmResultExport withBackend(String name) {
        return new VllmResultExport(Objects.requireNonNull(name, "backend"), label, tokenizerId, burstiness,
                percentileMetrics, percentiles, detailed, goodputMillis);
    }

    /**
     * The {@code label} (vLLM's {@code --label}; {@code null} when not given).
     *
     * @param text the label
     * @return a copy
     */
    public VllmResultExport withLabel(String text) {
        return new VllmResultExport(backend, Objects.requireNonNull(text, "label"), tokenizerId, burstiness,
                percentileMetrics, percentiles, detailed, goodputMillis);
    }

    /**
     * The {@code burstiness} reported (vLLM's {@code --burstiness}, 1 for Poisson arrivals).
     *
     * @param b burstiness, &gt; 0
     * @return a copy
     */
    public VllmResultExport withBurstiness(double b) {
        if (!(b > 0)) {
            throw new IllegalArgumentException("burstiness must be > 0, was " + b);
        }
        return new VllmResultExport(backend, label, tokenizerId, b, percentileMetrics, percentiles, detailed,
                goodputMillis);
    }

    /**
     * Which metrics get statistics (vLLM's {@code --percentile-metrics}).
     *
     * @param metrics some of {@code ttft}, {@code tpot}, {@code itl}, {@code e2el}, in vLLM's order
     * @return a copy
     */
    public VllmResultExport withPercentileMetrics(String... metrics) {
        List<String> known = List.of("ttft", "tpot", "itl", "e2el");
        for (String m : metrics) {
            if (!known.contains(m)) {
                throw new IllegalArgumentException("percentile metric must be one of " + known + ", was '" + m + "'");
            }
        }
        return new VllmResultExport(backend, label, tokenizerId, burstiness, Arrays.asList(metrics), percentiles,
                detailed, goodputMillis);
    }

    /**
     * Which percentiles are reported (vLLM's {@code --metric-percentiles}).
     *
     * @param ps percentiles in (0, 100]
     * @return a copy
     */
    public VllmResultExport withPercentiles(double... ps) {
        if (ps.length == 0) {
            throw new IllegalArgumentException("percentiles must not be empty");
        }
        for (double p : ps) {
            if (!(p > 0 && p <= 100)) {
                throw new IllegalArgumentException("percentile must be in (0, 100], was " + p);
            }
        }
        return new VllmResultExport(backend, label, tokenizerId, burstiness, percentileMetrics, ps, detailed,
                goodputMillis);
    }

    /**
     * Whether the per-request lists are written (vLLM's {@code --save-detailed}).
     *
     * @param on true to write them
     * @return a copy
     */
    public VllmResultExport withDetailed(boolean on) {
        return new VllmResultExport(backend, label, tokenizerId, burstiness, percentileMetrics, percentiles, on,
                goodputMillis);
    }

    /**
     * The goodput SLO (vLLM's {@code --goodput ttft:1000 tpot:200}, milliseconds per request).
     *
     * @param millisByMetric thresholds by {@code ttft}, {@code tpot} or {@code e2el}
     * @return a copy
     */
    public VllmResultExport withGoodput(Map<String, Double> millisByMetric) {
        for (Map.Entry<String, Double> e : millisByMetric.entrySet()) {
            if (!List.of("ttft", "tpot", "e2el").contains(e.getKey())) {
                throw new IllegalArgumentException("goodput metric must be ttft, tpot or e2el, was '" + e.getKey()
                        + "'");
            }
            if (!(e.getValue() >= 0)) {
                throw new IllegalArgumentException("goodput " + e.getKey() + " must be >= 0 ms, was " + e.getValue());
            }
        }
        return new VllmResultExport(backend, label, tokenizerId, burstiness, percentileMetrics, percentiles, detailed,
                millisByMetric);
    }

    /**
     * Writes the run as vLLM's result JSON.
     *
     * @param run  the run (with its request records when detailed)
     * @param file the file
     */
    public void write(RunResult run, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, toJson(run), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The run as vLLM's result JSON, one line.
     *
     * @param run the run
     * @return the JSON text
     */
    public String toJson(RunResult run) {
        try {
            return JSON.writeValueAsString(toMap(run));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The run as vLLM's result dictionary, keys in vLLM's order.
     *
     * @param run the run
     * @return the dictionary (numbers, strings, lists, nulls)
     * @throws IllegalArgumentException when detailed lists are asked for but the run kept no records
     */
    public Map<String, Object> toMap(RunResult run) {
        List<RequestRecord> records = run.measuredRecords();
        if (records.isEmpty() && run.summary().measuredRequests() > 0) {
            throw new IllegalArgumentException("the run kept no request records, so vLLM's per-request numbers "
                    + "cannot be computed; run it with records kept (qmeter run --keep-records)");
        }
        String endpointType = backend != null ? backend
                : run.config().endpoint() == Endpoint.CHAT_COMPLETIONS ? "openai-chat" : "openai";
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("date", date(run.startedAt()));
        r.put("endpoint_type", endpointType);
        r.put("backend", endpointType);
        r.put("label", label);
        r.put("model_id", run.config().model());
        r.put("tokenizer_id", tokenizerId != null ? tokenizerId : run.config().model());
        r.put("num_prompts", records.size());
        double rate = run.config().targetRatePerSecond();
        r.put("request_rate", Double.isInfinite(rate) || !(rate > 0) ? "inf" : rate);
        r.put("burstiness", burstiness);
        r.put("max_concurrency", null);

        int n = records.size();
        List<Integer> inputLens = new ArrayList<>(n);
        List<Integer> outputLens = new ArrayList<>(n);
        List<Double> ttfts = new ArrayList<>(n);
        List<List<Double>> itls = new ArrayList<>(n);
        List<Double> latencies = new ArrayList<>(n);
        List<Double> startTimes = new ArrayList<>(n);
        List<Double> queueTimes = new ArrayList<>(n);
        List<String> texts = new ArrayList<>(n);
        List<String> errors = new ArrayList<>(n);
        List<Double> okTtfts = new ArrayList<>();
        List<Double> tpots = new ArrayList<>();
        List<Double> allTpots = new ArrayList<>();
        List<Double> allItls = new ArrayList<>();
        List<Double> e2els = new ArrayList<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int completed = 0;
        long totalInput = 0;
        long totalOutput = 0;
        for (RequestRecord x : records) {
            boolean ok = x.outcome() == Outcome.OK;
            long sent = x.sentNanos() >= 0 ? x.sentNanos() : x.scheduledNanos();
            first = Math.min(first, x.scheduledNanos());
            last = Math.max(last, Math.max(sent, Math.max(x.firstTokenNanos(), x.lastTokenNanos())));
            inputLens.add(x.inputTokensRequested());
            startTimes.add(sent / 1e9);
            queueTimes.add((sent - x.scheduledNanos()) / 1e9);
            texts.add(x.text() == null ? "" : x.text());
            errors.add(x.error() == null ? "" : x.error());
            if (!ok) {
                outputLens.add(0);
                ttfts.add(0.0);
                itls.add(List.of());
                latencies.add(0.0);
                continue;
            }
            double ttft = x.firstTokenNanos() >= 0 ? (x.firstTokenNanos() - sent) / 1e9 : 0.0;
            double latency = x.lastTokenNanos() >= 0 ? (x.lastTokenNanos() - sent) / 1e9 : 0.0;
            List<Double> gaps = new ArrayList<>();
            long[] c = x.chunkNanos();
            for (int i = 1; i < c.length; i++) {
                gaps.add((c[i] - c[i - 1]) / 1e9);
            }
            int outLen = Math.max(x.outputTokensServed(), 0);
            if (outLen == 0) {
                outLen = 1; // vLLM without a token count or tokenizer
            }
            completed++;
            totalInput += x.inputTokensRequested();
            totalOutput += outLen;
            outputLens.add(outLen);
            ttfts.add(ttft);
            itls.add(gaps);
            latencies.add(latency);
            double tpot = 0.0;
            if (outLen > 1) {
                tpot = (latency - ttft) / (outLen - 1);
                tpots.add(tpot);
            }
            allTpots.add(tpot);
            allItls.addAll(gaps);
            okTtfts.add(ttft);
            e2els.add(latency);
        }
        double dur = n == 0 ? 0.0 : (last - first) / 1e9;
        int good = 0;
        if (!goodputMillis.isEmpty()) {
            for (int i = 0; i < okTtfts.size(); i++) {
                boolean g = true;
                Double t = goodputMillis.get("ttft");
                if (t != null && okTtfts.get(i) > t / 1000) {
                    g = false;
                }
                Double p = goodputMillis.get("tpot");
                if (p != null && allTpots.get(i) > p / 1000) {
                    g = false;
                }
                Double e = goodputMillis.get("e2el");
                if (e != null && e2els.get(i) > e / 1000) {
                    g = false;
                }
                if (g) {
                    good++;
                }
            }
        }
        r.put("duration", dur);
        r.put("completed", completed);
        r.put("failed", n - completed);
        r.put("total_input_tokens", totalInput);
        r.put("total_output_tokens", totalOutput);
        r.put("request_throughput", div(completed, dur));
        r.put("request_goodput", goodputMillis.isEmpty() ? null : div(good, dur));
        r.put("output_throughput", div(totalOutput, dur));
        r.put("total_token_throughput", div(totalInput + totalOutput, dur));
        r.put("input_lens", inputLens);
        r.put("output_lens", outputLens);
        r.put("ttfts", ttfts);
        r.put("itls", itls);
        r.put("latencies", latencies);
        r.put("start_times", startTimes);
        r.put("queue_times", queueTimes);
        r.put("generated_texts", texts);
        r.put("errors", errors);
        double[] peak = peaks(startTimes, ttfts, itls, latencies, records);
        r.put("max_output_tokens_per_s", peak[0]);
        r.put("max_concurrent_requests", (int) peak[1]);
        r.put("rtfx", 0.0);
        for (String m : List.of("ttft", "tpot", "itl", "e2el")) {
            if (!percentileMetrics.contains(m)) {
                continue;
            }
            List<Double> v = switch (m) {
                case "ttft" -> okTtfts;
                case "tpot" -> tpots;
                case "itl" -> allItls;
                default -> e2els;
            };
            double[] a = sorted(v);
            r.put("mean_" + m + "_ms", mean(a) * 1000);
            r.put("median_" + m + "_ms", percentile(a, 50) * 1000);
            r.put("std_" + m + "_ms", std(a) * 1000);
            for (double p : percentiles) {
                r.put("p" + pWord(p) + "_" + m + "_ms", percentile(a, p) * 1000);
            }
        }
        if (!detailed) {
            DETAILED_KEYS.forEach(r::remove);
        }
        return r;
    }

    /** vLLM's peak output tokens in one second (one token per chunk) and peak concurrency (sweep line). */
    private static double[] peaks(List<Double> start, List<Double> ttft, List<List<Double>> itl, List<Double> latency,
                                  List<RequestRecord> records) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        List<Integer> ok = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).outcome() == Outcome.OK) {
                ok.add(i);
                min = Math.min(min, start.get(i));
                max = Math.max(max, start.get(i) + latency.get(i));
            }
        }
        if (ok.isEmpty()) {
            return new double[] {0.0, 0};
        }
        int buckets = (int) Math.ceil(max - min) + 1;
        double[] tokens = new double[buckets];
        List<double[]> events = new ArrayList<>();
        for (int i : ok) {
            double t = start.get(i) + ttft.get(i);
            List<Double> times = new ArrayList<>();
            times.add(t);
            for (double g : itl.get(i)) {
                t += g;
                times.add(t);
            }
            for (double tt : times) {
                int b = (int) (tt - min);
                if (b >= 0 && b < buckets) {
                    tokens[b]++;
                }
            }
            events.add(new double[] {start.get(i), 1});
            events.add(new double[] {start.get(i) + latency.get(i), -1});
        }
        events.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        int cur = 0;
        int peak = 0;
        for (double[] e : events) {
            cur += (int) e[1];
            peak = Math.max(peak, cur);
        }
        return new double[] {Arrays.stream(tokens).max().orElse(0), peak};
    }

    private static String date(String startedAt) {
        try {
            return DATE.format(Instant.parse(startedAt).atZone(ZoneId.systemDefault()));
        } catch (DateTimeParseException | NullPointerException e) {
            return DATE.format(Instant.now().atZone(ZoneId.systemDefault()));
        }
    }

    /** Python's {@code str(int(p)) if int(p) == p else str(p)}. */
    static String pWord(double p) {
        if (p == Math.rint(p)) {
            return Long.toString((long) p);
        }
        return Double.toString(p);
    }

    private static double div(double a, double b) {
        return b > 0 ? a / b : 0.0;
    }

    private static double[] sorted(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a;
    }

    /** numpy's mean, with vLLM's {@code values or 0}: 0 for no values. */
    static double mean(double[] a) {
        if (a.length == 0) {
            return 0.0;
        }
        double s = 0;
        for (double x : a) {
            s += x;
        }
        return s / a.length;
    }

    /** numpy's population standard deviation (ddof 0); 0 for no values. */
    static double std(double[] a) {
        if (a.length == 0) {
            return 0.0;
        }
        double m = mean(a);
        double s = 0;
        for (double x : a) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / a.length);
    }

    /** numpy's default (linear) percentile of sorted values; 0 for no values. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0.0;
        }
        double pos = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
