package io.qmeter.analysis.profile;

import io.qmeter.testkit.sim.LengthDistribution;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatedProfilesTest {

    @Test
    void generatesLabelledSimulatedProfilesAndListsWhatTheSimulatorRefuses() {
        SimulatedProfiles.Generated g = SimulatedProfiles.seedGrid().withModels(List.of("Llama-2-7B"))
                .withMethods(List.of("FP16", "W8A8-FP")).withGpus(List.of("H100-80GB", "A100-40GB"))
                .withTensorParallel(List.of(1)).withWorkloads(Map.of("chat", LengthDistribution.shareGptLike()))
                .withFractions(List.of(0.25, 0.5, 1.0)).generate();
        // W8A8-FP needs FP8 tensor cores: the A100 configuration is refused and listed
        assertThat(g.skipped()).singleElement().asString().contains("W8A8-FP").contains("A100");
        assertThat(g.profiles().size()).isEqualTo(3);
        for (ConfigProfile p : g.profiles().profiles()) {
            assertThat(p.simulated()).isTrue();
            assertThat(p.saturationRate()).isPositive();
            assertThat(p.points()).hasSize(3);
            assertThat(p.maxMeasuredRate()).isEqualTo(p.saturationRate());
            assertThat(p.quality().keySet()).containsExactlyInAnyOrder("chat-s", "chat-r", "code", "summarization");
            // J/token falls as the load rises (the seed's convex, decreasing energy–rate curve)
            assertThat(p.points().get(0).joulesPerToken()).isGreaterThan(p.points().get(2).joulesPerToken());
        }
        ConfigProfile fp16 = g.profiles().get(new ProfileKey("Llama-2-7B", "FP16", "H100-80GB", 1, "chat")).orElseThrow();
        ConfigProfile fp8 = g.profiles().get(new ProfileKey("Llama-2-7B", "W8A8-FP", "H100-80GB", 1, "chat")).orElseThrow();
        assertThat(fp8.quality("code").getAsDouble()).isLessThan(fp16.quality("code").getAsDouble());
    }
}
