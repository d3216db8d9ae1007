package io.qmeter.testkit.tck;

import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.RemoteEngine;
import io.qmeter.testkit.ScriptedEngine;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A handle on a server someone else runs honours the Engine contract: the server here is a
 * scripted engine the test owns, and closing the remote handle must leave it answering.
 */
class RemoteEngineCompatibilityTest extends EngineCompatibilityKit {

    private static ScriptedEngine server;
    private static EngineHandle running;

    @BeforeAll
    static void startTheServer() {
        server = ScriptedEngine.builder().build();
        running = server.start();
    }

    @AfterAll
    static void stopTheServer() {
        server.close();
    }

    @Override
    protected Engine createEngine() {
        return RemoteEngine.at(running.baseUrl(), running.model()).withStartTimeout(Duration.ofSeconds(10));
    }

    @Override
    protected boolean ownsServer() {
        return false;
    }
}
