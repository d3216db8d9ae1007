package io.qmeter.internal;

import io.qmeter.metrics.LatencyStats;
import org.HdrHistogram.Histogram;

/**
 * Collects one latency in nanoseconds into an auto-resizing HdrHistogram (3 significant digits),
 * with an exact sum, min and max beside it, and summarizes it as {@link LatencyStats}. Not
 * thread-safe: callers that record from several threads synchronize.
 *
 * <pre>{@code
 * LatencyRecorder r = new LatencyRecorder();
 * r.record(120_000);
 * LatencyStats s = r.stats(); // p99Millis() == 0.12
 * }</pre>
 */
public final class LatencyRecorder {

    private final Histogram histogram = new Histogram(3);
    private double sumNanos;
    private long count;
    private double minNanos = Double.POSITIVE_INFINITY;
    private double maxNanos = Double.NEGATIVE_INFINITY;

    /** An empty recorder. */
    public LatencyRecorder() {
    }

    /**
     * Records one value (negative values, from clock anomalies, count as 0).
     *
     * @param nanos the value in nanoseconds
     */
    public void record(double nanos) {
        record(nanos, 1);
    }

    /**
     * Records a value {@code times} times (nothing when {@code times <= 0} or the value is NaN).
     *
     * @param nanos the value in nanoseconds
     * @param times how many times to count it
     */
    public void record(double nanos, long times) {
        if (times <= 0 || Double.isNaN(nanos)) {
            return;
        }
        double v = Math.max(0, nanos);
        histogram.recordValueWithCount(Math.round(v), times);
        sumNanos += v * times;
        count += times;
        minNanos = Math.min(minNanos, v);
        maxNanos = Math.max(maxNanos, v);
    }

    /**
     * How many values were recorded.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * The value at a percentile in nanoseconds, NaN when empty; p100 is the exact max.
     *
     * @param percentile the percentile, 0 to 100
     * @return the value in nanoseconds
     */
    public double valueAtNanos(double percentile) {
        return valueAtNanos(histogram, count, minNanos, maxNanos, percentile);
    }

    /**
     * The summary of what was recorded ({@link LatencyStats#empty()} when nothing was).
     *
     * @return the stats, in milliseconds
     */
    public LatencyStats stats() {
        return stats(histogram, count, sumNanos, minNanos, maxNanos);
    }

    /**
     * A copy of the histogram (values in nanoseconds, rounded to whole nanoseconds).
     *
     * @return the copy
     */
    public Histogram histogramCopy() {
        return histogram.copy();
    }

    /**
     * The exact sum of the recorded values.
     *
     * @return nanoseconds (0 when empty)
     */
    public double sumNanos() {
        return sumNanos;
    }

    /**
     * The exact smallest recorded value.
     *
     * @return nanoseconds (+infinity when empty)
     */
    public double minNanos() {
        return minNanos;
    }

    /**
     * The exact largest recorded value.
     *
     * @return nanoseconds (-infinity when empty)
     */
    public double maxNanos() {
        return maxNanos;
    }

    /**
     * A percentile from a histogram with the exact extremes beside it, as {@link #valueAtNanos} answers
     * it (one formula for a recorder and for histograms merged from several processes).
     *
     * @param histogram  the values, rounded to nanoseconds
     * @param count      how many values
     * @param minNanos   the exact smallest value
     * @param maxNanos   the exact largest value
     * @param percentile the percentile, 0 to 100
     * @return nanoseconds, NaN when {@code count} is 0
     */
    public static double valueAtNanos(Histogram histogram, long count, double minNanos, double maxNanos,
                                      double percentile) {
        if (count == 0) {
            return Double.NaN;
        }
        if (percentile >= 100) {
            return maxNanos;
        }
        // never report more than the exact max (the histogram answers a bucket's upper edge)
        return Math.min(maxNanos, Math.max(minNanos, histogram.getValueAtPercentile(percentile)));
    }

    /**
     * The summary of a histogram with the exact count, sum and extremes beside it, as {@link #stats()}
     * computes it.
     *
     * @param histogram the values, rounded to nanoseconds
     * @param count     how many values
     * @param sumNanos  their exact sum
     * @param minNanos  the exact smallest value
     * @param maxNanos  the exact largest value
     * @return the stats, in milliseconds ({@link LatencyStats#empty()} when {@code count} is 0)
     */
    public static LatencyStats stats(Histogram histogram, long count, double sumNanos, double minNanos,
                                     double maxNanos) {
        if (count == 0) {
            return LatencyStats.empty();
        }
        return new LatencyStats(count, sumNanos / count / 1e6, minNanos / 1e6,
                valueAtNanos(histogram, count, minNanos, maxNanos, 50) / 1e6,
                valueAtNanos(histogram, count, minNanos, maxNanos, 90) / 1e6,
                valueAtNanos(histogram, count, minNanos, maxNanos, 95) / 1e6,
                valueAtNanos(histogram, count, minNanos, maxNanos, 99) / 1e6,
                valueAtNanos(histogram, count, minNanos, maxNanos, 99.9) / 1e6, maxNanos / 1e6);
    }
}
