package io.qmeter.sweep;

import io.qmeter.search.SaturationSearch;
import io.qmeter.search.Slo;

/**
 * How a plan finds each configuration's saturation point (needed for rates given as fractions of
 * it): the search's tolerance, probe budget and starting rate.
 *
 * <pre>{@code
 * SearchSettings s = SearchSettings.DEFAULT.withInitialRate(2.0);
 * SaturationSearch search = s.toSearch(plan.slo(), seed);
 * }</pre>
 *
 * @param tolerance   relative tolerance, in (0, 1); default 0.05
 * @param maxProbes   probe budget, &gt;= 1; default 8
 * @param initialRate first rate in req/s, or NaN to start from a max-throughput burst (default)
 */
public record SearchSettings(double tolerance, int maxProbes, double initialRate) {

    /** Tolerance 5 %, 8 probes, burst start. */
    public static final SearchSettings DEFAULT = new SearchSettings(0.05, 8, Double.NaN);

    /** Validates the settings. */
    public SearchSettings {
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("search.tolerance: expected a number in (0, 1), was " + tolerance);
        }
        if (maxProbes < 1) {
            throw new IllegalArgumentException("search.maxProbes: expected an integer >= 1, was " + maxProbes);
        }
        if (!Double.isNaN(initialRate) && !(initialRate > 0 && Double.isFinite(initialRate))) {
            throw new IllegalArgumentException("search.initialRate: expected a number > 0, was " + initialRate);
        }
    }

    /**
     * A copy with a starting rate.
     *
     * @param ratePerSecond &gt; 0
     * @return the copy
     */
    public SearchSettings withInitialRate(double ratePerSecond) {
        return new SearchSettings(tolerance, maxProbes, ratePerSecond);
    }

    /**
     * The saturation search these settings describe.
     *
     * @param slo  the SLO to meet
     * @param seed the search's seed
     * @return the search
     */
    public SaturationSearch toSearch(Slo slo, long seed) {
        SaturationSearch.Builder b = SaturationSearch.builder().slo(slo).tolerance(tolerance).maxProbes(maxProbes)
                .seed(seed);
        return Double.isNaN(initialRate) ? b.build() : b.initialRate(initialRate).build();
    }
}
