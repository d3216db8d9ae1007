package io.qmeter.analysis.predict;

/**
 * A predicted saturation point turned into a saturation search's starting bracket (core's
 * {@code SaturationSearch.Builder.startingBracket(low, high)}, the testkit's
 * {@code VirtualSaturationSearch.Builder.startingBracket}).
 *
 * <p>The bracket is {@code [p / (1+t)^4, p × (1+t)^4]} for a prediction p and a search tolerance t:
 * the search probes p, then the edge on the side the verdict points to, then bisects the remaining
 * factor {@code (1+t)^4} twice down to {@code 1+t}. So a true saturation point within
 * {@code (1+t)^4} of the prediction (±21.6 % for t = 5 %) is found to the tolerance in 4 probes; a
 * worse prediction costs one probe per doubling beyond the edge, and never changes the answer.
 *
 * <pre>{@code
 * SaturationHint h = SaturationHint.of(predictor.predict(query), 0.05);
 * VirtualSaturationSearch.builder(config).relativePrecision(0.05).startingBracket(h.low(), h.high());
 * }</pre>
 *
 * @param predicted the predicted saturation rate, req/s
 * @param low       the bracket's lower end
 * @param high      the bracket's upper end
 */
public record SaturationHint(double predicted, double low, double high) {

    /** Checks the bracket. */
    public SaturationHint {
        if (!(predicted > 0) || Double.isInfinite(predicted)) {
            throw new IllegalArgumentException("predicted must be > 0 and finite, was " + predicted);
        }
        if (!(low > 0 && low <= predicted && predicted <= high) || Double.isInfinite(high) || !(high > low)) {
            throw new IllegalArgumentException("the bracket must satisfy 0 < low <= predicted <= high and low < high, "
                    + "was [" + low + ", " + predicted + ", " + high + "]");
        }
    }

    /**
     * The 4-probe bracket around a prediction for a search tolerance.
     *
     * @param predicted req/s, &gt; 0
     * @param tolerance the search's relative tolerance, in (0, 1), e.g. 0.05
     * @return the hint
     */
    public static SaturationHint of(double predicted, double tolerance) {
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("tolerance must be in (0, 1), e.g. 0.05, was " + tolerance);
        }
        // a hair inside (1+t)^4, so that two bisections end at a ratio <= 1+t despite rounding
        double f = Math.pow(1 + tolerance, 4) * (1 - 1e-9);
        return new SaturationHint(predicted, predicted / f, predicted * f);
    }

    /**
     * A copy clamped into a rate range (a search refuses rates outside its range).
     *
     * @param min lowest rate, &gt; 0
     * @param max highest rate, &gt; min
     * @return the clamped hint
     */
    public SaturationHint clampedTo(double min, double max) {
        double lo = Math.max(min, Math.min(low, max / 2));
        double hi = Math.min(max, Math.max(high, lo * 1.01));
        double p = Math.max(lo, Math.min(hi, predicted));
        return new SaturationHint(p, lo, hi);
    }
}
