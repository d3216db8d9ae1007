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

    @Override
    public String toString() {
        return metric + " " + percentile.label() + " <= " + threshold.toNanos() / 1e6 + " ms";
    }
}
