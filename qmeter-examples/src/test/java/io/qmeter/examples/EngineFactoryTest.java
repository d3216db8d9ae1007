package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineFactory;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.testkit.SimulatedEngine;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulated engine is found through ServiceLoader and maps a plan's settings. */
class EngineFactoryTest {

    @Test
    void theSimulatedFactoryIsRegisteredAndMapsThePlansSettings() {
        EngineFactory f = EngineFactory.find("Simulated");
        Engine e = f.create(SweepCoordinator.settingsMap(TestPlans.settings("W4A16-INT")));

        assertThat(e).isInstanceOf(SimulatedEngine.class);
        SimulatedEngine s = (SimulatedEngine) e;
        assertThat(s.config().model().name()).isEqualTo("Llama-2-7B");
        assertThat(s.config().quantization().name()).isEqualTo("W4A16-INT");
        assertThat(s.config().gpu().name()).isEqualTo("H100-80GB");
        assertThat(s.config().tensorParallel()).isEqualTo(1);
        assertThat(f.independent(Map.of(), Map.of())).isTrue();
    }

    @Test
    void anUnknownKindOrSettingFailsNamingIt() {
        assertThatThrownBy(() -> EngineFactory.find("vllm-nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vllm-nope").hasMessageContaining("simulated");
        assertThatThrownBy(() -> EngineFactory.find("simulated").create(Map.of("modle", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'modle'");
    }
}
