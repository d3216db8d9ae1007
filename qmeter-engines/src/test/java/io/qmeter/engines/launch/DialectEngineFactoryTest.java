package io.qmeter.engines.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.engine.EngineFactory;
import io.qmeter.engines.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DialectEngineFactoryTest {

    private final DialectEngineFactory factory = new DialectEngineFactory("vllm", TestDialects::vllm);

    private static Map<String, String> settings(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void everyKindIsRegisteredForTheServiceLoader() {
        assertThat(EngineFactory.available()).extracting(EngineFactory::name)
                .contains("llama.cpp", "vllm", "sglang", "tensorrt-llm", "openai-generic");
        assertThat(EngineFactory.find("tensorrt-llm")).isInstanceOf(TensorRtLlmEngineFactory.class);
        assertThat(EngineFactory.find("llama.cpp")).isInstanceOf(LlamaCppEngineFactory.class);
    }

    @Test
    void mapsEverySettingToTheConfigurationAndOptions() {
        LaunchedEngine e = factory.create(settings("model", "meta-llama/Llama-2-7b-hf", "quantization", "W8A8-FP",
                "tensorParallel", "2", "gpu", "1, 3", "kvCacheType", "fp8", "host", "0.0.0.0", "port", "8123",
                "contextLength", "4096", "maxConcurrency", "64", "servedModelName", "llama", "workDir", "/tmp/w",
                "extraArgs", "--enforce-eager  --seed 1", "env.VLLM_LOGGING_LEVEL", "DEBUG", "executable", "/opt/vllm",
                "binDir", "/opt/bin", "logDir", "/tmp/logs", "startTimeout", "20m", "stopGrace", "3s",
                "hangTimeout", "PT45S"));
        ServerConfig c = e.config();
        assertThat(c).isEqualTo(new ServerConfig("meta-llama/Llama-2-7b-hf", "W8A8-FP", Optional.of("fp8"), 2,
                List.of(1, 3), "0.0.0.0", 8123, Optional.of("llama"), 4096, 64, Optional.of(Path.of("/tmp/w")),
                List.of("--enforce-eager", "--seed", "1"), Map.of("VLLM_LOGGING_LEVEL", "DEBUG")));
        LaunchOptions o = e.options();
        assertThat(o.freePort()).isFalse();
        assertThat(o.executable()).hasValue(Path.of("/opt/vllm"));
        assertThat(o.binDirectory()).hasValue(Path.of("/opt/bin"));
        assertThat(o.logDirectory()).isEqualTo(Path.of("/tmp/logs"));
        assertThat(o.startTimeout()).isEqualTo(Duration.ofMinutes(20));
        assertThat(o.stopGrace()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.hangTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(e.describe()).containsEntry("gpu", "1, 3").containsEntry("gpus", "1,3")
                .containsEntry("tensorParallel", 2).containsEntry("engine", "vllm");
    }

    @Test
    void defaultsToAFreePortFp16AndNoPlacementForAGpuTypeName() {
        LaunchedEngine e = factory.create(settings("model", "m", "gpu", "H200"));
        assertThat(e.options().freePort()).isTrue();
        assertThat(e.config().quantization()).isEqualTo("FP16");
        assertThat(e.config().gpus()).isEmpty();
        assertThat(e.config().tensorParallel()).isEqualTo(1);
        assertThat(e.describe()).containsEntry("gpu", "H200");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "colour      | blue       | must be one of",
        "model       | ' '        | 'model' is required",
        "tensorParallel | 0       | 'tensorParallel' must be >= 1",
        "tensorParallel | two     | 'tensorParallel' must be an integer",
        "port        | 70000      | 'port' must be 0",
        "startTimeout | soon      | 'startTimeout' must be a duration",
        "gpu         | 0,x        | gpu must be a comma list",
        "gpu         | 0,0        | must not name a device twice",
        "quantization | W4A8KV4   | cannot serve quantization 'W4A8KV4'",
        "contextLength | -1       | 'contextLength' must be >= 0"})
    void refusesABadSettingNamingIt(String key, String value, String message) {
        Map<String, String> s = settings("model", "m");
        s.put(key, value);
        assertThatThrownBy(() -> factory.create(s)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message).hasMessageContaining(key.equals("gpu") ? "gpu" : key);
    }

    @Test
    void refusesFewerGpusThanTheTensorParallelDegree() {
        assertThatThrownBy(() -> factory.create(settings("model", "m", "tensorParallel", "2", "gpu", "0")))
                .hasMessageContaining("at least tensorParallel = 2");
    }

    @Test
    void independentOnlyWhenBothNameDisjointGpuIndices() {
        assertThat(factory.independent(settings("gpu", "0,1"), settings("gpu", "2,3"))).isTrue();
        assertThat(factory.independent(settings("gpu", "0,1"), settings("gpu", "1,2"))).isFalse();
        assertThat(factory.independent(settings("gpu", "0"), settings("gpu", "0"))).isFalse();
        assertThat(factory.independent(settings("gpu", "H200"), settings("gpu", "A100"))).isFalse();
        assertThat(factory.independent(settings("gpu", "0"), settings())).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"90, PT1M30S", "90s, PT1M30S", "500ms, PT0.5S", "5m, PT5M", "1.5h, PT1H30M", "PT2M, PT2M",
        "pt10s, PT10S", "0.25, PT0.25S"})
    void readsDurations(String text, String iso) {
        assertThat(DialectEngineFactory.parseDuration(text)).isEqualTo(Duration.parse(iso));
    }

    @Test
    void refusesZeroDurations() {
        assertThatThrownBy(() -> DialectEngineFactory.parseDuration("0s")).hasMessageContaining("> 0");
    }
}
