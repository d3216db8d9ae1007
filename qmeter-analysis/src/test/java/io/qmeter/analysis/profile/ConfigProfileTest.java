package io.qmeter.analysis.profile;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ConfigProfileTest {

    static LoadPoint pt(double rate, double ttft, double tpot, double jpt) {
        return new LoadPoint(rate, ttft, tpot, jpt, jpt * rate * 100);
    }

    private final ConfigProfile p = new ConfigProfile(new ProfileKey("M-13B", "FP16", "G", 1, "w"), 12,
            List.of(pt(8, 300, 40, 0.5), pt(2, 100, 20, 1.0), pt(4, 150, 25, 0.7), pt(12, 900, 90, 0.4)),
            Map.of("t", 60.0), false);

    @Test
    void saturationUnderAnotherSloIsTheLastPointBeforeTheFirstMiss() {
        assertThat(p.saturationUnder(Slo.of(Duration.ofSeconds(1), Duration.ofMillis(200), 0))).isEqualTo(12);
        assertThat(p.saturationUnder(Slo.of(Duration.ofMillis(400), Duration.ofMillis(200), 0))).isEqualTo(8);
        assertThat(p.saturationUnder(Slo.of(Duration.ofMillis(120), Duration.ofMillis(200), 0))).isEqualTo(2);
        assertThat(p.saturationUnder(Slo.of(Duration.ofMillis(50), Duration.ofMillis(200), 0))).isZero();
        // TPOT 20 and 25 ms at 2 and 4 req/s pass 30 ms, 40 ms at 8 does not
        assertThat(p.saturationUnder(Slo.of(Duration.ofSeconds(1), Duration.ofMillis(30), 0))).isEqualTo(4);
    }

    @Test
    void belowTheLowestPointPowerIsHeldSoJoulesPerTokenGrowAsOneOverRate() {
        LoadPoint at1 = p.at(1);
        assertThat(at1.joulesPerToken()).isCloseTo(2.0, within(1e-12));
        assertThat(at1.ttftP90Millis()).isEqualTo(100);
        assertThat(at1.watts()).isEqualTo(p.points().get(0).watts());
        assertThat(p.at(4).joulesPerToken()).isEqualTo(0.7);
        assertThat(p.tokensPerRequest()).isCloseTo(100, within(1e-9));
    }

    @Test
    void aboveTheHighestMeasuredRateNothingIsExtrapolated() {
        assertThatThrownBy(() -> p.at(12.5)).hasMessageContaining("no extrapolation");
    }

    @Test
    void badInputIsRefusedWithWhatToDo() {
        assertThatThrownBy(() -> new ConfigProfile(p.key(), 5, List.of(pt(2, 1, 1, 1), pt(2, 1, 1, 1)), Map.of(), false))
                .hasMessageContaining("merge repetitions");
        assertThatThrownBy(() -> p.withQuality(Map.of("t", 120.0))).hasMessageContaining("[0, 100]");
        assertThatThrownBy(() -> new ProfileKey("Llama", "FP16", "G", 1, "w").parameterBillions())
                .hasMessageContaining("carries no size");
        assertThat(new ProfileKey("CodeLlama-34B", "FP16", "G", 1, "w").parameterBillions()).isEqualTo(34);
    }
}
