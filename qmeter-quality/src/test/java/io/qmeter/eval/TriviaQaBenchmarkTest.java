package io.qmeter.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.eval.data.DatasetException;
import io.qmeter.eval.data.TriviaQaItem;
import io.qmeter.eval.data.TriviaQaLoader;
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

class TriviaQaBenchmarkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Two items in the Hugging Face export's layout (trimmed), one in the simple layout. */
    private static Path fixture(Path dir) throws IOException {
        Path f = dir.resolve("tqa.jsonl");
        Files.writeString(f, ""
                + "{\"question\":\"Which Lloyd Webber musical premiered in the US on 10th December 1993\","
                + "\"question_id\":\"tc_33\",\"question_source\":\"http://www.triviacountry.com/\",\"entity_pages\":{},"
                + "\"search_results\":{},\"answer\":{\"aliases\":[\"Sunset Blvd\",\"Sunset Boulevard\"],"
                + "\"normalized_aliases\":[\"sunset blvd\",\"sunset boulevard\"],\"value\":\"Sunset Boulevard\","
                + "\"normalized_value\":\"sunset boulevard\",\"type\":\"WikipediaEntity\"}}\n"
                + "{\"question\":\"Who was the man behind The Chipmunks\",\"question_id\":\"tc_40\","
                + "\"answer\":{\"aliases\":[\"David Seville\"],\"value\":\"David Seville\"}}\n"
                + "{\"question\":\"Capital of France\",\"answers\":[\"Paris\"]}\n");
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
    void loadsBothLayouts(@TempDir Path dir) throws IOException {
        List<TriviaQaItem> items = TriviaQaLoader.load(fixture(dir));
        assertThat(items.get(0).id()).isEqualTo("tc_33");
        assertThat(items.get(0).aliases()).containsExactly("Sunset Boulevard", "Sunset Blvd");
        assertThat(items.get(2).id()).isEqualTo("tqa.jsonl/2");
        assertThat(items.get(2).aliases()).containsExactly("Paris");
        assertThat(TriviaQaBenchmark.prompt(items.get(2))).isEqualTo("Question: Capital of France?\nAnswer:");
    }

    @Test
    void missingAnswersAreNamed(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "{\"question\":\"q\",\"answer\":{\"aliases\":[]}}\n");
        assertThatThrownBy(() -> TriviaQaLoader.load(f)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("item 0").hasMessageContaining("no accepted answer");
        Files.writeString(f, "{\"question\":\"q\",\"reply\":\"x\"}\n");
        assertThatThrownBy(() -> TriviaQaLoader.load(f)).hasMessageContaining("no field 'answer'");
    }

    @Test
    void aliasesMatchAfterSquadNormalisationAndTheStopCutsTheRest(@TempDir Path dir) throws IOException {
        Path f = fixture(dir);
        try (ScriptedEngine server = engine(p -> p.contains("Webber") ? " the SUNSET BLVD, a musical"
                : p.contains("Chipmunks") ? " Alvin\nDavid Seville" : " Paris.")) {
            QualityScore s = new TriviaQaBenchmark(f).run(server.start(), QualityOptions.defaults());
            assertThat(s.n()).isEqualTo(3);
            assertThat(s.items()).extracting(i -> i.score()).containsExactly(1.0, 0.0, 1.0);
            assertThat(s.items().get(0).response()).isEqualTo(" the SUNSET BLVD");
            assertThat(s.items().get(1).verdict()).isEqualTo("wrong: 'alvin' is not among 1 aliases");
            assertThat(s.value()).isCloseTo(200.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        }
    }
}
