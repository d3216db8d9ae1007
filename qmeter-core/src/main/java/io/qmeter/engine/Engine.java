package io.qmeter.engine;

import java.util.Map;

/**
 * Something that can start a serving engine: a launcher for vLLM or llama.cpp, the testkit's
 * simulated engine, or {@link RemoteEngine} for a server someone else runs.
 *
 * <p>SPI: passed explicitly, or made from a plan's settings by an {@link EngineFactory}, which is
 * what {@link java.util.ServiceLoader} discovers ({@link EngineFactory#available()}). An engine
 * is a description; {@link #start()} may be called again after a handle was closed (a restart).
 *
 * <pre>{@code
 * Engine e = RemoteEngine.at("http://127.0.0.1:8000", "my-model");
 * try (EngineHandle h = e.start()) { ... }
 * }</pre>
 */
public interface Engine {

    /**
     * A short name, for example {@code "vllm"} or {@code "simulated"}.
     *
     * @return the name
     */
    String name();

    /**
     * Starts the engine and waits until it is healthy.
     *
     * @return a handle to the running engine
     * @throws EngineException when the engine cannot start; the message says why and what to do,
     *                         and {@link EngineException#logTail()} holds its last log lines
     */
    EngineHandle start() throws EngineException;

    /**
     * The configuration this engine stands for (model, quantization, GPU, TP...), recorded in results.
     *
     * @return descriptive parameters
     */
    default Map<String, Object> describe() {
        return Map.of("engine", name());
    }
}
