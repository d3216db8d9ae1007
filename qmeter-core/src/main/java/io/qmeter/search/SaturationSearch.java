package io.qmeter.search;

import io.qmeter.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the highest request rate that meets an SLO: bracket, then bisect.
 *
 * <ol>
 *   <li><b>Start.</b> From {@link Builder#initialRate(double) a guess}, from
 *       {@link Builder#startingBracket(double, double) a starting bracket} (a prediction ± its
 *       error: the first step after the first probe goes to the bracket's edge), or (the default) from a burst
 *       probe that measures the maximum throughput T and starts at {@code startFraction × T}.</li>
 *   <li><b>Bracket.</b> Multiply the rate by the growth factor (default 2) while probes pass, divide
 *       while they fail, until one rate passes and a higher one fails; stop at
 *       {@code minRate}/{@code maxRate}. After a burst, growing stops at 1.05 × its throughput
 *       before doubling further.</li>
 *   <li><b>Bisect</b> geometrically ({@code sqrt(pass × fail)}) until
 *       {@code fail / pass <= 1 + tolerance} (default 5 %). Interpolating on the SLO margin
 *       (regula falsi, Illinois) was tried and lost to plain bisection on hockey-stick latency
 *       curves, where the passing side's margin carries no information.</li>
 * </ol>
 * A probe the predicate cannot call (the percentile's confidence interval straddles the threshold)
 * is repeated, longer ({@code lengthenFactor} × the requests, samples pooled), up to
 * {@code maxRepeats} times and only while the probe budget can still afford to finish; after that
 * the search takes the side of the point estimate and says so in the probe's record.
 *
 * <p>Budgets: probes (default 8, bursts and repeats count), planned load time (sum of
 * {@code requests / rate}), and wall time. A probe that would exceed a time budget is not started.
 *
 * <pre>{@code
 * SearchResult r = SaturationSearch.builder()
 *         .slo(Slo.builder().ttft(io.qmeter.metrics.Percentile.of(90), Duration.ofSeconds(1)).tpot(io.qmeter.metrics.Percentile.of(90), Duration.ofMillis(200)).build())   // io.qmeter.metrics.Slo
 *         .initialRate(2.0)
 *         .maxProbes(8)
 *         .seed(42)
 *         .build()
 *         .run(probe);
 * }</pre>
 */
public final class SaturationSearch {

    private static final Logger LOG = LoggerFactory.getLogger(SaturationSearch.class);
    /** Bracketing upwards stops growing at this multiple of a burst's throughput. */
    private static final double BURST_CAP = 1.05;

    private final Spec cfg;

    private SaturationSearch(Spec cfg) {
        this.cfg = cfg;
    }

    /**
     * A new builder: burst start at 0.75 × max throughput, growth 2, tolerance 0.05, 8 probes,
     * one repeat per rate, rates from 0.01 to 100000 req/s, no time budget, seed 0.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder(Spec.defaults());
    }

    /**
     * What this search was built with.
     *
     * @return the spec
     */
    public Spec spec() {
        return cfg;
    }

    /**
     * The judge this search decides probes with.
     *
     * @return the predicate
     */
    public SloPredicate judge() {
        return cfg.judge();
    }

    /**
     * Runs the search, blocking until it stops.
     *
     * @param probe the probe to run at each rate
     * @return the result, with every probe and the stop reason; never throws for a failing probe
     */
    public SearchResult run(Probe probe) {
        Objects.requireNonNull(probe, "probe");
        return new Run(probe).execute();
    }

    /** One execution; holds the mutable state of the search. */
    private final class Run {
        private final Probe probe;
        private final List<ProbeOutcome> probes = new ArrayList<>();
        private final long startNanos;
        private final int baseCount;
        private double lo = Double.NaN;
        private double hi = Double.NaN;
        private double maxThroughput = Double.NaN;
        private double loadSecondsUsed;

        Run(Probe probe) {
            this.probe = probe;
            this.startNanos = cfg.ticker().getAsLong();
            this.baseCount = cfg.requestsPerProbe() > 0 ? cfg.requestsPerProbe() : Math.max(1, cfg.judge().recommendedRequestCount());
        }

        SearchResult execute() {
            double rate = cfg.initialRate();
            if (Double.isNaN(rate)) {
                ProbeRequest req = new ProbeRequest(Double.POSITIVE_INFINITY, baseCount, seedFor(0), 0);
                String budget = budgetProblem(req);
                if (budget != null) {
                    return stop(StopReason.TIME_BUDGET_EXHAUSTED, budget);
                }
                Attempt a = attempt(ProbePurpose.MAX_THROUGHPUT, req);
                if (a.error != null) {
                    record(a, null, null, false);
                    return stop(StopReason.PROBE_ERROR, "the max-throughput burst probe failed: " + a.error);
                }
                record(a, null, null, false);
                maxThroughput = a.result.achievedThroughputPerSecond();
                if (!(maxThroughput > 0) || Double.isInfinite(maxThroughput)) {
                    return stop(StopReason.PROBE_ERROR, "the max-throughput burst probe reported throughput "
                            + maxThroughput + "; the probe must set withAchievedThroughput(...) for a burst, "
                            + "or give the search an initialRate(...)");
                }
                rate = clamp(maxThroughput * cfg.startFraction());
            }
            rate = clamp(rate);
            while (true) {
                if (bracketed() && hi / lo <= 1 + cfg.tolerance()) {
                    return stop(StopReason.CONVERGED, String.format(Locale.ROOT,
                            "%.4g req/s passes and %.4g req/s fails: within %.1f %%", lo, hi, cfg.tolerance() * 100));
                }
                ProbePurpose purpose = ProbePurpose.BRACKET;
                if (bracketed()) {
                    rate = Math.sqrt(lo * hi);
                    purpose = ProbePurpose.BISECT;
                } else if (!Double.isNaN(lo)) {
                    if (lo >= cfg.maxRate()) {
                        return stop(StopReason.MAX_RATE_PASSES, fmt("the maximum rate %.4g req/s still passes; "
                                + "raise maxRate to search higher", cfg.maxRate()));
                    }
                    rate = lo * nextStepFactor();
                    double cap = maxThroughput * BURST_CAP;
                    if (cap > lo * (1 + cfg.tolerance()) && cap < rate) {
                        rate = cap; // a sustained rate above the burst throughput is unlikely to pass
                    }
                    rate = Math.min(rate, cfg.maxRate());
                } else if (!Double.isNaN(hi)) {
                    if (hi <= cfg.minRate()) {
                        return stop(StopReason.NO_PASSING_RATE, fmt("even the minimum rate %.4g req/s fails the SLO",
                                cfg.minRate()) + lastReason());
                    }
                    rate = Math.max(hi / nextStepFactor(), cfg.minRate());
                }
                Decision d = evaluate(rate, purpose);
                if (d == null) {
                    return stopFromLast();
                }
                if (d == Decision.PASS) {
                    lo = Double.isNaN(lo) ? rate : Math.max(lo, rate);
                    if (!Double.isNaN(hi) && lo >= hi) {
                        hi = Double.NaN; // a pass above an earlier failure: noise; keep searching upwards
                    }
                } else {
                    hi = Double.isNaN(hi) ? rate : Math.min(hi, rate);
                    if (!Double.isNaN(lo) && hi <= lo) {
                        lo = Double.NaN;
                    }
                }
            }
        }

        private boolean firstStepTaken;

        /** The starting bracket's factor for the first step after the first probe, then the growth factor. */
        private double nextStepFactor() {
            if (!firstStepTaken) {
                firstStepTaken = true;
                if (!Double.isNaN(cfg.firstStepFactor())) {
                    return cfg.firstStepFactor();
                }
            }
            return cfg.growthFactor();
        }

        private StopReason pendingStop;
        private String pendingDetail;

        /** Runs one rate, with repeats while undecided; null when the search must stop. */
        private Decision evaluate(double rate, ProbePurpose purpose) {
            ProbeResult pooled = null;
            int count = baseCount;
            for (int attemptNo = 0; ; attemptNo++) {
                if (probes.size() >= cfg.maxProbes()) {
                    return halt(StopReason.PROBE_BUDGET_EXHAUSTED, "the probe budget of " + cfg.maxProbes()
                            + " probes is spent" + bracketText());
                }
                ProbeRequest req = new ProbeRequest(rate, count, seedFor(probes.size()), attemptNo);
                String budget = budgetProblem(req);
                if (budget != null) {
                    return halt(StopReason.TIME_BUDGET_EXHAUSTED, budget + bracketText());
                }
                Attempt a = attempt(attemptNo == 0 ? purpose : ProbePurpose.REPEAT, req);
                if (a.error != null) {
                    record(a, null, null, false);
                    pendingStop = StopReason.PROBE_ERROR;
                    pendingDetail = fmt("the probe at %.4g req/s failed: ", rate) + a.error;
                    return null;
                }
                pooled = pooled == null ? a.result : pooled.pooledWith(a.result);
                Judgement j = cfg.judge().judge(pooled);
                if (j.isDecided()) {
                    record(a, j, j.decision(), false);
                    return j.decision();
                }
                boolean canRepeat = attemptNo < cfg.maxRepeats() && affordsRepeat(rate);
                if (!canRepeat) {
                    record(a, j, j.leaning(), true);
                    LOG.debug("undecided at {} req/s, taking the point estimate's side: {}", rate, j.leaning());
                    return j.leaning();
                }
                record(a, j, null, false);
                count = (int) Math.min(Integer.MAX_VALUE, Math.ceil(count * cfg.lengthenFactor()));
            }
        }

        private Decision halt(StopReason reason, String detail) {
            pendingStop = reason;
            pendingDetail = detail;
            return null;
        }

        private boolean affordsRepeat(double rate) {
            int left = cfg.maxProbes() - probes.size() - 2; // after this attempt (not yet recorded) and the repeat
            if (left < 0) {
                return false;
            }
            int needPass = stepsToConverge(rate, hi);
            int needFail = stepsToConverge(lo, rate);
            return left >= Math.max(needPass, needFail);
        }

        private int stepsToConverge(double a, double b) {
            if (Double.isNaN(a) || Double.isNaN(b)) {
                return 1; // at least one more bracketing probe
            }
            double ratio = Math.log(b / a) / Math.log1p(cfg.tolerance());
            return ratio <= 1 ? 0 : (int) Math.ceil(Math.log(ratio) / Math.log(2) - 1e-9);
        }

        private String budgetProblem(ProbeRequest req) {
            double planned = req.isBurst() ? 0 : req.requestCount() / req.ratePerSecond();
            if (cfg.maxLoadTime() != null && loadSecondsUsed + planned > cfg.maxLoadTime().toNanos() / 1e9) {
                return fmt("the next probe (%.1f s of arrivals) would exceed the load-time budget of ", planned)
                        + cfg.maxLoadTime() + fmt(" (%.1f s used)", loadSecondsUsed);
            }
            if (cfg.maxWallTime() != null) {
                long elapsed = cfg.ticker().getAsLong() - startNanos;
                if (elapsed + (long) (planned * 1e9) > cfg.maxWallTime().toNanos()) {
                    return "the next probe would exceed the wall-time budget of " + cfg.maxWallTime()
                            + fmt(" (%.1f s used, %.1f s planned)", elapsed / 1e9, planned);
                }
            }
            return null;
        }

        private Attempt attempt(ProbePurpose purpose, ProbeRequest req) {
            long t0 = cfg.ticker().getAsLong();
            if (!req.isBurst()) {
                loadSecondsUsed += req.requestCount() / req.ratePerSecond();
            }
            try {
                ProbeResult r = probe.run(req);
                if (r == null) {
                    return new Attempt(purpose, req, null, "the probe returned null instead of a ProbeResult",
                            cfg.ticker().getAsLong() - t0);
                }
                return new Attempt(purpose, req, r, null, cfg.ticker().getAsLong() - t0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Attempt(purpose, req, null, "interrupted", cfg.ticker().getAsLong() - t0);
            } catch (Exception e) {
                LOG.warn("probe at {} req/s failed", req.ratePerSecond(), e);
                return new Attempt(purpose, req, null, e.toString(), cfg.ticker().getAsLong() - t0);
            }
        }

        private void record(Attempt a, Judgement j, Decision acted, boolean byLeaning) {
            ProbeOutcome o = new ProbeOutcome(probes.size(), a.purpose, a.request, a.result, j, acted, byLeaning,
                    a.error, Duration.ofNanos(Math.max(0, a.elapsedNanos)));
            probes.add(o);
            LOG.debug("probe {} {} at {} req/s x {}: {}", o.index(), a.purpose, a.request.ratePerSecond(),
                    a.request.requestCount(), j == null ? a.error : j.decision() + " " + j.reason());
        }

        private String lastReason() {
            for (int i = probes.size() - 1; i >= 0; i--) {
                Judgement j = probes.get(i).judgement();
                if (j != null) {
                    return " (last probe: " + j.reason() + ")";
                }
            }
            return "";
        }

        private String bracketText() {
            return fmt("; bracket so far: passes at %.4g, fails at %.4g req/s", lo, hi);
        }

        private boolean bracketed() {
            return !Double.isNaN(lo) && !Double.isNaN(hi);
        }

        private SearchResult stopFromLast() {
            return stop(pendingStop, pendingDetail);
        }

        private SearchResult stop(StopReason reason, String detail) {
            LOG.info("saturation search stopped after {} probes: {} ({})", probes.size(), reason, detail);
            return new SearchResult(lo, lo, hi, maxThroughput, probes, reason, detail, cfg.tolerance());
        }

        private long seedFor(int index) {
            long z = cfg.seed() + 0x9E3779B97F4A7C15L * (index + 1);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }

    private record Attempt(ProbePurpose purpose, ProbeRequest request, ProbeResult result, String error,
                           long elapsedNanos) {
    }

    private double clamp(double rate) {
        return Math.max(cfg.minRate(), Math.min(cfg.maxRate(), rate));
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /**
     * Everything a search is set up with, as one immutable value: the {@link Builder}'s setters
     * and {@code withX} copies both pass through the compact constructor, which checks every
     * component (so no copy can skip a check). {@code judge} may be null until
     * {@link Builder#build()}; {@code initialRate} NaN means a max-throughput burst first;
     * {@code requestsPerProbe} 0 means the judge's recommendation; null budgets mean none.
     *
     * <pre>{@code
     * SaturationSearch.Spec s = SaturationSearch.builder().slo(slo).spec().withTolerance(0.02);
     * }</pre>
     *
     * @param judge            the judge of each probe
     * @param initialRate      first rate, or NaN for a burst start
     * @param startFraction    of the burst's throughput to start at, in (0, 2]
     * @param growthFactor     bracketing factor, &gt; 1
     * @param tolerance        relative tolerance, in (0, 1)
     * @param maxProbes        most probes, at least 1
     * @param maxRepeats       repeats of an undecided probe, at least 0
     * @param lengthenFactor   requests of a repeat ÷ the previous attempt's, &gt;= 1
     * @param minRate          lowest rate, &gt; 0
     * @param maxRate          highest rate, &gt; minRate
     * @param requestsPerProbe requests of a first probe at a rate, or 0 for the judge's
     * @param maxLoadTime      planned-load-time budget, or null
     * @param maxWallTime      wall-time budget, or null
     * @param ticker           monotonic nanoseconds
     * @param seed             the seed probes' seeds derive from
     * @param firstStepFactor  factor of the first bracketing step after the first probe (a
     *                         {@linkplain Builder#startingBracket(double, double) starting bracket}),
     *                         or NaN to use {@code growthFactor} from the start
     */
    public record Spec(SloPredicate judge, double initialRate, double startFraction, double growthFactor,
                       double tolerance, int maxProbes, int maxRepeats, double lengthenFactor, double minRate,
                       double maxRate, int requestsPerProbe, Duration maxLoadTime, Duration maxWallTime,
                       LongSupplier ticker, long seed, double firstStepFactor) {

        /** Checks every component; the messages name the setter and the value. */
        public Spec {
            if (!Double.isNaN(firstStepFactor) && (!(firstStepFactor > 1) || Double.isInfinite(firstStepFactor))) {
                throw new IllegalArgumentException("the starting bracket's factor must be > 1, was " + firstStepFactor
                        + "; give startingBracket(low, high) with 0 < low < high");
            }
            if (!Double.isNaN(initialRate)) {
                requirePositive("initialRate", initialRate);
            }
            if (!(startFraction > 0 && startFraction <= 2)) {
                throw new IllegalArgumentException("startFromMaxThroughput fraction must be in (0, 2], was "
                        + startFraction);
            }
            if (!(growthFactor > 1) || Double.isInfinite(growthFactor)) {
                throw new IllegalArgumentException("growthFactor must be > 1, was " + growthFactor);
            }
            if (!(tolerance > 0 && tolerance < 1)) {
                throw new IllegalArgumentException("tolerance must be in (0, 1), e.g. 0.05 for 5 %, was " + tolerance);
            }
            if (maxProbes < 1) {
                throw new IllegalArgumentException("maxProbes must be >= 1, was " + maxProbes);
            }
            if (maxRepeats < 0) {
                throw new IllegalArgumentException("repeats must be >= 0, was " + maxRepeats);
            }
            if (!(lengthenFactor >= 1) || Double.isInfinite(lengthenFactor)) {
                throw new IllegalArgumentException("lengthenFactor must be >= 1, was " + lengthenFactor);
            }
            requirePositive("min rate", minRate);
            if (!(maxRate > minRate) || Double.isInfinite(maxRate)) {
                throw new IllegalArgumentException("max rate must be > min rate (" + minRate + ") and finite, was "
                        + maxRate);
            }
            if (requestsPerProbe < 0) {
                throw new IllegalArgumentException("requestsPerProbe must be >= 1, was " + requestsPerProbe);
            }
            if (maxLoadTime != null) {
                Checks.positive("maxLoadTime", maxLoadTime);
            }
            if (maxWallTime != null) {
                Checks.positive("maxWallTime", maxWallTime);
            }
            Objects.requireNonNull(ticker, "ticker");
        }

        /**
         * The spec without a starting bracket (as before {@code firstStepFactor} existed).
         *
         * @param judge            the judge of each probe
         * @param initialRate      first rate, or NaN for a burst start
         * @param startFraction    of the burst's throughput to start at, in (0, 2]
         * @param growthFactor     bracketing factor, &gt; 1
         * @param tolerance        relative tolerance, in (0, 1)
         * @param maxProbes        most probes, at least 1
         * @param maxRepeats       repeats of an undecided probe, at least 0
         * @param lengthenFactor   requests of a repeat ÷ the previous attempt's, &gt;= 1
         * @param minRate          lowest rate, &gt; 0
         * @param maxRate          highest rate, &gt; minRate
         * @param requestsPerProbe requests of a first probe at a rate, or 0 for the judge's
         * @param maxLoadTime      planned-load-time budget, or null
         * @param maxWallTime      wall-time budget, or null
         * @param ticker           monotonic nanoseconds
         * @param seed             the seed probes' seeds derive from
         */
        public Spec(SloPredicate judge, double initialRate, double startFraction, double growthFactor,
                    double tolerance, int maxProbes, int maxRepeats, double lengthenFactor, double minRate,
                    double maxRate, int requestsPerProbe, Duration maxLoadTime, Duration maxWallTime,
                    LongSupplier ticker, long seed) {
            this(judge, initialRate, startFraction, growthFactor, tolerance, maxProbes, maxRepeats, lengthenFactor,
                    minRate, maxRate, requestsPerProbe, maxLoadTime, maxWallTime, ticker, seed, Double.NaN);
        }

        /**
         * A copy that starts inside an expected bracket: the first probe at {@code sqrt(low × high)},
         * the next at {@code high} when it passes or {@code low} when it fails; beyond the bracket
         * the search steps by {@code growthFactor} as usual.
         *
         * @param low  lower end of where the saturation point is expected, &gt; 0
         * @param high upper end, &gt; low
         * @return the copy
         */
        public Spec withStartingBracket(double low, double high) {
            requirePositive("startingBracket low", low);
            requirePositive("startingBracket high", high);
            if (!(high > low)) {
                throw new IllegalArgumentException("startingBracket high must be > low, was [" + low + ", " + high
                        + "]; for a point guess use initialRate(rate)");
            }
            return new Spec(judge, Math.sqrt(low * high), startFraction, growthFactor, tolerance, maxProbes,
                    maxRepeats, lengthenFactor, minRate, maxRate, requestsPerProbe, maxLoadTime, maxWallTime, ticker,
                    seed, Math.sqrt(high / low));
        }

        /** The defaults of {@link SaturationSearch#builder()}. */
        static Spec defaults() {
            return new Spec(null, Double.NaN, 0.75, 2, 0.05, 8, 1, 2, 0.01, 100_000, 0, null, null,
                    System::nanoTime, 0, Double.NaN);
        }

        /**
         * A copy with another judge.
         *
         * @param v the judge
         * @return the copy
         */
        public Spec withJudge(SloPredicate v) {
            return new Spec(Objects.requireNonNull(v, "judge"), initialRate, startFraction, growthFactor, tolerance,
                    maxProbes, maxRepeats, lengthenFactor, minRate, maxRate, requestsPerProbe, maxLoadTime,
                    maxWallTime, ticker, seed, firstStepFactor);
        }

        /**
         * A copy starting at another rate (NaN: a burst first, at {@code startFraction} of it).
         *
         * @param v the first rate
         * @param fraction the start fraction of a burst start
         * @return the copy
         */
        public Spec withStart(double v, double fraction) {
            return new Spec(judge, v, fraction, growthFactor, tolerance, maxProbes, maxRepeats, lengthenFactor,
                    minRate, maxRate, requestsPerProbe, maxLoadTime, maxWallTime, ticker, seed, firstStepFactor);
        }

        /**
         * A copy with another growth factor.
         *
         * @param v &gt; 1
         * @return the copy
         */
        public Spec withGrowthFactor(double v) {
            return new Spec(judge, initialRate, startFraction, v, tolerance, maxProbes, maxRepeats, lengthenFactor,
                    minRate, maxRate, requestsPerProbe, maxLoadTime, maxWallTime, ticker, seed, firstStepFactor);
        }

        /**
         * A copy with another tolerance.
         *
         * @param v in (0, 1)
         * @return the copy
         */
        public Spec withTolerance(double v) {
            return new Spec(judge, initialRate, startFraction, growthFactor, v, maxProbes, maxRepeats, lengthenFactor,
                    minRate, maxRate, requestsPerProbe, maxLoadTime, maxWallTime, ticker, seed, firstStepFactor);
        }

        /**
         * A copy with another probe budget.
         *
         * @param v at least 1
         * @return the copy
         */
        public Spec withMaxProbes(int v) {
            return new Spec(judge, initialRate, startFraction, growthFactor, tolerance, v, maxRepeats, lengthenFactor,
                    minRate, maxRate, requestsPerProbe, maxLoadTime, maxWallTime, ticker, seed, firstStepFactor);
        }

        /**
         * A copy with other repeats of an undecided probe.
         *
         * @param repeats at least 0
         * @param lengthen at least 1
         * @return the copy
         */
        public Spec withRepeats(int repeats, double lengthen) {
            return new Spec(judge, initialRate, startFraction, growthFactor, tolerance, maxProbes, repeats, lengthen,
                    minRate, maxRate, requestsPerProbe, maxLoadTime, maxWallTime, ticker, seed, firstStepFactor);
        }

        /**
         * A copy with another rate range.
         *
         * @param min &gt; 0
         * @param max &gt; min
         * @return the copy
         */
        public Spec withRateRange(double min, double max) {
            return new Spec(judge, initialRate, startFraction, growthFactor, tolerance, maxProbes, maxRepeats,
                    lengthenFactor, min, max, requestsPerProbe, maxLoadTime, maxWallTime, ticker, seed, firstStepFactor);
        }

        /**
         * A copy with another request count per first probe.
         *
         * @param v at least 1, or 0 for the judge's recommendation
         * @return the copy
         */
        public Spec withRequestsPerProbe(int v) {
            return new Spec(judge, initialRate, startFraction, growthFactor, tolerance, maxProbes, maxRepeats,
                    lengthenFactor, minRate, maxRate, v, maxLoadTime, maxWallTime, ticker, seed, firstStepFactor);
        }

        /**
         * A copy with other time budgets.
         *
         * @param load planned load time, or null
         * @param wall wall time, or null
         * @return the copy
         */
        public Spec withBudgets(Duration load, Duration wall) {
            return new Spec(judge, initialRate, startFraction, growthFactor, tolerance, maxProbes, maxRepeats,
                    lengthenFactor, minRate, maxRate, requestsPerProbe, load, wall, ticker, seed, firstStepFactor);
        }

        /**
         * A copy with another clock.
         *
         * @param v monotonic nanoseconds
         * @return the copy
         */
        public Spec withTicker(LongSupplier v) {
            return new Spec(judge, initialRate, startFraction, growthFactor, tolerance, maxProbes, maxRepeats,
                    lengthenFactor, minRate, maxRate, requestsPerProbe, maxLoadTime, maxWallTime, v, seed, firstStepFactor);
        }

        /**
         * A copy with another seed.
         *
         * @param v the seed
         * @return the copy
         */
        public Spec withSeed(long v) {
            return new Spec(judge, initialRate, startFraction, growthFactor, tolerance, maxProbes, maxRepeats,
                    lengthenFactor, minRate, maxRate, requestsPerProbe, maxLoadTime, maxWallTime, ticker, v, firstStepFactor);
        }
    }

    private static void requirePositive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be > 0 and finite, was " + v);
        }
    }

    /**
     * Builds a {@link SaturationSearch}. Every setter returns a new builder; the SLO is required.
     *
     * <pre>{@code
     * SaturationSearch s = SaturationSearch.builder().slo(slo).initialRate(4).tolerance(0.05).build();
     * }</pre>
     */
    public static final class Builder {
        private final Spec spec;

        private Builder(Spec spec) {
            this.spec = spec;
        }

        /**
         * What this builder holds.
         *
         * @return the spec
         */
        public Spec spec() {
            return spec;
        }

        /**
         * The SLO to meet, judged by its default {@link SloJudge} ({@link SloJudge#of}); this or
         * {@link #judge(SloPredicate)} is required.
         *
         * <pre>{@code
         * SaturationSearch.builder().slo(Slo.builder().ttft(io.qmeter.metrics.Percentile.of(90), Duration.ofSeconds(1)).tpot(io.qmeter.metrics.Percentile.of(90), Duration.ofMillis(200)).build());
         * }</pre>
         *
         * @param objective the SLO
         * @return a new builder
         */
        public Builder slo(io.qmeter.metrics.Slo objective) {
            return judge(SloJudge.of(Objects.requireNonNull(objective, "slo")));
        }

        /**
         * The judge of each probe: an {@link SloJudge} with non-default settings, or your own
         * predicate (a goodput fraction, an error budget...). Replaces an earlier {@link #slo}.
         *
         * <pre>{@code
         * SaturationSearch.builder().judge(SloJudge.builder(slo).confidence(0.99).build());
         * }</pre>
         *
         * @param predicate the judge
         * @return a new builder
         */
        public Builder judge(SloPredicate predicate) {
            return new Builder(spec.withJudge(predicate));
        }

        /**
         * Starts from this rate instead of a max-throughput burst.
         *
         * @param ratePerSecond the first rate to probe, &gt; 0
         * @return a new builder
         */
        public Builder initialRate(double ratePerSecond) {
            requirePositive("initialRate", ratePerSecond);
            return new Builder(withoutBracket(spec.withStart(ratePerSecond, spec.startFraction())));
        }

        /**
         * Starts inside the bracket where the saturation point is expected, for example a
         * prediction ± its typical error: the first probe is at {@code sqrt(low × high)}, the
         * next at {@code high} when it passes or at {@code low} when it fails, so a right guess
         * brackets the point in two probes; past the bracket's edge the search grows or shrinks
         * by {@link #growthFactor(double)} as usual, so a wrong guess costs a few probes more,
         * never a wrong answer. Replaces an earlier {@link #initialRate(double)} or burst start.
         *
         * <pre>{@code
         * double predicted = 12.0;                       // req/s, e.g. from a model
         * SaturationSearch s = SaturationSearch.builder().slo(slo)
         *         .startingBracket(predicted / 1.1, predicted * 1.1).build();
         * }</pre>
         *
         * @param low  lower end, req/s, &gt; 0
         * @param high upper end, req/s, &gt; low
         * @return a new builder
         */
        public Builder startingBracket(double low, double high) {
            return new Builder(spec.withStartingBracket(low, high));
        }

        /**
         * Starts with a max-throughput burst (the default) and then probes at {@code fraction × T}.
         *
         * @param fraction of the burst's throughput to start at, in (0, 2]
         * @return a new builder
         */
        public Builder startFromMaxThroughput(double fraction) {
            return new Builder(withoutBracket(spec.withStart(Double.NaN, fraction)));
        }

        private static Spec withoutBracket(Spec s) {
            return new Spec(s.judge(), s.initialRate(), s.startFraction(), s.growthFactor(), s.tolerance(),
                    s.maxProbes(), s.maxRepeats(), s.lengthenFactor(), s.minRate(), s.maxRate(), s.requestsPerProbe(),
                    s.maxLoadTime(), s.maxWallTime(), s.ticker(), s.seed());
        }

        /**
         * Factor by which bracketing grows or shrinks the rate; default 2.
         *
         * @param factor &gt; 1
         * @return a new builder
         */
        public Builder growthFactor(double factor) {
            return new Builder(spec.withGrowthFactor(factor));
        }

        /**
         * Relative tolerance: stop when {@code failing / passing <= 1 + tolerance}; default 0.05.
         *
         * @param relative in (0, 1)
         * @return a new builder
         */
        public Builder tolerance(double relative) {
            return new Builder(spec.withTolerance(relative));
        }

        /**
         * Most probes in all (bursts and repeats included); default 8.
         *
         * @param probes at least 1
         * @return a new builder
         */
        public Builder maxProbes(int probes) {
            return new Builder(spec.withMaxProbes(probes));
        }

        /**
         * Most repeats of an undecided probe at one rate, and how much longer each repeat is.
         *
         * @param repeats        at least 0; default 1
         * @param lengthenFactor requests of a repeat ÷ requests of the previous attempt, &gt;= 1; default 2
         * @return a new builder
         */
        public Builder repeatUndecided(int repeats, double lengthenFactor) {
            return new Builder(spec.withRepeats(repeats, lengthenFactor));
        }

        /**
         * The range of rates the search may probe; default 0.01 to 100000 req/s.
         *
         * @param min lowest rate, &gt; 0
         * @param max highest rate, &gt; min
         * @return a new builder
         */
        public Builder rateRange(double min, double max) {
            return new Builder(spec.withRateRange(min, max));
        }

        /**
         * Requests in the first probe at each rate; default: the predicate's
         * {@link SloPredicate#recommendedRequestCount()}.
         *
         * @param requests at least 1
         * @return a new builder
         */
        public Builder requestsPerProbe(int requests) {
            if (requests < 1) {
                throw new IllegalArgumentException("requestsPerProbe must be >= 1, was " + requests);
            }
            return new Builder(spec.withRequestsPerProbe(requests));
        }

        /**
         * Budget of planned load time: the sum over probes of {@code requests / rate}.
         *
         * @param budget positive duration
         * @return a new builder
         */
        public Builder maxLoadTime(Duration budget) {
            return new Builder(spec.withBudgets(Checks.positive("maxLoadTime", budget), spec.maxWallTime()));
        }

        /**
         * Budget of wall time from the start of {@link #build()}'s {@code run}.
         *
         * @param budget positive duration
         * @return a new builder
         */
        public Builder maxWallTime(Duration budget) {
            return new Builder(spec.withBudgets(spec.maxLoadTime(), Checks.positive("maxWallTime", budget)));
        }

        /**
         * The clock for the wall-time budget (virtual time in tests); default {@link System#nanoTime()}.
         *
         * @param nanoTicker monotonic nanoseconds
         * @return a new builder
         */
        public Builder ticker(LongSupplier nanoTicker) {
            return new Builder(spec.withTicker(Objects.requireNonNull(nanoTicker, "ticker")));
        }

        /**
         * Seed from which each probe's seed is derived; recorded in every probe request.
         *
         * @param value the seed
         * @return a new builder
         */
        public Builder seed(long value) {
            return new Builder(spec.withSeed(value));
        }

        /**
         * Builds the search.
         *
         * @return the search
         * @throws IllegalStateException when no SLO was set
         */
        public SaturationSearch build() {
            if (spec.judge() == null) {
                throw new IllegalStateException("a saturation search needs an SLO: call "
                        + "slo(Slo.builder().ttft(p90, ...).tpot(p90, ...).build()), or judge(...) with an SloJudge "
                        + "or your own SloPredicate");
            }
            double r = spec.initialRate();
            if (!Double.isNaN(r) && (r < spec.minRate() || r > spec.maxRate())) {
                throw new IllegalStateException("initialRate " + r + " lies outside rateRange [" + spec.minRate()
                        + ", " + spec.maxRate() + "]");
            }
            return new SaturationSearch(spec);
        }


    }
}
