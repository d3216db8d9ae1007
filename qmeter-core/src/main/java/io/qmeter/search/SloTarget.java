package io.qmeter.search;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One latency objective: a percentile of a per-request metric must not exceed a threshold.
 *
 * <pre>{@code
 * SloTarget t = new SloTarget(SloTarget.TTFT, 0.90, Duration.ofSeconds(1)); // P90 TTFT <= 1 s
 * }</pre>
 *
 * @param metric    metric name, for example {@link #TTFT}; lower-case letters, digits and '_'
 * @param quantile  the percentile as a fraction, in (0, 1), for example 0.90 for P90
 * @param threshold the largest acceptable value, positive
 */
public record SloTarget(String metric, double quantile, Duration threshold) {

    /** Time to first token, from the scheduled arrival. */
    public static final String TTFT = "ttft";
    /** Time per output token after the first. */
    public static final String TPOT = "tpot";
    /** End-to-end latency, from the scheduled arrival to the last token. */
    public static final String E2E = "e2e";
    /** Inter-token latency. */
    public static final String ITL = "itl";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    /** Validates the target. */
    public SloTarget {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(threshold, "threshold");
        if (!NAME.matcher(metric).matches()) {
            throw new IllegalArgumentException("metric must match [a-z][a-z0-9_]*, was '" + metric + "'");
        }
        if (!(quantile > 0 && quantile < 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1), for example 0.9 for P90, was " + quantile);
        }
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("threshold must be > 0, was " + threshold);
        }
    }

    /**
     * The threshold in nanoseconds.
     *
     * @return nanos
     */
    public double thresholdNanos() {
        return threshold.toNanos();
    }

    /**
     * The requests a probe needs so that at least {@code k} samples lie above the percentile:
     * {@code ceil(k / (1 - quantile))}.
     *
     * @param k samples wanted above the percentile
     * @return the request count
     */
    public int requestsFor(int k) {
        return (int) Math.ceil(k / (1 - quantile) - 1e-9);
    }

    /**
     * A label such as {@code "P90 ttft <= 1000 ms"}.
     *
     * @return the label
     */
    public String label() {
        return "P" + trim(quantile * 100) + " " + metric + " <= " + trim(threshold.toNanos() / 1e6) + " ms";
    }

    private static String trim(double v) {
        return java.math.BigDecimal.valueOf(v).round(new java.math.MathContext(6)).stripTrailingZeros()
                .toPlainString();
    }
}
