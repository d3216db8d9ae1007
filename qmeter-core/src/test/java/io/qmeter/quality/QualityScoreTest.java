package io.qmeter.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QualityScoreTest {

    private static ItemResult item(String id, double score) {
        return new ItemResult(id, "prompt " + id, "answer " + id, score, score == 1 ? "correct" : "wrong",
                Map.of("other", score), score == 1 ? null : "mismatch");
    }

    @Test
    void meanAndSampleStandardErrorAsLmEvalComputesThem() {
        // scores 1,0,1,1: mean 0.75; var(ddof=1) = (3*0.0625 + 0.5625)/3 = 0.25; se = sqrt(0.25/4) = 0.25
        QualityScore s = QualityScore.fromItems("b", "acc",
                List.of(item("a", 1), item("b", 0), item("c", 1), item("d", 1)), Map.of(), 7L, false);
        assertThat(s.value()).isEqualTo(75.0);
        assertThat(s.standardError()).isCloseTo(25.0, within(1e-12));
        assertThat(s.n()).isEqualTo(4);
        assertThat(s.ciLow()).isBetween(0.0, 75.0);
        assertThat(s.ciHigh()).isBetween(75.0, 100.0);
        assertThat(s.failures()).extracting(ItemResult::id).containsExactly("b");
    }

    @Test
    void bootstrapIsSeededAndNarrowsWithMoreItems() {
        List<ItemResult> small = new ArrayList<>();
        List<ItemResult> large = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            small.add(item("s" + i, i % 2));
        }
        for (int i = 0; i < 2000; i++) {
            large.add(item("l" + i, i % 2));
        }
        QualityScore a = QualityScore.fromItems("b", "acc", small, Map.of(), 42L, false);
        QualityScore b = QualityScore.fromItems("b", "acc", small, Map.of(), 42L, false);
        QualityScore c = QualityScore.fromItems("b", "acc", large, Map.of(), 42L, false);
        assertThat(a.ciLow()).isEqualTo(b.ciLow());
        assertThat(a.ciHigh()).isEqualTo(b.ciHigh());
        assertThat(c.ciHigh() - c.ciLow()).isLessThan((a.ciHigh() - a.ciLow()) / 4);
        // the 95 % bootstrap interval of a mean is about ±1.96 standard errors
        assertThat(c.ciHigh() - c.ciLow()).isCloseTo(2 * 1.96 * c.standardError(), within(1.0));
    }

    @Test
    void oneItemHasNoStandardErrorAndNoneHasNoValue() {
        QualityScore one = QualityScore.fromItems("b", "acc", List.of(item("a", 1)), Map.of(), 1L, false);
        assertThat(one.standardError()).isNaN();
        assertThat(one.value()).isEqualTo(100.0);
        QualityScore none = QualityScore.fromItems("b", "acc", List.of(), Map.of(), 1L, false);
        assertThat(none.value()).isNaN();
        assertThat(none.ciLow()).isNaN();
    }

    @Test
    void jsonRoundTripKeepsEveryItemAndNaN(@TempDir Path dir) {
        QualityScore s = QualityScore.fromItems("humaneval", "pass@1",
                List.of(item("HumanEval/0", 1), item("HumanEval/1", 0)), Map.of("pass@10", 50.0), 99L, true);
        QualityScore back = QualityScore.fromJson(s.toJson());
        assertThat(back).isEqualTo(s);
        QualityScore one = QualityScore.fromItems("b", "acc", List.of(item("a", 0)), Map.of(), 1L, false);
        assertThat(QualityScore.fromJson(one.toJson()).standardError()).isNaN();
        Path f = dir.resolve("sub/score.json");
        s.write(f);
        assertThat(QualityScore.read(f)).isEqualTo(s);
        assertThat(s.toJson()).contains("\"simulated\" : true", "HumanEval/1", "\"seed\" : 99");
    }

    @Test
    void badJsonSaysWhatWasExpected() {
        assertThatThrownBy(() -> QualityScore.fromJson("[1,2]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected a QualityScore");
    }

    @Test
    void itemScoresOutsideZeroToOneAreRefusedNamingTheItem() {
        assertThatThrownBy(() -> item("x/3", 1.5)).hasMessageContaining("x/3").hasMessageContaining("1.5");
    }

    @Test
    void optionsValidateAndCopy() {
        QualityOptions o = QualityOptions.defaults().withMaxItems(10).withSamples(5).withConcurrency(2);
        assertThat(o.maxItems()).isEqualTo(10);
        assertThat(o.samples()).isEqualTo(5);
        assertThat(o.temperature()).isZero();
        assertThat(o.executionTimeout()).hasSeconds(3);
        assertThatThrownBy(() -> o.withConcurrency(0)).hasMessage("concurrency must be >= 1, was 0");
        assertThatThrownBy(() -> o.withSamples(0)).hasMessage("samples must be >= 1, was 0");
        assertThatThrownBy(() -> o.withTemperature(-1)).hasMessageContaining("temperature must be >= 0");
    }

    @Test
    void benchmarksAreDiscoveredByServiceLoaderAndFoundByName() {
        assertThat(QualityBenchmark.available()).extracting(QualityBenchmark::name).contains("Stub");
        assertThat(QualityBenchmark.find("stub")).isPresent();
        assertThat(QualityBenchmark.find("nope")).isEmpty();
        QualityScore s = QualityBenchmark.find("STUB").orElseThrow().run(null, QualityOptions.defaults());
        assertThat(s.simulated()).isTrue();
        assertThat(s.seed()).isEqualTo(1234L);
    }
}
