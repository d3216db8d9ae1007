package io.qmeter.engines.launch;

import io.qmeter.engines.EngineDialects;

/**
 * The {@code "openai-generic"} engine kind for plans: a generic OpenAI-compatible server started
 * from a command template (the {@code extraArgs} setting, e.g. {@code my-server --model {model}
 * --port {port}}), launched and supervised; see {@link DialectEngineFactory} for the settings.
 *
 * <pre>{@code
 * Engine e = EngineFactory.find("openai-generic").create(Map.of("model", "/models/m", "gpu", "0",
 *         "extraArgs", "my-server --model {model} --host {host} --port {port}"));
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
