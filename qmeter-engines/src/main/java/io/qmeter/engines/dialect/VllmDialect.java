package io.qmeter.engines.dialect;

import io.qmeter.engines.FailureKind;
import io.qmeter.engines.FatalPattern;
import io.qmeter.engines.LaunchPlan;
import io.qmeter.engines.ProcessSpec;
import io.qmeter.engines.QuantMethod;
import io.qmeter.engines.ServerConfig;
import io.qmeter.engines.ServerMetric;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * vLLM's OpenAI-compatible server, {@code vllm serve MODEL}.
 *
 * <p>Seed methods map to {@code --quantization} (which must agree with the checkpoint's own
 * quantization config) and {@code --kv-cache-dtype}; every launch adds {@code --dtype float16}
 * and {@code --tensor-parallel-size}, {@code --served-model-name}, and where set
 * {@code --max-model-len} (context) and {@code --max-num-seqs} (maxConcurrency). vLLM's 8-bit KV
 * cache is FP8 only and it has no 4-bit one, so the INT8-KV methods and {@code W4A8KV4} are
 * refused. Engine-native {@code --quantization} values ({@code awq}, {@code gptq_marlin}, ...) pass
 * through unchecked.
 *
 * <pre>{@code
 * LaunchPlan p = new VllmDialect().plan(ServerConfig.of("/models/llama-2-7b-hf", "W8A8-FP").withGpus(List.of(0)));
 * }</pre>
 */
public final class VllmDialect extends MappedDialect {

    /** The KV-cache usage gauge's name before vLLM 0.10 (now {@code vllm:kv_cache_usage_perc}). */
    public static final String LEGACY_KV_CACHE_METRIC = "vllm:gpu_cache_usage_perc";

    private static final Map<QuantMethod, MethodEntry> ENTRIES = new EnumMap<>(QuantMethod.class);

    static {
        String kv8Int = "vLLM's 8-bit KV cache is FP8 only (--kv-cache-dtype fp8); it has no INT8 KV cache. The nearest: ";
        String w4a8 = "an llm-compressor W4A8 checkpoint (INT4 group-wise weights, FP8 dynamic activations; compressed-tensors)";
        ENTRIES.put(QuantMethod.FP16, MethodEntry.of(null, null, "an FP16 or BF16 Hugging Face checkpoint"));
        ENTRIES.put(QuantMethod.W8A16_INT, MethodEntry.of("compressed-tensors", null,
                        "an llm-compressor W8A16 checkpoint (INT8 per-channel weights; compressed-tensors)")
                .needs(8, 0, "W8A16-INT runs on vLLM's Marlin mixed-precision kernels"));
        ENTRIES.put(QuantMethod.W4A16_INT, MethodEntry.of("awq_marlin", null,
                        "an AutoAWQ checkpoint (INT4, group size 128)")
                .needs(8, 0, "W4A16-INT (awq_marlin) runs on vLLM's Marlin kernels"));
        ENTRIES.put(QuantMethod.W8A8_INT, MethodEntry.of("compressed-tensors", null,
                        "an llm-compressor W8A8 INT8 checkpoint (SmoothQuant + GPTQ: per-channel weights, per-token dynamic activations)")
                .needs(7, 5, "W8A8-INT needs INT8 tensor cores"));
        ENTRIES.put(QuantMethod.W8A8_FP, MethodEntry.of("fp8", null,
                "an FP16 or BF16 checkpoint, quantized to FP8 (per-tensor weight scales, dynamic activation scales) while loading"));
        ENTRIES.put(QuantMethod.W4A8, MethodEntry.of("compressed-tensors", null, w4a8)
                .needs(9, 0, "W4A8 (INT4 weights × FP8 activations) runs on vLLM's Hopper mixed-input CUTLASS kernels"));
        ENTRIES.put(QuantMethod.W4A8KV4, MethodEntry.refused("vLLM has no 4-bit KV cache (--kv-cache-dtype takes auto, fp8, "
                + "fp8_e4m3, fp8_e5m2), so QServe's W4A8KV4 does not exist there; the nearest is W4A8KV8"));
        ENTRIES.put(QuantMethod.W8A16KV8_INT, MethodEntry.refused(kv8Int + "W8A16-INT with kvCacheType fp8"));
        ENTRIES.put(QuantMethod.W4A16KV8_INT, MethodEntry.refused(kv8Int + "W4A16-INT with kvCacheType fp8"));
        ENTRIES.put(QuantMethod.W8A8KV8_INT, MethodEntry.refused(kv8Int + "W8A8-INT with kvCacheType fp8"));
        ENTRIES.put(QuantMethod.W8A8KV8_FP, MethodEntry.of("fp8", "fp8",
                "an FP16 or BF16 checkpoint, quantized to FP8 while loading; KV scales 1.0 unless the checkpoint has calibrated ones"));
        ENTRIES.put(QuantMethod.W4A8KV8, MethodEntry.of("compressed-tensors", "fp8", w4a8)
                .needs(9, 0, "W4A8KV8 (INT4 weights × FP8 activations) runs on vLLM's Hopper mixed-input CUTLASS kernels"));
    }

    private static final List<String> NATIVE = List.of("awq", "awq_marlin", "gptq", "gptq_marlin", "gptq_marlin_24",
            "marlin", "fp8", "ptpc_fp8", "fbgemm_fp8", "modelopt", "modelopt_fp4", "compressed-tensors", "bitsandbytes",
            "gguf", "qqq", "experts_int8", "hqq", "quark", "torchao", "moe_wna16");

    private static final List<String> KV = List.of("auto", "fp8", "fp8_e4m3", "fp8_e5m2");

    private static final List<FatalPattern> FATAL = List.of(
            Common.fatal("Unknown quantization method|is not supported for the current GPU"
                            + "|does not match the quantization method specified in the `quantization` argument"
                            + "|Minimum capability: \\d+|Cannot find the config file for compressed-tensors",
                    FailureKind.UNSUPPORTED_QUANTIZATION,
                    "the checkpoint's quantization does not match --quantization, or this GPU lacks the kernels: "
                            + "check the checkpoint's quantization_config and the GPU's compute capability"),
            Common.fatal("No available memory for the cache blocks"
                            + "|is larger than the maximum number of tokens that can be stored in KV cache",
                    FailureKind.OUT_OF_MEMORY,
                    "the KV cache does not fit: lower the context length (--max-model-len) or --max-num-seqs, "
                            + "raise --gpu-memory-utilization, quantize more, or use more GPUs"),
            Common.CUDA_OOM,
            Common.NCCL,
            Common.ADDRESS_IN_USE,
            Common.ARGPARSE,
            Common.HF_NOT_FOUND);

    private static final Map<ServerMetric, String> METRICS = Map.of(
            ServerMetric.REQUESTS_WAITING, "vllm:num_requests_waiting",
            ServerMetric.REQUESTS_RUNNING, "vllm:num_requests_running",
            ServerMetric.KV_CACHE_USAGE, "vllm:kv_cache_usage_perc",
            ServerMetric.PROMPT_TOKENS_TOTAL, "vllm:prompt_tokens_total",
            ServerMetric.GENERATION_TOKENS_TOTAL, "vllm:generation_tokens_total",
            ServerMetric.TIME_TO_FIRST_TOKEN_SECONDS, "vllm:time_to_first_token_seconds",
            ServerMetric.TIME_PER_OUTPUT_TOKEN_SECONDS, "vllm:time_per_output_token_seconds");

    private final String vllm;

    /** {@code vllm} from {@code PATH}. */
    public VllmDialect() {
        this(Path.of("vllm"));
    }

    /** @param vllm the {@code vllm} executable */
    public VllmDialect(Path vllm) {
        this.vllm = Objects.requireNonNull(vllm, "vllm").toString();
    }

    @Override
    public String name() {
        return "vllm";
    }

    @Override
    String displayName() {
        return "vLLM";
    }

    @Override
    String quantizationFlag() {
        return "--quantization";
    }

    @Override
    String kvFlag() {
        return "--kv-cache-dtype";
    }

    @Override
    Map<QuantMethod, MethodEntry> entries() {
        return Collections.unmodifiableMap(ENTRIES);
    }

    @Override
    List<String> nativeQuantizations() {
        return NATIVE;
    }

    @Override
    List<String> kvCacheDtypes() {
        return KV;
    }

    @Override
    LaunchPlan build(ServerConfig c, Resolved r) {
        String name = Common.servedModelName(c);
        List<String> cmd = new ArrayList<>(List.of(vllm, "serve", c.model(), "--host", c.host(),
                "--port", String.valueOf(c.port()), "--served-model-name", name,
                "--tensor-parallel-size", String.valueOf(c.tensorParallel()), "--dtype", "float16"));
        r.quantization().ifPresent(q -> cmd.addAll(List.of("--quantization", q)));
        r.kvCacheDtype().ifPresent(k -> cmd.addAll(List.of("--kv-cache-dtype", k)));
        if (c.contextLength() > 0) {
            cmd.addAll(List.of("--max-model-len", String.valueOf(c.contextLength())));
        }
        if (c.maxConcurrency() > 0) {
            cmd.addAll(List.of("--max-num-seqs", String.valueOf(c.maxConcurrency())));
        }
        cmd.addAll(c.extraArgs());
        return new LaunchPlan(List.of(), new ProcessSpec("server", cmd, Common.serverEnvironment(c), c.workDirectory()),
                Common.baseUrl(c), name);
    }

    @Override
    public List<FatalPattern> fatalPatterns() {
        return FATAL;
    }

    /** vLLM's OpenAI server answers {@code GET /version} with {@code {"version": "..."}}. */
    @Override
    public java.util.Optional<VersionEndpoint> versionEndpoint() {
        return java.util.Optional.of(new VersionEndpoint("/version", "version"));
    }

    /**
     * vLLM's {@code /metrics} names (vLLM 0.10 and later; before, the KV-cache gauge was
     * {@link #LEGACY_KV_CACHE_METRIC}).
     *
     * @return the names
     */
    @Override
    public Map<ServerMetric, String> metricNames() {
        return METRICS;
    }
}
