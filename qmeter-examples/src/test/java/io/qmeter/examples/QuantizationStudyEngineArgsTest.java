package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code QuantizationStudy --engine}: what it refuses, and the llama.cpp plan it makes. */
class QuantizationStudyEngineArgsTest {

    @TempDir
    Path dir;

    private final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @Test
    void anUnknownEngineIsRefusedByName() {
        assertThatThrownBy(() -> QuantizationStudy.run(new String[] {dir.toString(), "--engine", "vllm"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("simulated (the default) or llama.cpp")
                .hasMessageContaining("vllm");
    }

    @Test
    void llamaCppNeedsTheServerAndTheModels() {
        assertThatThrownBy(() -> QuantizationStudy.run(new String[] {dir.toString(), "--engine", "llama.cpp",
                "--server", "/x/llama-server"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--models DIR")
                .hasMessageContaining("no --models");
    }

    @Test
    void theSimulatedEngineTakesNoServer() {
        assertThatThrownBy(() -> QuantizationStudy.run(new String[] {dir.toString(), "--server", "/x"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--engine llama.cpp");
    }

    @Test
    void missingModelsAreNamedBeforeAnythingRuns() {
        assertThatThrownBy(() -> QuantizationStudy.run(new String[] {dir.toString(), "--engine", "llama.cpp",
                "--server", "/x/llama-server", "--models", dir.toString()}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tiny-F16.gguf")
                .hasMessageContaining(".ci/llama.sh");
    }

    @Test
    void thePlanAsksTheEngineForTheMethodLabelOnItsGgufFile() {
        GpuLlamaStudy.Options o = GpuLlamaStudy.Options.cpu(Path.of("/x/llama-server"), dir, dir)
                .withConfigurations(LlamaCppStudy.CONFIGS);
        var plan = LlamaCppStudy.plan(o);
        assertThat(plan.id()).isEqualTo("quantization-study-llamacpp-tiny-cpu");
        assertThat(plan.configurations()).extracting(s -> s.engine() + " " + s.quantization() + " "
                + Path.of(s.model()).getFileName()).containsExactly("llama.cpp FP16 tiny-F16.gguf",
                "llama.cpp W8A8-INT tiny-Q8_0.gguf", "llama.cpp W4A8 tiny-Q4_0.gguf");
        assertThat(plan.slo()).isEqualTo(o.slo());
    }
}
