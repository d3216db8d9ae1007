package io.qmeter.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.eval.data.DatasetException;
import io.qmeter.eval.data.SummaryItem;
import io.qmeter.eval.data.SummaryLoader;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import io.qmeter.testkit.RecordedRequest;
import io.qmeter.testkit.Script;
import io.qmeter.testkit.ScriptedEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummarizationBenchmarkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A NewsQA-style item and a CNN/DailyMail-style item, in their real field layouts. */
    private static Path fixture(Path dir) throws IOException {
        Path f = dir.resolve("mixed.jsonl");
        Files.writeString(f,
                "{\"id\":\"nqa-1\",\"story\":\"The home team won the final 2-1 on Sunday.\",\"question\":\"Who won?\","
                        + "\"answer\":\"The home team won the final\"}\n"
                        + "{\"article\":\"A long article.\",\"highlights\":[\"Line one .\",\"Line two .\"]}\n");
        return f;
    }

    private static ScriptedEngine engine(Function<String, String> answerForPrompt) {
        return ScriptedEngine.builder().dispatcher((RecordedRequest r) -> {
            try {
                String prompt = JSON.readTree(r.body()).path("prompt").asText();
                return Script.builder().status(200, JSON.writeValueAsString(Map.of("id", "c", "object", "text_completion",
                        "choices", List.of(Map.of("index", 0, "text", answerForPrompt.apply(prompt),
                                "finish_reason", "stop"))))).build();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).build();
    }

    @Test
    void loaderReadsBothLayouts(@TempDir Path dir) throws IOException {
        List<SummaryItem> items = SummaryLoader.load(fixture(dir));
        assertThat(items.get(0)).isEqualTo(new SummaryItem("nqa-1", "The home team won the final 2-1 on Sunday.",
                "Who won?", "The home team won the final"));
        assertThat(items.get(1).id()).isEqualTo("mixed.jsonl/1");
        assertThat(items.get(1).question()).isNull();
        assertThat(items.get(1).reference()).isEqualTo("Line one .\nLine two .");
        assertThat(SummarizationBenchmark.prompt(items.get(0)))
                .isEqualTo("The home team won the final 2-1 on Sunday.\n\nQuestion: Who won?\nAnswer:");
        assertThat(SummarizationBenchmark.prompt(items.get(1))).isEqualTo("Article: A long article.\n\nSummary:");
    }

    @Test
    void loaderNamesTheMissingField(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "{\"story\":\"s\",\"answer\":\"a\"}\n{\"story\":\"s\",\"reply\":\"a\"}\n");
        assertThatThrownBy(() -> SummaryLoader.load(f)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("item 1").hasMessageContaining("line 2")
                .hasMessageContaining("[answer, summary, highlights]").hasMessageContaining("reply");
    }

    @Test
    void referenceAnswersScoreOneHundredAndPartialOnesByHand(@TempDir Path dir) throws IOException {
        Path f = fixture(dir);
        try (ScriptedEngine exact = engine(p -> p.contains("Who won?") ? " The home team won the final"
                : " Line one .\nLine two .")) {
            QualityScore s = new SummarizationBenchmark(f).run(exact.start(), QualityOptions.defaults());
            assertThat(s.value()).isCloseTo(100.0, within(1e-9));
            assertThat(s.secondary()).containsEntry("rouge1", 100.0).containsEntry("rougeLsum", 100.0);
            assertThat(s.metric()).isEqualTo("rougeL");
        }
        try (ScriptedEngine partial = engine(p -> p.contains("Who won?") ? " the home team" : "")) {
            QualityScore s = new SummarizationBenchmark(f).run(partial.start(), QualityOptions.defaults());
            // item 0: ref the home team won the final (6), answer the home team (3): LCS 3, P 1, R 1/2, F 2/3
            assertThat(s.items().get(0).score()).isCloseTo(2.0 / 3, within(1e-12));
            assertThat(s.items().get(1).score()).isZero();
            assertThat(s.value()).isCloseTo(100.0 / 3, within(1e-9));
            // rouge2: bigrams the-home, home-team of 2 answer and 5 reference bigrams: P 1, R 2/5, F 4/7
            assertThat(s.items().get(0).metrics().get("rouge2")).isCloseTo(4.0 / 7, within(1e-12));
        }
    }
}
