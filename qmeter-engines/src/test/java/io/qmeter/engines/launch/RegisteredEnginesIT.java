package io.qmeter.engines.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.Endpoint;
import io.qmeter.client.LlmClient;
import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineFactory;
import io.qmeter.engine.EngineHandle;
import io.qmeter.engines.FailureKind;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.workload.PromptSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every registered engine kind, found by name through {@link EngineFactory} and configured by flat
 * settings as a plan would, launched with the catalogue's real dialects: the command lines the
 * dialects generate go to stand-in programs that parse the real programs' flags (and refuse
 * unknown ones as the real programs do) before they exec the simulated engine.
 */
class RegisteredEnginesIT {

    @TempDir
    Path tmp;

    private Path f16Model;

    @BeforeEach
    void model() throws IOException {
        f16Model = Files.writeString(tmp.resolve("tiny-f16.gguf"), "GGUF stand-in");
    }

    private Map<String, String> settings(String engine) {
        Map<String, String> s = new HashMap<>();
        s.put("model", engine.equals("llama.cpp") ? f16Model.toString() : "meta-llama/Llama-2-7b-hf");
        s.put("quantization", "FP16");
        s.put("gpu", "0");
        s.put("binDir", StandIns.dir().toString());
        s.put("logDir", tmp.resolve("logs").toString());
        s.put("workDir", tmp.resolve("work").toString());
        s.put("startTimeout", "90s");
        s.put("stopGrace", "5s");
        StandIns.env().forEach((k, v) -> s.put("env." + k, v));
        if (engine.equals("openai-generic")) {
            s.put("extraArgs", "vllm serve {model} --host {host} --port {port}"
                    + " --served-model-name {served_model_name}");
        }
        return s;
    }

    @ParameterizedTest
    @CsvSource({"vllm, W4A16-INT, true", "sglang, W8A8-FP, false", "tensorrt-llm, W8A8KV8-FP, false",
        "llama.cpp, W8A16-INT, true", "openai-generic, FP16, false"})
    void launchesServesAndStops(String engine, String method, boolean scrapesMetrics) throws Exception {
        Map<String, String> s = settings(engine);
        s.put("quantization", method);
        Engine e = EngineFactory.find(engine).create(s);
        ProcessHandle server;
        try (EngineHandle h = e.start()) {
            LaunchedHandle lh = (LaunchedHandle) h;
            server = lh.processHandle();
            assertThat(h.health().isUp()).isTrue();
            assertThat(h.gpuIndices()).containsExactly(0);
            assertThat(h.describe()).containsEntry("engine", engine).containsEntry("quantization", method);
            try (LlmClient client = LlmClient.create(h.baseUrl())) {
                RequestRecord r = client.send(CompletionRequest.of(Endpoint.COMPLETIONS, h.model(),
                        PromptSpec.ofText("Hello", 2, 5)).withIgnoreEos(true), 0, System.nanoTime())
                        .get(60, TimeUnit.SECONDS);
                assertThat(r.outcome()).as("%s: %s", engine, r.error()).isEqualTo(Outcome.OK);
            }
            if (scrapesMetrics) {
                assertThat(h.serverMetrics()).containsKeys("requests_running", "prompt_tokens_total",
                        "generation_tokens_total");
            }
        }
        assertThat(server.isAlive()).isFalse();
        if (engine.equals("tensorrt-llm")) {
            try (var files = Files.list(tmp.resolve("logs"))) {
                assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith("-quantize.log"))
                        .anyMatch(n -> n.endsWith("-build.log"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vllm", "sglang", "tensorrt-llm", "llama.cpp"})
    void refusesAnUnknownFlagAsBadArgument(String engine) {
        Map<String, String> s = settings(engine);
        s.put("extraArgs", "--no-such-flag");
        EngineLaunchException x = catchThrowableOfType(() -> EngineFactory.find(engine).create(s).start(),
                EngineLaunchException.class);
        assertThat(x.kind()).as(x.getMessage()).isEqualTo(FailureKind.BAD_ARGUMENT);
        assertThat(x.logTail()).anyMatch(l -> l.contains("--no-such-flag"));
    }

    @Test
    void aFailingQuantizeStepIsPreparationFailed() {
        Map<String, String> s = settings("llama.cpp");
        s.put("quantization", "W4A16-INT");
        s.put("env.STANDIN_PREP_FAIL", "unsupported tensor type");
        EngineLaunchException x = catchThrowableOfType(() -> EngineFactory.find("llama.cpp").create(s).start(),
                EngineLaunchException.class);
        assertThat(x.kind()).as(x.getMessage()).isEqualTo(FailureKind.PREPARATION_FAILED);
        assertThat(x.logTail()).anyMatch(l -> l.contains("unsupported tensor type"));
    }
}
