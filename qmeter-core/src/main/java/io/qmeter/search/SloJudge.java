package io.qmeter.search;

import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.metrics.SloThreshold;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * The saturation search's built-in judge: does a probe meet an {@link Slo} (the same SLO a load run
 * reports against), and how long must a probe be to tell?
 *
 * <p>Each clause's percentile is judged with a distribution-free confidence interval from order
 * statistics: with {@code n} samples, the number of samples at or below the true {@code q}-quantile
 * is Binomial(n, q), which gives ranks {@code l} and {@code u} such that {@code [x(l), x(u)]}
 * covers the true quantile with the requested confidence. The clause <em>passes</em> when
 * {@code x(u) <= threshold}, <em>fails</em> when {@code x(l) > threshold}, and is
 * <em>undecided</em> otherwise: the search then probes again, longer, instead of guessing. Failed
 * requests are samples at +infinity, so they count against the SLO. Samples are read from the
 * probe result under each metric's {@link io.qmeter.metrics.SloMetric#key() key}.
 *
 * <p>Probe length: the recommended request count puts at least {@code samplesAboveQuantile}
 * (default 20) samples above the most demanding percentile, {@code n >= k / (1 - q)}: 200 requests
 * for P90, 2000 for P99, bounded by {@code minRequests} and {@code maxRequests}.
 *
 * <pre>{@code
 * SloJudge judge = SloJudge.builder(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1)).tpot(Percentile.of(90), Duration.ofMillis(200)).build())
 *         .confidence(0.95)
 *         .build();
 * SaturationSearch search = SaturationSearch.builder().judge(judge).build();
 * }</pre>
 *
 * @param slo                  the SLO; no P100 clause (no sample can establish a maximum)
 * @param requireValid         whether an invalid run fails the SLO
 * @param confidence           two-sided confidence of each percentile's interval, in (0.5, 1)
 * @param samplesAboveQuantile samples wanted above the percentile in one probe, at least 1
 * @param minRequests          fewest requests per probe
 * @param maxRequests          most requests per probe
 */
public record SloJudge(Slo slo, boolean requireValid, double confidence, int samplesAboveQuantile,
                       int minRequests, int maxRequests) implements SloPredicate {

    /** Validates the judge. */
    public SloJudge {
        Objects.requireNonNull(slo, "slo");
        for (SloThreshold t : slo.thresholds()) {
            if (t.percentile().value() >= 100) {
                throw new IllegalArgumentException("a saturation search cannot judge P100 of " + t.metric().key()
                        + " from a sample, was " + t + "; use P99.9 or lower");
            }
        }
        if (!(confidence > 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0.5, 1), was " + confidence);
        }
        if (samplesAboveQuantile < 1) {
            throw new IllegalArgumentException("samplesAboveQuantile must be >= 1, was " + samplesAboveQuantile);
        }
        if (minRequests < 1) {
            throw new IllegalArgumentException("minRequests must be >= 1, was " + minRequests);
        }
        if (maxRequests < minRequests) {
            throw new IllegalArgumentException("maxRequests must be >= minRequests (" + minRequests + "), was "
                    + maxRequests);
        }
    }

    /**
     * The default judge of an SLO: run valid, confidence 0.95, 20 samples above the percentile, 50
     * to 5000 requests per probe.
     *
     * <pre>{@code
     * SloJudge j = SloJudge.of(Slo.builder().ttft(Percentile.of(99), Duration.ofSeconds(2)).build());
     * }</pre>
     *
     * @param slo the SLO
     * @return the judge
     * @throws IllegalArgumentException for a P100 clause, which no sample can establish
     */
    public static SloJudge of(Slo slo) {
        return builder(slo).build();
    }

    /**
     * The default judge of the common serving SLO: P90 TTFT and P90 TPOT under thresholds.
     *
     * <pre>{@code
     * SloJudge j = SloJudge.of(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1))
     *         .tpot(Percentile.of(90), Duration.ofMillis(200)).build());
     * }</pre>
     *
     * @param ttft largest P90 time to first token
     * @param tpot largest P90 time per output token
     * @return the judge
     * @deprecated positional durations are easy to swap; use {@link #of(Slo)} with the named
     *             {@link Slo#builder()}. To be removed before 0.1.
     */
    @Deprecated(forRemoval = true)
    public static SloJudge p90(Duration ttft, Duration tpot) {
        return of(Slo.builder().ttft(io.qmeter.metrics.Percentile.of(90), ttft)
                .tpot(io.qmeter.metrics.Percentile.of(90), tpot).build());
    }

    /**
     * A builder judging {@code slo}, with the defaults of {@link #of(Slo)}.
     *
     * @param slo the SLO
     * @return the builder
     */
    public static Builder builder(Slo slo) {
        return new Builder(Objects.requireNonNull(slo, "slo"), true, 0.95, 20, 50, 5000);
    }

    @Override
    public int recommendedRequestCount() {
        int n = minRequests;
        for (SloThreshold t : slo.thresholds()) {
            n = Math.max(n, (int) Math.ceil(samplesAboveQuantile / (1 - t.quantile()) - 1e-9));
        }
        return Math.min(n, maxRequests);
    }

    @Override
    public Judgement judge(ProbeResult result) {
        if (requireValid && !result.valid()) {
            return new Judgement(Decision.FAIL, Decision.FAIL, Double.NaN, "run invalid: " + result.invalidReason());
        }
        if (result.verdict() != null && result.samplesNanos().isEmpty()) {
            return new Judgement(result.verdict(), result.verdict(), Double.NaN, "the probe's own verdict");
        }
        boolean anyFail = false;
        boolean anyUndecided = false;
        boolean leanFail = false;
        double worstMargin = Double.NEGATIVE_INFINITY;
        List<String> parts = new ArrayList<>();
        for (SloThreshold t : slo.thresholds()) {
            String key = t.metric().key();
            double[] x = Arrays.stream(result.samples(key)).filter(v -> !Double.isNaN(v)).sorted().toArray();
            if (x.length == 0) {
                anyFail = true;
                leanFail = true;
                worstMargin = Double.POSITIVE_INFINITY;
                parts.add(t.label() + ": FAIL, no samples of '" + key + "' (the probe must report every request,"
                        + " failed ones as +Infinity)");
                continue;
            }
            QuantileInterval ci = QuantileInterval.of(x, t.quantile(), confidence);
            double thr = t.threshold().toNanos();
            Decision d = ci.upper() <= thr ? Decision.PASS : ci.lower() > thr ? Decision.FAIL : Decision.UNDECIDED;
            double margin = Math.log(ci.estimate() / thr);
            worstMargin = Math.max(worstMargin, margin);
            anyFail |= d == Decision.FAIL;
            anyUndecided |= d == Decision.UNDECIDED;
            leanFail |= ci.estimate() > thr;
            parts.add(String.format(Locale.ROOT, "%s: %s, estimate %s ms, %.0f%% CI [%s, %s] ms from %d samples",
                    t.label(), d, ms(ci.estimate()), confidence * 100, ms(ci.lower()), ms(ci.upper()), x.length));
        }
        Decision decision = anyFail ? Decision.FAIL : anyUndecided ? Decision.UNDECIDED : Decision.PASS;
        Decision leaning = decision == Decision.UNDECIDED ? (leanFail ? Decision.FAIL : Decision.PASS) : decision;
        return new Judgement(decision, leaning, worstMargin, String.join("; ", parts));
    }

    private static String ms(double nanos) {
        return Double.isInfinite(nanos) ? (nanos > 0 ? "+inf" : "-inf") : String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    /**
     * A distribution-free confidence interval for a quantile, from order statistics.
     *
     * @param estimate the sample quantile (nearest rank)
     * @param lower    lower bound, {@code -Infinity} when too few samples lie below
     * @param upper    upper bound, {@code +Infinity} when too few samples lie above
     */
    record QuantileInterval(double estimate, double lower, double upper) {

        static QuantileInterval of(double[] sorted, double q, double confidence) {
            int n = sorted.length;
            double alphaHalf = (1 - confidence) / 2;
            BinomialDistribution k = new BinomialDistribution(null, n, q);
            // upper rank u (1-based): smallest u with P(K <= u - 1) >= 1 - alpha/2
            int u = k.inverseCumulativeProbability(1 - alphaHalf) + 1;
            // lower rank l: largest l with P(K <= l - 1) <= alpha/2
            int j = k.inverseCumulativeProbability(alphaHalf);
            if (k.cumulativeProbability(j) > alphaHalf) {
                j--;
            }
            int l = j + 1;
            double upper = u > n ? Double.POSITIVE_INFINITY : sorted[u - 1];
            double lower = l < 1 ? Double.NEGATIVE_INFINITY : sorted[l - 1];
            int rank = Math.max(1, (int) Math.ceil(q * n - 1e-9));
            return new QuantileInterval(sorted[rank - 1], lower, upper);
        }
    }

    /**
     * Builds an {@link SloJudge}; each setter returns a new builder, so a builder can be shared.
     *
     * <pre>{@code
     * SloJudge strict = SloJudge.builder(slo).confidence(0.99).samplesAboveQuantile(40).build();
     * }</pre>
     */
    public static final class Builder {
        private final Slo slo;
        private final boolean requireValid;
        private final double confidence;
        private final int samplesAbove;
        private final int minRequests;
        private final int maxRequests;

        private Builder(Slo slo, boolean requireValid, double confidence, int samplesAbove, int minRequests,
                        int maxRequests) {
            this.slo = slo;
            this.requireValid = requireValid;
            this.confidence = confidence;
            this.samplesAbove = samplesAbove;
            this.minRequests = minRequests;
            this.maxRequests = maxRequests;
        }

        /**
         * Whether an invalid run (client lag, missed rate) fails the SLO; default true.
         *
         * @param require true to fail invalid runs
         * @return a new builder
         */
        public Builder requireValid(boolean require) {
            return new Builder(slo, require, confidence, samplesAbove, minRequests, maxRequests);
        }

        /**
         * Two-sided confidence of each percentile's interval; default 0.95.
         *
         * @param level in (0.5, 1)
         * @return a new builder
         */
        public Builder confidence(double level) {
            if (!(level > 0.5 && level < 1)) {
                throw new IllegalArgumentException("confidence must be in (0.5, 1), was " + level);
            }
            return new Builder(slo, requireValid, level, samplesAbove, minRequests, maxRequests);
        }

        /**
         * Samples wanted above the percentile in one probe (sets the probe length); default 20.
         *
         * @param k at least 1
         * @return a new builder
         */
        public Builder samplesAboveQuantile(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("samplesAboveQuantile must be >= 1, was " + k);
            }
            return new Builder(slo, requireValid, confidence, k, minRequests, maxRequests);
        }

        /**
         * Bounds on requests per probe; default 50 to 5000.
         *
         * @param min fewest requests
         * @param max most requests
         * @return a new builder
         */
        public Builder requestsPerProbe(int min, int max) {
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("requestsPerProbe needs 1 <= min <= max, was " + min + ", " + max);
            }
            return new Builder(slo, requireValid, confidence, samplesAbove, min, max);
        }

        /**
         * Builds the judge.
         *
         * @return the judge
         * @throws IllegalArgumentException for a P100 clause
         */
        public SloJudge build() {
            return new SloJudge(slo, requireValid, confidence, samplesAbove, minRequests, maxRequests);
        }
    }
}
