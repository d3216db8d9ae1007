package io.qmeter.testkit.tck;

import io.qmeter.power.PowerSensor;

/** Runs the power-sensor kit against an available constant sensor. */
class ConstantPowerSensorCompatibilityTest extends PowerSensorCompatibilityKit {
    @Override
    protected PowerSensor createSensor() {
        return new ConstantPowerSensor(300, true);
    }
}
