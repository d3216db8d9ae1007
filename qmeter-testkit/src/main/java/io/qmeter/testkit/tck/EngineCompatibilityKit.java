package io.qmeter.testkit.tck;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.Health;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Engine} honours. Extend it in the engine's test and implement
 * {@link #createEngine()}; the kit starts, probes, closes and restarts it.
 *
 * <p>What is checked: {@code start()} returns a healthy handle; its base URL answers
 * {@code GET /v1/models} with a JSON list; {@code close()} is idempotent; {@code start()} again
 * after close works (a restart); {@code logTail} never throws and respects its limit;
 * {@code describe()} is never null.
 *
 * <p>Two capability groups, chosen by {@link #ownsServer()}: an engine that runs its own server
 * (the default) must stop it on close, so health is {@link Health.Status#DOWN} and nothing answers
 * at the old URL; an engine handle that does not own its server ({@link io.qmeter.engine.RemoteEngine})
 * must leave the server running and answering after close. The checks of the other group are
 * skipped (JUnit assumptions), never failed.
 *
 * <pre>{@code
 * class SimulatedEngineCompatibilityTest extends EngineCompatibilityKit {
 *     protected Engine createEngine() { return SimulatedEngine.builder().port(0).build(); }
 * }
 * class RemoteEngineCompatibilityTest extends EngineCompatibilityKit {
 *     protected Engine createEngine() { return RemoteEngine.at(server.baseUrl(), "model"); }
 *     protected boolean ownsServer() { return false; }
 * }
 * }</pre>
 */
public abstract class EngineCompatibilityKit {

    private final List<EngineHandle> handles = new ArrayList<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    /** The engine under test, created before each test. */
    protected Engine engine;

    /** Creates the kit; subclasses implement {@link #createEngine()}. */
    protected EngineCompatibilityKit() {
    }

    /**
     * Creates the engine under test (a description; the kit calls {@code start()}).
     *
     * <pre>{@code
     * protected Engine createEngine() { return SimulatedEngine.builder().build(); }
     * }</pre>
     *
     * @return the engine
     */
    protected abstract Engine createEngine();

    /**
     * How long an HTTP probe may take.
     *
     * <pre>{@code
     * protected Duration probeTimeout() { return Duration.ofSeconds(30); }
     * }</pre>
     *
     * @return the timeout, 10 s by default
     */
    protected Duration probeTimeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * Whether a handle of this engine owns the server: true (the default) when {@code start()}
     * starts a server and {@code close()} stops it; false for a handle on a server someone else
     * runs, which {@code close()} must leave running.
     *
     * <pre>{@code
     * protected boolean ownsServer() { return false; }
     * }</pre>
     *
     * @return true when closing a handle stops its server
     */
    protected boolean ownsServer() {
        return true;
    }

    /** Creates the engine. */
    @BeforeEach
    void createTheEngine() {
        engine = createEngine();
        assertNotNull(engine, "createEngine() returned null; return the engine under test");
    }

    /** Closes every handle the kit started. */
    @AfterEach
    void closeHandles() {
        for (EngineHandle h : handles) {
            h.close();
        }
        handles.clear();
    }

    /**
     * Starts the engine and remembers the handle so that it is closed after the test.
     *
     * @return the handle
     */
    protected EngineHandle startEngine() {
        EngineHandle h = engine.start();
        assertNotNull(h, "start() returned null");
        handles.add(h);
        return h;
    }

    @Test
    @DisplayName("name is not blank and describe() is not null")
    void nameAndDescribe() {
        assertNotNull(engine.name(), "name() is null");
        assertFalse(engine.name().isBlank(), "name() is blank");
        assertNotNull(engine.describe(), "Engine.describe() is null");
    }

    @Test
    @DisplayName("start() returns a healthy handle")
    void startIsHealthy() {
        EngineHandle h = startEngine();
        Health health = h.health();
        assertNotNull(health, "health() returned null");
        assertTrue(health.isUp(), "after start() the engine must be UP, was " + health);
        assertNotNull(h.baseUrl(), "baseUrl() is null");
        assertFalse(h.baseUrl().toString().endsWith("/v1"), "baseUrl must not end with /v1, was " + h.baseUrl());
        assertNotNull(h.model(), "model() is null");
        Map<String, Object> d = h.describe();
        assertNotNull(d, "EngineHandle.describe() is null");
    }

    @Test
    @DisplayName("baseUrl answers GET /v1/models with a model list")
    void modelsEndpointAnswers() throws Exception {
        EngineHandle h = startEngine();
        HttpResponse<String> r = get(h.baseUrl(), "/v1/models");
        assertEquals(200, r.statusCode(), "GET /v1/models must answer 200, was " + r.statusCode() + ": " + r.body());
        String body = r.body().replace(" ", "");
        assertTrue(body.contains("\"data\":["), "GET /v1/models must return {\"data\":[...]}, was " + r.body());
        assertFalse(body.contains("\"data\":[]"), "GET /v1/models lists no model: " + r.body());
    }

    @Test
    @DisplayName("close() is idempotent")
    void closeIsIdempotent() {
        EngineHandle h = startEngine();
        h.close();
        assertDoesNotThrow(h::close, "a second close() must do nothing");
        assertNotNull(h.health(), "health() after close() returned null");
    }

    @Test
    @DisplayName("owning engines: close() stops the server, health is DOWN and nothing answers")
    void closeStopsAnOwnedServer() {
        assumeTrue(ownsServer(), "the handle does not own its server");
        EngineHandle h = startEngine();
        URI url = h.baseUrl();
        h.close();
        Health after = h.health();
        assertNotNull(after, "health() after close() returned null");
        assertEquals(Health.Status.DOWN, after.status(), "health after close() must be DOWN, was " + after);
        boolean refused;
        try {
            get(url, "/v1/models");
            refused = false;
        } catch (IOException expected) {
            refused = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertTrue(refused, "after close() nothing may answer at " + url);
    }

    @Test
    @DisplayName("handles that do not own their server: close() leaves it running and answering")
    void closeLeavesAServerItDoesNotOwn() throws Exception {
        assumeTrue(!ownsServer(), "the handle owns its server");
        EngineHandle h = startEngine();
        URI url = h.baseUrl();
        h.close();
        HttpResponse<String> r = get(url, "/v1/models");
        assertEquals(200, r.statusCode(), "a server the handle does not own must still answer after close(), was "
                + r.statusCode());
    }

    @Test
    @DisplayName("start() again after close() restarts the engine")
    void restartWorks() throws Exception {
        EngineHandle first = startEngine();
        first.close();
        EngineHandle second = startEngine();
        assertTrue(second.health().isUp(), "the restarted engine must be UP, was " + second.health());
        HttpResponse<String> r = get(second.baseUrl(), "/v1/models");
        assertEquals(200, r.statusCode(), "the restarted engine must answer /v1/models, was " + r.statusCode());
        if (ownsServer()) {
            assertNotEquals(Health.Status.UP, first.health().status(), "the closed handle must not report UP");
        }
    }

    @Test
    @DisplayName("logTail never throws and respects its limit")
    void logTailNeverThrows() {
        EngineHandle h = startEngine();
        List<String> tail = assertDoesNotThrow(() -> h.logTail(10));
        assertNotNull(tail, "logTail() returned null; return an empty list");
        assertTrue(tail.size() <= 10, "logTail(10) returned " + tail.size() + " lines");
        assertNotNull(assertDoesNotThrow(() -> h.logTail(0)), "logTail(0) returned null");
        h.close();
        assertNotNull(assertDoesNotThrow(() -> h.logTail(5)), "logTail() after close() returned null");
    }

    private HttpResponse<String> get(URI base, String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .timeout(probeTimeout()).GET().build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
