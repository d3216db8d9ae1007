package io.qmeter.search;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one probe measured: per-request samples of each SLO metric, whether the run was valid, an
 * optional verdict given by the probe itself, the achieved throughput and the probe's own summary
 * (for example a {@code RunResult}), kept for the search's report.
 *
 * <p>Samples are in nanoseconds, one per request, keyed by metric name ({@code SloMetric.TTFT.key()},
 * {@code SloMetric.TPOT.key()}…). A request that failed or timed out must be given as
 * {@code Double.POSITIVE_INFINITY} (it did not meet any latency target), never dropped; a request
 * for which the metric is undefined (TPOT of a one-token answer) is given as {@code NaN} and
 * ignored.
 *
 * <pre>{@code
 * ProbeResult r = ProbeResult.ofSamples(Map.of(SloMetric.TTFT.key(), ttftNanos))
 *         .withValidity(false, "client lagged 120 ms behind schedule")
 *         .withSummary(runResult);
 * }</pre>
 *
 * @param samplesNanos               per-request samples by metric name (copied, unmodifiable)
 * @param valid                      whether the run counts (arrivals kept to schedule, rate achieved)
 * @param invalidReason              why the run is invalid, or {@code null}
 * @param verdict                    a verdict the probe gives itself instead of samples, or {@code null}
 * @param achievedThroughputPerSecond completed requests per second, or NaN when unknown
 * @param summary                    the probe's own summary for the report, or {@code null}
 */
public record ProbeResult(Map<String, double[]> samplesNanos, boolean valid, String invalidReason,
                          Decision verdict, double achievedThroughputPerSecond, Object summary) {

    /** Copies the samples and checks that there is something to judge. */
    public ProbeResult {
        Objects.requireNonNull(samplesNanos, "samplesNanos");
        Map<String, double[]> copy = new LinkedHashMap<>();
        samplesNanos.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "metric name"),
                Objects.requireNonNull(v, "samples of " + k).clone()));
        samplesNanos = Collections.unmodifiableMap(copy);
        if (verdict == Decision.UNDECIDED) {
            throw new IllegalArgumentException("a probe's own verdict must be PASS or FAIL, was UNDECIDED");
        }
        if (!valid && (invalidReason == null || invalidReason.isBlank())) {
            throw new IllegalArgumentException("an invalid probe result needs a reason, was " + invalidReason);
        }
    }

    /**
     * A valid result holding per-request samples.
     *
     * @param samplesNanos metric name to per-request values in nanoseconds
     * @return the result
     */
    public static ProbeResult ofSamples(Map<String, double[]> samplesNanos) {
        return new ProbeResult(samplesNanos, true, null, null, Double.NaN, null);
    }

    /**
     * A valid result that carries only a verdict (the probe judged itself).
     *
     * @param verdict PASS or FAIL
     * @return the result
     */
    public static ProbeResult ofVerdict(Decision verdict) {
        return new ProbeResult(Map.of(), true, null, Objects.requireNonNull(verdict, "verdict"), Double.NaN, null);
    }

    /**
     * A copy with the run's validity.
     *
     * @param isValid whether the run counts
     * @param reason  why it does not, or {@code null} when valid
     * @return the copy
     */
    public ProbeResult withValidity(boolean isValid, String reason) {
        return new ProbeResult(samplesNanos, isValid, isValid ? null : reason, verdict, achievedThroughputPerSecond,
                summary);
    }

    /**
     * A copy with the probe's summary attached.
     *
     * @param newSummary any value, typically the load run's result
     * @return the copy
     */
    public ProbeResult withSummary(Object newSummary) {
        return new ProbeResult(samplesNanos, valid, invalidReason, verdict, achievedThroughputPerSecond, newSummary);
    }

    /**
     * A copy with the achieved throughput (used to seed the search after a burst probe).
     *
     * @param requestsPerSecond completed requests per second
     * @return the copy
     */
    public ProbeResult withAchievedThroughput(double requestsPerSecond) {
        return new ProbeResult(samplesNanos, valid, invalidReason, verdict, requestsPerSecond, summary);
    }

    /**
     * The samples of one metric.
     *
     * @param metric metric name
     * @return a copy of the samples, empty when the metric was not measured
     */
    public double[] samples(String metric) {
        double[] s = samplesNanos.get(metric);
        return s == null ? new double[0] : s.clone();
    }

    /**
     * Pools this result with a repeat at the same rate: samples are concatenated, the pooled run is
     * valid only when both are, and the later summary is kept.
     *
     * @param later the repeat
     * @return the pooled result
     */
    public ProbeResult pooledWith(ProbeResult later) {
        Map<String, double[]> pooled = new LinkedHashMap<>(samplesNanos);
        later.samplesNanos.forEach((k, v) -> pooled.merge(k, v, (a, b) -> {
            double[] both = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            return both;
        }));
        boolean bothValid = valid && later.valid;
        String reason = !valid ? invalidReason : later.invalidReason;
        Decision v = later.verdict != null ? later.verdict : verdict;
        double thr = Double.isNaN(later.achievedThroughputPerSecond) ? achievedThroughputPerSecond
                : later.achievedThroughputPerSecond;
        return new ProbeResult(pooled, bothValid, bothValid ? null : reason, v, thr,
                later.summary != null ? later.summary : summary);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ProbeResult r) || valid != r.valid || verdict != r.verdict
                || !Objects.equals(invalidReason, r.invalidReason) || !Objects.equals(summary, r.summary)
                || Double.compare(achievedThroughputPerSecond, r.achievedThroughputPerSecond) != 0
                || !samplesNanos.keySet().equals(r.samplesNanos.keySet())) {
            return false;
        }
        return samplesNanos.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), r.samplesNanos.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        return Objects.hash(samplesNanos.keySet(), valid, verdict, invalidReason);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ProbeResult[");
        samplesNanos.forEach((k, v) -> sb.append(k).append('=').append(v.length).append(" samples, "));
        if (verdict != null) {
            sb.append("verdict=").append(verdict).append(", ");
        }
        sb.append(valid ? "valid" : "invalid (" + invalidReason + ")");
        if (!Double.isNaN(achievedThroughputPerSecond)) {
            sb.append(", ").append(String.format(java.util.Locale.ROOT, "%.3f", achievedThroughputPerSecond))
                    .append(" req/s achieved");
        }
        return sb.append(']').toString();
    }
}
