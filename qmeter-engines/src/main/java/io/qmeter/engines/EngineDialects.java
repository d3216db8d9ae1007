package io.qmeter.engines;

import io.qmeter.engines.dialect.LlamaCppDialect;
import io.qmeter.engines.dialect.OpenAiGenericDialect;
import io.qmeter.engines.dialect.SglangDialect;
import io.qmeter.engines.dialect.TensorRtLlmDialect;
import io.qmeter.engines.dialect.VllmDialect;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The engine dialects qMeter knows: {@code llama.cpp}, {@code vllm}, {@code sglang},
 * {@code tensorrt-llm} and {@code openai-generic}, each with its executables looked up on
 * {@code PATH} (construct the dialect classes in {@code io.qmeter.engines.dialect} to name others).
 *
 * <pre>{@code
 * EngineDialect d = EngineDialects.find("llama.cpp");
 * }</pre>
 */
public final class EngineDialects {

    private static final List<EngineDialect> ALL = List.of(new LlamaCppDialect(), new VllmDialect(),
            new SglangDialect(), new TensorRtLlmDialect(), new OpenAiGenericDialect());

    private EngineDialects() {
    }

    /**
     * Every built-in dialect.
     *
     * @return the dialects
     */
    public static List<EngineDialect> all() {
        return ALL;
    }

    /**
     * The dialect of this name (case-insensitive; {@code llamacpp}, {@code llama-cpp} and
     * {@code llama-server} name {@code llama.cpp}; {@code trtllm} and {@code tensorrt_llm} name
     * {@code tensorrt-llm}).
     *
     * @param name the engine kind
     * @return the dialect
     * @throws IllegalArgumentException listing the known names when none matches
     */
    public static EngineDialect find(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.trim().toLowerCase(Locale.ROOT);
        n = switch (n) {
            case "llamacpp", "llama-cpp", "llama_cpp", "llama-server" -> "llama.cpp";
            case "trtllm", "trt-llm", "tensorrt_llm", "tensorrtllm" -> "tensorrt-llm";
            default -> n;
        };
        for (EngineDialect d : all()) {
            if (d.name().equals(n)) {
                return d;
            }
        }
        throw new IllegalArgumentException("engine must be one of " + all().stream().map(EngineDialect::name).toList()
                + ", was '" + name + "'");
    }
}
