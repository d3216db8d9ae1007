package io.qmeter.metrics;

import static io.qmeter.metrics.Recs.ms;
import static io.qmeter.metrics.Recs.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SloReportTest {

    private static final Percentile P50 = Percentile.of(50);
    private static final Percentile P90 = Percentile.of(90);

    private static List<RequestRecord> records() {
        return List.of(
                ok(0, 0, 0, 100, 110, 130),        // TTFT 100, TPOT 15
                ok(1, 1000, 1000, 1200, 1260),     // TTFT 200, TPOT 60
                Recs.failed(2, 2000, 2000, Outcome.HTTP_ERROR),
                ok(3, 3000, 3000, 3050, 3060));    // TTFT 50, TPOT 10; last token at 3060
    }

    @Test
    void perThresholdPassFailWithObservedValues() {
        Slo slo = Slo.builder().ttft(P50, Duration.ofMillis(150)).ttft(P90, Duration.ofMillis(150))
                .tpot(P90, Duration.ofMillis(100)).build();
        SloReport r = SloReport.of(slo, records(), new MeasurementWindow(0, ms(3000)));
        assertThat(r.checks()).hasSize(3);
        assertThat(r.checks().get(0).observedMillis()).isCloseTo(100, within(0.1));
        assertThat(r.checks().get(0).passed()).isTrue();
        // p90 of 4 measured requests is rank 4: the failed one, counted as +infinity
        assertThat(r.checks().get(1).observedMillis()).isInfinite();
        assertThat(r.checks().get(1).passed()).isFalse();
        assertThat(r.checks().get(1).thresholdMillis()).isEqualTo(150.0);
        assertThat(r.checks().get(2).observedMillis()).isInfinite();
        assertThat(r.checks().get(2).passed()).isFalse();
        assertThat(r.passed()).isFalse();
    }

    @Test
    void failuresWithinThePercentilesTailDoNotHideTheSuccessfulValues() {
        // 9 successes (TTFT 10..90 ms) and 1 failure: p90 is rank 9, the slowest success
        List<RequestRecord> recs = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) {
            recs.add(ok(i, i * 1000, i * 1000, i * 1000 + (i + 1) * 10, i * 1000 + (i + 1) * 10 + 5));
        }
        recs.add(Recs.failed(9, 9000, 9000, Outcome.TIMEOUT));
        Slo slo = Slo.builder().ttft(P90, Duration.ofMillis(100)).ttft(Percentile.of(95), Duration.ofMillis(100))
                .build();
        SloReport r = SloReport.of(slo, recs, new MeasurementWindow(0, ms(9000)));
        assertThat(r.checks().get(0).observedMillis()).isCloseTo(90, within(0.1));
        assertThat(r.checks().get(0).passed()).isTrue();
        assertThat(r.checks().get(1).observedMillis()).isInfinite(); // rank 10 is the failure
        assertThat(r.passed()).isFalse();
    }

    @Test
    void attainmentAndGoodputCountRequestsMeetingEveryThresholdAtOnce() {
        Slo slo = Slo.builder().ttft(P90, Duration.ofMillis(150)).tpot(P90, Duration.ofMillis(12)).build();
        SloReport r = SloReport.of(slo, records(), new MeasurementWindow(0, ms(3000)));
        // #0 meets TTFT but not TPOT (15 > 12); #1 misses TTFT; #2 failed; #3 meets both
        assertThat(r.measuredRequests()).isEqualTo(4);
        assertThat(r.requestsMeetingSlo()).isEqualTo(1);
        assertThat(r.attainment()).isCloseTo(0.25, within(1e-12));
        assertThat(r.goodputPerSecond()).isCloseTo(1 / 3.06, within(1e-9));
    }

    @Test
    void aFailedRequestNeverMeetsTheSlo() {
        Slo generous = Slo.builder().e2e(P90, Duration.ofHours(1)).build();
        assertThat(generous.isMetBy(Recs.failed(0, 0, 0, Outcome.TIMEOUT, 10, 20))).isFalse();
        assertThat(generous.isMetBy(ok(0, 0, 0, 10, 20))).isTrue();
    }

    @Test
    void noSuccessfulRequestFailsEveryCheck() {
        Slo slo = Slo.builder().ttft(P90, Duration.ofSeconds(1)).build();
        SloReport r = SloReport.of(slo, List.of(Recs.failed(0, 0, 0, Outcome.CONNECTION_ERROR)),
                new MeasurementWindow(0, 0));
        assertThat(r.checks().get(0).observedMillis()).isInfinite();
        assertThat(r.passed()).isFalse();
        assertThat(r.attainment()).isZero();
    }

    @Test
    void builderIsImmutableAndValidates() {
        Slo.Builder base = Slo.builder().ttft(P90, Duration.ofSeconds(1));
        Slo one = base.build();
        Slo two = base.tpot(P90, Duration.ofMillis(200)).build();
        assertThat(one.thresholds()).hasSize(1);
        assertThat(two.thresholds()).hasSize(2);
        assertThatThrownBy(() -> Slo.builder().build()).hasMessageContaining("at least one threshold");
        assertThatThrownBy(() -> Slo.builder().ttft(P90, Duration.ofMillis(-5)))
                .hasMessage("ttft threshold must be > 0, was PT-0.005S");
        assertThatThrownBy(() -> Percentile.of(0)).hasMessage("percentile must be in (0, 100], was 0.0");
    }
}
