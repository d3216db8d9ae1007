package io.qmeter.testkit.tck;

import io.qmeter.engine.EngineHandle;
import io.qmeter.power.PowerSensor;
import io.qmeter.testkit.SimulatedEngine;
import org.junit.jupiter.api.AfterEach;

/** The simulated engine's power sensor (a SimulatedPowerSensor) honours the PowerSensor contract. */
class SimulatedPowerSensorCompatibilityTest extends PowerSensorCompatibilityKit {
    private EngineHandle handle;

    @Override
    protected PowerSensor createSensor() {
        handle = SimulatedEngine.builder().model("llama-2-7b").tensorParallel(2).port(0).build().start();
        return handle.powerSensor().orElseThrow();
    }

    @AfterEach
    void stopEngine() {
        handle.close();
    }
}
