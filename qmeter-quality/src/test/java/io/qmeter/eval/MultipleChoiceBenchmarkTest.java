package io.qmeter.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmeter.engine.EngineHandle;
import io.qmeter.eval.data.MultipleChoiceItem;
import io.qmeter.quality.ItemResult;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import io.qmeter.testkit.ScriptedEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Log-likelihood multiple choice against a scripted engine that answers {@code echo} +
 * {@code logprobs} as vLLM does, with acc and acc_norm worked out by hand; and the refusals.
 */
class MultipleChoiceBenchmarkTest {

    /**
     * Continuation token log-probabilities; every other token -1.
     *
     * <pre>
     * item  choices (len)             ll            ll/len               gold  acc  acc_norm
     * sky   blue (4), green grass (11) -3.0, -4.2   -0.750, -0.382       1     0    1
     * rose  red (3), purple (6)        -2.0, -2.5   -0.667, -0.417       0     1    0
     * pet   cat (3), dog (3)           -1.5, -0.5   -0.500, -0.167       1     1    1
     * accent éé (2 code points, 4 bytes), abc (3)
     *                                  -1.0, -1.2   -0.500, -0.400       1     0    1
     *   (by bytes éé would be -0.25 and win: acc_norm divides by characters, as lm-eval's len(str))
     * acc = 2/4 = 50.0, acc_norm = 3/4 = 75.0
     * </pre>
     */
    private static final Map<String, Double> LOGPROBS = Map.of(" blue", -3.0, " green", -2.0, " grass", -2.2,
            " red", -2.0, " purple", -2.5, " cat", -1.5, " dog", -0.5, " éé", -1.0, " abc", -1.2);

    private static final List<MultipleChoiceItem> ITEMS = List.of(
            MultipleChoiceItem.ofChoices("sky", "", "Question: Sky?\nAnswer:", List.of("blue", "green grass"), 1, "Sky?"),
            MultipleChoiceItem.ofChoices("rose", "", "Question: Rose?\nAnswer:", List.of("red", "purple"), 0, "Rose?"),
            MultipleChoiceItem.ofChoices("pet", "", "Question: Pet?\nAnswer:", List.of("cat", "dog"), 1, "Pet?"),
            MultipleChoiceItem.ofChoices("accent", "", "Question: Which?\nAnswer:", List.of("éé", "abc"), 1, "Which?"));

    private static double logprob(String token) {
        return LOGPROBS.getOrDefault(token, -1.0);
    }

    @Test
    void accAndAccNormAsWorkedOutByHand() {
        List<JsonNode> seen = new ArrayList<>();
        try (ScriptedEngine server = EchoServers.vllm(MultipleChoiceBenchmarkTest::logprob, p -> "", seen)) {
            EngineHandle h = server.start();
            QualityScore s = MultipleChoiceBenchmark.of("toy", ITEMS).run(h, QualityOptions.defaults().withConcurrency(3));
            assertThat(s.metric()).isEqualTo("acc");
            assertThat(s.n()).isEqualTo(4);
            assertThat(s.value()).isEqualTo(50.0);
            assertThat(s.secondary()).containsEntry("acc_norm", 75.0);
            assertThat(s.items()).extracting(ItemResult::score).containsExactly(0.0, 1.0, 1.0, 0.0);
            assertThat(s.items()).extracting(i -> i.metrics().get("acc_norm")).containsExactly(1.0, 0.0, 1.0, 1.0);
            assertThat(s.items().get(0).response()).isEqualTo("loglikelihoods [-3.0, -4.2]");
            assertThat(s.items().get(0).verdict()).isEqualTo("pred 0, pred_norm 1, gold 1");
            // one probe + one request per choice, each vLLM's format
            assertThat(seen).hasSize(1 + 8);
            for (JsonNode b : seen) {
                assertThat(b.path("echo").asBoolean()).isTrue();
                assertThat(b.path("logprobs").asInt()).isEqualTo(1);
                assertThat(b.path("max_tokens").asInt()).isEqualTo(0);
                assertThat(b.path("temperature").asDouble()).isEqualTo(0.0);
            }
            assertThat(seen.get(0).path("prompt").asText()).isEqualTo(PromptLogprobs.PROBE_PROMPT);
            assertThat(seen.stream().map(b -> b.path("prompt").asText()))
                    .contains("Question: Sky?\nAnswer: green grass", "Question: Which?\nAnswer: éé");
        }
    }

    @Test
    void aContinuationSpanningSeveralTokensSumsThemAndLeavesTheContextOut() {
        try (ScriptedEngine server = EchoServers.vllm(MultipleChoiceBenchmarkTest::logprob, p -> "", new ArrayList<>())) {
            PromptLogprobs lp = PromptLogprobs.open(server.start(), java.time.Duration.ofSeconds(30));
            PromptLogprobs.LogLikelihood ll = lp.logLikelihood("Question: Sky?\nAnswer:", " green grass");
            assertThat(ll.logLikelihood()).isCloseTo(-4.2, within(1e-12));
            assertThat(ll.tokens()).isEqualTo(2);
            // trailing spaces of the context move to the continuation, as lm-eval does
            PromptLogprobs.LogLikelihood moved = lp.logLikelihood("Question: Sky?\nAnswer: ", "blue");
            assertThat(moved.logLikelihood()).isEqualTo(-3.0);
        }
    }

    @Test
    void theArcLoaderFeedsTheBenchmarkWithLmEvalsPrompt() {
        List<JsonNode> seen = new ArrayList<>();
        // " carbon dioxide" (2 tokens, -0.5 each) beats every other choice; " ice" too
        try (ScriptedEngine server = EchoServers.vllm(t -> t.equals(" carbon") || t.equals(" dioxide")
                || t.equals(" ice") ? -0.5 : -4.0, p -> "", seen)) {
            QualityScore s = MultipleChoiceBenchmark.arcChallenge(io.qmeter.eval.data.Fixtures.file("arc.jsonl"))
                    .run(server.start(), QualityOptions.defaults());
            assertThat(s.benchmark()).isEqualTo("arc_challenge");
            assertThat(s.value()).isEqualTo(100.0);
            assertThat(s.secondary()).containsEntry("acc_norm", 100.0);
            assertThat(seen.stream().map(b -> b.path("prompt").asText())).contains(
                    "Question: Which gas do plants take in for photosynthesis?\nAnswer: carbon dioxide");
        }
    }

    @Test
    void aBenchmarkWithoutItsFileSaysHowToGiveIt() {
        try (ScriptedEngine server = EchoServers.vllm(t -> -1.0, p -> "", new ArrayList<>())) {
            EngineHandle h = server.start();
            assertThatThrownBy(() -> MultipleChoiceBenchmark.hellaswag(null).run(h, QualityOptions.defaults()))
                    .hasMessageContaining("no hellaswag data file given")
                    .hasMessageContaining("QualityOptions.withDataset(path)");
        }
    }

    @Test
    void scoreBreaksTiesToTheFirstChoiceAsNumpyArgmax() {
        MultipleChoiceBenchmark.Scores s = MultipleChoiceBenchmark.score(new double[] {-2.0, -2.0, -3.0},
                List.of("ab", "ab", "abc"));
        assertThat(s.pred()).isZero();
        assertThat(s.predNorm()).isZero();
    }

    @Test
    void llamaCppRefusingEchoIsRefusedWithItsReasonAndTheFallbackNamed() {
        String llama = "{\"error\":{\"code\":500,\"message\":\"Unsupported param: echo\",\"type\":\"server_error\"}}";
        try (ScriptedEngine server = EchoServers.refusing(500, llama)) {
            EngineHandle h = server.start();
            assertThatThrownBy(() -> MultipleChoiceBenchmark.of("toy", ITEMS).run(h, QualityOptions.defaults()))
                    .isInstanceOf(PromptLogprobsUnsupportedException.class)
                    .hasMessageContaining("Unsupported param: echo")
                    .hasMessageContaining("cannot return the log-probabilities of prompt tokens")
                    .hasMessageContaining("Mode.GENERATE")
                    .satisfies(e -> assertThat(((PromptLogprobsUnsupportedException) e).reason())
                            .contains("HTTP 500"));
            assertThat(server.requestCount()).as("probed once, no item asked").isEqualTo(1);
        }
    }

    @Test
    void logprobsOfGeneratedTokensOnlyAreDetectedNotScoredAtChance() {
        try (ScriptedEngine server = EchoServers.generatedOnly()) {
            EngineHandle h = server.start();
            assertThatThrownBy(() -> MultipleChoiceBenchmark.of("toy", ITEMS).run(h, QualityOptions.defaults()))
                    .isInstanceOf(PromptLogprobsUnsupportedException.class)
                    .hasMessageContaining("for 0 of the prompt's tokens")
                    .hasMessageContaining("generated tokens only");
        }
    }

    @Test
    void theGenerateFallbackMatchesTheAnsweredLetter() {
        List<JsonNode> seen = new ArrayList<>();
        // answers: sky "B" (right), rose "The answer is B." (wrong), pet "dog" (option text, right), accent "" (none)
        Map<String, String> answers = Map.of("Sky?", " B", "Rose?", " The answer is B.", "Pet?", " dog", "Which?", "");
        try (ScriptedEngine server = EchoServers.vllm(t -> -1.0,
                p -> answers.get(p.substring(0, p.indexOf('\n'))), seen)) {
            EngineHandle h = server.start();
            QualityScore s = MultipleChoiceBenchmark.of("toy", ITEMS).withMode(MultipleChoiceBenchmark.Mode.GENERATE)
                    .run(h, QualityOptions.defaults());
            assertThat(s.metric()).isEqualTo("acc,generate");
            assertThat(s.items()).extracting(ItemResult::score).containsExactly(1.0, 0.0, 1.0, 0.0);
            assertThat(s.value()).isEqualTo(50.0);
            assertThat(seen).noneMatch(b -> b.path("echo").asBoolean(false));
            assertThat(s.items().get(0).request()).isEqualTo("Sky?\nA. blue\nB. green grass\nAnswer:");
            assertThat(s.items().get(3).verdict()).isEqualTo("no option named, gold B");
        }
    }

    @Test
    void answeredFindsTheFirstStandAloneOptionLetter() {
        List<String> opts = List.of("x", "y", "z");
        assertThat(MultipleChoiceBenchmark.answered(" C", opts)).isEqualTo(2);
        assertThat(MultipleChoiceBenchmark.answered("I think (B)", opts)).isEqualTo(1);
        assertThat(MultipleChoiceBenchmark.answered(" D then A", opts)).as("D is not an option").isZero();
        assertThat(MultipleChoiceBenchmark.answered("Because", opts)).isEqualTo(-1);
    }
}
