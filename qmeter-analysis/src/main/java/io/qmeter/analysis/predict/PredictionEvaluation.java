package io.qmeter.analysis.predict;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Trains and tests a {@link SaturationPredictor} under a {@link SplitScheme}: per fold its MAPE
 * with a bootstrap interval, and over all folds the pooled MAPE (every test point once) with its
 * interval. The GPU schema spans the whole data set, so a cross-GPU fold still codes the test GPU.
 *
 * <pre>{@code
 * PredictionEvaluation.SchemeResult r = PredictionEvaluation.evaluate(points, SplitScheme.random(0.8, 42),
 *         PredictorParams.defaults(), 1000, 0.95, 42L);
 * System.out.printf("%s: %.1f %% [%.1f, %.1f]%n", r.scheme(), r.mape(), r.interval().low(), r.interval().high());
 * }</pre>
 */
public final class PredictionEvaluation {

    private PredictionEvaluation() {
    }

    /**
     * One fold.
     *
     * @param label     what it held out
     * @param trainSize training points
     * @param testSize  test points
     * @param mape      percent
     * @param interval  its bootstrap interval
     */
    public record FoldResult(String label, int trainSize, int testSize, double mape, Mape.Interval interval) {
    }

    /**
     * A scheme's result.
     *
     * @param scheme      the scheme's name
     * @param folds       every fold
     * @param mape        pooled over every fold's test points, percent
     * @param interval    the pooled MAPE's bootstrap interval
     * @param minFoldMape the lowest fold MAPE
     * @param maxFoldMape the highest fold MAPE
     * @param params      how the models were trained (with the seed)
     */
    public record SchemeResult(String scheme, List<FoldResult> folds, double mape, Mape.Interval interval,
                               double minFoldMape, double maxFoldMape, PredictorParams params) {
        /** Copies the folds. */
        public SchemeResult {
            folds = List.copyOf(folds);
        }
    }

    /**
     * Evaluates a scheme.
     *
     * @param points    the data set
     * @param scheme    the split scheme
     * @param params    training parameters
     * @param resamples bootstrap resamples, at least 100
     * @param level     the interval's level, e.g. 0.95
     * @param seed      the bootstrap's seed
     * @return the result
     */
    public static SchemeResult evaluate(List<SaturationPoint> points, SplitScheme scheme, PredictorParams params,
                                        int resamples, double level, long seed) {
        Objects.requireNonNull(scheme, "scheme");
        Features schema = Features.over(points);
        List<FoldResult> folds = new ArrayList<>();
        List<Double> pooled = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (SplitScheme.Split s : scheme.splits(points)) {
            double[] actual = s.test().stream().mapToDouble(SaturationPoint::saturationRps).toArray();
            double[] predicted;
            try (SaturationPredictor p = SaturationPredictor.train(s.train(), schema, params)) {
                predicted = p.predict(s.test());
            }
            double[] errors = Mape.percentageErrors(actual, predicted);
            double m = Mape.mean(errors);
            folds.add(new FoldResult(s.label(), s.train().size(), s.test().size(), m,
                    Mape.bootstrap(errors, resamples, level, seed)));
            for (double e : errors) {
                pooled.add(e);
            }
            min = Math.min(min, m);
            max = Math.max(max, m);
        }
        double[] all = pooled.stream().mapToDouble(Double::doubleValue).toArray();
        return new SchemeResult(scheme.name(), folds, Mape.mean(all), Mape.bootstrap(all, resamples, level, seed), min,
                max, params);
    }
}
