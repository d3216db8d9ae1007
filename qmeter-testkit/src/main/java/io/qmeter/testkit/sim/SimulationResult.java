package io.qmeter.testkit.sim;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The outcome of a virtual-time run: per-request timings and aggregate figures.
 *
 * <pre>{@code
 * SimulationResult r = new VirtualTimeSimulator(config).run(trace);
 * System.out.println(r.summary());
 * double p90TtftMs = r.ttftPercentileNanos(90) / 1e6;
 * }</pre>
 *
 * @param configLabel       the configuration's label
 * @param requests          per-request results, in trace order
 * @param durationNanos     from the trace's start to the last token
 * @param energyJoules      energy of all GPUs over [0, durationNanos]
 * @param idleWatts         idle power of all GPUs together
 * @param iterations        iterations run
 * @param preemptions       preemptions (recomputations)
 * @param meanBatchSeqs     mean sequences per iteration
 * @param peakKvUsage       highest KV-cache block usage seen, 0..1
 * @param minWattsPerGpu    lowest power of one GPU seen (idle included)
 * @param maxWattsPerGpu    highest power of one GPU seen
 */
public record SimulationResult(String configLabel, List<RequestResult> requests, long durationNanos, double energyJoules,
                               double idleWatts, long iterations, long preemptions, double meanBatchSeqs,
                               double peakKvUsage, double minWattsPerGpu, double maxWattsPerGpu) {

    /** Copies the list. */
    public SimulationResult {
        requests = List.copyOf(requests);
    }

    /**
     * Requests that completed.
     *
     * @return the count
     */
    public long completed() {
        return requests.stream().filter(RequestResult::ok).count();
    }

    /**
     * Output tokens of completed requests.
     *
     * @return the sum
     */
    public long outputTokens() {
        return requests.stream().filter(RequestResult::ok).mapToLong(RequestResult::outputTokens).sum();
    }

    /**
     * A percentile of TTFT over completed requests (nearest rank).
     *
     * @param p percentile, 0..100
     * @return nanoseconds, NaN when nothing completed
     */
    public double ttftPercentileNanos(double p) {
        return percentile(r -> r.ttftNanos(), p);
    }

    /**
     * A percentile of TPOT over completed requests with at least 2 tokens.
     *
     * @param p percentile, 0..100
     * @return nanoseconds, NaN when none
     */
    public double tpotPercentileNanos(double p) {
        return percentile(RequestResult::tpotNanos, p);
    }

    /**
     * A percentile of E2E latency over completed requests.
     *
     * @param p percentile, 0..100
     * @return nanoseconds, NaN when nothing completed
     */
    public double e2ePercentileNanos(double p) {
        return percentile(r -> r.e2eNanos(), p);
    }

    private double percentile(ToDoubleFunction<RequestResult> f, double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100], was " + p);
        }
        double[] v = requests.stream().filter(RequestResult::ok).mapToDouble(f).filter(x -> !Double.isNaN(x)).toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        int rank = (int) Math.ceil(p / 100 * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }

    /**
     * Output tokens per second over the run.
     *
     * @return tokens/s
     */
    public double outputTokensPerSecond() {
        return durationNanos == 0 ? Double.NaN : outputTokens() / (durationNanos / 1e9);
    }

    /**
     * Gross energy per output token.
     *
     * @return joules per token
     */
    public double joulesPerToken() {
        long t = outputTokens();
        return t == 0 ? Double.NaN : energyJoules / t;
    }

    /**
     * Mean power of all GPUs over the run.
     *
     * @return watts
     */
    public double averageWatts() {
        return durationNanos == 0 ? Double.NaN : energyJoules / (durationNanos / 1e9);
    }

    /**
     * A one-line summary.
     *
     * @return the summary
     */
    public String summary() {
        return String.format(Locale.ROOT,
                "%s: %d/%d ok, P50/P90 TTFT %.1f/%.1f ms, P50/P90 TPOT %.2f/%.2f ms, %.0f tok/s, %.0f W, %.3f J/token, "
                        + "batch %.1f, peak KV %.0f%%, %d preemptions",
                configLabel, completed(), requests.size(), ttftPercentileNanos(50) / 1e6, ttftPercentileNanos(90) / 1e6,
                tpotPercentileNanos(50) / 1e6, tpotPercentileNanos(90) / 1e6, outputTokensPerSecond(), averageWatts(),
                joulesPerToken(), meanBatchSeqs, peakKvUsage * 100, preemptions);
    }
}
