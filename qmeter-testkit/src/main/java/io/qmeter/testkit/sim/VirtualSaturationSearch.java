package io.qmeter.testkit.sim;

import io.qmeter.search.Decision;
import io.qmeter.search.Judgement;
import io.qmeter.search.Probe;
import io.qmeter.search.ProbeResult;
import io.qmeter.search.SaturationSearch;
import io.qmeter.search.SearchResult;
import io.qmeter.search.SloPredicate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Finds a configuration's saturation point in virtual time: the highest Poisson request rate whose
 * run meets the SLO (P90 TTFT and P90 TPOT under thresholds), with core's
 * {@link SaturationSearch}: doubling from 1 req/s (or from a
 * {@linkplain Builder#startingBracket(double, double) starting bracket}) to bracket it, then
 * bisecting (geometrically).
 * Every run uses the same seed (same lengths, proportional gaps), so the SLO figures
 * change smoothly with the rate, and the verdict is exact for that trace (the nearest-rank P90s,
 * no confidence intervals). The runs are those of a {@link VirtualTimeProbe} with a fixed seed;
 * to judge a virtual-time probe with core's {@code SloJudge} instead, give the probe to a
 * {@code SaturationSearch} yourself.
 *
 * <pre>{@code
 * VirtualSaturationSearch.Result r = VirtualSaturationSearch.builder(config)
 *         .lengths(LengthDistribution.shareGptLike()).requests(2000).seed(42L).build().run();
 * System.out.println(r.saturationRate() + " req/s");
 * }</pre>
 */
public final class VirtualSaturationSearch {

    private final SimConfig config;
    private final LengthDistribution lengths;
    private final int requests;
    private final long seed;
    private final long ttftP90LimitNanos;
    private final long tpotP90LimitNanos;
    private final double relativePrecision;
    private final double bracketLow;
    private final double bracketHigh;

    private VirtualSaturationSearch(Builder b) {
        this.config = b.config;
        this.lengths = b.lengths;
        this.requests = b.requests;
        this.seed = b.seed;
        this.ttftP90LimitNanos = b.ttftP90LimitNanos;
        this.tpotP90LimitNanos = b.tpotP90LimitNanos;
        this.relativePrecision = b.relativePrecision;
        this.bracketLow = b.bracketLow;
        this.bracketHigh = b.bracketHigh;
    }

    /**
     * A search builder with the defaults: ShareGPT-like lengths, 2000 requests, seed 42, P90 TTFT
     * ≤ 1 s, P90 TPOT ≤ 200 ms, 1 % precision.
     *
     * @param config the configuration to search
     * @return the builder
     */
    public static Builder builder(SimConfig config) {
        return new Builder(config);
    }

    /**
     * The search result.
     *
     * @param saturationRate   highest passing rate, req/s (0 when even the lowest rate tried fails)
     * @param lowestFailRate   lowest failing rate, req/s
     * @param atSaturation     the run at the saturation rate (null when none passed)
     * @param runs             how many simulations the search ran
     */
    public record Result(double saturationRate, double lowestFailRate, SimulationResult atSaturation, int runs) {
    }

    /**
     * Whether a run meets the SLO.
     *
     * @param r the run
     * @return true when every request completed and both P90s are within limits
     */
    public boolean meetsSlo(SimulationResult r) {
        return r.completed() == r.requests().size() && r.ttftPercentileNanos(90) <= ttftP90LimitNanos
                && !(r.tpotPercentileNanos(90) > tpotP90LimitNanos);
    }

    /**
     * Runs one simulation at a rate.
     *
     * @param rate requests per second
     * @return the run
     */
    public SimulationResult runAt(double rate) {
        return probe().simulate(rate, requests, seed);
    }

    /**
     * The virtual-time probe this search runs: this configuration and lengths, every probe
     * replaying the same trace (the search's seed).
     *
     * @return the probe
     */
    public VirtualTimeProbe probe() {
        return VirtualTimeProbe.of(config, lengths).withFixedSeed(seed);
    }

    /**
     * Searches.
     *
     * @return the saturation point and the lowest failing rate
     */
    public Result run() {
        // core's SaturationSearch does the bracketing and bisection; this class only supplies the
        // virtual-time probe and the deterministic verdict (no confidence intervals needed: the
        // trace is the same at every rate, so the verdict is exact for it)
        Map<Double, SimulationResult> byRate = new HashMap<>();
        VirtualTimeProbe vp = probe();
        Probe probe = request -> {
            SimulationResult r = vp.simulate(request.ratePerSecond(), requests, seed);
            byRate.put(request.ratePerSecond(), r);
            return ProbeResult.ofVerdict(meetsSlo(r) ? Decision.PASS : Decision.FAIL);
        };
        SloPredicate verdict = r -> r.verdict() == Decision.PASS ? Judgement.pass("meets the SLO")
                : Judgement.fail("misses the SLO (P90 TTFT, P90 TPOT or a rejected request)");
        SaturationSearch.Builder sb = SaturationSearch.builder().judge(verdict).initialRate(1).growthFactor(2)
                .tolerance(relativePrecision).maxProbes(10_000).repeatUndecided(0, 1).rateRange(0.01, 4096);
        if (!Double.isNaN(bracketLow)) {
            sb = sb.startingBracket(bracketLow, bracketHigh);
        }
        SearchResult s = sb.build().run(probe);
        switch (s.stopReason()) {
            case CONVERGED:
                return new Result(s.saturationRate(), s.lowestFailingRate(), byRate.get(s.saturationRate()),
                        s.probeCount());
            case NO_PASSING_RATE:
                return new Result(0, s.lowestFailingRate(), null, s.probeCount());
            case MAX_RATE_PASSES:
                throw new IllegalStateException("no failing rate up to 4096 req/s for " + config.label());
            default:
                throw new IllegalStateException("the saturation search of " + config.label() + " stopped: "
                        + s.stopReason() + ": " + s.detail());
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "saturation search of %s: %d requests, seed %d, P90 TTFT <= %d ms, P90 TPOT <= %d ms",
                config.label(), requests, seed, ttftP90LimitNanos / 1_000_000, tpotP90LimitNanos / 1_000_000);
    }

    /**
     * Builds a {@link VirtualSaturationSearch}.
     *
     * <pre>{@code
     * VirtualSaturationSearch s = VirtualSaturationSearch.builder(config).requests(3000).build();
     * }</pre>
     */
    public static final class Builder {
        private final SimConfig config;
        private LengthDistribution lengths = LengthDistribution.shareGptLike();
        private int requests = 2000;
        private long seed = 42;
        private long ttftP90LimitNanos = 1_000_000_000L;
        private long tpotP90LimitNanos = 200_000_000L;
        private double relativePrecision = 0.01;
        private double bracketLow = Double.NaN;
        private double bracketHigh = Double.NaN;

        private Builder(SimConfig config) {
            this.config = java.util.Objects.requireNonNull(config, "config");
        }

        /**
         * Sets the length distribution.
         *
         * @param value the distribution
         * @return a new builder
         */
        public Builder lengths(LengthDistribution value) {
            Builder b = copy();
            b.lengths = java.util.Objects.requireNonNull(value, "lengths");
            return b;
        }

        /**
         * Sets the requests per run.
         *
         * @param value at least 100
         * @return a new builder
         */
        public Builder requests(int value) {
            Builder b = copy();
            if (value < 100) {
                throw new IllegalArgumentException("requests must be >= 100 for a meaningful P90, was " + value);
            }
            b.requests = value;
            return b;
        }

        /**
         * Sets the seed.
         *
         * @param value the seed
         * @return a new builder
         */
        public Builder seed(long value) {
            Builder b = copy();
            b.seed = value;
            return b;
        }

        /**
         * Sets the P90 TTFT limit.
         *
         * @param nanos nanoseconds, &gt; 0
         * @return a new builder
         */
        public Builder ttftP90LimitNanos(long nanos) {
            Builder b = copy();
            if (nanos <= 0) {
                throw new IllegalArgumentException("ttftP90LimitNanos must be > 0, was " + nanos);
            }
            b.ttftP90LimitNanos = nanos;
            return b;
        }

        /**
         * Sets the P90 TPOT limit.
         *
         * @param nanos nanoseconds, &gt; 0
         * @return a new builder
         */
        public Builder tpotP90LimitNanos(long nanos) {
            Builder b = copy();
            if (nanos <= 0) {
                throw new IllegalArgumentException("tpotP90LimitNanos must be > 0, was " + nanos);
            }
            b.tpotP90LimitNanos = nanos;
            return b;
        }

        /**
         * Sets when bisection stops: (fail − pass) / pass at most this.
         *
         * @param fraction in (0, 1)
         * @return a new builder
         */
        public Builder relativePrecision(double fraction) {
            Builder b = copy();
            if (!(fraction > 0 && fraction < 1)) {
                throw new IllegalArgumentException("relativePrecision must be in (0, 1), was " + fraction);
            }
            b.relativePrecision = fraction;
            return b;
        }

        /** A copy of this builder: every setter returns a changed copy, so a builder is never shared mutable state. */
        private Builder copy() {
            Builder b = new Builder(config);
            b.lengths = lengths;
            b.requests = requests;
            b.seed = seed;
            b.ttftP90LimitNanos = ttftP90LimitNanos;
            b.tpotP90LimitNanos = tpotP90LimitNanos;
            b.relativePrecision = relativePrecision;
            b.bracketLow = bracketLow;
            b.bracketHigh = bracketHigh;
            return b;
        }

        /**
         * Starts inside the bracket where the saturation point is expected (a prediction ± its
         * error) instead of doubling from 1 req/s: core's
         * {@link SaturationSearch.Builder#startingBracket(double, double)}. A wrong bracket costs
         * probes, not accuracy.
         *
         * @param low  lower end, req/s, in [0.01, 4096)
         * @param high upper end, req/s, in (low, 4096]
         * @return a new builder
         */
        public Builder startingBracket(double low, double high) {
            if (!(low >= 0.01 && high > low && high <= 4096)) {
                throw new IllegalArgumentException("startingBracket must satisfy 0.01 <= low < high <= 4096, was ["
                        + low + ", " + high + "]");
            }
            Builder b = copy();
            b.bracketLow = low;
            b.bracketHigh = high;
            return b;
        }

        /**
         * Builds the search.
         *
         * @return the search
         */
        public VirtualSaturationSearch build() {
            return new VirtualSaturationSearch(this);
        }
    }
}
