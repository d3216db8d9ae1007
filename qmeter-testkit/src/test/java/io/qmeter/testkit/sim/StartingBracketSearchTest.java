package io.qmeter.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StartingBracketSearchTest {

    static VirtualSaturationSearch.Builder search() {
        SimConfig c = SimConfig.builder().gpu("H100-80GB").model("Llama-2-13B").quantization("W8A8-INT").build();
        return VirtualSaturationSearch.builder(c).requests(400).seed(7L).relativePrecision(0.05);
    }

    @Test
    void aBracketedSearchFindsThePlainSearchsPointWithFewerProbesWhenTheBracketIsRight() {
        VirtualSaturationSearch.Result plain = search().build().run();
        double s = plain.saturationRate();
        VirtualSaturationSearch.Result hinted = search().startingBracket(s / 1.08, s * 1.08).build().run();
        assertThat(hinted.saturationRate()).isCloseTo(s, org.assertj.core.data.Percentage.withPercentage(5));
        assertThat(hinted.runs()).isLessThan(plain.runs()).isLessThanOrEqualTo(4);
        System.out.printf("plain %.2f req/s in %d runs, bracketed %.2f in %d%n", s, plain.runs(),
                hinted.saturationRate(), hinted.runs());
    }

    @Test
    void aBadlyWrongBracketCostsProbesNotAccuracy() {
        VirtualSaturationSearch.Result plain = search().build().run();
        double s = plain.saturationRate();
        for (double wrong : new double[] {s / 10, s * 8}) {
            VirtualSaturationSearch.Result hinted = search().startingBracket(wrong / 1.1, wrong * 1.1).build().run();
            // both end with pass/fail within 5 % around the same trace's SLO boundary
            assertThat(hinted.saturationRate()).as("bracket around %.2f", wrong)
                    .isCloseTo(s, org.assertj.core.data.Percentage.withPercentage(5));
            assertThat(hinted.lowestFailRate()).isGreaterThan(hinted.saturationRate());
        }
    }

    @Test
    void aBracketOutsideTheRateRangeIsRefused() {
        assertThatThrownBy(() -> search().startingBracket(5, 5)).hasMessageContaining("startingBracket");
        assertThatThrownBy(() -> search().startingBracket(0, 5)).hasMessageContaining("0.01 <= low");
    }
}
