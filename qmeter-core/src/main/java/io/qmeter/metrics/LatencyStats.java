package io.qmeter.metrics;

/**
 * The distribution of one latency over a run's measured requests, in milliseconds. Percentiles come
 * from an HdrHistogram with 3 significant digits (relative error at most 0.1 %) and are
 * nearest-rank values: the value of rank {@code max(1, ceil(p / 100 × count))} in sorted order, the
 * smallest value with at least p % of the values at or below it (never above the exact max); mean,
 * min and max are exact. All values are NaN when {@code count} is 0.
 *
 * <pre>{@code
 * LatencyStats t = result.summary().ttft();
 * System.out.printf("TTFT p99 %.1f ms over %d requests%n", t.p99Millis(), t.count());
 * }</pre>
 *
 * @param count      number of values
 * @param meanMillis mean
 * @param minMillis  minimum
 * @param p50Millis  median
 * @param p90Millis  90th percentile
 * @param p95Millis  95th percentile
 * @param p99Millis  99th percentile
 * @param p999Millis 99.9th percentile
 * @param maxMillis  maximum
 */
public record LatencyStats(long count, double meanMillis, double minMillis, double p50Millis, double p90Millis,
                           double p95Millis, double p99Millis, double p999Millis, double maxMillis) {

    /** Validates the count. */
    public LatencyStats {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
    }

    /**
     * Stats of nothing: count 0, every value NaN.
     *
     * @return the empty stats
     */
    public static LatencyStats empty() {
        return new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN);
    }
}
