package io.qmeter.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.qmeter.quality.ItemResult;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import io.qmeter.store.RunKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanQualityUnderLoadTest {

    private static final String BASE = """
            {"schemaVersion": 1, "id": "q",
             "configurations": [{"engine": "sim", "model": "llama-2-13b", "quantization": "fp16", "gpu": "H100"}],
             "workload": {"kind": "synthetic", "inputTokens": 100, "outputTokens": 10},
             "slo": {"targets": [{"metric": "ttft", "percentile": 90, "max": "1s"}]},
             "runLength": {"requests": 10},
             %s}
            """;

    @Test
    void backgroundRatesExpandToKeysBesideTheIdleScoreAndSurviveARoundTrip() {
        Plan p = Plan.fromJson(BASE.formatted("""
                "rates": {"fractionOfSaturation": [1.0]},
                "quality": [{"benchmark": "gsm8k", "maxItems": 50, "underLoad": [0.5, 0.8], "underLoadRps": [2.0]}]"""));
        QualityStep q = p.quality().get(0);
        assertThat(q.underLoad()).as("absolute first, then fractions").containsExactly(RatePoint.absolute(2),
                RatePoint.fractionOfSaturation(0.5), RatePoint.fractionOfSaturation(0.8));
        String cid = p.configurations().get(0).id();
        assertThat(p.qualityPoints()).extracting(QualityPoint::key).containsExactly(
                new RunKey("q", cid, "quality.gsm8k", 0),
                new RunKey("q", cid, "quality.gsm8k-under-2rps", 0),
                new RunKey("q", cid, "quality.gsm8k-under-0.5sat", 0),
                new RunKey("q", cid, "quality.gsm8k-under-0.8sat", 0));
        assertThat(p.qualityPoints()).extracting(QualityPoint::background).containsExactly(Optional.empty(),
                Optional.of(RatePoint.absolute(2)), Optional.of(RatePoint.fractionOfSaturation(0.5)),
                Optional.of(RatePoint.fractionOfSaturation(0.8)));
        assertThat(p.qualityPoints()).allSatisfy(qp -> assertThat(qp.idleKey())
                .isEqualTo(new RunKey("q", cid, "quality.gsm8k", 0)));
        assertThat(Plan.fromJson(p.toJson())).isEqualTo(p);
    }

    @Test
    void absoluteBackgroundRatesNeedNoSearch() {
        Plan p = Plan.fromJson(BASE.formatted("""
                "quality": [{"benchmark": "gsm8k", "underLoadRps": [2.5]}]"""));
        assertThat(p.needsSaturationSearch()).isFalse();
        assertThat(p.qualityPoints()).extracting(qp -> qp.key().rateLabel())
                .containsExactly("quality.gsm8k", "quality.gsm8k-under-2.5rps");
    }

    @Test
    void aFractionWithoutTheSaturationSearchIsRefusedNamingTheField() {
        PlanException e = catchThrowableOfType(() -> Plan.fromJson(BASE.formatted("""
                "rates": {"absolute": [2]},
                "quality": [{"benchmark": "gsm8k"}, {"benchmark": "triviaqa", "underLoad": [0.5]}]""")),
                PlanException.class);
        assertThat(e.problems()).singleElement().satisfies(s -> assertThat(s)
                .startsWith("$.quality[1].underLoad: a fraction of saturation needs the plan's saturation search")
                .contains("fractionOfSaturation").contains("underLoadRps").contains("0.5sat"));
        // the same through the Java builder
        assertThatThrownBy(() -> Plan.fromJson(BASE.formatted("\"rates\": {\"absolute\": [2]}")).withQuality(List.of(
                QualityStep.of("gsm8k", QualityOptions.defaults()).withUnderLoad(
                        List.of(RatePoint.fractionOfSaturation(0.5))))))
                .isInstanceOf(PlanException.class).hasMessageContaining("quality[0].underLoad: a fraction");
    }

    @Test
    void badBackgroundRatesAreListedWithTheirPaths() {
        PlanException e = catchThrowableOfType(() -> Plan.fromJson(BASE.formatted("""
                "rates": {"fractionOfSaturation": [1]},
                "quality": [{"benchmark": "gsm8k", "underLoad": [0, 5, "x"], "underLoadRps": [-1]},
                            {"benchmark": "humaneval", "underLoad": 0.5},
                            {"benchmark": "triviaqa", "underLoad": [0.5, 0.50]}]""")), PlanException.class);
        assertThat(e.problems())
                .anyMatch(s -> s.startsWith("$.quality[0].underLoad[0]: expected a fraction of the saturation point in (0, 4]"))
                .anyMatch(s -> s.startsWith("$.quality[0].underLoad[1]: expected a fraction") && s.endsWith("was 5"))
                .anyMatch(s -> s.startsWith("$.quality[0].underLoad[2]: expected a fraction"))
                .anyMatch(s -> s.startsWith("$.quality[0].underLoadRps[0]: expected a background rate > 0"))
                .anyMatch(s -> s.startsWith("$.quality[1].underLoad: expected a list"))
                .anyMatch(s -> s.startsWith("$.quality[2]: underLoad: expected distinct background rates, was 0.5sat twice"));
    }

    @Test
    void aLoadedKeyMayNotRepeatAnotherStepsLabel() {
        PlanException e = catchThrowableOfType(() -> Plan.fromJson(BASE.formatted("""
                "quality": [{"benchmark": "gsm8k", "underLoadRps": [2]},
                            {"benchmark": "gsm8k", "label": "quality.gsm8k-under-2rps"}]""")), PlanException.class);
        assertThat(e.problems()).anyMatch(s -> s.startsWith("$.quality[1].label")
                && s.contains("\"quality.gsm8k-under-2rps\""));
    }

    private static QualityScore score(String... responses) {
        List<ItemResult> items = new ArrayList<>();
        for (int i = 0; i < responses.length; i++) {
            items.add(new ItemResult("t/" + i, "q" + i, responses[i], 0, "wrong", Map.of(), null));
        }
        return QualityScore.fromItems("t", "acc", items, Map.of(), 1, false);
    }

    @Test
    void differingAnswersAreCountedOverTheItemsBothScoresHave() {
        int[] compared = new int[1];
        assertThat(QualityRun.differing(score("a", "b", "c"), score("a", "x", "c", "d"), compared))
                .containsExactly("t/1");
        assertThat(compared[0]).isEqualTo(3);
        assertThat(QualityRun.differing(score("a", "b"), score("a", "b"), compared)).isEmpty();
        assertThat(compared[0]).isEqualTo(2);
    }
}
