package io.qmeter.engine;

import io.qmeter.power.PowerSensor;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A running serving engine: where it listens, whether it is healthy, what it logged.
 * Closing it stops the engine if this handle started it; {@code close()} is idempotent.
 *
 * <pre>{@code
 * try (EngineHandle h = engine.start()) {
 *     URI url = h.baseUrl();          // e.g. http://127.0.0.1:8000
 *     if (!h.health().isUp()) System.out.println(h.logTail(50));
 * }
 * }</pre>
 */
public interface EngineHandle extends AutoCloseable {

    /**
     * Base URL of the OpenAI-compatible API, without the {@code /v1} suffix.
     *
     * @return the base URL, e.g. {@code http://127.0.0.1:8000}
     */
    URI baseUrl();

    /**
     * The model name to put in requests.
     *
     * @return the served model name
     */
    String model();

    /**
     * Checks health now (a cheap call, for example {@code GET /health} with a short timeout).
     *
     * @return the health; never throws
     */
    Health health();

    /**
     * The last lines the engine logged, for failure reports.
     *
     * @param maxLines how many lines at most
     * @return the lines, oldest first; empty if the engine's log is not available
     */
    List<String> logTail(int maxLines);

    /**
     * A power sensor bound to this engine's GPUs, when the engine knows them (the simulated engine
     * does; a launched engine may).
     *
     * @return the sensor, or empty
     */
    default Optional<PowerSensor> powerSensor() {
        return Optional.empty();
    }

    /**
     * The CUDA device indices this engine serves from (as in {@code CUDA_VISIBLE_DEVICES}), when it
     * knows them. A sweep uses them to give each configuration an energy window over its own GPUs
     * and to refuse two configurations that would share a GPU at once.
     *
     * <pre>{@code
     * List<Integer> gpus = handle.gpuIndices(); // e.g. [0, 1] for a TP-2 server
     * }</pre>
     *
     * @return the device indices; empty when unknown (a remote server) or none (CPU)
     */
    default List<Integer> gpuIndices() {
        return List.of();
    }

    /**
     * The engine's own metrics now, scraped from its Prometheus endpoint where it has one, under
     * qMeter's canonical names: {@code requests_waiting}, {@code requests_running},
     * {@code kv_cache_usage} (0-1), {@code prompt_tokens_total}, {@code generation_tokens_total},
     * {@code ttft_seconds_sum} / {@code ttft_seconds_count}, {@code tpot_seconds_sum} /
     * {@code tpot_seconds_count}. Names the engine does not export are absent. Never throws; a
     * failed scrape returns an empty map. Called from a background thread during runs, never on a
     * request's path.
     *
     * <pre>{@code
     * double waiting = handle.serverMetrics().getOrDefault("requests_waiting", Double.NaN);
     * }</pre>
     *
     * @return canonical metric name to value; empty when the engine exports none
     */
    default Map<String, Double> serverMetrics() {
        return Map.of();
    }

    /**
     * What this engine is (GPU, model, quantization, TP degree...), recorded in results.
     *
     * @return descriptive parameters
     */
    default Map<String, Object> describe() {
        return Map.of("baseUrl", baseUrl().toString(), "model", model());
    }

    /** Stops the engine if this handle started it; idempotent. */
    @Override
    void close();
}
