package io.qmeter.nvml;

import io.qmeter.nvml.internal.TimeSource;
import io.qmeter.power.PowerSensor;
import io.qmeter.testkit.tck.PowerSensorCompatibilityKit;

/** The PowerSensor contract on a machine without NVIDIA's library: unavailable, with the reason. */
class UnavailableNvmlSensorCompatibilityTest extends PowerSensorCompatibilityKit {

    @Override
    protected PowerSensor createSensor() {
        return new NvmlPowerSensor(NvmlSensorOptions.defaults(), () -> {
            throw new NvmlException("dlopen(nvidia-ml, libnvidia-ml.so.1)", "", NvmlError.LIBRARY_NOT_FOUND.code());
        }, TimeSource.SYSTEM, true);
    }
}
