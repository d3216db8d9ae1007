package io.qmeter.analysis.predict;

/**
 * How a {@link SaturationPredictor} is trained: XGBoost's {@code reg:squarederror} on the
 * logarithm of the saturation rate (or the rate itself), single-threaded so that the same seed
 * gives the same model.
 *
 * <p>Why the logarithm by default: saturation rates span three orders of magnitude across model
 * sizes, GPUs and TP (0.5 to 500 req/s); squared error on the raw rate spends the trees on the
 * largest rates, while the score that matters, MAPE, weighs every point by its relative error.
 * {@code withLogTarget(false)} trains on the raw rate as the seed presumably did.
 *
 * <pre>{@code
 * PredictorParams p = PredictorParams.defaults().withSeed(7).withRounds(400);
 * }</pre>
 *
 * @param rounds    boosting rounds, at least 1
 * @param maxDepth  tree depth, at least 1
 * @param eta       learning rate, in (0, 1]
 * @param subsample row fraction per tree, in (0, 1]
 * @param seed      XGBoost's seed (recorded with every result)
 * @param logTarget train on ln(rate) and predict exp(...)
 */
public record PredictorParams(int rounds, int maxDepth, double eta, double subsample, long seed, boolean logTarget) {

    /** Validates the fields. */
    public PredictorParams {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, was " + rounds);
        }
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be >= 1, was " + maxDepth);
        }
        if (!(eta > 0 && eta <= 1)) {
            throw new IllegalArgumentException("eta must be in (0, 1], was " + eta);
        }
        if (!(subsample > 0 && subsample <= 1)) {
            throw new IllegalArgumentException("subsample must be in (0, 1], was " + subsample);
        }
    }

    /**
     * 300 rounds, depth 6, eta 0.1, subsample 0.8, seed 42, log target.
     *
     * @return the defaults
     */
    public static PredictorParams defaults() {
        return new PredictorParams(300, 6, 0.1, 0.8, 42, true);
    }

    /**
     * A copy with another seed.
     *
     * @param v the seed
     * @return the copy
     */
    public PredictorParams withSeed(long v) {
        return new PredictorParams(rounds, maxDepth, eta, subsample, v, logTarget);
    }

    /**
     * A copy with another number of rounds.
     *
     * @param v at least 1
     * @return the copy
     */
    public PredictorParams withRounds(int v) {
        return new PredictorParams(v, maxDepth, eta, subsample, seed, logTarget);
    }

    /**
     * A copy with another depth.
     *
     * @param v at least 1
     * @return the copy
     */
    public PredictorParams withMaxDepth(int v) {
        return new PredictorParams(rounds, v, eta, subsample, seed, logTarget);
    }

    /**
     * A copy with another learning rate.
     *
     * @param v in (0, 1]
     * @return the copy
     */
    public PredictorParams withEta(double v) {
        return new PredictorParams(rounds, maxDepth, v, subsample, seed, logTarget);
    }

    /**
     * A copy with another row subsample.
     *
     * @param v in (0, 1]
     * @return the copy
     */
    public PredictorParams withSubsample(double v) {
        return new PredictorParams(rounds, maxDepth, eta, v, seed, logTarget);
    }

    /**
     * A copy training on the raw rate ({@code false}) or its logarithm ({@code true}).
     *
     * @param v whether to train on ln(rate)
     * @return the copy
     */
    public PredictorParams withLogTarget(boolean v) {
        return new PredictorParams(rounds, maxDepth, eta, subsample, seed, v);
    }
}
