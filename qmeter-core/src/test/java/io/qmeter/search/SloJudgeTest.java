package io.qmeter.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.metrics.SloMetric;
import io.qmeter.metrics.SloThreshold;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SloJudgeTest {

    @Test
    void probeLengthPutsEnoughSamplesAboveThePercentile() {
        assertThat(judge(SloMetric.TTFT, 90, Duration.ofSeconds(1)).recommendedRequestCount()).isEqualTo(200);
        assertThat(judge(SloMetric.E2E, 99, Duration.ofSeconds(5)).recommendedRequestCount()).isEqualTo(2000);
        assertThat(judge(SloMetric.E2E, 50, Duration.ofSeconds(5)).recommendedRequestCount()).isEqualTo(50); // min
        assertThat(judge(SloMetric.E2E, 99.9, Duration.ofSeconds(5)).recommendedRequestCount()).isEqualTo(5000); // max
    }

    @Test
    void orderStatisticIntervalCoversTheTrueQuantileAtTheRequestedConfidence() {
        SplittableRandom rng = new SplittableRandom(7);
        double q = 0.9;
        double truth = -Math.log(1 - q); // exponential(1) quantile
        int covered = 0;
        int trials = 2000;
        for (int t = 0; t < trials; t++) {
            double[] x = new double[200];
            for (int i = 0; i < x.length; i++) {
                x[i] = -Math.log(1 - rng.nextDouble());
            }
            Arrays.sort(x);
            SloJudge.QuantileInterval ci = SloJudge.QuantileInterval.of(x, q, 0.95);
            assertThat(ci.lower()).isLessThanOrEqualTo(ci.estimate());
            assertThat(ci.upper()).isGreaterThanOrEqualTo(ci.estimate());
            if (ci.lower() <= truth && truth <= ci.upper()) {
                covered++;
            }
        }
        // distribution-free intervals are conservative: at least 95 %, and not absurdly wide
        assertThat(covered / (double) trials).isBetween(0.94, 0.985);
    }

    @Test
    void tooFewSamplesGiveAnOpenIntervalAndNoGuess() {
        SloJudge.QuantileInterval ci = SloJudge.QuantileInterval.of(new double[] {1, 2, 3, 4, 5}, 0.9, 0.95);
        assertThat(ci.upper()).isInfinite();
        SloJudge slo = judge(SloMetric.TTFT, 90, Duration.ofSeconds(10));
        Judgement j = slo.judge(ProbeResult.ofSamples(Map.of(SloMetric.TTFT.key(), new double[] {1, 2, 3, 4, 5})));
        assertThat(j.decision()).isEqualTo(Decision.UNDECIDED);
        assertThat(j.leaning()).isEqualTo(Decision.PASS);
    }

    @Test
    void clearPassClearFailAndFailedRequestsCountAgainst() {
        SloJudge slo = judge(SloMetric.TTFT, 90, Duration.ofMillis(100));
        double[] fast = new double[200];
        Arrays.fill(fast, 10e6);
        assertThat(slo.judge(ProbeResult.ofSamples(Map.of("ttft", fast))).decision()).isEqualTo(Decision.PASS);
        double[] failing = fast.clone();
        Arrays.fill(failing, 0, 40, Double.POSITIVE_INFINITY); // 20 % of requests failed
        Judgement j = slo.judge(ProbeResult.ofSamples(Map.of("ttft", failing)));
        assertThat(j.decision()).isEqualTo(Decision.FAIL);
        assertThat(j.reason()).contains("P90 ttft <= 100 ms").contains("+inf");
    }

    @Test
    void missingMetricAndInvalidRunFail() {
        SloJudge slo = SloJudge.p90(Duration.ofSeconds(1), Duration.ofMillis(200));
        double[] fast = new double[200];
        Arrays.fill(fast, 1e6);
        Judgement noTpot = slo.judge(ProbeResult.ofSamples(Map.of("ttft", fast)));
        assertThat(noTpot.decision()).isEqualTo(Decision.FAIL);
        assertThat(noTpot.reason()).contains("no samples of 'tpot'");
        Judgement invalid = slo.judge(ProbeResult.ofSamples(Map.of("ttft", fast, "tpot", fast))
                .withValidity(false, "achieved 7.1 req/s of 8"));
        assertThat(invalid.decision()).isEqualTo(Decision.FAIL);
        assertThat(invalid.reason()).contains("achieved 7.1 req/s of 8");
        SloJudge lenient = SloJudge.builder(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1)).build())
                .requireValid(false).build();
        assertThat(lenient.judge(ProbeResult.ofSamples(Map.of("ttft", fast)).withValidity(false, "lag")).decision())
                .isEqualTo(Decision.PASS);
    }

    @Test
    void nanSamplesAreIgnoredAndPoolingConcatenates() {
        double[] a = {1, Double.NaN, 3};
        ProbeResult r = ProbeResult.ofSamples(Map.of("tpot", a)).pooledWith(ProbeResult.ofSamples(Map.of("tpot",
                new double[] {4})).withValidity(false, "lag"));
        assertThat(r.samples("tpot")).hasSize(4);
        assertThat(r.valid()).isFalse();
        assertThat(r.invalidReason()).isEqualTo("lag");
    }

    @Test
    @SuppressWarnings("removal") // the deprecated positional forms still equal the named builder's
    void theJudgeReadsEachClauseOfTheRunSloAndRefusesP100() {
        Slo run = Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1))
                .tpot(Percentile.of(99.9), Duration.ofMillis(200)).build();
        SloJudge j = SloJudge.of(run);
        assertThat(j.slo()).isEqualTo(run);
        assertThat(run.thresholds().get(1).quantile()).isEqualTo(0.999);
        assertThat(j.recommendedRequestCount()).isEqualTo(5000); // 20 / 0.001 = 20000, capped
        Slo p100 = Slo.builder().ttft(Percentile.of(100), Duration.ofSeconds(1)).build();
        assertThatThrownBy(() -> SloJudge.of(p100)).hasMessageContaining("P100");
        assertThat(SloJudge.p90(Duration.ofSeconds(1), Duration.ofMillis(200)).slo())
                .isEqualTo(Slo.p90(Duration.ofSeconds(1), Duration.ofMillis(200)));
    }

    @Test
    void validationNamesTheFieldAndValue() {
        Slo slo = Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1))
                .tpot(Percentile.of(90), Duration.ofMillis(200)).build();
        assertThatThrownBy(() -> SloJudge.builder(slo).confidence(0.4)).hasMessageContaining("confidence")
                .hasMessageContaining("0.4");
        assertThatThrownBy(() -> SloJudge.builder(slo).requestsPerProbe(10, 5)).hasMessageContaining("10, 5");
        assertThatThrownBy(() -> ProbeResult.ofSamples(Map.of()).withValidity(false, null))
                .hasMessageContaining("needs a reason");
        assertThat(new SloThreshold(SloMetric.TPOT, Percentile.of(90), Duration.ofMillis(200)).label())
                .isEqualTo("P90 tpot <= 200 ms");
    }

    private static SloJudge judge(SloMetric metric, double percentile, Duration max) {
        return SloJudge.of(new Slo(java.util.List.of(new SloThreshold(metric, Percentile.of(percentile), max))));
    }
}
