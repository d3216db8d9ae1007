package io.qmeter.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A service-level objective: thresholds at chosen percentiles on TTFT, TPOT and E2E. A run meets
 * it when every clause holds; a request meets it when each of its latencies is at most every
 * threshold on that metric (this per-request test gives attainment and goodput).
 *
 * <pre>{@code
 * Slo slo = Slo.builder().ttft(p90, Duration.ofSeconds(1)).tpot(p90, Duration.ofMillis(200)).build();
 * }</pre>
 *
 * @param thresholds the clauses, at least one
 */
public record Slo(List<SloThreshold> thresholds) {

    /** Validates and copies the clauses. */
    public Slo {
        thresholds = List.copyOf(thresholds);
        if (thresholds.isEmpty()) {
            throw new IllegalArgumentException("an SLO needs at least one threshold, was none; "
                    + "add one with Slo.builder().ttft(p90, Duration.ofSeconds(1))");
        }
    }

    /**
     * A new, empty builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder(List.of());
    }

    /**
     * The common serving SLO: P90 TTFT and P90 TPOT at most the given thresholds.
     *
     * <pre>{@code
     * Slo slo = Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1))
     *         .tpot(Percentile.of(90), Duration.ofMillis(200)).build();
     * }</pre>
     *
     * @param ttft largest P90 time to first token
     * @param tpot largest P90 time per output token
     * @return the SLO
     * @deprecated two positional durations are easy to swap; write the SLO with the named
     *             {@link #builder()} ({@code .ttft(p90, ...).tpot(p90, ...)}). To be removed before 0.1.
     */
    @Deprecated(forRemoval = true)
    public static Slo p90(Duration ttft, Duration tpot) {
        return builder().ttft(Percentile.of(90), ttft).tpot(Percentile.of(90), tpot).build();
    }

    /**
     * Whether one successful request meets every threshold. A failed request never does; a request
     * without a TPOT (fewer than 2 output tokens) meets TPOT clauses vacuously.
     *
     * @param r the record
     * @return true when it meets them all
     */
    public boolean isMetBy(RequestRecord r) {
        if (!r.isOk()) {
            return false;
        }
        for (SloThreshold t : thresholds) {
            double v = t.metric().valueNanos(r);
            if (v < 0) {
                if (t.metric() == SloMetric.TPOT) {
                    continue;
                }
                return false;
            }
            if (v > t.threshold().toNanos()) {
                return false;
            }
        }
        return true;
    }

    /**
     * An immutable builder: each call returns a new builder.
     *
     * <pre>{@code
     * Slo.Builder b = Slo.builder().ttft(Percentile.of(99), Duration.ofSeconds(2));
     * Slo slo = b.e2e(Percentile.of(90), Duration.ofSeconds(30)).build();
     * }</pre>
     */
    public static final class Builder {

        private final List<SloThreshold> thresholds;

        private Builder(List<SloThreshold> thresholds) {
            this.thresholds = thresholds;
        }

        private Builder with(SloMetric metric, Percentile p, Duration threshold) {
            Objects.requireNonNull(p, () -> metric.name().toLowerCase(java.util.Locale.ROOT) + " percentile");
            Objects.requireNonNull(threshold, () -> metric.name().toLowerCase(java.util.Locale.ROOT) + " threshold");
            List<SloThreshold> copy = new ArrayList<>(thresholds);
            copy.add(new SloThreshold(metric, p, threshold));
            return new Builder(List.copyOf(copy));
        }

        /**
         * Adds a TTFT clause.
         *
         * @param p         the percentile
         * @param threshold the largest allowed TTFT
         * @return a new builder
         */
        public Builder ttft(Percentile p, Duration threshold) {
            return with(SloMetric.TTFT, p, threshold);
        }

        /**
         * Adds a TPOT clause.
         *
         * @param p         the percentile
         * @param threshold the largest allowed TPOT
         * @return a new builder
         */
        public Builder tpot(Percentile p, Duration threshold) {
            return with(SloMetric.TPOT, p, threshold);
        }

        /**
         * Adds an E2E clause.
         *
         * @param p         the percentile
         * @param threshold the largest allowed end-to-end latency
         * @return a new builder
         */
        public Builder e2e(Percentile p, Duration threshold) {
            return with(SloMetric.E2E, p, threshold);
        }

        /**
         * Builds the SLO.
         *
         * @return the SLO
         * @throws IllegalArgumentException when no clause was added
         */
        public Slo build() {
            return new Slo(thresholds);
        }
    }
}
