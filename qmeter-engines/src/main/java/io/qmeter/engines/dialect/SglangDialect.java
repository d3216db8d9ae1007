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
 * SGLang's server, {@code python3 -m sglang.launch_server --model-path MODEL}.
 *
 * <p>Seed methods map to {@code --quantization} and {@code --kv-cache-dtype}; every launch adds
 * {@code --dtype float16}, {@code --tp}, {@code --served-model-name}, {@code --enable-metrics},
 * and where set {@code --context-length} and {@code --max-running-requests} (maxConcurrency).
 * SGLang's quantized KV cache is FP8 only, and it has no dense INT4-weight × FP8-activation kernel,
 * so the INT8-KV methods, {@code W4A8}, {@code W4A8KV8} and {@code W4A8KV4} are refused; its
 * {@code qoq} (QServe's INT4 weights with INT8 activations, without the 4-bit KV cache) is
 * available as an engine-native name.
 *
 * <pre>{@code
 * LaunchPlan p = new SglangDialect().plan(ServerConfig.of("/models/llama-2-7b-hf", "W8A8-INT").withTensorParallel(2)
 *         .withGpus(List.of(0, 1)));
 * }</pre>
 */
public final class SglangDialect extends MappedDialect {

    private static final Map<QuantMethod, MethodEntry> ENTRIES = new EnumMap<>(QuantMethod.class);

    static {
        String kv8Int = "SGLang's 8-bit KV cache is FP8 only (--kv-cache-dtype fp8_e4m3 or fp8_e5m2); it has no INT8 KV cache. "
                + "The nearest: ";
        String w4a8 = "SGLang has no dense INT4-weight × FP8-activation kernel (its w4afp8 is for MoE experts); the nearest is "
                + "its qoq, QServe's INT4 weights with INT8 activations: ask for quantization 'qoq' to run that";
        ENTRIES.put(QuantMethod.FP16, MethodEntry.of(null, null, "an FP16 or BF16 Hugging Face checkpoint"));
        ENTRIES.put(QuantMethod.W8A16_INT, MethodEntry.of("compressed-tensors", null,
                        "an llm-compressor W8A16 checkpoint (INT8 per-channel weights; compressed-tensors)")
                .needs(8, 0, "W8A16-INT runs on Marlin mixed-precision kernels"));
        ENTRIES.put(QuantMethod.W4A16_INT, MethodEntry.of("awq_marlin", null, "an AutoAWQ checkpoint (INT4, group size 128)")
                .needs(8, 0, "W4A16-INT (awq_marlin) runs on Marlin kernels"));
        ENTRIES.put(QuantMethod.W8A8_INT, MethodEntry.of("w8a8_int8", null,
                        "a W8A8 INT8 checkpoint (per-channel INT8 weights, per-token dynamic INT8 activations, e.g. "
                                + "llm-compressor SmoothQuant W8A8)")
                .needs(7, 5, "W8A8-INT needs INT8 tensor cores"));
        ENTRIES.put(QuantMethod.W8A8_FP, MethodEntry.of("fp8", null,
                "an FP16 or BF16 checkpoint, quantized to FP8 while loading"));
        ENTRIES.put(QuantMethod.W4A8, MethodEntry.refused(w4a8));
        ENTRIES.put(QuantMethod.W4A8KV4, MethodEntry.refused("SGLang has no 4-bit KV cache (--kv-cache-dtype takes auto, "
                + "fp8_e5m2, fp8_e4m3); its qoq serves QServe's INT4 weights and INT8 activations without the KV4 part: "
                + "ask for quantization 'qoq' to run that"));
        ENTRIES.put(QuantMethod.W8A16KV8_INT, MethodEntry.refused(kv8Int + "W8A16-INT with kvCacheType fp8_e4m3"));
        ENTRIES.put(QuantMethod.W4A16KV8_INT, MethodEntry.refused(kv8Int + "W4A16-INT with kvCacheType fp8_e4m3"));
        ENTRIES.put(QuantMethod.W8A8KV8_INT, MethodEntry.refused(kv8Int + "W8A8-INT with kvCacheType fp8_e4m3"));
        ENTRIES.put(QuantMethod.W8A8KV8_FP, MethodEntry.of("fp8", "fp8_e4m3",
                "an FP16 or BF16 checkpoint, quantized to FP8 while loading"));
        ENTRIES.put(QuantMethod.W4A8KV8, MethodEntry.refused(w4a8 + " (with kvCacheType fp8_e4m3)"));
    }

    private static final List<String> NATIVE = List.of("awq", "awq_marlin", "gptq", "gptq_marlin", "marlin", "fp8",
            "w8a8_int8", "w8a8_fp8", "qoq", "w4afp8", "compressed-tensors", "modelopt", "modelopt_fp4", "bitsandbytes",
            "gguf", "moe_wna16", "mxfp4");

    private static final List<String> KV = List.of("auto", "fp8_e5m2", "fp8_e4m3");

    private static final List<FatalPattern> FATAL = List.of(
            Common.fatal("Unknown quantization method|Invalid quantization method|is not supported for the current GPU"
                            + "|Minimum capability: \\d+",
                    FailureKind.UNSUPPORTED_QUANTIZATION,
                    "the checkpoint's quantization does not match --quantization, or this GPU lacks the kernels: "
                            + "check the checkpoint's quantization_config and the GPU's compute capability"),
            Common.fatal("Not enough memory\\. Please try to increase --mem-fraction-static",
                    FailureKind.OUT_OF_MEMORY,
                    "the weights leave no room for the KV cache: raise --mem-fraction-static, lower the context length "
                            + "or --max-running-requests, quantize more, or use more GPUs"),
            Common.CUDA_OOM,
            Common.NCCL,
            Common.ADDRESS_IN_USE,
            Common.ARGPARSE,
            Common.HF_NOT_FOUND);

    private static final Map<ServerMetric, String> METRICS = Map.of(
            ServerMetric.REQUESTS_WAITING, "sglang:num_queue_reqs",
            ServerMetric.REQUESTS_RUNNING, "sglang:num_running_reqs",
            ServerMetric.KV_CACHE_USAGE, "sglang:token_usage",
            ServerMetric.PROMPT_TOKENS_TOTAL, "sglang:prompt_tokens_total",
            ServerMetric.GENERATION_TOKENS_TOTAL, "sglang:generation_tokens_total",
            ServerMetric.TIME_TO_FIRST_TOKEN_SECONDS, "sglang:time_to_first_token_seconds",
            ServerMetric.TIME_PER_OUTPUT_TOKEN_SECONDS, "sglang:time_per_output_token_seconds");

    private final String python;

    /** {@code python3} from {@code PATH}. */
    public SglangDialect() {
        this(Path.of("python3"));
    }

    /** @param python the Python interpreter that has SGLang installed */
    public SglangDialect(Path python) {
        this.python = Objects.requireNonNull(python, "python").toString();
    }

    @Override
    public String name() {
        return "sglang";
    }

    @Override
    String displayName() {
        return "SGLang";
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
        List<String> cmd = new ArrayList<>(List.of(python, "-m", "sglang.launch_server", "--model-path", c.model(),
                "--host", c.host(), "--port", String.valueOf(c.port()), "--served-model-name", name,
                "--tp", String.valueOf(c.tensorParallel()), "--dtype", "float16"));
        r.quantization().ifPresent(q -> cmd.addAll(List.of("--quantization", q)));
        r.kvCacheDtype().ifPresent(k -> cmd.addAll(List.of("--kv-cache-dtype", k)));
        if (c.contextLength() > 0) {
            cmd.addAll(List.of("--context-length", String.valueOf(c.contextLength())));
        }
        if (c.maxConcurrency() > 0) {
            cmd.addAll(List.of("--max-running-requests", String.valueOf(c.maxConcurrency())));
        }
        cmd.add("--enable-metrics");
        cmd.addAll(c.extraArgs());
        return new LaunchPlan(List.of(), new ProcessSpec("server", cmd, Common.serverEnvironment(c), c.workDirectory()),
                Common.baseUrl(c), name);
    }

    @Override
    public List<FatalPattern> fatalPatterns() {
        return FATAL;
    }

    /**
     * SGLang's {@code /metrics} names (with {@code --enable-metrics}). Newer SGLang also exports
     * {@code sglang:inter_token_latency_seconds}.
     *
     * @return the names
     */
    @Override
    public Map<ServerMetric, String> metricNames() {
        return METRICS;
    }
}
