package io.qmeter.testkit.tck;

import io.qmeter.engine.Engine;
import io.qmeter.testkit.Dialect;
import io.qmeter.testkit.SimulatedEngine;

/** The simulated engine honours the Engine contract. */
class SimulatedEngineCompatibilityTest extends EngineCompatibilityKit {
    @Override
    protected Engine createEngine() {
        return SimulatedEngine.builder().model("llama-2-7b").dialect(Dialect.VLLM).port(0).build();
    }
}
