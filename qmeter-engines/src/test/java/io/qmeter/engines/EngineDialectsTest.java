package io.qmeter.engines;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineDialectsTest {

    private static final GpuCapability A100 = GpuCapability.of("A100-80GB", 8, 0);
    private static final GpuCapability H100 = GpuCapability.of("H100-80GB", 9, 0);

    @Test
    void fiveDialectsFoundByName() {
        assertThat(EngineDialects.all()).extracting(EngineDialect::name)
                .containsExactly("llama.cpp", "vllm", "sglang", "tensorrt-llm", "openai-generic");
        assertThat(EngineDialects.find("LlamaCpp").name()).isEqualTo("llama.cpp");
        assertThat(EngineDialects.find("LLAMA.CPP").name()).isEqualTo("llama.cpp");
        assertThat(EngineDialects.find("vLLM").name()).isEqualTo("vllm");
        assertThat(EngineDialects.find("TensorRT-LLM").name()).isEqualTo("tensorrt-llm");
        assertThat(EngineDialects.find("llama-cpp").name()).isEqualTo("llama.cpp");
        assertThat(EngineDialects.find("trtllm").name()).isEqualTo("tensorrt-llm");
    }

    @Test
    void anUnknownEngineIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> EngineDialects.find("tgi")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("engine must be one of [llama.cpp, vllm, sglang, tensorrt-llm, openai-generic], was 'tgi'");
    }

    @Test
    void fp8OnAnA100IsRefusedWithTheComputeCapability() {
        for (String e : List.of("vllm", "sglang", "tensorrt-llm")) {
            ServerConfig c = ServerConfig.of("/models/m", "W8A8-FP").withGpus(List.of(0)).withWorkDirectory(java.nio.file.Path.of("/w"));
            EngineDialect d = EngineDialects.find(e);
            assertThat(d.support(c, Optional.of(A100)))
                    .isEqualTo(Support.no("W8A8-FP needs FP8 tensor cores, compute capability \u2265 8.9; this GPU (A100-80GB) is 8.0"));
            assertThat(d.support(c, Optional.of(H100)).supported()).as(e).isTrue();
            assertThat(d.support(c, Optional.empty()).supported()).as(e + " without a GPU").isTrue();
        }
    }

    @Test
    void tensorRtLlmOnTheA100ServesTheSeedsNonFp8MethodsButQServe() {
        EngineDialect trt = EngineDialects.find("tensorrt-llm");
        List<String> served = new java.util.ArrayList<>();
        for (QuantMethod m : QuantMethod.values()) {
            ServerConfig c = ServerConfig.of("/models/m", m.label()).withGpus(List.of(0)).withWorkDirectory(java.nio.file.Path.of("/w"));
            if (trt.support(c, Optional.of(A100)).supported()) {
                served.add(m.label());
            }
        }
        assertThat(served).containsExactly("FP16", "W8A16-INT", "W4A16-INT", "W8A8-INT", "W8A16KV8-INT", "W4A16KV8-INT",
                "W8A8KV8-INT");
    }

    @Test
    void everyDialectRefusesMoreTensorParallelismThanGpusAndPlanThrowsTheSameReason() {
        for (EngineDialect d : EngineDialects.all()) {
            ServerConfig c = ServerConfig.of("/models/m-f16.gguf", "FP16").withTensorParallel(4).withGpus(List.of(0, 1))
                    .withWorkDirectory(java.nio.file.Path.of("/w")).withExtraArgs(List.of("srv", "{model}"));
            Support s = d.support(c, Optional.empty());
            assertThat(s.supported()).as(d.name()).isFalse();
            assertThat(s.reason()).isEqualTo("tensorParallel 4 needs 4 GPUs, but only 2 were given ([0, 1]); "
                    + "give more GPUs or lower tensorParallel");
            assertThatThrownBy(() -> d.plan(c)).isInstanceOf(IllegalArgumentException.class).hasMessage(s.reason());
        }
    }

    @Test
    void theServerGetsItsGpusAndTheBaseUrlAndNameMatchTheCommand() {
        for (EngineDialect d : EngineDialects.all()) {
            ServerConfig c = ServerConfig.of("/models/m-f16.gguf", "FP16").withTensorParallel(2).withGpus(List.of(4, 6))
                    .withPort(8123).withServedModelName("mine").withWorkDirectory(java.nio.file.Path.of("/w"))
                    .withExtraArgs(d.name().equals("openai-generic") ? List.of("srv", "--name", "{served_model_name}") : List.of());
            LaunchPlan p = d.plan(c);
            assertThat(p.server().environment()).containsEntry("CUDA_VISIBLE_DEVICES", "4,6");
            assertThat(p.baseUrl()).hasToString("http://127.0.0.1:8123");
            assertThat(p.servedModelName()).isEqualTo("mine");
            assertThat(p.server().command()).contains("mine");
            if (!d.name().equals("openai-generic")) {
                assertThat(String.join(" ", p.server().command())).contains("8123");
            }
        }
    }

    @Test
    void theCatalogueTableSaysNotSupportedExactlyWhereSupportRefuses() {
        for (String e : EngineCatalog.ENGINES) {
            EngineDialect d = EngineDialects.find(e);
            for (QuantMethod m : QuantMethod.values()) {
                boolean refused = !d.support(EngineCatalog.reference(e, m), Optional.empty()).supported();
                assertThat(EngineCatalog.cell(d, m).startsWith("not supported: ")).as(e + " " + m).isEqualTo(refused);
            }
        }
    }
}
