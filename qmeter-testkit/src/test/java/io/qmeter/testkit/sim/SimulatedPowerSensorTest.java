package io.qmeter.testkit.sim;

import io.qmeter.power.PowerSensor;
import io.qmeter.testkit.tck.PowerSensorCompatibilityKit;
import org.junit.jupiter.api.AfterEach;

/** The simulated sensor honours the {@link PowerSensor} contract while the backend serves a request. */
class SimulatedPowerSensorTest extends PowerSensorCompatibilityKit {

    private RealTimeBackend backend;

    @Override
    protected PowerSensor createSensor() {
        backend = RealTimeBackend.create(SimConfig.builder().model("Llama-2-7B").tensorParallel(2).build());
        // keep the simulated GPUs busy during the windows: one long request
        backend.submit(new SimRequest(500, 3500, true, 1), new TokenSink() {
            @Override
            public void onTokens(int count, long nanoTime) {
            }

            @Override
            public void onFinish(String finishReason, int promptTokens, int completionTokens) {
            }

            @Override
            public void onError(String message) {
            }
        });
        return backend.powerSensor();
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }
}
