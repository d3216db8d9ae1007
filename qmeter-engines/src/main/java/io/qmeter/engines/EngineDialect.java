package io.qmeter.engines;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What qMeter knows about one serving engine program: which quantization methods it can serve and
 * how (the catalogue), the command lines that launch it, the log lines that mean it failed, and
 * the names of its Prometheus metrics. Pure knowledge: a dialect starts nothing; the supervisor
 * runs what {@link #plan(ServerConfig)} returns.
 *
 * <p>Implementations: llama.cpp, vLLM, SGLang, TensorRT-LLM and a generic OpenAI-compatible
 * command template; found by {@link EngineDialects#find(String)}.
 *
 * <pre>{@code
 * EngineDialect d = EngineDialects.find("vllm");
 * Support s = d.support(config, Optional.of(GpuCapability.of("A100-80GB", 8, 0)));
 * if (!s.supported()) throw new IllegalArgumentException(s.reason());
 * LaunchPlan p = d.plan(config);
 * }</pre>
 */
public interface EngineDialect {

    /**
     * The engine kind as named in plans: {@code llama.cpp}, {@code vllm}, {@code sglang},
     * {@code tensorrt-llm} or {@code openai-generic}.
     *
     * @return the name (lower case)
     */
    String name();

    /**
     * Whether this engine can serve the configuration (its quantization method and KV-cache type,
     * its tensor-parallel degree) on this GPU, and if not, why.
     *
     * @param config the configuration
     * @param gpu    the GPU it would run on, when known; without it only GPU-independent checks run
     * @return the verdict with its reason
     */
    Support support(ServerConfig config, Optional<GpuCapability> gpu);

    /**
     * The processes that bring this configuration up.
     *
     * @param config the configuration
     * @return the launch plan
     * @throws IllegalArgumentException when {@link #support} refuses the configuration; the message is its reason
     */
    LaunchPlan plan(ServerConfig config);

    /**
     * Log lines that mean the engine cannot go on, checked in order (first match wins).
     *
     * @return the patterns
     */
    List<FatalPattern> fatalPatterns();

    /**
     * This engine's Prometheus metric names for qMeter's canonical engine-side metrics
     * ({@link ServerMetric}); a metric the engine does not export is absent.
     *
     * @return canonical metric to the engine's metric name
     */
    Map<ServerMetric, String> metricNames();

    /**
     * The health paths to probe, in order: the first that answers 200 means ready. Default:
     * {@code /health}, then {@code /v1/models}.
     *
     * @return the paths
     */
    default List<String> readinessPaths() {
        return List.of("/health", "/v1/models");
    }

    /**
     * Where a running server of this engine reports its version: a GET path and the top-level JSON
     * field that holds it (llama.cpp: {@code /props}, {@code build_info}; vLLM: {@code /version},
     * {@code version}). Empty when the engine has no such endpoint; the version is then not recorded.
     *
     * @return the endpoint, or empty
     */
    default java.util.Optional<VersionEndpoint> versionEndpoint() {
        return java.util.Optional.empty();
    }

    /**
     * A version endpoint.
     *
     * @param path  the GET path, starting with {@code /}
     * @param field the top-level JSON field whose text is the version
     */
    record VersionEndpoint(String path, String field) {
        /** Checks the path. */
        public VersionEndpoint {
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with /, was " + path);
            }
            if (field == null || field.isBlank()) {
                throw new IllegalArgumentException("field must not be blank");
            }
        }
    }
}
