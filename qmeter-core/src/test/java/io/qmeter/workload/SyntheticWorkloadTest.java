package io.qmeter.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.junit.jupiter.api.Test;

class SyntheticWorkloadTest {

    private static List<PromptSpec> take(Workload w, long seed, int n) {
        Iterator<PromptSpec> it = w.prompts(seed);
        List<PromptSpec> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void fixedLengthsAreExactTokenIdPrompts() {
        for (PromptSpec p : take(SyntheticWorkload.fixed(331, 231), 42, 50)) {
            assertThat(p.isTokens()).isTrue();
            assertThat(p.tokenIds()).hasSize(331);
            assertThat(p.inputTokens()).isEqualTo(331);
            assertThat(p.outputTokens()).isEqualTo(231);
            assertThat(java.util.Arrays.stream(p.tokenIds()).min().getAsInt()).isGreaterThanOrEqualTo(1000);
            assertThat(java.util.Arrays.stream(p.tokenIds()).max().getAsInt()).isLessThan(30_000);
        }
    }

    @Test
    void sameSeedSamePromptsOtherSeedOther() {
        SyntheticWorkload w = SyntheticWorkload.of(LengthDistribution.uniform(10, 100),
                LengthDistribution.normal(50, 10));
        assertThat(take(w, 7, 30)).isEqualTo(take(w, 7, 30));
        assertThat(take(w, 7, 30)).isNotEqualTo(take(w, 8, 30));
    }

    @Test
    void tokenIdsStayInTheChosenRange() {
        SyntheticWorkload w = SyntheticWorkload.fixed(500, 1).withTokenIds(5, 8);
        for (PromptSpec p : take(w, 1, 10)) {
            assertThat(p.tokenIds()).containsOnly(5, 6, 7);
        }
        assertThatThrownBy(() -> SyntheticWorkload.fixed(1, 1).withTokenIds(10, 10))
                .hasMessage("maxTokenIdExclusive must be > minTokenId (10), was 10");
    }

    @Test
    void distributionsHaveTheirMomentsAndBounds() {
        SplittableRandom rng = new SplittableRandom(3);
        SummaryStatistics uniform = new SummaryStatistics();
        SummaryStatistics normal = new SummaryStatistics();
        SummaryStatistics lognormal = new SummaryStatistics();
        for (int i = 0; i < 50_000; i++) {
            uniform.addValue(LengthDistribution.uniform(10, 20).sample(rng));
            normal.addValue(LengthDistribution.normal(200, 20).sample(rng));
            lognormal.addValue(LengthDistribution.lognormal(300, 150).sample(rng));
        }
        assertThat(uniform.getMin()).isEqualTo(10);
        assertThat(uniform.getMax()).isEqualTo(20);
        assertThat(uniform.getMean()).isCloseTo(15, within(0.1));
        assertThat(normal.getMean()).isCloseTo(200, within(1.0));
        assertThat(normal.getStandardDeviation()).isCloseTo(20, within(0.5));
        assertThat(lognormal.getMean()).isCloseTo(300, within(3.0));
        assertThat(lognormal.getStandardDeviation()).isCloseTo(150, within(5.0));
        assertThat(lognormal.getMin()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void sharegptLikeLengthsCentreOnTheRequestedMeans() {
        SummaryStatistics in = new SummaryStatistics();
        SummaryStatistics out = new SummaryStatistics();
        for (PromptSpec p : take(SyntheticWorkload.sharegptLike(331, 231), 11, 20_000)) {
            in.addValue(p.inputTokens());
            out.addValue(p.outputTokens());
            assertThat(p.tokenIds()).hasSize(p.inputTokens());
        }
        assertThat(in.getMean()).isCloseTo(331, within(331 * 0.03));
        assertThat(out.getMean()).isCloseTo(231, within(231 * 0.03));
        assertThat(in.getStandardDeviation()).as("heavy-tailed, not fixed").isGreaterThan(150);
        assertThat(in.getMin()).isGreaterThanOrEqualTo(4);
        assertThat(in.getMax()).isLessThanOrEqualTo(1024);
        assertThat(out.getMax()).isLessThanOrEqualTo(1024);
    }

    @Test
    void clampedLognormalMeanMatchesTheClosedForm() {
        LengthDistribution d = LengthDistribution.lognormalWithClampedMean(331, 1.0, 4, 1024);
        assertThat(LengthDistribution.clampedLognormalMean(d.a(), d.b(), 4, 1024)).isCloseTo(331, within(1e-6));
        assertThat(d.a()).as("the unclamped mean is above the target").isGreaterThan(331);
    }

    @Test
    void invalidLengthsNameTheValue() {
        assertThatThrownBy(() -> LengthDistribution.fixed(0)).hasMessage("length must be >= 1, was 0");
        assertThatThrownBy(() -> LengthDistribution.uniform(20, 10))
                .hasMessage("uniform lengths need 1 <= low <= high, were [20, 10]");
        assertThatThrownBy(() -> LengthDistribution.normal(-3, 1)).hasMessage("mean length must be > 0, was -3.0");
    }
}
