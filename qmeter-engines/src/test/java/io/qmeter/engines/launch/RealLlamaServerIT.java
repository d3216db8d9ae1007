package io.qmeter.engines.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.Endpoint;
import io.qmeter.client.LlmClient;
import io.qmeter.engine.EngineFactory;
import io.qmeter.engines.FailureKind;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.workload.PromptSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor against the real {@code llama-server} and {@code llama-quantize} that
 * {@code .ci/llama.sh} builds ({@code QMETER_LLAMA_SERVER}, {@code QMETER_LLAMA_MODEL_DIR} with
 * {@code tiny-F16.gguf}); skipped with the reason when they are not given. Tagged {@code engine}
 * like the other real-engine tests.
 */
@Tag("engine")
class RealLlamaServerIT {

    @TempDir
    Path tmp;

    private Path bin;
    private Path models;

    @BeforeEach
    void env() {
        String server = System.getenv("QMETER_LLAMA_SERVER");
        assumeTrue(server != null && !server.isBlank(), "QMETER_LLAMA_SERVER is unset: real llama-server tests "
                + "skipped; run `eval \"$(bash .ci/llama.sh)\"` first, as .ci/run does");
        bin = Path.of(server).toAbsolutePath().getParent();
        models = Path.of(System.getenv().getOrDefault("QMETER_LLAMA_MODEL_DIR", ""));
        assertThat(models.resolve("tiny-F16.gguf")).as("QMETER_LLAMA_MODEL_DIR").isRegularFile();
    }

    private Map<String, String> settings(String quantization) {
        Map<String, String> s = new HashMap<>();
        s.put("model", models.resolve("tiny-F16.gguf").toString());
        s.put("quantization", quantization);
        s.put("binDir", bin.toString());
        s.put("workDir", tmp.resolve("work").toString());
        s.put("logDir", tmp.resolve("logs").toString());
        s.put("contextLength", "512");
        s.put("maxConcurrency", "2");
        s.put("startTimeout", "120s");
        return s;
    }

    @Test
    void quantizesStartsServesScrapesAndNoticesAKill() throws Exception {
        LaunchedEngine e = (LaunchedEngine) EngineFactory.find("llama.cpp").create(settings("Q4_0"));
        try (LaunchedHandle h = e.start()) {
            assertThat(h.command().get(0)).isEqualTo(bin.resolve("llama-server").toString());
            try (var files = Files.list(tmp.resolve("logs"))) {
                assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith("-quantize.log"));
            }
            try (LlmClient client = LlmClient.create(h.baseUrl())) {
                RequestRecord r = client.send(CompletionRequest.of(Endpoint.COMPLETIONS, h.model(),
                        PromptSpec.ofText("Hello there", 3, 4)).withIgnoreEos(true), 0, System.nanoTime())
                        .get(60, TimeUnit.SECONDS);
                assertThat(r.outcome()).as(r.error()).isEqualTo(Outcome.OK);
            }
            assertThat(h.describe().get("engineVersion")).as("build_info from GET /props").isNotNull()
                    .asString().isNotBlank();
            Map<String, Double> m = h.serverMetrics();
            assertThat(m).containsKeys("prompt_tokens_total", "generation_tokens_total", "requests_running");
            assertThat(m.get("generation_tokens_total")).isGreaterThanOrEqualTo(1.0);
            h.processHandle().destroyForcibly();
            LaunchFailure f = h.awaitFailure(Duration.ofSeconds(30)).orElseThrow();
            assertThat(f.kind()).isEqualTo(FailureKind.CRASHED);
            assertThat(f.exitCode()).hasValue(137);
        }
    }

    @Test
    void aBadFlagIsBadArgumentFromTheRealMessage() {
        Map<String, String> s = settings("FP16");
        s.put("extraArgs", "--no-such-flag");
        EngineLaunchException x = catchThrowableOfType(() -> EngineFactory.find("llama.cpp").create(s).start(),
                EngineLaunchException.class);
        assertThat(x.kind()).as(x.getMessage()).isEqualTo(FailureKind.BAD_ARGUMENT);
        assertThat(x.logTail()).anyMatch(l -> l.contains("--no-such-flag"));
    }

    @Test
    void aModelThatIsNotThereIsModelNotFound() {
        Map<String, String> s = settings("Q8_0");
        s.put("model", tmp.resolve("missing-Q8_0.gguf").toString());
        EngineLaunchException x = catchThrowableOfType(() -> EngineFactory.find("llama.cpp").create(s).start(),
                EngineLaunchException.class);
        assertThat(x.kind()).as(x.getMessage()).isEqualTo(FailureKind.MODEL_NOT_FOUND);
        assertThat(List.copyOf(x.logTail())).isNotEmpty();
    }
}
