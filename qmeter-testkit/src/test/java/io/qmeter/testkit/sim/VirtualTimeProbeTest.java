package io.qmeter.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.QMeter;
import io.qmeter.metrics.Slo;
import io.qmeter.metrics.SloMetric;
import io.qmeter.search.ProbeRequest;
import io.qmeter.search.ProbeResult;
import io.qmeter.search.SaturationSearch;
import io.qmeter.search.SearchResult;
import io.qmeter.search.StopReason;
import io.qmeter.workload.LengthDistribution.Kind;
import io.qmeter.workload.SyntheticWorkload;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class VirtualTimeProbeTest {

    private static final SimConfig FP16 = SimConfig.builder().model("Llama-2-13B").gpu("H100-80GB")
            .quantization("FP16").build();
    private static final LengthDistribution LENGTHS = LengthDistribution.of(QMeter.sharegptLike(331, 231));

    @Test
    void aProbeReportsOneSampleOfEachMetricPerRequest() {
        ProbeResult r = VirtualTimeProbe.of(FP16, LENGTHS).run(new ProbeRequest(4, 300, 7L, 0));
        assertThat(r.samples(SloMetric.TTFT.key())).hasSize(300);
        assertThat(Arrays.stream(r.samples(SloMetric.TTFT.key())).allMatch(v -> v > 0 && Double.isFinite(v))).isTrue();
        assertThat(r.samples(SloMetric.TPOT.key())).hasSize(300);
        assertThat(r.samples(SloMetric.E2E.key())).hasSize(300);
        assertThat(r.valid()).isTrue();
        assertThat(r.summary()).isInstanceOf(SimulationResult.class);
        // at a light load every request is served: the achieved rate is about the offered one
        assertThat(r.achievedThroughputPerSecond()).isBetween(3.0, 5.0);
    }

    @Test
    void aBurstReportsTheMaximumThroughputAndSeedsMatter() {
        VirtualTimeProbe p = VirtualTimeProbe.of(FP16, LENGTHS);
        ProbeResult burst = p.run(new ProbeRequest(Double.POSITIVE_INFINITY, 500, 1L, 0));
        assertThat(burst.achievedThroughputPerSecond()).isBetween(5.0, 100.0);
        double[] a = p.run(new ProbeRequest(8, 200, 1L, 0)).samples("ttft");
        double[] b = p.run(new ProbeRequest(8, 200, 2L, 0)).samples("ttft");
        double[] again = p.run(new ProbeRequest(8, 200, 1L, 0)).samples("ttft");
        assertThat(a).isNotEqualTo(b);
        assertThat(a).isEqualTo(again);
        double[] fixed1 = p.withFixedSeed(5).run(new ProbeRequest(8, 200, 1L, 0)).samples("ttft");
        double[] fixed2 = p.withFixedSeed(5).run(new ProbeRequest(8, 200, 2L, 0)).samples("ttft");
        assertThat(fixed1).isEqualTo(fixed2);
    }

    @Test
    void coreSearchOverTheProbeAgreesWithTheExactVirtualSearch() {
        double exact = VirtualSaturationSearch.builder(FP16).lengths(LENGTHS).requests(2000).seed(42).build().run()
                .saturationRate();
        SearchResult r = SaturationSearch.builder().slo(Slo.p90(Duration.ofSeconds(1), Duration.ofMillis(200)))
                .requestsPerProbe(2000).tolerance(0.02).maxProbes(20).seed(3).build()
                .run(VirtualTimeProbe.of(FP16, LENGTHS));
        assertThat(r.stopReason()).isEqualTo(StopReason.CONVERGED);
        // different traces per probe: the 2000-request saturation point itself varies by a few percent
        assertThat(r.saturationRate() / exact).isBetween(0.85, 1.15);
    }

    @Test
    void lengthsFollowTheCoreWorkload() {
        SyntheticWorkload w = QMeter.sharegptLike(331, 231);
        assertThat(w.input().kind()).isEqualTo(Kind.LOGNORMAL);
        double[] means = LengthDistribution.of(w).realizedMeans(200_000, 9L);
        assertThat(means[0]).isCloseTo(331, org.assertj.core.data.Offset.offset(6.0));
        assertThat(means[1]).isCloseTo(231, org.assertj.core.data.Offset.offset(5.0));
        assertThat(LengthDistribution.of(QMeter.synthetic(128, 32)).sample(new java.util.SplittableRandom(1)))
                .containsExactly(128, 32);
        assertThatThrownBy(() -> LengthDistribution.of(SyntheticWorkload.of(
                io.qmeter.workload.LengthDistribution.uniform(1, 10), io.qmeter.workload.LengthDistribution.fixed(5))))
                .hasMessageContaining("lognormal or fixed");
        assertThat(Arrays.stream(LengthDistribution.of(w).realizedMeans(1000, 1L)).allMatch(v -> v > 4)).isTrue();
    }
}
