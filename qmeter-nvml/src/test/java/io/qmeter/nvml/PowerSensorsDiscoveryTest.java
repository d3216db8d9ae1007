package io.qmeter.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.power.EnergyQuality;
import io.qmeter.power.PowerSensor;
import io.qmeter.power.PowerSensors;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** PowerSensors finds the NVML sensor that qmeter-nvml registers, and picks it only where it can measure. */
class PowerSensorsDiscoveryTest {

    @Test
    void theRegisteredNvmlSensorIsFoundAndChosenOnlyWhenItCanMeasure() {
        List<PowerSensor> all = PowerSensors.available();
        boolean nvmlWorksHere;
        try {
            assertThat(all).anyMatch(s -> s instanceof NvmlPowerSensor);
            nvmlWorksHere = all.stream().filter(s -> s instanceof NvmlPowerSensor)
                    .anyMatch(s -> s.capability().quality() != EnergyQuality.UNAVAILABLE);
        } finally {
            all.forEach(PowerSensor::close);
        }
        Optional<PowerSensor> chosen = PowerSensors.firstAvailable();
        try {
            if (nvmlWorksHere) {
                assertThat(chosen).isPresent();
                assertThat(chosen.get().capability().quality()).isNotEqualTo(EnergyQuality.UNAVAILABLE);
            } else {
                assertThat(chosen).as("no sensor can measure without NVML").isEmpty();
            }
        } finally {
            chosen.ifPresent(PowerSensor::close);
        }
    }
}
