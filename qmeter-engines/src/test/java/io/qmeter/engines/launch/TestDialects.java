package io.qmeter.engines.launch;

import io.qmeter.engines.EngineDialect;
import io.qmeter.engines.FailureKind;
import io.qmeter.engines.FatalPattern;
import io.qmeter.engines.LaunchPlan;
import io.qmeter.engines.ProcessSpec;
import io.qmeter.engines.ServerConfig;
import io.qmeter.engines.ServerMetric;
import io.qmeter.engines.Support;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Small test-only dialects (the real ones live in the catalogue) that launch the stand-ins with
 * vLLM's and llama.cpp's flags.
 */
final class TestDialects {

    private TestDialects() {
    }

    static final List<FatalPattern> PATTERNS = List.of(
            new FatalPattern(Pattern.compile("CUDA out of memory"), FailureKind.OUT_OF_MEMORY, "use fewer tokens"),
            new FatalPattern(Pattern.compile("unrecognized arguments"), FailureKind.BAD_ARGUMENT, "fix the flags"),
            new FatalPattern(Pattern.compile("invalid argument"), FailureKind.BAD_ARGUMENT, "fix the flags"),
            new FatalPattern(Pattern.compile("failed to load model"), FailureKind.MODEL_NOT_FOUND, "check the model"));

    /** vLLM's command line: {@code vllm serve MODEL --host H --port P ...}. */
    static EngineDialect vllm() {
        return new Base("vllm", List.of()) {
            @Override
            List<String> command(ServerConfig c) {
                List<String> cmd = new ArrayList<>(List.of("vllm", "serve", c.model(), "--host", c.host(), "--port",
                        Integer.toString(c.port()), "--tensor-parallel-size", Integer.toString(c.tensorParallel()),
                        "--served-model-name", served(c)));
                c.kvCacheType().ifPresent(k -> cmd.addAll(List.of("--kv-cache-dtype", k)));
                return cmd;
            }

            @Override
            public Map<ServerMetric, String> metricNames() {
                return Map.of(ServerMetric.REQUESTS_RUNNING, "vllm:num_requests_running",
                        ServerMetric.REQUESTS_WAITING, "vllm:num_requests_waiting",
                        ServerMetric.KV_CACHE_USAGE, "vllm:gpu_cache_usage_perc",
                        ServerMetric.PROMPT_TOKENS_TOTAL, "vllm:prompt_tokens_total",
                        ServerMetric.GENERATION_TOKENS_TOTAL, "vllm:generation_tokens_total",
                        ServerMetric.TIME_TO_FIRST_TOKEN_SECONDS, "vllm:time_to_first_token_seconds");
            }
        };
    }

    /** llama.cpp's command line. */
    static EngineDialect llamaCpp() {
        return new Base("llama.cpp", List.of()) {
            @Override
            List<String> command(ServerConfig c) {
                List<String> cmd = new ArrayList<>(List.of("llama-server", "-m", c.model(), "--host", c.host(),
                        "--port", Integer.toString(c.port()), "-a", served(c), "--metrics"));
                c.kvCacheType().ifPresent(k -> cmd.addAll(List.of("-ctk", k, "-ctv", k)));
                return cmd;
            }
        };
    }

    /** A TensorRT-LLM-like plan: an engine build step, then trtllm-serve. */
    static EngineDialect trtllm(Path workDir) {
        return new Base("tensorrt-llm", List.of(new ProcessSpec("build", List.of("trtllm-build", "--checkpoint_dir",
                workDir.resolve("ckpt").toString(), "--output_dir", workDir.resolve("engine").toString()), Map.of(),
                Optional.of(workDir)))) {
            @Override
            List<String> command(ServerConfig c) {
                return List.of("trtllm-serve", "serve", workDir.resolve("engine").toString(), "--host", c.host(),
                        "--port", Integer.toString(c.port()), "--tp_size", Integer.toString(c.tensorParallel()));
            }
        };
    }

    /** The vLLM dialect, but ready only when a path that never exists answers. */
    static EngineDialect neverReady() {
        EngineDialect v = vllm();
        return new Base("never-ready", List.of()) {
            @Override
            List<String> command(ServerConfig c) {
                return ((Base) v).command(c);
            }

            @Override
            public List<String> readinessPaths() {
                return List.of("/never-there");
            }
        };
    }

    abstract static class Base implements EngineDialect {
        private final String name;
        private final List<ProcessSpec> preparation;

        Base(String name, List<ProcessSpec> preparation) {
            this.name = name;
            this.preparation = preparation;
        }

        abstract List<String> command(ServerConfig c);

        static String served(ServerConfig c) {
            return c.servedModelName().orElse("test-model");
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Support support(ServerConfig config, Optional<io.qmeter.engines.GpuCapability> gpu) {
            return config.quantization().equals("W4A8KV4") ? Support.no("W4A8KV4 is not served by " + name)
                    : Support.yes("");
        }

        @Override
        public LaunchPlan plan(ServerConfig c) {
            Support s = support(c, Optional.empty());
            if (!s.supported()) {
                throw new IllegalArgumentException(s.reason());
            }
            List<String> cmd = new ArrayList<>(command(c));
            cmd.addAll(c.extraArgs());
            return new LaunchPlan(preparation, new ProcessSpec("server", cmd, c.environment(), Optional.empty()),
                    URI.create("http://" + c.host() + ":" + c.port()), served(c));
        }

        @Override
        public List<FatalPattern> fatalPatterns() {
            return PATTERNS;
        }

        @Override
        public Map<ServerMetric, String> metricNames() {
            return Map.of(ServerMetric.PROMPT_TOKENS_TOTAL, "llamacpp:prompt_tokens_total",
                    ServerMetric.GENERATION_TOKENS_TOTAL, "llamacpp:tokens_predicted_total",
                    ServerMetric.KV_CACHE_USAGE, "llamacpp:kv_cache_usage_ratio",
                    ServerMetric.REQUESTS_RUNNING, "llamacpp:requests_processing",
                    ServerMetric.REQUESTS_WAITING, "llamacpp:requests_deferred");
        }
    }
}
