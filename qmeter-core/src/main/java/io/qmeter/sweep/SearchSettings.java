package io.qmeter.sweep;

import io.qmeter.metrics.Slo;
import io.qmeter.search.SaturationSearch;
import io.qmeter.search.SloJudge;

/**
 * How a plan finds each configuration's saturation point (needed for rates given as fractions of
 * it): the search's tolerance, probe budget and starting rate, and how its {@link SloJudge} judges
 * a probe against the plan's SLO (run validity, confidence, probe length).
 *
 * <pre>{@code
 * SearchSettings s = SearchSettings.DEFAULT.withInitialRate(2.0);
 * SaturationSearch search = s.toSearch(plan.slo(), seed);
 * }</pre>
 *
 * @param tolerance            relative tolerance, in (0, 1); default 0.05
 * @param maxProbes            probe budget, &gt;= 1; default 8
 * @param initialRate          first rate in req/s, or NaN to start from a max-throughput burst (default)
 * @param requireValid         whether an invalid probe (client lag, missed rate) fails the SLO; default true
 * @param confidence           confidence of each percentile's interval, in (0.5, 1); default 0.95
 * @param samplesAboveQuantile samples wanted above the percentile per probe, &gt;= 1; default 20
 * @param minRequestsPerProbe  fewest requests per probe, &gt;= 1; default 50
 * @param maxRequestsPerProbe  most requests per probe, &gt;= the minimum; default 5000
 */
public record SearchSettings(double tolerance, int maxProbes, double initialRate, boolean requireValid,
                             double confidence, int samplesAboveQuantile, int minRequestsPerProbe,
                             int maxRequestsPerProbe) {

    /** Tolerance 5 %, 8 probes, burst start, the default {@link SloJudge}. */
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
        if (!(confidence > 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("search.confidence: expected a number in (0.5, 1), was " + confidence);
        }
        if (samplesAboveQuantile < 1) {
            throw new IllegalArgumentException("search.samplesAboveQuantile: expected an integer >= 1, was "
                    + samplesAboveQuantile);
        }
        if (minRequestsPerProbe < 1) {
            throw new IllegalArgumentException("search.requestsPerProbe.min: expected an integer >= 1, was "
                    + minRequestsPerProbe);
        }
        if (maxRequestsPerProbe < minRequestsPerProbe) {
            throw new IllegalArgumentException("search.requestsPerProbe.max: expected >= min (" + minRequestsPerProbe
                    + "), was " + maxRequestsPerProbe);
        }
    }

    /**
     * Search settings with the default judge (run valid, confidence 0.95, 20 samples above the
     * percentile, 50 to 5000 requests per probe).
     *
     * <pre>{@code
     * SearchSettings quick = new SearchSettings(0.10, 5, Double.NaN);
     * }</pre>
     *
     * @param tolerance   relative tolerance, in (0, 1)
     * @param maxProbes   probe budget, &gt;= 1
     * @param initialRate first rate in req/s, or NaN for a burst start
     */
    public SearchSettings(double tolerance, int maxProbes, double initialRate) {
        this(tolerance, maxProbes, initialRate, true, 0.95, 20, 50, 5000);
    }

    /**
     * A copy with a starting rate.
     *
     * @param ratePerSecond &gt; 0
     * @return the copy
     */
    public SearchSettings withInitialRate(double ratePerSecond) {
        return new SearchSettings(tolerance, maxProbes, ratePerSecond, requireValid, confidence, samplesAboveQuantile,
                minRequestsPerProbe, maxRequestsPerProbe);
    }

    /**
     * A copy with other judge settings.
     *
     * @param validRequired whether an invalid probe fails
     * @param level         confidence in (0.5, 1)
     * @param samplesAbove  samples wanted above the percentile, &gt;= 1
     * @param minRequests   fewest requests per probe
     * @param maxRequests   most requests per probe
     * @return the copy
     */
    public SearchSettings withJudge(boolean validRequired, double level, int samplesAbove, int minRequests,
                                    int maxRequests) {
        return new SearchSettings(tolerance, maxProbes, initialRate, validRequired, level, samplesAbove, minRequests,
                maxRequests);
    }

    /**
     * The judge these settings describe for an SLO.
     *
     * @param slo the SLO to meet
     * @return the judge
     */
    public SloJudge judge(Slo slo) {
        return SloJudge.builder(slo).requireValid(requireValid).confidence(confidence)
                .samplesAboveQuantile(samplesAboveQuantile).requestsPerProbe(minRequestsPerProbe, maxRequestsPerProbe)
                .build();
    }

    /**
     * The saturation search these settings describe.
     *
     * @param slo  the SLO to meet
     * @param seed the search's seed
     * @return the search
     */
    public SaturationSearch toSearch(Slo slo, long seed) {
        SaturationSearch.Builder b = SaturationSearch.builder().judge(judge(slo)).tolerance(tolerance)
                .maxProbes(maxProbes).seed(seed);
        return Double.isNaN(initialRate) ? b.build() : b.initialRate(initialRate).build();
    }
}
