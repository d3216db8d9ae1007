package io.qmeter.testkit.sim;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimConfigTest {

    @Test
    void unknownNamesListTheKnownValues() {
        assertThatThrownBy(() -> SimConfig.builder().gpu("V100"))
                .hasMessageContaining("unknown GPU 'V100'").hasMessageContaining("A100-40GB, H100-80GB, H200-141GB, L40S-48GB");
        assertThatThrownBy(() -> SimConfig.builder().model("Llama-3-8B"))
                .hasMessageContaining("unknown model").hasMessageContaining("Llama-2-7B, Llama-2-13B, CodeLlama-34B, Llama-2-70B");
        assertThatThrownBy(() -> SimConfig.builder().quantization("W3A16"))
                .hasMessageContaining("unknown quantization method").hasMessageContaining("W8A8KV8-FP")
                .hasMessageContaining("FP16, W8A16-INT");
    }

    @Test
    void namesAreCaseInsensitiveWithShortGpuForms() {
        SimConfig c = SimConfig.builder().gpu("h100").model("llama-2-13b").quantization("w8a8_int").build();
        assertThat(c.gpu()).isEqualTo(GpuSpec.H100_80GB);
        assertThat(c.model()).isEqualTo(ModelSpec.LLAMA_2_13B);
        assertThat(c.quantization()).isEqualTo(QuantMethod.W8A8_INT);
        assertThat(c.label()).isEqualTo("Llama-2-13B/W8A8-INT/H100-80GBx1");
    }

    @Test
    void tablesHoldThePaperMethodsAndDenseHardwareFigures() {
        assertThat(QuantMethod.known()).extracting(QuantMethod::name).containsExactly("FP16", "W8A16-INT", "W4A16-INT",
                "W8A8-INT", "W8A8-FP", "W4A8", "W4A8KV4", "W8A16KV8-INT", "W4A16KV8-INT", "W8A8KV8-INT", "W8A8KV8-FP",
                "W4A8KV8");
        // paper Table 3 quotes sparse peaks: dense is half
        assertThat(GpuSpec.H100_80GB.fp16DenseFlops() * 2).isCloseTo(1979e12, org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat(GpuSpec.A100_40GB.int8DenseOps() * 2).isEqualTo(1248e12);
        assertThat(GpuSpec.A100_40GB.hasFp8()).isFalse();
        assertThat(ModelSpec.LLAMA_2_7B.totalParams()).isBetween(6_700_000_000L, 6_800_000_000L);
        assertThat(ModelSpec.LLAMA_2_13B.totalParams()).isBetween(12_900_000_000L, 13_100_000_000L);
        assertThat(ModelSpec.CODELLAMA_34B.totalParams()).isBetween(33_000_000_000L, 34_500_000_000L);
        assertThat(ModelSpec.LLAMA_2_70B.totalParams()).isBetween(68_500_000_000L, 69_500_000_000L);
    }

    @Test
    void llama70bInFp16DoesNotFitOneH100AndTheErrorGivesSizes() {
        assertThatThrownBy(() -> SimConfig.builder().model("Llama-2-70B").gpu("H100-80GB").build())
                .satisfies(e -> System.out.println("70B FP16 on one H100: " + e.getMessage()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit on H100-80GB")
                .hasMessageContaining("128.5 GiB per GPU")
                .hasMessageContaining("71.7 GiB is usable")
                .hasMessageContaining("tensor parallelism 2");
        SimConfig tp4 = SimConfig.builder().model("Llama-2-70B").tensorParallel(4).build();
        System.out.println("70B FP16 TP4: " + tp4.memoryPlan().summary());
        assertThat(tp4.memoryPlan().kvTokenCapacity()).isGreaterThan(4096);
    }

    @Test
    void fp8MethodsFailClearlyOnA100() {
        for (String q : new String[] {"W8A8-FP", "W4A8", "W8A8KV8-FP", "W4A8KV8"}) {
            assertThatThrownBy(() -> SimConfig.builder().gpu("A100-40GB").quantization(q).build())
                    .hasMessageContaining(q + " needs FP8 tensor cores but A100-40GB has none")
                    .hasMessageContaining("W8A8-INT");
        }
        assertThat(SimConfig.builder().gpu("A100-40GB").quantization("W4A8KV4").build().quantization().name())
                .isEqualTo("W4A8KV4");
    }

    @Test
    void kvRoomOfThe13BModelIsNearThePaperFigures() {
        MemoryPlan h100 = SimConfig.builder().model("Llama-2-13B").build().memoryPlan();
        MemoryPlan a100 = SimConfig.builder().model("Llama-2-13B").gpu("A100-40GB").build().memoryPlan();
        MemoryPlan a100w4 = SimConfig.builder().model("Llama-2-13B").gpu("A100-40GB").quantization("W4A16-INT").build()
                .memoryPlan();
        System.out.printf("13B KV room: H100 FP16 %.1f GB (paper ~53), A100 FP16 %.1f GB (paper ~12), A100 W4A16 %.1f GB (paper ~30)%n",
                h100.kvBytes() / 1e9, a100.kvBytes() / 1e9, a100w4.kvBytes() / 1e9);
        assertThat(h100.kvBytes() / 1e9).isBetween(45.0, 56.0);
        assertThat(a100.kvBytes() / 1e9).isBetween(8.0, 14.0);
        assertThat(a100w4.kvBytes() / 1e9).isBetween(24.0, 32.0);
    }

    @Test
    void builderFailsFastNamingFieldAndValue() {
        assertThatThrownBy(() -> SimConfig.builder().tensorParallel(3)).hasMessage("tensorParallel must be 1, 2, 4 or 8, was 3");
        assertThatThrownBy(() -> SimConfig.builder().gpuMemoryUtilization(1.5))
                .hasMessage("gpuMemoryUtilization must be in (0, 1], was 1.5");
        assertThatThrownBy(() -> SimConfig.builder().maxNumSeqs(0)).hasMessage("maxNumSeqs must be >= 1, was 0");
        assertThatThrownBy(() -> SimConfig.builder().chunkedPrefill(false).maxBatchedTokens(2048).build())
                .hasMessageContaining("without chunked prefill maxBatchedTokens must be >= the context length 4096");
        assertThatThrownBy(() -> SimConfig.builder().model("Llama-2-13B").gpuMemoryUtilization(0.35).build())
                .hasMessageContaining("less than one full-context request");
    }

    @Test
    void copiesChangeOneField() {
        SimConfig c = SimConfig.builder().model("Llama-2-13B").seed(7).build();
        SimConfig w4 = c.withQuantization(QuantMethod.W4A16_INT);
        assertThat(w4.quantization()).isEqualTo(QuantMethod.W4A16_INT);
        assertThat(w4.seed()).isEqualTo(7);
        assertThat(c.withTensorParallel(2).tensorParallel()).isEqualTo(2);
        assertThat(c.quantization()).isEqualTo(QuantMethod.FP16);
    }
}
