package io.qmeter.testkit.tck;

import io.qmeter.power.PowerSensor;

/** Runs the power-sensor kit against a sensor that cannot measure: it must still pass. */
class UnavailablePowerSensorCompatibilityTest extends PowerSensorCompatibilityKit {
    @Override
    protected PowerSensor createSensor() {
        return new ConstantPowerSensor(0, false);
    }
}
