package io.qmeter.engines.launch;

import io.qmeter.engines.EngineDialects;

/**
 * The {@code "openai-generic"} engine kind for plans: a generic OpenAI-compatible server started from a command template, launched and supervised; see
 * {@link DialectEngineFactory} for the settings.
 *
 * <pre>{@code
 * Engine e = EngineFactory.find("openai-generic").create(Map.of("model", "m", "gpu", "0"));
 * }</pre>
 */
public final class OpenAiGenericEngineFactory extends DialectEngineFactory {

    /** The kind's name in plans. */
    public static final String NAME = "openai-generic";

    /** For {@link java.util.ServiceLoader}. */
    public OpenAiGenericEngineFactory() {
        super(NAME, () -> EngineDialects.find(NAME));
    }
}
