package io.qmeter.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.power.EnergyQuality;
import io.qmeter.power.EnergyReading;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** On a real NVIDIA GPU only (excluded from CI by the gpu tag); NvmlCheck is the fuller check. */
@Tag("gpu")
class NvmlGpuTest {

    @Test
    void aRealGpuIsMeasuredWithItsEnergyCounter() {
        try (NvmlPowerSensor s = NvmlPowerSensor.require(NvmlSensorOptions.defaults())) {
            assertThat(s.capability().quality()).isEqualTo(EnergyQuality.MEASURED);
            double idle = s.measureIdleWatts(Duration.ofSeconds(2));
            assertThat(idle).isBetween(5.0, 2000.0);
            try (NvmlEnergyWindow w = s.open()) {
                s.measureIdleWatts(Duration.ofSeconds(1));
                EnergyReading r = w.end();
                assertThat(r.quality()).isEqualTo(EnergyQuality.MEASURED);
                assertThat(r.joules()).isPositive();
                assertThat(w.integratedJoules()).isCloseTo(r.joules(), org.assertj.core.api.Assertions.withinPercentage(20));
            }
            assertThat(s.deviceFacts().gpus()).isNotEmpty();
        }
    }
}
