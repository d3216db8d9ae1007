package io.qmeter.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SloTest {

    @Test
    void probeLengthPutsEnoughSamplesAboveThePercentile() {
        assertThat(Slo.builder().p90Ttft(Duration.ofSeconds(1)).build().recommendedRequestCount()).isEqualTo(200);
        assertThat(Slo.builder().percentile("e2e", 0.99, Duration.ofSeconds(5)).build().recommendedRequestCount())
                .isEqualTo(2000);
        assertThat(Slo.builder().percentile("e2e", 0.5, Duration.ofSeconds(5)).build().recommendedRequestCount())
                .isEqualTo(50); // minRequests
        assertThat(Slo.builder().percentile("e2e", 0.999, Duration.ofSeconds(5)).build().recommendedRequestCount())
                .isEqualTo(5000); // maxRequests
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
            Slo.QuantileInterval ci = Slo.QuantileInterval.of(x, q, 0.95);
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
        Slo.QuantileInterval ci = Slo.QuantileInterval.of(new double[] {1, 2, 3, 4, 5}, 0.9, 0.95);
        assertThat(ci.upper()).isInfinite();
        Slo slo = Slo.builder().p90Ttft(Duration.ofSeconds(10)).build();
        Judgement j = slo.judge(ProbeResult.ofSamples(Map.of(SloTarget.TTFT, new double[] {1, 2, 3, 4, 5})));
        assertThat(j.decision()).isEqualTo(Decision.UNDECIDED);
        assertThat(j.leaning()).isEqualTo(Decision.PASS);
    }

    @Test
    void clearPassClearFailAndFailedRequestsCountAgainst() {
        Slo slo = Slo.builder().p90Ttft(Duration.ofMillis(100)).build();
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
        Slo slo = Slo.p90(Duration.ofSeconds(1), Duration.ofMillis(200));
        double[] fast = new double[200];
        Arrays.fill(fast, 1e6);
        Judgement noTpot = slo.judge(ProbeResult.ofSamples(Map.of("ttft", fast)));
        assertThat(noTpot.decision()).isEqualTo(Decision.FAIL);
        assertThat(noTpot.reason()).contains("no samples of 'tpot'");
        Judgement invalid = slo.judge(ProbeResult.ofSamples(Map.of("ttft", fast, "tpot", fast))
                .withValidity(false, "achieved 7.1 req/s of 8"));
        assertThat(invalid.decision()).isEqualTo(Decision.FAIL);
        assertThat(invalid.reason()).contains("achieved 7.1 req/s of 8");
        Slo lenient = Slo.builder().p90Ttft(Duration.ofSeconds(1)).requireValid(false).build();
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
    void aRunSloBecomesTheSameTargets() {
        io.qmeter.metrics.Slo run = io.qmeter.metrics.Slo.builder()
                .ttft(io.qmeter.metrics.Percentile.of(90), Duration.ofSeconds(1))
                .tpot(io.qmeter.metrics.Percentile.of(99.9), Duration.ofMillis(200)).build();
        assertThat(Slo.of(run).targets()).containsExactly(new SloTarget("ttft", 0.9, Duration.ofSeconds(1)),
                new SloTarget("tpot", 0.999, Duration.ofMillis(200)));
        io.qmeter.metrics.Slo p100 = io.qmeter.metrics.Slo.builder()
                .ttft(io.qmeter.metrics.Percentile.of(100), Duration.ofSeconds(1)).build();
        assertThatThrownBy(() -> Slo.of(p100)).hasMessageContaining("P100");
    }

    @Test
    void validationNamesTheFieldAndValue() {
        assertThatThrownBy(() -> new SloTarget("ttft", 90, Duration.ofSeconds(1)))
                .hasMessageContaining("quantile must be in (0, 1)").hasMessageContaining("90");
        assertThatThrownBy(() -> new SloTarget("TTFT!", 0.9, Duration.ofSeconds(1))).hasMessageContaining("TTFT!");
        assertThatThrownBy(() -> Slo.builder().build()).hasMessageContaining("at least one target");
        assertThatThrownBy(() -> ProbeResult.ofSamples(Map.of()).withValidity(false, null))
                .hasMessageContaining("needs a reason");
        assertThat(new SloTarget("tpot", 0.9, Duration.ofMillis(200)).label()).isEqualTo("P90 tpot <= 200 ms");
    }
}
