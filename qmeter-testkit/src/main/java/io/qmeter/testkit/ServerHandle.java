package io.qmeter.testkit;

import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.Health;
import io.qmeter.power.PowerSensor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** The handle of a running test engine. Package-private; users see {@link EngineHandle}. */
final class ServerHandle implements EngineHandle {
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
    private static volatile HttpClient healthClient;

    private final ApiServer server;
    private final String model;
    private final Map<String, Object> describe;
    private final PowerSensor sensor;
    private final Runnable onClose;
    private final LogBuffer logs;
    private final AtomicBoolean closed = new AtomicBoolean();

    ServerHandle(ApiServer server, String model, Map<String, Object> describe, PowerSensor sensor, Runnable onClose,
                 LogBuffer logs) {
        this.server = server;
        this.model = model;
        this.describe = Map.copyOf(describe);
        this.sensor = sensor;
        this.onClose = onClose;
        this.logs = logs;
    }

    private static HttpClient client() {
        HttpClient c = healthClient;
        if (c == null) {
            synchronized (ServerHandle.class) {
                c = healthClient;
                if (c == null) {
                    c = HttpClient.newBuilder().connectTimeout(HEALTH_TIMEOUT).version(HttpClient.Version.HTTP_1_1)
                            .build();
                    healthClient = c;
                }
            }
        }
        return c;
    }

    ApiServer server() {
        return server;
    }

    @Override
    public URI baseUrl() {
        return server.baseUrl();
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public Health health() {
        if (closed.get()) {
            return new Health(Health.Status.DOWN, "closed");
        }
        if (server.isStopped()) {
            String why = server.crashReason();
            return new Health(Health.Status.DOWN, why != null ? "crashed: " + why : "stopped");
        }
        try {
            HttpResponse<Void> r = client().send(HttpRequest.newBuilder(server.baseUrl().resolve("/health"))
                    .timeout(HEALTH_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 ? Health.up()
                    : new Health(Health.Status.UNRESPONSIVE, "GET /health answered " + r.statusCode());
        } catch (HttpTimeoutException e) {
            return new Health(Health.Status.UNRESPONSIVE, "GET /health timed out after " + HEALTH_TIMEOUT);
        } catch (IOException e) {
            return new Health(Health.Status.DOWN, "GET /health failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Health(Health.Status.UNRESPONSIVE, "interrupted while checking health");
        } catch (RuntimeException e) {
            return new Health(Health.Status.UNRESPONSIVE, "health check failed: " + e);
        }
    }

    @Override
    public List<String> logTail(int maxLines) {
        return logs.tail(maxLines);
    }

    @Override
    public Optional<PowerSensor> powerSensor() {
        return Optional.ofNullable(sensor);
    }

    @Override
    public Map<String, Object> describe() {
        return describe;
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop();
        if (onClose != null) {
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return "EngineHandle[" + server.baseUrl() + ", model " + model + (closed.get() ? ", closed" : "") + "]";
    }
}
