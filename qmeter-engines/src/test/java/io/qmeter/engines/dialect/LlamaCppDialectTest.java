package io.qmeter.engines.dialect;

import io.qmeter.engines.LaunchPlan;
import io.qmeter.engines.QuantMethod;
import io.qmeter.engines.ServerConfig;
import io.qmeter.engines.ServerMetric;
import io.qmeter.engines.Support;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LlamaCppDialectTest {

    private final LlamaCppDialect d = new LlamaCppDialect(Path.of("/opt/llama/llama-server"), Path.of("/opt/llama/llama-quantize"));

    @Test
    void theExecutablesCanBeNamed() {
        LaunchPlan p = d.plan(ServerConfig.of("/m/tiny-f16.gguf", "Q4_0").withWorkDirectory(Path.of("/w")));
        assertThat(p.preparation()).singleElement().satisfies(s ->
                assertThat(s.command()).containsExactly("/opt/llama/llama-quantize", "/m/tiny-f16.gguf", "/w/tiny-Q4_0.gguf", "Q4_0"));
        assertThat(p.server().command().subList(0, 3)).containsExactly("/opt/llama/llama-server", "-m", "/w/tiny-Q4_0.gguf");
    }

    @Test
    void everyGgufTypeIsAcceptedAndSaysWhichSeedMethodItIsClosestTo() {
        for (GgufType t : GgufType.values()) {
            Support s = d.support(ServerConfig.of("/m/tiny-f16.gguf", t.label().toLowerCase()).withWorkDirectory(Path.of("/w")),
                    Optional.empty());
            assertThat(s.supported()).as(t.label()).isTrue();
            assertThat(s.reason()).contains("closest seed method " + t.closestSeedMethod().map(QuantMethod::label).orElse("none"));
        }
    }

    @Test
    void weightOnlySeedMethodsAreMappedAndTheNoteSaysTheyRunWithInt8Activations() {
        Support s = d.support(ServerConfig.of("/m/tiny-f16.gguf", "W4A16-INT").withWorkDirectory(Path.of("/w")), Optional.empty());
        assertThat(s.supported()).isTrue();
        assertThat(s.reason()).contains("GGUF Q4_0").contains("INT8 activations").contains("the same run as W4A8");
    }

    @Test
    void fp8WeightsAreRefusedPointingAtQ8_0() {
        Support s = d.support(ServerConfig.of("/m/tiny-f16.gguf", "W8A8-FP"), Optional.empty());
        assertThat(s.supported()).isFalse();
        assertThat(s.reason()).contains("GGUF has no FP8 type").contains("Q8_0");
    }

    @Test
    void aQuantizedVCacheTurnsOnFlashAttention() {
        LaunchPlan p = d.plan(ServerConfig.of("/m/tiny.Q4_0.gguf", "Q4_0").withKvCacheType("Q8_0"));
        assertThat(p.preparation()).isEmpty();
        assertThat(p.server().command()).containsSubsequence("--cache-type-k", "q8_0", "--cache-type-v", "q8_0", "-fa");
        LaunchPlan f16 = d.plan(ServerConfig.of("/m/tiny.Q4_0.gguf", "Q4_0").withKvCacheType("f16"));
        assertThat(f16.server().command()).doesNotContain("-fa");
    }

    @Test
    void fileNamesShowTheirType() {
        assertThat(GgufType.fromFileName("/m/llama-2-7b-f16.gguf")).contains(GgufType.F16);
        assertThat(GgufType.fromFileName("tinyllama_BF16.gguf")).contains(GgufType.BF16);
        assertThat(GgufType.fromFileName("x.Q4_K_M.gguf")).contains(GgufType.Q4_K_M);
        assertThat(GgufType.fromFileName("model_q4_k_m.gguf")).contains(GgufType.Q4_K_M);
        assertThat(GgufType.fromFileName("/m/tiny.gguf")).isEmpty();
    }

    @Test
    void metricNamesAreThoseOfARecordedLlamaServer() throws IOException {
        String recorded;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/llamacpp-metrics.txt")) {
            recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> exported = recorded.lines().filter(l -> !l.startsWith("#")).map(l -> l.split(" ")[0]).toList();
        assertThat(exported).containsAll(d.metricNames().values());
        assertThat(d.metricNames()).doesNotContainKeys(ServerMetric.TIME_TO_FIRST_TOKEN_SECONDS,
                ServerMetric.TIME_PER_OUTPUT_TOKEN_SECONDS);
    }

    @Test
    void theGenericTemplateConstructorAppendsExtraArgs() {
        OpenAiGenericDialect g = new OpenAiGenericDialect(List.of("srv", "--port", "{port}"));
        LaunchPlan p = g.plan(ServerConfig.of("/m", "FP16").withPort(9).withExtraArgs(List.of("--model={model}")));
        assertThat(p.server().command()).containsExactly("srv", "--port", "9", "--model=/m");
    }
}
