package io.qmeter.metrics;

/**
 * A percentile, for example 90 for P90 or 99.9 for P99.9. {@link io.qmeter.QMeter} has the common
 * ones as constants ({@code p50}, {@code p90}, {@code p95}, {@code p99}, {@code p999}).
 *
 * <pre>{@code
 * Percentile p = Percentile.of(90);
 * String label = p.label();   // "p90"
 * }</pre>
 *
 * @param value the percentile, in (0, 100]
 */
public record Percentile(double value) {

    /** Validates the range. */
    public Percentile {
        if (!(value > 0 && value <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], was " + value);
        }
    }

    /**
     * The percentile {@code value}.
     *
     * @param value in (0, 100]
     * @return the percentile
     */
    public static Percentile of(double value) {
        return new Percentile(value);
    }

    /**
     * A label such as {@code p90} or {@code p99.9}.
     *
     * @return the label
     */
    public String label() {
        return value == Math.rint(value) ? "p" + (long) value : "p" + value;
    }

    @Override
    public String toString() {
        return label();
    }
}
