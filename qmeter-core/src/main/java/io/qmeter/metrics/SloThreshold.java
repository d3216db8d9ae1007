package io.qmeter.metrics;

import java.time.Duration;
import java.util.Objects;

/**
 * One SLO clause: the given percentile of a metric must be at most a threshold.
 *
 * <pre>{@code
 * SloThreshold t = new SloThreshold(SloMetric.TTFT, Percentile.of(90), Duration.ofSeconds(1));
 * }</pre>
 *
 * @param metric     the metric
 * @param percentile the percentile
 * @param threshold  the largest allowed value, &gt; 0
 */
public record SloThreshold(SloMetric metric, Percentile percentile, Duration threshold) {

    /** Validates the clause. */
    public SloThreshold {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(percentile, "percentile");
        Objects.requireNonNull(threshold, "threshold");
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException(metric.name().toLowerCase(java.util.Locale.ROOT)
                    + " threshold must be > 0, was " + threshold);
        }
    }

    /**
     * The percentile as a fraction, e.g. 0.9 for P90 (exact in decimal: P99.9 gives 0.999).
     *
     * @return the quantile in (0, 1]
     */
    public double quantile() {
        return java.math.BigDecimal.valueOf(percentile.value()).movePointLeft(2).doubleValue();
    }

    /**
     * A label such as {@code "P90 tpot <= 200 ms"}.
     *
     * @return the label
     */
    public String label() {
        return "P" + trim(percentile.value()) + " " + metric.key() + " <= " + trim(threshold.toNanos() / 1e6) + " ms";
    }

    private static String trim(double v) {
        return java.math.BigDecimal.valueOf(v).round(new java.math.MathContext(6)).stripTrailingZeros()
                .toPlainString();
    }

    @Override
    public String toString() {
        return metric + " " + percentile.label() + " <= " + threshold.toNanos() / 1e6 + " ms";
    }
}
