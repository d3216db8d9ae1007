package io.qmeter.engine;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A serving engine that someone else runs: qMeter only checks that it answers. {@link #start()}
 * waits until {@code GET /health} (or, for servers without it, {@code GET /v1/models}) answers
 * 200, up to the start timeout; closing the handle leaves the server running.
 *
 * <pre>{@code
 * Engine e = RemoteEngine.at("http://127.0.0.1:8000", "meta-llama/Llama-2-13b-hf");
 * try (EngineHandle h = e.start()) {
 *     System.out.println(h.health());
 * }
 * }</pre>
 */
public final class RemoteEngine implements Engine {

    private final URI baseUrl;
    private final String model;
    private final Duration startTimeout;
    private final Duration healthTimeout;

    private RemoteEngine(URI baseUrl, String model, Duration startTimeout, Duration healthTimeout) {
        this.baseUrl = baseUrl;
        this.model = model;
        this.startTimeout = startTimeout;
        this.healthTimeout = healthTimeout;
    }

    /**
     * A remote server at {@code baseUrl} serving {@code model}.
     *
     * @param baseUrl base URL without {@code /v1}, e.g. {@code http://127.0.0.1:8000}
     * @param model   the model name to put in requests
     * @return the engine
     */
    public static RemoteEngine at(String baseUrl, String model) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        return at(URI.create(baseUrl), model);
    }

    /**
     * A remote server at {@code baseUrl} serving {@code model}.
     *
     * @param baseUrl base URL without {@code /v1}
     * @param model   the model name to put in requests
     * @return the engine
     */
    public static RemoteEngine at(URI baseUrl, String model) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(model, "model");
        String s = baseUrl.toString();
        if (!s.startsWith("http://") && !s.startsWith("https://")) {
            throw new IllegalArgumentException("baseUrl must start with http:// or https://, was " + s);
        }
        if (s.endsWith("/v1") || s.endsWith("/v1/")) {
            throw new IllegalArgumentException("baseUrl must not end with /v1 (qMeter adds the paths), was " + s);
        }
        return new RemoteEngine(URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s), model,
                Duration.ofSeconds(30), Duration.ofSeconds(2));
    }

    /**
     * A copy that waits at most {@code timeout} in {@link #start()} for the server to answer.
     *
     * @param timeout the start timeout, &gt; 0
     * @return the copy
     */
    public RemoteEngine withStartTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be > 0, was " + timeout);
        }
        return new RemoteEngine(baseUrl, model, timeout, healthTimeout);
    }

    @Override
    public String name() {
        return "remote";
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of("engine", "remote", "baseUrl", baseUrl.toString(), "model", model);
    }

    @Override
    public EngineHandle start() {
        Handle h = new Handle();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        Health last = h.health();
        while (!last.isUp()) {
            if (System.nanoTime() >= deadline) {
                throw new EngineException("the server at " + baseUrl + " did not become healthy within "
                        + startTimeout + ": " + last.detail() + "; check that it runs and that the URL is right");
            }
            try {
                Thread.sleep(200); // polling an external process with a deadline; not a test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException("interrupted while waiting for " + baseUrl, List.of(), e);
            }
            last = h.health();
        }
        return h;
    }

    private final class Handle implements EngineHandle {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(healthTimeout).build();

        @Override
        public URI baseUrl() {
            return baseUrl;
        }

        @Override
        public String model() {
            return model;
        }

        @Override
        public Health health() {
            Health h = probe("/health");
            if (h.status() == Health.Status.UNRESPONSIVE && h.detail().contains("HTTP 404")) {
                return probe("/v1/models");
            }
            return h;
        }

        private Health probe(String path) {
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(healthTimeout).GET().build();
                HttpResponse<Void> resp = http.send(req, HttpResponse.BodyHandlers.discarding());
                return resp.statusCode() == 200 ? Health.up()
                        : new Health(Health.Status.UNRESPONSIVE, "GET " + path + " answered HTTP " + resp.statusCode());
            } catch (java.net.http.HttpTimeoutException e) {
                return new Health(Health.Status.UNRESPONSIVE, "GET " + path + " timed out after " + healthTimeout);
            } catch (IOException e) {
                return new Health(Health.Status.DOWN, "GET " + path + " failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Health(Health.Status.UNRESPONSIVE, "interrupted");
            }
        }

        @Override
        public List<String> logTail(int maxLines) {
            return List.of();
        }

        @Override
        public Map<String, Object> describe() {
            return RemoteEngine.this.describe();
        }

        @Override
        public void close() {
            // the server is someone else's: nothing to stop
        }
    }
}
