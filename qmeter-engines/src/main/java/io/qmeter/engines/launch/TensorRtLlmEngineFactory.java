package io.qmeter.engines.launch;

import io.qmeter.engines.EngineDialects;

/**
 * The {@code "tensorrt-llm"} engine kind for plans: TensorRT-LLM (trtllm-serve, after its quantize
 * and engine-build steps), launched and supervised; see {@link DialectEngineFactory} for the settings.
 *
 * <pre>{@code
 * Engine e = EngineFactory.find("tensorrt-llm").create(Map.of("model", "m", "gpu", "0"));
 * }</pre>
 */
public final class TensorRtLlmEngineFactory extends DialectEngineFactory {

    /** The kind's name in plans. */
    public static final String NAME = "tensorrt-llm";

    /** For {@link java.util.ServiceLoader}. */
    public TensorRtLlmEngineFactory() {
        super(NAME, () -> EngineDialects.find(NAME));
    }
}
