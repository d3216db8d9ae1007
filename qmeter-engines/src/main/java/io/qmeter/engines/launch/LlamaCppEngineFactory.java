package io.qmeter.engines.launch;

import io.qmeter.engines.EngineDialects;

/**
 * The {@code "llama.cpp"} engine kind for plans: llama.cpp (llama-server), launched and supervised; see
 * {@link DialectEngineFactory} for the settings.
 *
 * <pre>{@code
 * Engine e = EngineFactory.find("llama.cpp").create(Map.of("model", "m", "gpu", "0"));
 * }</pre>
 */
public final class LlamaCppEngineFactory extends DialectEngineFactory {

    /** The kind's name in plans. */
    public static final String NAME = "llama.cpp";

    /** For {@link java.util.ServiceLoader}. */
    public LlamaCppEngineFactory() {
        super(NAME, () -> EngineDialects.find(NAME));
    }
}
