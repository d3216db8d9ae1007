package io.qmeter.testkit.tck;

import io.qmeter.engine.Engine;
import io.qmeter.testkit.Dialect;
import io.qmeter.testkit.ScriptedEngine;

/** The scripted engine honours the Engine contract (llama.cpp dialect, to cover both). */
class ScriptedEngineCompatibilityTest extends EngineCompatibilityKit {
    @Override
    protected Engine createEngine() {
        return ScriptedEngine.builder().dialect(Dialect.LLAMA_CPP).build();
    }
}
