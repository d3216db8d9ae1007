package io.qmeter.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SaturationSearchTest {

    static final SloJudge SLO = SloJudge.of(io.qmeter.metrics.Slo.builder().ttft(io.qmeter.metrics.Percentile.of(90), Duration.ofSeconds(1))
            .tpot(io.qmeter.metrics.Percentile.of(90), Duration.ofMillis(200)).build());

    /** A random batching-server model: capacity 2..80 req/s, 8..64 slots, TTFT- or TPOT-bound. */
    static SyntheticServer model(SplittableRandom rng, double jitter) {
        double capacity = 2 * Math.pow(40, rng.nextDouble());
        double base = 0.03 + 0.03 * rng.nextDouble();
        double slope = 1 + 3 * rng.nextDouble();
        int servers = 8 + rng.nextInt(57);
        return new SyntheticServer(capacity, 0.05 + 0.15 * rng.nextDouble(), base, slope,
                0.05 + 0.1 * rng.nextDouble(), jitter, servers);
    }

    record Stats(int runs, int within5, double maxErr, double meanErr, int maxProbes, double meanProbes,
                 List<String> misses) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d runs: %d within 5%%, max |err| %.2f%%, mean |err| %.2f%%, "
                    + "probes max %d mean %.2f", runs, within5, maxErr * 100, meanErr * 100, maxProbes, meanProbes);
        }
    }

    static Stats accuracy(long seed, int runs, double jitter, boolean burstStart) {
        SplittableRandom rng = new SplittableRandom(seed);
        int within = 0;
        int maxProbes = 0;
        double maxErr = 0;
        double sumErr = 0;
        double sumProbes = 0;
        List<String> misses = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            SyntheticServer m = model(rng, jitter);
            double truth = m.trueSaturation(1.0, 0.2);
            SaturationSearch.Builder b = SaturationSearch.builder().judge(SLO).seed(rng.nextLong());
            if (!burstStart) {
                b = b.initialRate(truth * Math.pow(4, 2 * rng.nextDouble() - 1)); // a guess within 4x
            }
            SearchResult r = b.build().run(m);
            double err = Math.abs(r.saturationRate() / truth - 1);
            if (Double.isNaN(err)) {
                err = 1;
            }
            maxErr = Math.max(maxErr, err);
            sumErr += err;
            sumProbes += r.probeCount();
            maxProbes = Math.max(maxProbes, r.probeCount());
            if (err <= 0.05 && r.probeCount() <= 8) {
                within++;
            } else {
                misses.add(String.format(Locale.ROOT, "truth %.3f est %.3f (%s, %d probes, %s-bound, %d by point"
                        + " estimate) %s", truth, r.saturationRate(), r.stopReason(), r.probeCount(),
                        m.trueP90TtftSec(truth * 1.01) > 1 ? "ttft" : "tpot",
                        r.probes().stream().filter(ProbeOutcome::decidedByPointEstimate).count(),
                        r.probes().stream().map(p -> String.format(Locale.ROOT, "%.3f:%s", p.ratePerSecond(),
                                p.decision())).toList()));
            }
        }
        return new Stats(runs, within, maxErr, sumErr / runs, maxProbes, sumProbes / runs, misses);
    }

    // Sampling noise alone (200-request probes judging P90) makes a probe 1-3 % below the true point
    // fail now and then, so a few runs in a hundred land just past 5 %; the bounds below say so.

    @Test
    void reachesFivePercentWithinEightProbesFromAGuess() {
        Stats s = accuracy(1, 300, 0, false);
        System.out.println("guess start (within 4x), sampling noise only: " + s);
        assertThat(s.maxProbes()).isLessThanOrEqualTo(8);
        assertThat(s.within5()).as(s + " " + s.misses()).isGreaterThanOrEqualTo(294); // >= 98 %
        assertThat(s.maxErr()).as(s.toString()).isLessThan(0.08);
    }

    @Test
    void reachesFivePercentWithinEightProbesFromAMaxThroughputBurst() {
        Stats s = accuracy(2, 300, 0, true);
        System.out.println("burst start, sampling noise only: " + s);
        assertThat(s.maxProbes()).isLessThanOrEqualTo(8);
        assertThat(s.within5()).as(s + " " + s.misses()).isGreaterThanOrEqualTo(294);
        assertThat(s.maxErr()).as(s.toString()).isLessThan(0.08);
    }

    @Test
    void noisyBoundariesStayCloseWithRunToRunCapacityNoise() {
        Stats s = accuracy(3, 300, 0.015, true);
        System.out.println("burst start, capacity noise 1.5 % per probe: " + s);
        assertThat(s.maxProbes()).isLessThanOrEqualTo(8);
        assertThat(s.within5()).as(s + " " + s.misses()).isGreaterThanOrEqualTo(270); // >= 90 %
        assertThat(s.maxErr()).as(s.toString()).isLessThan(0.10);
    }

    @Test
    void aRateThatFailsFromTheStartEndsWithNoPassingRate() {
        SyntheticServer m = new SyntheticServer(10, 0.05, 0.03, 2, 0.1, 0);
        io.qmeter.metrics.Slo impossible = io.qmeter.metrics.Slo.builder()
                .ttft(io.qmeter.metrics.Percentile.of(90), Duration.ofMillis(10)).build(); // below the prefill time
        SearchResult r = SaturationSearch.builder().slo(impossible).initialRate(4).rateRange(0.5, 100)
                .build().run(m);
        assertThat(r.stopReason()).isEqualTo(StopReason.NO_PASSING_RATE);
        assertThat(r.found()).isFalse();
        assertThat(r.lowestFailingRate()).isEqualTo(0.5);
        assertThat(r.probes()).allMatch(p -> p.decision() == Decision.FAIL);
        assertThat(r.detail()).contains("minimum rate").contains("ttft");
    }

    @Test
    void aNeverFailingRangeStopsWithinBudget() {
        Probe alwaysFast = req -> ProbeResult.ofSamples(Map.of("ttft", constant(req.requestCount(), 1e6),
                "tpot", constant(req.requestCount(), 1e6)));
        SearchResult r = SaturationSearch.builder().judge(SLO).initialRate(1).rateRange(0.1, 50).maxProbes(20)
                .build().run(alwaysFast);
        assertThat(r.stopReason()).isEqualTo(StopReason.MAX_RATE_PASSES);
        assertThat(r.saturationRate()).isEqualTo(50);
        assertThat(r.lowestFailingRate()).isNaN();
        assertThat(r.probeCount()).isEqualTo(7); // 1, 2, 4, ... 32, 50

        SearchResult limited = SaturationSearch.builder().judge(SLO).initialRate(1).maxProbes(5).build().run(alwaysFast);
        assertThat(limited.stopReason()).isEqualTo(StopReason.PROBE_BUDGET_EXHAUSTED);
        assertThat(limited.probeCount()).isEqualTo(5);
        assertThat(limited.saturationRate()).isEqualTo(16);
    }

    @Test
    void anUndecidedProbeIsRepeatedLongerWithPooledSamples() {
        // P90 sits right at the threshold at every rate: the interval always straddles it
        Probe straddling = req -> {
            SplittableRandom rng = new SplittableRandom(req.seed());
            double[] ttft = new double[req.requestCount()];
            for (int i = 0; i < ttft.length; i++) {
                ttft[i] = rng.nextDouble() < 0.9 ? 0.5e9 * rng.nextDouble() : 1e9 + 1e9 * rng.nextDouble();
            }
            return ProbeResult.ofSamples(Map.of("ttft", ttft));
        };
        io.qmeter.metrics.Slo slo = io.qmeter.metrics.Slo.builder()
                .ttft(io.qmeter.metrics.Percentile.of(90), Duration.ofSeconds(1)).build();
        SearchResult r = SaturationSearch.builder().slo(slo).initialRate(5).maxProbes(4).build().run(straddling);
        ProbeOutcome first = r.probes().get(0);
        ProbeOutcome second = r.probes().get(1);
        assertThat(first.judgement().decision()).isEqualTo(Decision.UNDECIDED);
        assertThat(first.decision()).isNull();
        assertThat(second.purpose()).isEqualTo(ProbePurpose.REPEAT);
        assertThat(second.request().requestCount()).isEqualTo(2 * first.request().requestCount());
        assertThat(second.request().ratePerSecond()).isEqualTo(5);
        assertThat(second.judgement().reason()).contains("from " + 3 * first.request().requestCount() + " samples");
        // the pooled interval still straddles the threshold, so the point estimate decides
        assertThat(second.judgement().isDecided()).isFalse();
        assertThat(second.decidedByPointEstimate()).isTrue();
        assertThat(second.decision()).isEqualTo(second.judgement().leaning());
    }

    @Test
    void aProbeThatThrowsStopsTheSearchWithItsCause() {
        Probe broken = req -> {
            if (req.ratePerSecond() > 3) {
                throw new IllegalStateException("engine died at high load");
            }
            return ProbeResult.ofSamples(Map.of("ttft", constant(req.requestCount(), 1e6),
                    "tpot", constant(req.requestCount(), 1e6)));
        };
        SearchResult r = SaturationSearch.builder().judge(SLO).initialRate(2).build().run(broken);
        assertThat(r.stopReason()).isEqualTo(StopReason.PROBE_ERROR);
        assertThat(r.detail()).contains("engine died at high load");
        assertThat(r.saturationRate()).isEqualTo(2);
        assertThat(r.probes().get(1).error()).contains("engine died");
        assertThat(r.probes().get(1).result()).isNull();
    }

    @Test
    void aCustomPredicateOnVerdictOnlyProbesBracketsTheTruePoint() {
        double truth = 7.3;
        Probe verdictOnly = req -> ProbeResult.ofVerdict(req.ratePerSecond() <= truth ? Decision.PASS : Decision.FAIL);
        SloPredicate ownVerdict = res -> res.verdict() == Decision.PASS ? Judgement.pass("ok") : Judgement.fail("slow");
        SearchResult r = SaturationSearch.builder().judge(ownVerdict).initialRate(1).tolerance(0.01).maxProbes(20)
                .build().run(verdictOnly);
        assertThat(r.converged()).isTrue();
        assertThat(r.highestPassingRate()).isLessThanOrEqualTo(truth);
        assertThat(r.lowestFailingRate()).isGreaterThan(truth);
        assertThat(r.relativeWidth()).isLessThanOrEqualTo(0.01);
    }

    @Test
    void theLoadTimeBudgetStopsBeforeAProbeThatWouldOverrunIt() {
        SyntheticServer m = new SyntheticServer(10, 0.05, 0.03, 2, 0.1, 0);
        // 200 requests at 1 req/s is 200 s of arrivals
        SearchResult r = SaturationSearch.builder().judge(SLO).initialRate(1).maxLoadTime(Duration.ofSeconds(250))
                .build().run(m);
        assertThat(r.stopReason()).isEqualTo(StopReason.TIME_BUDGET_EXHAUSTED);
        assertThat(r.probeCount()).isEqualTo(1); // 200 s, then 100 s more would pass 250 s
        assertThat(r.saturationRate()).isEqualTo(1);
    }

    @Test
    void theWallTimeBudgetUsesTheTicker() {
        AtomicLong now = new AtomicLong();
        Probe slow = req -> {
            now.addAndGet(Duration.ofMinutes(1).toNanos());
            return ProbeResult.ofVerdict(Decision.PASS);
        };
        SearchResult r = SaturationSearch.builder().judge(SLO).initialRate(100).ticker(now::get)
                .maxWallTime(Duration.ofMinutes(3)).build().run(slow);
        assertThat(r.stopReason()).isEqualTo(StopReason.TIME_BUDGET_EXHAUSTED);
        assertThat(r.probes()).allSatisfy(p -> assertThat(p.elapsed()).isEqualTo(Duration.ofMinutes(1)));
        assertThat(r.probeCount()).isEqualTo(3); // 0, 1 and 2 min in; a fourth would end after 3 min
    }

    @Test
    void anInvalidRunFailsTheSlo() {
        Probe lagging = req -> ProbeResult.ofSamples(Map.of("ttft", constant(req.requestCount(), 1e6),
                "tpot", constant(req.requestCount(), 1e6)))
                .withValidity(req.ratePerSecond() < 10, "client lagged 300 ms behind schedule");
        SearchResult r = SaturationSearch.builder().judge(SLO).initialRate(4).build().run(lagging);
        assertThat(r.converged()).isTrue();
        assertThat(r.lowestFailingRate()).isGreaterThanOrEqualTo(10);
        assertThat(r.highestPassingRate()).isLessThan(10).isGreaterThan(9);
        assertThat(r.probes()).anySatisfy(p -> assertThat(p.judgement().reason()).contains("client lagged"));
    }

    @Test
    void builderFailsFastWithNamedFields() {
        assertThatThrownBy(() -> SaturationSearch.builder().build()).hasMessageContaining("needs an SLO");
        assertThatThrownBy(() -> SaturationSearch.builder().tolerance(0)).hasMessageContaining("tolerance must be in (0, 1)");
        assertThatThrownBy(() -> SaturationSearch.builder().initialRate(-1)).hasMessageContaining("initialRate must be > 0")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> SaturationSearch.builder().judge(SLO).rateRange(1, 10).initialRate(20).build())
                .hasMessageContaining("outside rateRange");
        assertThatThrownBy(() -> new ProbeRequest(0, 10, 1, 0)).hasMessageContaining("ratePerSecond must be > 0");
    }

    @Test
    void theSameSeedGivesTheSameSearch() {
        SyntheticServer m = new SyntheticServer(12, 0.1, 0.04, 2, 0.1, 0.02);
        SaturationSearch s = SaturationSearch.builder().judge(SLO).seed(99).build();
        SearchResult a = s.run(m);
        SearchResult b = s.run(m);
        assertThat(a.probes()).extracting(p -> p.request()).isEqualTo(b.probes().stream().map(ProbeOutcome::request).toList());
        assertThat(a.saturationRate()).isEqualTo(b.saturationRate());
    }

    static double[] constant(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
