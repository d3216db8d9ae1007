package io.qmeter.metrics;

import io.qmeter.internal.LatencyRecorder;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * One latency distribution in a form that can be written out and merged: an HdrHistogram of the
 * values in whole nanoseconds (3 significant digits, as every qMeter latency is recorded) with the
 * exact count, sum, minimum and maximum beside it. Immutable; {@link #plus} is the distribution of
 * the union of both value sets, exactly the one a single recorder of all values would hold, so
 * percentiles of distributions merged from several load processes are those of one process that
 * recorded every value. {@link #stats()} summarizes it by the same rule as {@link RunSummary}
 * (nearest-rank percentiles from the histogram, never outside the exact extremes).
 *
 * <pre>{@code
 * LatencyDistribution all = a.plus(b);
 * double p99Millis = all.valueAtNanos(99) / 1e6;
 * LatencyStats s = all.stats();
 * }</pre>
 */
public final class LatencyDistribution {

    /** The precision of every qMeter latency histogram. */
    public static final int SIGNIFICANT_DIGITS = 3;

    private static final LatencyDistribution EMPTY = new LatencyDistribution(new Histogram(SIGNIFICANT_DIGITS), 0,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);

    private final Histogram histogram;
    private final double sumNanos;
    private final double minNanos;
    private final double maxNanos;

    private LatencyDistribution(Histogram histogram, double sumNanos, double minNanos, double maxNanos) {
        this.histogram = histogram;
        this.sumNanos = sumNanos;
        this.minNanos = minNanos;
        this.maxNanos = maxNanos;
    }

    /**
     * The distribution of no values.
     *
     * @return the empty distribution
     */
    public static LatencyDistribution empty() {
        return EMPTY;
    }

    /**
     * A distribution from a histogram (copied) and the exact sum and extremes of its values, as an
     * interval log stores them.
     *
     * @param histogram the values in nanoseconds, 3 significant digits
     * @param sumNanos  the exact sum of the values (0 when there are none)
     * @param minNanos  the exact smallest value (ignored when there are none)
     * @param maxNanos  the exact largest value (ignored when there are none)
     * @return the distribution
     * @throws IllegalArgumentException when the precision differs or the extremes do not fit the histogram
     */
    public static LatencyDistribution of(Histogram histogram, double sumNanos, double minNanos, double maxNanos) {
        Objects.requireNonNull(histogram, "histogram");
        if (histogram.getNumberOfSignificantValueDigits() != SIGNIFICANT_DIGITS) {
            throw new IllegalArgumentException("histogram must have " + SIGNIFICANT_DIGITS
                    + " significant digits (as qMeter records), was " + histogram.getNumberOfSignificantValueDigits());
        }
        if (histogram.getLowestDiscernibleValue() != 1) {
            throw new IllegalArgumentException("histogram must discern values down to 1 ns (as qMeter records), was "
                    + histogram.getLowestDiscernibleValue());
        }
        if (histogram.getTotalCount() == 0) {
            return EMPTY;
        }
        if (!(minNanos >= 0 && minNanos <= maxNanos && Double.isFinite(maxNanos))) {
            throw new IllegalArgumentException("min and max must satisfy 0 <= min <= max < infinity, was min "
                    + minNanos + " ns, max " + maxNanos + " ns");
        }
        if (!(sumNanos >= 0 && Double.isFinite(sumNanos))) {
            throw new IllegalArgumentException("sum must be >= 0 and finite, was " + sumNanos + " ns");
        }
        // the exact extremes must lie in the histogram's lowest and highest buckets
        long lo = Math.round(minNanos);
        long hi = Math.round(maxNanos);
        if (!histogram.valuesAreEquivalent(lo, histogram.getMinValue())
                || !histogram.valuesAreEquivalent(hi, histogram.getMaxValue())) {
            throw new IllegalArgumentException("min " + minNanos + " ns and max " + maxNanos
                    + " ns do not match the histogram's range [" + histogram.getMinValue() + ", "
                    + histogram.getMaxValue() + "] ns; the sum and extremes belong to another histogram");
        }
        // an auto-resizing copy: a histogram decoded from a log has a fixed range, and a union may exceed it
        Histogram copy = new Histogram(SIGNIFICANT_DIGITS);
        copy.add(histogram);
        return new LatencyDistribution(copy, sumNanos, minNanos, maxNanos);
    }

    /** The distribution a recorder holds. */
    static LatencyDistribution of(LatencyRecorder r) {
        if (r.count() == 0) {
            return EMPTY;
        }
        return new LatencyDistribution(r.histogramCopy(), r.sumNanos(), r.minNanos(), r.maxNanos());
    }

    /**
     * The distribution of both value sets together.
     *
     * @param other the other distribution
     * @return the union
     */
    public LatencyDistribution plus(LatencyDistribution other) {
        if (other.count() == 0) {
            return this;
        }
        if (count() == 0) {
            return other;
        }
        Histogram h = histogram.copy();
        h.add(other.histogram);
        return new LatencyDistribution(h, sumNanos + other.sumNanos, Math.min(minNanos, other.minNanos),
                Math.max(maxNanos, other.maxNanos));
    }

    /**
     * How many values.
     *
     * @return the count
     */
    public long count() {
        return histogram.getTotalCount();
    }

    /**
     * The exact sum of the values.
     *
     * @return nanoseconds, 0 when empty
     */
    public double sumNanos() {
        return count() == 0 ? 0 : sumNanos;
    }

    /**
     * The exact smallest value.
     *
     * @return nanoseconds, NaN when empty
     */
    public double minNanos() {
        return count() == 0 ? Double.NaN : minNanos;
    }

    /**
     * The exact largest value.
     *
     * @return nanoseconds, NaN when empty
     */
    public double maxNanos() {
        return count() == 0 ? Double.NaN : maxNanos;
    }

    /**
     * A copy of the histogram.
     *
     * @return values in nanoseconds, 3 significant digits
     */
    public Histogram histogram() {
        return histogram.copy();
    }

    /**
     * The nearest-rank value at a percentile, never outside the exact extremes; p100 is the exact max.
     *
     * @param percentile 0 to 100
     * @return nanoseconds, NaN when empty
     */
    public double valueAtNanos(double percentile) {
        return LatencyRecorder.valueAtNanos(histogram, count(), minNanos, maxNanos, percentile);
    }

    /**
     * The summary, by the rule of {@link RunSummary}'s latency fields.
     *
     * @return the stats in milliseconds ({@link LatencyStats#empty()} when empty)
     */
    public LatencyStats stats() {
        return LatencyRecorder.stats(histogram, count(), sumNanos, minNanos, maxNanos);
    }

    /** Equal when the histograms hold the same counts and the exact sum and extremes are equal. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LatencyDistribution d)) {
            return false;
        }
        if (count() == 0 || d.count() == 0) {
            return count() == d.count();
        }
        return histogram.equals(d.histogram) && Double.compare(sumNanos, d.sumNanos) == 0
                && Double.compare(minNanos, d.minNanos) == 0 && Double.compare(maxNanos, d.maxNanos) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(count(), sumNanos(), minNanos(), maxNanos());
    }

    @Override
    public String toString() {
        return "LatencyDistribution[" + stats() + "]";
    }
}
