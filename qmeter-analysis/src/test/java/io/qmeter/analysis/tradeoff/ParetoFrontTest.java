package io.qmeter.analysis.tradeoff;

import io.qmeter.analysis.profile.ConfigProfile;
import io.qmeter.analysis.profile.LoadPoint;
import io.qmeter.analysis.profile.ProfileKey;
import io.qmeter.analysis.profile.ProfileSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ParetoFrontTest {

    /** A profile with flat figures between rates 1 and 10. */
    static ConfigProfile prof(String model, String method, double ttft, double jpt, double quality) {
        return new ConfigProfile(new ProfileKey(model, method, "H100", 1, "w"), 10,
                List.of(new LoadPoint(1, ttft, 20, jpt, jpt * 100), new LoadPoint(10, ttft, 20, jpt, jpt * 1000)),
                Map.of("t", quality), false);
    }

    @Test
    void frontOfAHandComputedCase() {
        // (latency, J/token, quality):
        // A (100, 0.5, 60)  B (80, 0.6, 60)  C (120, 0.4, 70)  D (120, 0.6, 55) dominated by A
        // E (100, 0.5, 60) equal to A: both kept   F (80, 0.6, 59) dominated by B
        List<ConfigProfile> ps = List.of(prof("M-13B", "A", 100, 0.5, 60), prof("M-13B", "B", 80, 0.6, 60),
                prof("M-34B", "C", 120, 0.4, 70), prof("M-34B", "D", 120, 0.6, 55), prof("M-70B", "E", 100, 0.5, 60),
                prof("M-70B", "F", 80, 0.6, 59));
        TradeoffAnalysis.Result r = TradeoffAnalysis.at(ProfileSet.of(ps), "w", "t", 5, LatencyMetric.TTFT);
        assertThat(r.front()).extracting(p -> p.profile().key().method()).containsExactly("B", "A", "E", "C");
    }

    @Test
    void quantizedLargerModelsDominatingSmallerFp16WithMargins() {
        List<ConfigProfile> ps = List.of(prof("M-13B", "FP16", 100, 0.5, 60),
                prof("M-34B", "W4A8", 90, 0.45, 66),         // strictly better on all three
                prof("M-34B", "W8A8", 95, 0.51, 70),         // 2 % more energy: only within a 5 % tolerance
                prof("M-70B", "W4A8", 130, 0.3, 80),         // slower: never
                prof("M-7B", "W4A8", 50, 0.2, 61),           // smaller: not asked for
                prof("M-34B", "FP16", 90, 0.45, 70));        // not quantized
        TradeoffAnalysis.Result r = TradeoffAnalysis.at(ProfileSet.of(ps), "w", "t", 5, LatencyMetric.TTFT);
        List<Dominance> strict = r.dominatingLarger("M-13B", 0);
        assertThat(strict).hasSize(1);
        Dominance d = strict.get(0);
        assertThat(d.candidate().profile().key().method()).isEqualTo("W4A8");
        assertThat(d.latencyMargin()).isCloseTo(0.10, within(1e-12));
        assertThat(d.energyMargin()).isCloseTo(0.10, within(1e-12));
        assertThat(d.qualityMargin()).isCloseTo(6, within(1e-12));
        assertThat(r.dominatingLarger("M-13B", 0.05)).extracting(x -> x.candidate().profile().key().label())
                .containsExactly("M-34B W4A8 H100 TP1 w", "M-34B W8A8 H100 TP1 w");
    }

    @Test
    void configurationsThatCannotCarryTheLoadAreExcluded() {
        ConfigProfile small = new ConfigProfile(new ProfileKey("M-70B", "FP16", "H100", 1, "w"), 3,
                List.of(new LoadPoint(1, 10, 20, 1, 100), new LoadPoint(3, 10, 20, 1, 300)), Map.of("t", 90.0), false);
        TradeoffAnalysis.Result r = TradeoffAnalysis.at(ProfileSet.of(List.of(small, prof("M-13B", "FP16", 100, 0.5, 60))),
                "w", "t", 5, LatencyMetric.TPOT);
        assertThat(r.points()).hasSize(1);
        assertThat(r.excluded()).singleElement().asString().contains("below the load");
    }

    record Item(String n, double a, double b, double c) {
    }

    @Test
    void theGenericFrontJudgesEveryObjectiveLeavesOutNanAndKeepsEqualItems() {
        // minimize a, maximize b, minimize c:
        // P (1, 5, 3)  Q (2, 6, 1)  R (2, 4, 3) dominated by P  S (1, 5, 3) equal to P: both kept
        // T (0, NaN, 0) left out  U (3, 6, 1) dominated by Q
        List<Item> items = List.of(new Item("P", 1, 5, 3), new Item("Q", 2, 6, 1), new Item("R", 2, 4, 3),
                new Item("S", 1, 5, 3), new Item("T", 0, Double.NaN, 0), new Item("U", 3, 6, 1));
        List<Item> front = ParetoFront.of(items, List.of(ParetoFront.Objective.minimize(Item::a),
                ParetoFront.Objective.maximize(Item::b), ParetoFront.Objective.minimize(Item::c)));
        assertThat(front).extracting(Item::n).containsExactly("P", "S", "Q");
        // only the objectives asked for count: on c alone T (c 0) is valid and beats all
        assertThat(ParetoFront.of(items, List.of(ParetoFront.Objective.<Item>minimize(Item::c))))
                .extracting(Item::n).containsExactly("T");
        // on b maximized alone Q and U tie at 6 and both stay, in their order
        assertThat(ParetoFront.of(items, List.of(ParetoFront.Objective.<Item>maximize(Item::b))))
                .extracting(Item::n).containsExactly("Q", "U");
        assertThatThrownBy(() -> ParetoFront.of(items, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one objective");
    }
}
