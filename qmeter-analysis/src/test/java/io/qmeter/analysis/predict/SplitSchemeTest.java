package io.qmeter.analysis.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class SplitSchemeTest {

    static final List<SaturationPoint> POINTS = Points.grid(0.05, 1L);
    static final Predicate<SaturationPoint> SYNTHETIC = p -> p.workload().startsWith("synthetic");

    @Test
    void randomSplitsPartitionThePointsBySeed() {
        List<SplitScheme.Split> a = SplitScheme.random(0.8, 5L).splits(POINTS);
        assertThat(a).hasSize(1);
        SplitScheme.Split s = a.get(0);
        assertThat(s.train().size()).isEqualTo(Math.round(0.8 * POINTS.size()));
        assertThat(s.train().size() + s.test().size()).isEqualTo(POINTS.size());
        Set<SaturationPoint> train = new HashSet<>(s.train());
        assertThat(s.test()).noneMatch(train::contains);
        assertThat(SplitScheme.random(0.8, 5L).splits(POINTS).get(0).test()).isEqualTo(s.test());
        assertThat(SplitScheme.random(0.8, 6L).splits(POINTS).get(0).test()).isNotEqualTo(s.test());
        assertThat(SplitScheme.random(0.9, 5L).name()).isEqualTo("random 9:1");
        assertThat(SplitScheme.random(0.9, 5L).splits(POINTS).get(0).test()).hasSize(
                POINTS.size() - (int) Math.round(0.9 * POINTS.size()));
    }

    @Test
    void heldOutInputLengthsAreReallyAbsentFromTraining() {
        List<SplitScheme.Split> folds = SplitScheme.heldOutInputLengths(SYNTHETIC).splits(POINTS);
        assertThat(folds).extracting(SplitScheme.Split::label)
                .containsExactly("input 128 unseen", "input 256 unseen", "input 512 unseen", "input 1024 unseen");
        for (SplitScheme.Split f : folds) {
            double held = f.test().get(0).inputTokens();
            assertThat(f.test()).allMatch(p -> p.inputTokens() == held).allMatch(SYNTHETIC);
            assertThat(f.train()).noneMatch(p -> p.inputTokens() == held);
            // 7 methods × 4 output lengths
            assertThat(f.test()).hasSize(28);
            assertThat(f.train()).hasSize(POINTS.size() - 28);
        }
    }

    @Test
    void heldOutOutputLengthsAreReallyAbsentFromTraining() {
        List<SplitScheme.Split> folds = SplitScheme.heldOutOutputLengths(SYNTHETIC).splits(POINTS);
        assertThat(folds).hasSize(4);
        for (SplitScheme.Split f : folds) {
            double held = f.test().get(0).outputTokens();
            assertThat(f.test()).allMatch(p -> p.outputTokens() == held);
            assertThat(f.train()).noneMatch(p -> p.outputTokens() == held);
        }
    }

    @Test
    void crossGpuTestsOneGpusWorkloadAndTrainsOnTheRest() {
        SplitScheme.Split s = SplitScheme.crossGpu("A100", "sharegpt").splits(POINTS).get(0);
        assertThat(s.test()).isNotEmpty().allMatch(p -> p.gpu().equals("A100") && p.workload().equals("sharegpt"));
        assertThat(s.train()).noneMatch(p -> p.gpu().equals("A100") && p.workload().equals("sharegpt"));
        assertThat(s.train()).anyMatch(p -> p.gpu().equals("A100"));
        assertThat(s.train().size() + s.test().size()).isEqualTo(POINTS.size());
    }

    @Test
    void aSchemeWithNothingToHoldOutSaysSo() {
        assertThatThrownBy(() -> SplitScheme.crossGpu("L40S", "sharegpt").splits(POINTS))
                .hasMessageContaining("lacks the points");
        assertThatThrownBy(() -> SplitScheme.heldOutInputLengths(p -> false).splits(POINTS))
                .hasMessageContaining("at least 2 distinct input lengths");
        assertThatThrownBy(() -> SplitScheme.random(1.0, 1L)).hasMessageContaining("(0, 1)");
    }
}
