package io.qmeter.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.engine.EngineFactory;
import io.qmeter.engine.EngineHandle;
import io.qmeter.eval.data.MultipleChoiceItem;
import io.qmeter.eval.sandbox.Sandbox;
import io.qmeter.quality.ItemResult;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality stages against the real {@code llama-server} that {@code .ci/llama.sh} builds (tiny
 * random-weight F16 model, so scores are near zero, but every stage runs): the log-likelihood
 * benchmarks are refused with llama.cpp's own reason, the generate-and-match fallback runs, and
 * GSM8K and HumanEval (sandboxed) subsets run end to end with their items/s printed. Skipped with
 * the reason when {@code QMETER_LLAMA_SERVER} is unset.
 */
@Tag("engine")
class LlamaServerQualityIT {

    @TempDir
    static Path tmp;

    private static EngineHandle handle;

    private static final List<MultipleChoiceItem> ITEMS = List.of(
            MultipleChoiceItem.ofChoices("a", "", "Question: Sky colour?\nAnswer:", List.of("blue", "green"), 0, "Sky colour?"),
            MultipleChoiceItem.ofChoices("b", "", "Question: 2+2?\nAnswer:", List.of("3", "4", "5"), 1, "2+2?"));

    @BeforeAll
    static void startLlamaServer() {
        String server = System.getenv("QMETER_LLAMA_SERVER");
        assumeTrue(server != null && !server.isBlank(), "QMETER_LLAMA_SERVER is unset: the real llama-server quality "
                + "tests are skipped; run `eval \"$(bash .ci/llama.sh)\"` first, as .ci/run does");
        Path models = Path.of(System.getenv().getOrDefault("QMETER_LLAMA_MODEL_DIR", ""));
        assertThat(models.resolve("tiny-F16.gguf")).as("QMETER_LLAMA_MODEL_DIR").isRegularFile();
        Map<String, String> s = new HashMap<>();
        s.put("model", models.resolve("tiny-F16.gguf").toString());
        s.put("quantization", "FP16");
        s.put("binDir", Path.of(server).toAbsolutePath().getParent().toString());
        s.put("workDir", tmp.resolve("work").toString());
        s.put("logDir", tmp.resolve("logs").toString());
        s.put("contextLength", "4096");
        s.put("maxConcurrency", "4");
        s.put("startTimeout", "120s");
        handle = EngineFactory.find("llama.cpp").create(s).start();
    }

    @AfterAll
    static void stop() {
        if (handle != null) {
            handle.close();
        }
    }

    @Test
    void logLikelihoodMultipleChoiceIsRefusedWithLlamaCppsReason() {
        PromptLogprobs.Support s = PromptLogprobs.probe(handle, Duration.ofSeconds(60));
        System.out.println("llama-server prompt log-probabilities: " + s);
        assertThat(s.supported()).isFalse();
        assertThatThrownBy(() -> MultipleChoiceBenchmark.of("toy", ITEMS).run(handle, QualityOptions.defaults()))
                .isInstanceOf(PromptLogprobsUnsupportedException.class)
                .hasMessageContaining("cannot return the log-probabilities of prompt tokens")
                .hasMessageContaining("Mode.GENERATE")
                .satisfies(e -> assertThat(((PromptLogprobsUnsupportedException) e).reason()).isEqualTo(s.reason()));
        assertThatThrownBy(() -> Perplexity.ofText("toy", "The quick brown fox jumps over the lazy dog.")
                .run(handle, Duration.ofSeconds(60), 1))
                .isInstanceOf(PromptLogprobsUnsupportedException.class);
    }

    @Test
    void theGenerateFallbackRunsEveryItem() {
        QualityScore s = MultipleChoiceBenchmark.of("toy", ITEMS).withMode(MultipleChoiceBenchmark.Mode.GENERATE)
                .run(handle, QualityOptions.defaults().withConcurrency(2));
        assertThat(s.n()).isEqualTo(2);
        assertThat(s.items()).allSatisfy(i -> assertThat(i.error()).as(i.id()).isNull());
        assertThat(s.value()).isBetween(0.0, 100.0);
    }

    @Test
    void gsm8kSubsetEndToEnd() {
        Path data = SharedData.file("gsm8k-test.jsonl").orElse(null);
        assumeTrue(data != null, SharedData.missing("gsm8k-test.jsonl"));
        QualityOptions o = QualityOptions.defaults().withDataset(data).withMaxItems(8).withFewShot(1)
                .withMaxTokens(64).withConcurrency(4);
        long t0 = System.nanoTime();
        QualityScore s = new Gsm8kBenchmark().run(handle, o);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("llama-server GSM8K: %d items in %.2f s = %.2f items/s, %s %.1f (flexible %.1f)%n",
                s.n(), secs, s.n() / secs, s.metric(), s.value(), s.secondary().get(Gsm8kBenchmark.FLEXIBLE));
        assertThat(s.n()).isEqualTo(8);
        assertThat(s.simulated()).isFalse();
        assertThat(s.items()).allSatisfy(i -> {
            assertThat(i.error()).as(i.id()).isNull();
            assertThat(i.response()).as(i.id()).isNotNull();
            assertThat(i.verdict()).startsWith("strict ");
        });
    }

    @Test
    void humanEvalSubsetEndToEndInTheSandbox() {
        Path data = SharedData.file("HumanEval.jsonl.gz").orElse(null);
        assumeTrue(data != null, SharedData.missing("HumanEval.jsonl.gz"));
        assumeTrue(Sandbox.isBubblewrapOnPath(),
                "bubblewrap is not installed (apt-get install -y bubblewrap; .ci/quality.sh does it in CI)");
        QualityOptions o = QualityOptions.defaults().withDataset(data).withMaxItems(8).withMaxTokens(96)
                .withConcurrency(4);
        long t0 = System.nanoTime();
        QualityScore s = new HumanEvalBenchmark(Sandbox.bubblewrap(), null).run(handle, o);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("llama-server HumanEval: %d items in %.2f s = %.2f items/s, pass@1 %.1f%n",
                s.n(), secs, s.n() / secs, s.value());
        assertThat(s.n()).isEqualTo(8);
        assertThat(s.items()).allSatisfy(i -> assertThat(i.error()).as(i.id() + ": " + i.verdict()).isNull());
        assertThat(s.items()).extracting(ItemResult::verdict).allSatisfy(v -> assertThat(v).isNotBlank());
    }
}
