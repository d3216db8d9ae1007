package io.qmeter.engines.launch;

import io.qmeter.engines.EngineDialects;

/**
 * The {@code "vllm"} engine kind for plans: vLLM (vllm serve), launched and supervised; see
 * {@link DialectEngineFactory} for the settings.
 *
 * <pre>{@code
 * Engine e = EngineFactory.find("vllm").create(Map.of("model", "m", "gpu", "0"));
 * }</pre>
 */
public final class VllmEngineFactory extends DialectEngineFactory {

    /** The kind's name in plans. */
    public static final String NAME = "vllm";

    /** For {@link java.util.ServiceLoader}. */
    public VllmEngineFactory() {
        super(NAME, () -> EngineDialects.find(NAME));
    }
}
