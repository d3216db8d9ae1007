package io.qmeter.nvml;

import io.qmeter.nvml.internal.TimeSource;
import io.qmeter.power.PowerSensor;
import io.qmeter.testkit.tck.PowerSensorCompatibilityKit;
import java.time.Duration;

/**
 * The PowerSensor contract, over the fake NVML with two GPUs. The kit compares durations with
 * System.nanoTime, so this runs on the real clock with the real sampling thread (10 ms).
 */
class NvmlPowerSensorCompatibilityTest extends PowerSensorCompatibilityKit {

    @Override
    protected PowerSensor createSensor() {
        FakeNvml nvml = new FakeNvml(System::nanoTime, NvmlPowerSensorTest.UUID0, NvmlPowerSensorTest.UUID1);
        nvml.counterPeriodNanos = Duration.ofMillis(100).toNanos(); // like an H100's counter
        nvml.setPower(0, 70);
        nvml.setPower(1, 590);
        return new NvmlPowerSensor(new NvmlSensorOptions(GpuSelection.all(), Duration.ofMillis(10), 10_000),
                () -> nvml, TimeSource.SYSTEM, true);
    }
}
