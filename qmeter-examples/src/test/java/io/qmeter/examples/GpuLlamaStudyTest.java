package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.engine.EngineFactory;
import io.qmeter.engines.LaunchPlan;
import io.qmeter.engines.launch.LaunchedEngine;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.SweepCoordinator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GPU study's command line and the engine settings it hands to the llama.cpp factory. */
class GpuLlamaStudyTest {

    private static final String[] GPU_ARGS = {"--server", "/opt/llama/llama-server", "--models", "/models",
        "--out", "/tmp/out", "--budget-s", "80", "--configs", "F16,Q4_0+KVq8_0"};

    @Test
    void theCommandLineSetsTheOptions() {
        GpuLlamaStudy.Options o = GpuLlamaStudy.parse(GPU_ARGS);

        assertThat(o.onGpu()).isTrue();
        assertThat(o.shape()).isEqualTo("tinyllama");
        assertThat(o.budget()).isEqualTo(Duration.ofSeconds(80));
        assertThat(o.configurations()).extracting(GpuLlamaStudy.Config::label).containsExactly("F16", "Q4_0+KVq8_0");
        assertThat(o.modelFile(o.configurations().get(1))).isEqualTo(Path.of("/models/tinyllama-Q4_0.gguf"));
        GpuLlamaStudy.Options cpu = GpuLlamaStudy.parse(new String[] {"--cpu", "--server", "s", "--models", "m"});
        assertThat(cpu.onGpu()).isFalse();
        assertThat(cpu.shape()).isEqualTo("tiny");
    }

    @Test
    void aWrongArgumentIsNamed() {
        assertThatThrownBy(() -> GpuLlamaStudy.parse(new String[] {"--server", "s"}))
                .hasMessageContaining("--models");
        assertThatThrownBy(() -> GpuLlamaStudy.parse(new String[] {"--server", "s", "--models", "m", "--configs", "Q2"}))
                .hasMessageContaining("Q2").hasMessageContaining("Q4_0+KVq8_0");
        assertThatThrownBy(() -> GpuLlamaStudy.parse(new String[] {"--server", "s", "--models", "m", "--frobnicate"}))
                .hasMessageContaining("--frobnicate");
    }

    @Test
    void everyConfigurationIsOneTheLlamaCppFactoryAcceptsWithTheFlagsItNeeds() {
        GpuLlamaStudy.Options o = GpuLlamaStudy.parse(new String[] {"--server", "/opt/llama/llama-server",
            "--models", "/models"});
        Plan plan = GpuLlamaStudy.plan(o);
        assertThat(plan.configurations()).hasSize(4);
        assertThat(plan.configurations().stream().map(s -> s.id()).distinct()).hasSize(4);

        for (int i = 0; i < 4; i++) {
            GpuLlamaStudy.Config c = o.configurations().get(i);
            LaunchedEngine e = (LaunchedEngine) EngineFactory.find("llama.cpp")
                    .create(SweepCoordinator.settingsMap(plan.configurations().get(i)));
            LaunchPlan p = e.dialect().plan(e.config());
            List<String> cmd = p.server().command();
            assertThat(p.preparation()).as("%s: the file already has its type", c.label()).isEmpty();
            assertThat(cmd).as(c.label()).containsSequence("-m", "/models/tinyllama-" + c.modelFormat() + ".gguf")
                    .containsSequence("-np", "16").containsSequence("-ngl", "99");
            assertThat(e.config().gpus()).containsExactly(0);
            if (c.kvCacheType().isPresent()) {
                assertThat(cmd).containsSequence("--cache-type-k", "q8_0", "--cache-type-v", "q8_0").contains("-fa");
            } else {
                assertThat(cmd).doesNotContain("--cache-type-k", "-fa");
            }
        }
    }

    @Test
    void onTheCpuNoLayersGoToAGpu() {
        GpuLlamaStudy.Options o = GpuLlamaStudy.parse(new String[] {"--cpu", "--server", "s", "--models", "/m"});
        LaunchedEngine e = (LaunchedEngine) EngineFactory.find("llama.cpp")
                .create(SweepCoordinator.settingsMap(GpuLlamaStudy.settings(o, o.configurations().get(0))));

        assertThat(e.config().gpus()).isEmpty();
        assertThat(e.dialect().plan(e.config()).server().command()).doesNotContain("-ngl");
    }
}
