package io.qmeter.analysis.predict;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Mean absolute percentage error and its bootstrap interval.
 *
 * <p>MAPE = 100 × mean over points of |actual − predicted| / actual. The interval is the
 * percentile bootstrap of that mean: resample the points' absolute percentage errors with
 * replacement, {@code resamples} times, from a seeded generator; the interval is the
 * ((1 − level)/2, (1 + level)/2) quantiles of the resampled means (nearest rank).
 *
 * <pre>{@code
 * double m = Mape.of(new double[] {10, 20}, new double[] {11, 15});     // (10 % + 25 %) / 2 = 17.5
 * Mape.Interval ci = Mape.bootstrap(Mape.percentageErrors(actual, predicted), 1000, 0.95, 42L);
 * }</pre>
 */
public final class Mape {

    private Mape() {
    }

    /**
     * A bootstrap interval of a MAPE.
     *
     * @param low       lower end, percent
     * @param high      upper end, percent
     * @param level     confidence level, e.g. 0.95
     * @param resamples bootstrap resamples
     * @param seed      the seed of the resampling
     */
    public record Interval(double low, double high, double level, int resamples, long seed) {
    }

    /**
     * The absolute percentage error of each point.
     *
     * @param actual    measured values, each &gt; 0
     * @param predicted predictions, same length
     * @return 100 × |a − p| / a per point
     */
    public static double[] percentageErrors(double[] actual, double[] predicted) {
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException("actual and predicted must have the same length, were "
                    + actual.length + " and " + predicted.length);
        }
        double[] e = new double[actual.length];
        for (int i = 0; i < e.length; i++) {
            if (!(actual[i] > 0)) {
                throw new IllegalArgumentException("MAPE needs actual values > 0; actual[" + i + "] was " + actual[i]);
            }
            e[i] = 100 * Math.abs(actual[i] - predicted[i]) / actual[i];
        }
        return e;
    }

    /**
     * The MAPE, percent.
     *
     * @param actual    measured values, each &gt; 0
     * @param predicted predictions
     * @return the mean absolute percentage error
     */
    public static double of(double[] actual, double[] predicted) {
        return mean(percentageErrors(actual, predicted));
    }

    /**
     * The mean of percentage errors.
     *
     * @param errors at least one value
     * @return their mean
     */
    public static double mean(double[] errors) {
        if (errors.length == 0) {
            throw new IllegalArgumentException("no errors to average: the test set is empty");
        }
        double s = 0;
        for (double e : errors) {
            s += e;
        }
        return s / errors.length;
    }

    /**
     * The percentile-bootstrap interval of the mean of these errors.
     *
     * @param errors    absolute percentage errors, at least one
     * @param resamples at least 100
     * @param level     in (0, 1)
     * @param seed      the seed (the same seed gives the same interval)
     * @return the interval
     */
    public static Interval bootstrap(double[] errors, int resamples, double level, long seed) {
        if (errors.length == 0) {
            throw new IllegalArgumentException("no errors to bootstrap: the test set is empty");
        }
        if (resamples < 100) {
            throw new IllegalArgumentException("resamples must be >= 100, was " + resamples);
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1), e.g. 0.95, was " + level);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] means = new double[resamples];
        int n = errors.length;
        for (int r = 0; r < resamples; r++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += errors[rnd.nextInt(n)];
            }
            means[r] = s / n;
        }
        Arrays.sort(means);
        double tail = (1 - level) / 2;
        int lo = (int) Math.max(0, Math.ceil(tail * resamples) - 1);
        int hi = (int) Math.min(resamples - 1, Math.ceil((1 - tail) * resamples) - 1);
        return new Interval(means[lo], means[hi], level, resamples, seed);
    }
}
