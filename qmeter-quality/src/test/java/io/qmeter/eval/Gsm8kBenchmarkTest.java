package io.qmeter.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.eval.data.Gsm8kLoader;
import io.qmeter.eval.data.Gsm8kProblem;
import io.qmeter.quality.ItemResult;
import io.qmeter.quality.QualityException;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import io.qmeter.testkit.RecordedRequest;
import io.qmeter.testkit.Script;
import io.qmeter.testkit.ScriptedEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class Gsm8kBenchmarkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path data;
    private static Map<String, Gsm8kProblem> byQuestion;

    @BeforeAll
    static void needsData() {
        assumeTrue(SharedData.file("gsm8k-test.jsonl").isPresent(), SharedData.missing("gsm8k-test.jsonl"));
        data = SharedData.file("gsm8k-test.jsonl").orElseThrow();
        byQuestion = new HashMap<>();
        Gsm8kLoader.load(data).forEach(p -> byQuestion.put(p.question(), p));
    }

    /** Answers the last question of the prompt with {@code answer(problem)}; null means HTTP 500. */
    private static ScriptedEngine engine(Function<Gsm8kProblem, String> answer) {
        return ScriptedEngine.builder().dispatcher((RecordedRequest r) -> {
            try {
                String prompt = JSON.readTree(r.body()).path("prompt").asText();
                String q = prompt.substring(prompt.lastIndexOf("Question: ") + 10, prompt.lastIndexOf("\nAnswer:"));
                String text = answer.apply(byQuestion.get(q));
                if (text == null) {
                    return Script.builder().status(500, "{\"error\":{\"message\":\"boom\"}}").build();
                }
                return Script.builder().status(200, JSON.writeValueAsString(Map.of("id", "c", "object",
                        "text_completion", "choices", List.of(Map.of("index", 0, "text", text, "finish_reason", "stop")))))
                        .build();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).build();
    }

    private static QualityOptions options() {
        return QualityOptions.defaults().withDataset(data).withMaxItems(20);
    }

    @Test
    void workedAnswersScoreFullOnBothFilters() {
        try (ScriptedEngine server = engine(p -> " " + p.answer() + "\n\nQuestion: a follow-up the stop cuts off #### 9")) {
            QualityScore s = new Gsm8kBenchmark().run(server.start(), options());
            assertThat(s.n()).isEqualTo(20);
            assertThat(s.value()).isEqualTo(100.0);
            assertThat(s.secondary()).containsEntry(Gsm8kBenchmark.FLEXIBLE, 100.0);
            assertThat(s.items().get(0).verdict()).isEqualTo("strict 18 = 18, flexible 18 = 18");
            assertThat(s.items().get(0).response()).doesNotContain("follow-up");
        }
    }

    @Test
    void plainNumbersPassOnlyTheFlexibleFilter() {
        try (ScriptedEngine server = engine(p -> " The answer is $" + p.finalAnswer() + ".")) {
            QualityScore s = new Gsm8kBenchmark().run(server.start(), options());
            assertThat(s.value()).isEqualTo(0.0);
            assertThat(s.secondary().get(Gsm8kBenchmark.FLEXIBLE)).isEqualTo(100.0);
            assertThat(s.items()).allSatisfy(i -> assertThat(i.metrics().get(Gsm8kBenchmark.FLEXIBLE)).isEqualTo(1.0));
        }
    }

    @Test
    void failedRequestsAreScoredZeroWithTheirErrorKept() {
        try (ScriptedEngine server = engine(p -> p.index() % 2 == 0 ? null : " #### " + p.finalAnswer())) {
            QualityScore s = new Gsm8kBenchmark().run(server.start(), options());
            assertThat(s.n()).isEqualTo(20);
            assertThat(s.value()).isEqualTo(50.0);
            ItemResult failed = s.items().get(0);
            assertThat(failed.verdict()).startsWith("request failed: HTTP_ERROR (HTTP 500)");
            assertThat(failed.error()).contains("boom");
            assertThat(failed.response()).isNull();
        }
    }

    @Test
    void promptIsLmEvalsFewShotFormatWithoutTheItemItself() {
        try (ScriptedEngine server = engine(p -> " #### 0")) {
            io.qmeter.engine.EngineHandle h = server.start();
            QualityScore s = new Gsm8kBenchmark().run(h, options().withMaxItems(3).withFewShot(5));
            for (ItemResult i : s.items()) {
                String prompt = i.request();
                assertThat(prompt.split("Question: ", -1)).hasSize(7);
                assertThat(prompt).endsWith("\nAnswer:").contains("\nAnswer: ").contains("\n\nQuestion: ");
                Gsm8kProblem p = byQuestion.get(prompt.substring(prompt.lastIndexOf("Question: ") + 10,
                        prompt.lastIndexOf("\nAnswer:")));
                assertThat(prompt.indexOf(p.question())).isEqualTo(prompt.lastIndexOf(p.question()));
            }
            QualityScore zero = new Gsm8kBenchmark().run(h, options().withMaxItems(1).withFewShot(0));
            assertThat(zero.items().get(0).request()).startsWith("Question: ").endsWith("\nAnswer:")
                    .doesNotContain("\n\n");
        }
    }

    @Test
    void noDataFileSaysHowToGiveOne() {
        assumeTrue(System.getenv("QMETER_GSM8K") == null, "QMETER_GSM8K is set");
        assertThatThrownBy(() -> new Gsm8kBenchmark().run(null, QualityOptions.defaults()))
                .isInstanceOf(QualityException.class).hasMessageContaining("withDataset");
    }

}
