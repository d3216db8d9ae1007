package io.qmeter.engines.launch;

import io.qmeter.engines.EngineDialects;

/**
 * The {@code "sglang"} engine kind for plans: SGLang (python -m sglang.launch_server), launched and supervised; see
 * {@link DialectEngineFactory} for the settings.
 *
 * <pre>{@code
 * Engine e = EngineFactory.find("sglang").create(Map.of("model", "m", "gpu", "0"));
 * }</pre>
 */
public final class SglangEngineFactory extends DialectEngineFactory {

    /** The kind's name in plans. */
    public static final String NAME = "sglang";

    /** For {@link java.util.ServiceLoader}. */
    public SglangEngineFactory() {
        super(NAME, () -> EngineDialects.find(NAME));
    }
}
