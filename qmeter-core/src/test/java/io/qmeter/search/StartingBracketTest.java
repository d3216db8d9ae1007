package io.qmeter.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StartingBracketTest {

    static final SloPredicate VERDICT = res -> res.verdict() == Decision.PASS ? Judgement.pass("ok")
            : Judgement.fail("slow");

    static Probe threshold(double truth) {
        return req -> ProbeResult.ofVerdict(req.ratePerSecond() <= truth ? Decision.PASS : Decision.FAIL);
    }

    static List<Double> rates(SearchResult r) {
        return r.probes().stream().map(ProbeOutcome::ratePerSecond).collect(Collectors.toList());
    }

    @Test
    void aRightBracketConvergesToFivePercentInThreeProbes() {
        // truth inside [10, 12.1]: probe at 11 (passes), then 12.1 (fails), then one bisection
        SearchResult r = SaturationSearch.builder().judge(VERDICT).startingBracket(10, 12.1).build()
                .run(threshold(11.5));
        assertThat(r.converged()).isTrue();
        assertThat(r.probeCount()).isEqualTo(3);
        assertThat(rates(r).get(0)).isCloseTo(11.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(rates(r).get(1)).isCloseTo(12.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.highestPassingRate()).isLessThanOrEqualTo(11.5);
        assertThat(r.lowestFailingRate()).isGreaterThan(11.5);
    }

    @Test
    void aFailingMiddleStepsDownToTheLowEdge() {
        SearchResult r = SaturationSearch.builder().judge(VERDICT).startingBracket(10, 12.1).build()
                .run(threshold(10.5));
        assertThat(rates(r).get(1)).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.converged()).isTrue();
        assertThat(r.highestPassingRate()).isLessThanOrEqualTo(10.5);
        assertThat(r.lowestFailingRate()).isGreaterThan(10.5);
    }

    @Test
    void aBadlyWrongBracketStillFindsThePointByGrowingPastItsEdge() {
        for (double truth : new double[] {0.7, 3, 95, 400}) {
            SearchResult r = SaturationSearch.builder().judge(VERDICT).startingBracket(10, 12.1).maxProbes(30).build()
                    .run(threshold(truth));
            assertThat(r.converged()).as("truth %s", truth).isTrue();
            assertThat(r.highestPassingRate()).isLessThanOrEqualTo(truth);
            assertThat(r.lowestFailingRate()).isGreaterThan(truth);
            assertThat(r.relativeWidth()).isLessThanOrEqualTo(0.05);
        }
        // past the edge the growth factor applies: 11 -> 12.1 -> 24.2 -> 48.4 -> 96.8
        SearchResult far = SaturationSearch.builder().judge(VERDICT).startingBracket(10, 12.1).maxProbes(30).build()
                .run(threshold(95));
        assertThat(rates(far).subList(0, 5)).usingElementComparator((a, b) -> Math.abs(a - b) < 1e-9 ? 0 : Double.compare(a, b)).containsExactly(11.0, 12.1, 24.2, 48.4,
                96.8);
    }

    @Test
    void initialRateReplacesABracketAndTheOldConstructorHasNone() {
        SaturationSearch.Spec s = SaturationSearch.builder().judge(VERDICT).startingBracket(4, 9).initialRate(2).spec();
        assertThat(s.initialRate()).isEqualTo(2);
        assertThat(s.firstStepFactor()).isNaN();
        SaturationSearch.Spec b = SaturationSearch.builder().judge(VERDICT).startingBracket(4, 9).spec();
        assertThat(b.initialRate()).isEqualTo(6);
        assertThat(b.firstStepFactor()).isEqualTo(1.5);
        assertThat(b.withTolerance(0.02).firstStepFactor()).isEqualTo(1.5);
        assertThatThrownBy(() -> SaturationSearch.builder().judge(VERDICT).startingBracket(9, 4))
                .hasMessageContaining("startingBracket high must be > low");
        assertThatThrownBy(() -> SaturationSearch.builder().judge(VERDICT).startingBracket(0, 4))
                .hasMessageContaining("startingBracket low");
    }
}
