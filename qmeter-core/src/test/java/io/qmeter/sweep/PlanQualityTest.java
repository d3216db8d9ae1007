package io.qmeter.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.qmeter.quality.QualityOptions;
import io.qmeter.store.RunKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanQualityTest {

    private static final String BASE = """
            {"schemaVersion": 1, "id": "q",
             "configurations": [{"engine": "sim", "model": "llama-2-13b", "quantization": "fp16", "gpu": "H100"},
                                {"engine": "sim", "model": "llama-2-13b", "quantization": "W4A16-INT", "gpu": "H100"}],
             "workload": {"kind": "synthetic", "inputTokens": 100, "outputTokens": 10},
             "slo": {"targets": [{"metric": "ttft", "percentile": 90, "max": "1s"}]},
             "runLength": {"requests": 10},
             %s}
            """;

    @Test
    void aQualityStepIsReadWithItsOptionsAndExpandsToOneKeyPerConfiguration() {
        Plan p = Plan.fromJson(BASE.formatted("""
                "rates": {"absolute": [2]},
                "quality": [{"benchmark": "GSM8K", "dataset": "data/gsm8k.jsonl", "maxItems": 50, "fewShot": 0,
                             "seed": 7, "concurrency": 8, "maxTokens": 256, "requestTimeout": "30s"}]"""));
        assertThat(p.quality()).hasSize(1);
        QualityStep q = p.quality().get(0);
        assertThat(q.benchmark()).isEqualTo("gsm8k");
        assertThat(q.label()).isEqualTo("quality.gsm8k");
        assertThat(q.options()).isEqualTo(QualityOptions.defaults().withDataset(Path.of("data/gsm8k.jsonl"))
                .withMaxItems(50).withFewShot(0).withSeed(7).withConcurrency(8).withMaxTokens(256)
                .withRequestTimeout(Duration.ofSeconds(30)));
        List<QualityPoint> qp = p.qualityPoints();
        assertThat(qp).extracting(QualityPoint::key).containsExactly(
                new RunKey("q", p.configurations().get(0).id(), "quality.gsm8k", 0),
                new RunKey("q", p.configurations().get(1).id(), "quality.gsm8k", 0));
        assertThat(p.points()).hasSize(2).as("the quality step adds no load point");
        assertThat(Plan.fromJson(p.toJson())).isEqualTo(p);
    }

    @Test
    void aPlanMayScoreQualityOnlyWithoutRates() {
        Plan p = Plan.fromJson(BASE.formatted("""
                "quality": [{"benchmark": "gsm8k"}, {"benchmark": "gsm8k", "label": "gsm8k-5shot", "fewShot": 5}]"""));
        assertThat(p.rates()).isEmpty();
        assertThat(p.points()).isEmpty();
        assertThat(p.qualityPoints()).hasSize(4);
        assertThat(p.toJson()).doesNotContain("\"rates\"");
        assertThat(Plan.fromJson(p.toJson())).isEqualTo(p);
    }

    @Test
    void badQualityStepsAreListedWithTheirPaths() {
        PlanException e = catchThrowableOfType(() -> Plan.fromJson(BASE.formatted("""
                "rates": {"absolute": [2]},
                "quality": [{"dataset": "x"}, {"benchmark": "gsm8k", "maxItems": -1, "concurrency": 0, "colour": 1},
                            {"benchmark": "a", "label": "bad label"}]""")),
                PlanException.class);
        assertThat(e.problems()).anyMatch(s -> s.startsWith("$.quality[0].benchmark: required"))
                .anyMatch(s -> s.startsWith("$.quality[1].maxItems: expected an integer >= 0"))
                .anyMatch(s -> s.startsWith("$.quality[1].concurrency: expected an integer >= 1"))
                .anyMatch(s -> s.startsWith("$.quality[1].colour: unknown field"))
                .anyMatch(s -> s.startsWith("$.quality[2]: label: expected 1 to 200"));
    }

    @Test
    void aStepLabelMayNotRepeatARateLabelOrAnotherStep() {
        String rate = RatePoint.absolute(2).label();
        PlanException e = catchThrowableOfType(() -> Plan.fromJson(BASE.formatted("""
                "rates": {"absolute": [2]},
                "quality": [{"benchmark": "gsm8k", "label": "%s"}, {"benchmark": "x"}, {"benchmark": "x"}]"""
                .formatted(rate))), PlanException.class);
        assertThat(e.problems()).anyMatch(s -> s.contains("quality[0].label") && s.contains("\"" + rate + "\""))
                .anyMatch(s -> s.contains("quality[2].label") && s.contains("\"quality.x\""));
    }

    @Test
    void withoutRatesOrQualityAPlanIsRefused() {
        PlanException e = catchThrowableOfType(() -> PlanTest.plan().withRates(List.of()), PlanException.class);
        assertThat(e.problems()).anyMatch(s -> s.contains("rates: expected at least one rate (or a quality step)"));
    }
}
