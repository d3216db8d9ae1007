package io.qmeter.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.engine.EngineHandle;
import io.qmeter.eval.data.HumanEvalLoader;
import io.qmeter.eval.data.HumanEvalProblem;
import io.qmeter.eval.sandbox.Sandbox;
import io.qmeter.quality.ItemResult;
import io.qmeter.quality.QualityBenchmark;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import io.qmeter.testkit.RecordedRequest;
import io.qmeter.testkit.Script;
import io.qmeter.testkit.ScriptedEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HumanEval end to end over HTTP: a scripted engine answers each prompt with a chosen completion,
 * the benchmark executes it in the bubblewrap sandbox and scores it.
 */
class HumanEvalBenchmarkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path data;
    private static List<HumanEvalProblem> problems;
    private static Map<String, HumanEvalProblem> byPrompt;

    @BeforeAll
    static void needsDataAndBubblewrap() {
        assumeTrue(SharedData.file("HumanEval.jsonl.gz").isPresent(), SharedData.missing("HumanEval.jsonl.gz"));
        assumeTrue(Sandbox.isBubblewrapOnPath(),
                "bubblewrap is not installed (apt-get install -y bubblewrap; .ci/quality.sh does it in CI)");
        data = SharedData.file("HumanEval.jsonl.gz").orElseThrow();
        problems = HumanEvalLoader.load(data);
        byPrompt = new HashMap<>();
        problems.forEach(p -> byPrompt.put(p.prompt(), p));
    }

    /** An engine answering every completion request with {@code answer(problem, request body)}. */
    private static ScriptedEngine engine(BiFunction<HumanEvalProblem, JsonNode, String> answer) {
        return ScriptedEngine.builder().dispatcher((RecordedRequest r) -> {
            try {
                JsonNode body = JSON.readTree(r.body());
                HumanEvalProblem p = byPrompt.get(body.path("prompt").asText());
                String text = p == null ? "" : answer.apply(p, body);
                String reply = JSON.writeValueAsString(Map.of("id", "cmpl-" + r.index(), "object", "text_completion",
                        "created", 0, "model", "scripted-model",
                        "choices", List.of(Map.of("index", 0, "text", text, "finish_reason", "stop")),
                        "usage", Map.of("prompt_tokens", 10, "completion_tokens", 10, "total_tokens", 20)));
                return Script.builder().status(200, reply).build();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).build();
    }

    private static QualityOptions options() {
        return QualityOptions.defaults().withDataset(data).withConcurrency(8);
    }

    @Test
    void all164CanonicalSolutionsScorePassAt1Of100() {
        try (ScriptedEngine server = engine((p, body) -> p.canonicalSolution())) {
            EngineHandle h = server.start();
            long t0 = System.nanoTime();
            QualityScore s = new HumanEvalBenchmark(Sandbox.bubblewrap(), null).run(h, options());
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("HumanEval canonical: %d items in %.1f s = %.1f items/s (%d CPUs)%n", s.n(), secs,
                    s.n() / secs, Runtime.getRuntime().availableProcessors());
            assertThat(s.failures()).extracting(ItemResult::id, ItemResult::verdict).isEmpty();
            assertThat(s.n()).isEqualTo(164);
            assertThat(s.value()).isEqualTo(100.0);
            assertThat(s.metric()).isEqualTo("pass@1");
            assertThat(s.simulated()).isFalse();
            assertThat(s.items().get(0).response()).isEqualTo(problems.get(0).canonicalSolution());
            // the request asked as the harness does: the prompt, its stop sequences, greedy
            RecordedRequest first = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
            JsonNode body = readTree(first.body());
            assertThat(body.path("stop")).extracting(JsonNode::asText)
                    .containsExactly("\nclass", "\ndef", "\n#", "\nif", "\nprint");
            assertThat(body.path("temperature").asDouble()).isZero();
            assertThat(body.path("max_tokens").asInt()).isEqualTo(512);
        }
    }

    @Test
    void emptyCompletionsScoreZero() {
        try (ScriptedEngine server = engine((p, body) -> "")) {
            QualityScore s = new HumanEvalBenchmark(Sandbox.bubblewrap(), null).run(server.start(), options());
            assertThat(s.n()).isEqualTo(164);
            assertThat(s.value()).isEqualTo(0.0);
            assertThat(s.items()).allSatisfy(i -> assertThat(i.verdict()).startsWith("failed"));
        }
    }

    @Test
    void anInfiniteLoopIsCutAtTheTimeLimitAndFails() {
        try (ScriptedEngine server = engine((p, body) -> "    while True:\n        pass\n")) {
            long t0 = System.nanoTime();
            QualityScore s = new HumanEvalBenchmark(Sandbox.bubblewrap(), null).run(server.start(),
                    options().withMaxItems(2).withExecutionTimeout(Duration.ofSeconds(2)));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(s.value()).isEqualTo(0.0);
            assertThat(s.items()).allSatisfy(i -> assertThat(i.verdict()).startsWith("timed out after"));
            assertThat(took).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void aCompletionThatUsesTheNetworkOrWritesOutsideFailsWithoutEffect() throws IOException {
        Path outside = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "humaneval-write-");
        Path written = outside.resolve("escaped.txt");
        int[] port = new int[1];
        try (ScriptedEngine server = engine((p, body) -> {
            String attack = p.taskId().equals("HumanEval/0")
                    ? "    import socket\n    socket.create_connection(('127.0.0.1', " + port[0] + "), timeout=1).close()\n"
                    : "    open('" + written + "', 'w').write('x')\n";
            return attack + p.canonicalSolution();
        })) {
            EngineHandle h = server.start();
            port[0] = h.baseUrl().getPort();
            QualityScore s = new HumanEvalBenchmark(Sandbox.bubblewrap(), null).run(h, options().withMaxItems(2));
            assertThat(s.value()).isEqualTo(0.0);
            assertThat(s.items().get(0).verdict()).contains("failed");
            // read-only root, or a path under /tmp that the sandbox's private /tmp does not have
            assertThat(s.items().get(1).verdict()).containsAnyOf("Read-only file system",
                    "No such file or directory");
            assertThat(written).doesNotExist();
            // without the sandbox the same completions pass and the file appears: the test can fail
            QualityScore open = new HumanEvalBenchmark(Sandbox.unsandboxed(), null).run(h, options().withMaxItems(2));
            assertThat(open.value()).isEqualTo(100.0);
            assertThat(written).exists();
        }
    }

    @Test
    void samplesGivePassAtKByTheUnbiasedEstimator() {
        // seed = options seed + sample index; sample 0 of each problem is right, samples 1 and 2 wrong
        try (ScriptedEngine server = engine((p, body) ->
                body.path("seed").asLong() == 1234L ? p.canonicalSolution() : "    return None\n")) {
            QualityScore s = new HumanEvalBenchmark(Sandbox.bubblewrap(), null).run(server.start(),
                    options().withMaxItems(4).withSamples(3).withTemperature(0.8));
            assertThat(s.n()).isEqualTo(4);
            assertThat(s.value()).isCloseTo(100.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(s.items()).allSatisfy(i -> assertThat(i.verdict()).startsWith("1/3 samples passed"));
            assertThat(s.secondary()).doesNotContainKey("pass@10");
        }
    }

    @Test
    void isRegisteredWithServiceLoader() {
        assertThat(QualityBenchmark.find("humaneval")).get().isInstanceOf(HumanEvalBenchmark.class);
        assertThat(QualityBenchmark.find("gsm8k")).get().isInstanceOf(Gsm8kBenchmark.class);
        assertThat(QualityBenchmark.find("summarization")).get().isInstanceOf(SummarizationBenchmark.class);
        assertThat(QualityBenchmark.find("triviaqa")).get().isInstanceOf(TriviaQaBenchmark.class);
    }

    private static JsonNode readTree(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
