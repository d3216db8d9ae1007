package io.qmeter.metrics;

import java.time.Duration;

/**
 * When a run counts as invalid because the load generator fell behind: schedule lag p99 or event-loop
 * delay p99 (the client's own delay sending and reading, see {@link ClientCheck}) above
 * {@code maxLagP99Nanos}, or an achieved send rate below {@code minRateFraction} of the scheduled
 * rate. Defaults: 5 ms and 0.95.
 *
 * <pre>{@code
 * ClientCheckThresholds t = ClientCheckThresholds.of(Duration.ofMillis(2), 0.98);
 * }</pre>
 *
 * @param maxLagP99Nanos  largest acceptable p99 schedule lag and p99 event-loop delay, &gt; 0
 * @param minRateFraction smallest acceptable achieved ÷ scheduled rate, in (0, 1]
 */
public record ClientCheckThresholds(long maxLagP99Nanos, double minRateFraction) {

    /** Validates the thresholds. */
    public ClientCheckThresholds {
        if (maxLagP99Nanos <= 0) {
            throw new IllegalArgumentException("maxLagP99 must be > 0, was " + maxLagP99Nanos + " ns");
        }
        if (!(minRateFraction > 0 && minRateFraction <= 1)) {
            throw new IllegalArgumentException("minRateFraction must be in (0, 1], was " + minRateFraction);
        }
    }

    /**
     * Thresholds from a duration.
     *
     * @param maxLagP99       largest acceptable p99 schedule lag
     * @param minRateFraction smallest acceptable achieved ÷ scheduled rate
     * @return the thresholds
     */
    public static ClientCheckThresholds of(Duration maxLagP99, double minRateFraction) {
        return new ClientCheckThresholds(maxLagP99.toNanos(), minRateFraction);
    }

    /**
     * The defaults: lag p99 ≤ 5 ms, achieved rate ≥ 95 % of scheduled.
     *
     * @return the defaults
     */
    public static ClientCheckThresholds defaults() {
        return new ClientCheckThresholds(5_000_000L, 0.95);
    }
}
