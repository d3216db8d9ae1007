package io.qmeter.engines.dialect;

import io.qmeter.engines.FailureKind;
import io.qmeter.engines.FatalPattern;
import io.qmeter.engines.GpuCapability;
import io.qmeter.engines.LaunchPlan;
import io.qmeter.engines.ProcessSpec;
import io.qmeter.engines.QuantMethod;
import io.qmeter.engines.ServerConfig;
import io.qmeter.engines.ServerMetric;
import io.qmeter.engines.Support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * TensorRT-LLM, the seed's engine: quantize with ModelOpt, build a TensorRT engine, serve it with
 * {@code trtllm-serve}.
 *
 * <p>The plan has two preparation steps writing into the work directory (required):
 * {@code python3 QUANTIZE_PY --model_dir MODEL --dtype float16 --qformat Q [--kv_cache_dtype K]
 * --tp_size N --output_dir WORK/trtllm-ckpt-METHOD-tpN} (TensorRT-LLM's
 * {@code examples/quantization/quantize.py}; it calibrates on a dataset, by default one it downloads)
 * and {@code trtllm-build --checkpoint_dir ... --output_dir WORK/trtllm-engine-METHOD-tpN
 * --gemm_plugin auto [--max_batch_size maxConcurrency] [--max_seq_len contextLength]}; then
 * {@code trtllm-serve ENGINE --tokenizer MODEL --backend tensorrt --host --port --tp_size N
 * --served_model_name NAME}. The serve flags are those of TensorRT-LLM 1.x; 0.19 (the seed's) has
 * no {@code --backend tensorrt} (it serves engines by default) and no {@code --served_model_name}.
 *
 * <p>Seed methods map to {@code --qformat} ({@code full_prec}, {@code int8_wo}, {@code int4_awq},
 * {@code int8_sq}, {@code fp8}, {@code w4a8_awq}) and {@code --kv_cache_dtype} ({@code int8},
 * {@code fp8}); {@code W4A8KV4} (QServe) needs a DeepCompressor checkpoint and the model's own
 * {@code convert_checkpoint.py}, which qMeter does not automate, and is refused. trtllm-serve's
 * {@code /metrics} is JSON iteration statistics, not Prometheus text, so {@link #metricNames()} is
 * empty.
 *
 * <pre>{@code
 * EngineDialect d = new TensorRtLlmDialect(Path.of("python3"),
 *         Path.of("/app/tensorrt_llm/examples/quantization/quantize.py"), Path.of("trtllm-build"), Path.of("trtllm-serve"));
 * }</pre>
 */
public final class TensorRtLlmDialect extends MappedDialect {

    /** Where the NGC TensorRT-LLM container keeps ModelOpt's quantize script. */
    public static final Path DEFAULT_QUANTIZE_SCRIPT = Path.of("/app/tensorrt_llm/examples/quantization/quantize.py");

    private static final Map<QuantMethod, MethodEntry> ENTRIES = new EnumMap<>(QuantMethod.class);

    static {
        String hf = "an FP16 or BF16 Hugging Face checkpoint (quantize.py quantizes it";
        ENTRIES.put(QuantMethod.FP16, MethodEntry.of("full_prec", null, "an FP16 or BF16 Hugging Face checkpoint"));
        ENTRIES.put(QuantMethod.W8A16_INT, MethodEntry.of("int8_wo", null, hf + ", per-channel INT8 weights)"));
        ENTRIES.put(QuantMethod.W4A16_INT, MethodEntry.of("int4_awq", null, hf + " with AWQ, calibrating)"));
        ENTRIES.put(QuantMethod.W8A8_INT, MethodEntry.of("int8_sq", null, hf + " with SmoothQuant, calibrating)")
                .needs(7, 5, "W8A8-INT needs INT8 tensor cores"));
        ENTRIES.put(QuantMethod.W8A8_FP, MethodEntry.of("fp8", null, hf + " to per-tensor FP8, calibrating)"));
        ENTRIES.put(QuantMethod.W4A8, MethodEntry.of("w4a8_awq", null, hf + " with AWQ to INT4 weights and FP8 activations)"));
        ENTRIES.put(QuantMethod.W4A8KV4, MethodEntry.refused("W4A8KV4 (QServe) on TensorRT-LLM needs a DeepCompressor "
                + "checkpoint converted by the model's convert_checkpoint.py, not ModelOpt's quantize.py, and qMeter does not "
                + "automate that step; the nearest ModelOpt format is w4a8_awq with an int8 or fp8 KV cache (W4A8KV8)"));
        ENTRIES.put(QuantMethod.W8A16KV8_INT, MethodEntry.of("int8_wo", "int8", hf + ", per-channel INT8 weights, INT8 KV cache)"));
        ENTRIES.put(QuantMethod.W4A16KV8_INT, MethodEntry.of("int4_awq", "int8", hf + " with AWQ, INT8 KV cache, calibrating)"));
        ENTRIES.put(QuantMethod.W8A8KV8_INT, MethodEntry.of("int8_sq", "int8", hf + " with SmoothQuant, INT8 KV cache, calibrating)")
                .needs(7, 5, "W8A8KV8-INT needs INT8 tensor cores"));
        ENTRIES.put(QuantMethod.W8A8KV8_FP, MethodEntry.of("fp8", "fp8", hf + " to per-tensor FP8 with an FP8 KV cache, calibrating)"));
        ENTRIES.put(QuantMethod.W4A8KV8, MethodEntry.of("w4a8_awq", "fp8", hf + " with AWQ to INT4 weights, FP8 activations, FP8 KV cache)"));
    }

    private static final List<String> NATIVE = List.of("full_prec", "fp8", "fp8_pc_pt", "int8_sq", "int4_awq", "w4a8_awq",
            "int8_wo", "int4_wo", "nvfp4");

    private static final List<String> KV = List.of("int8", "fp8");

    private static final List<FatalPattern> FATAL = List.of(
            Common.fatal("[Uu]nsupported quantization|qformat .* is not supported|is not supported on this GPU"
                            + "|FP8 is not supported|requires SM ?\\d+",
                    FailureKind.UNSUPPORTED_QUANTIZATION,
                    "this TensorRT-LLM build or GPU does not support the quantization format: check the support matrix "
                            + "(FP8 and w4a8_awq need compute capability 8.9 or more)"),
            Common.fatal("\\[TensorRT-LLM\\]\\[ERROR\\].*(out of memory|OutOfMemory)|Requested amount of GPU memory .* could not be allocated",
                    FailureKind.OUT_OF_MEMORY,
                    "the engine or its KV cache does not fit: lower --max_batch_size or --max_seq_len at build time, "
                            + "lower --kv_cache_free_gpu_memory_fraction, quantize more, or use more GPUs"),
            Common.CUDA_OOM,
            Common.NCCL,
            Common.ADDRESS_IN_USE,
            Common.fatal("Error: No such option|Error: Invalid value for|Error: Got unexpected extra argument",
                    FailureKind.BAD_ARGUMENT,
                    "trtllm-serve refused its command line: check extraArgs against `trtllm-serve --help` of this version"),
            Common.ARGPARSE,
            Common.HF_NOT_FOUND);

    private final String python;
    private final String quantizeScript;
    private final String build;
    private final String serve;

    /** {@code python3}, {@link #DEFAULT_QUANTIZE_SCRIPT}, {@code trtllm-build} and {@code trtllm-serve} from {@code PATH}. */
    public TensorRtLlmDialect() {
        this(Path.of("python3"), DEFAULT_QUANTIZE_SCRIPT, Path.of("trtllm-build"), Path.of("trtllm-serve"));
    }

    /**
     * With these programs.
     *
     * @param python         the Python interpreter with TensorRT-LLM and ModelOpt installed
     * @param quantizeScript TensorRT-LLM's {@code examples/quantization/quantize.py}
     * @param trtllmBuild    the {@code trtllm-build} executable
     * @param trtllmServe    the {@code trtllm-serve} executable
     */
    public TensorRtLlmDialect(Path python, Path quantizeScript, Path trtllmBuild, Path trtllmServe) {
        this.python = Objects.requireNonNull(python, "python").toString();
        this.quantizeScript = Objects.requireNonNull(quantizeScript, "quantizeScript").toString();
        this.build = Objects.requireNonNull(trtllmBuild, "trtllmBuild").toString();
        this.serve = Objects.requireNonNull(trtllmServe, "trtllmServe").toString();
    }

    @Override
    public String name() {
        return "tensorrt-llm";
    }

    @Override
    String displayName() {
        return "TensorRT-LLM";
    }

    @Override
    String quantizationFlag() {
        return "--qformat";
    }

    @Override
    String kvFlag() {
        return "--kv_cache_dtype";
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
    Optional<Support> extraChecks(ServerConfig c) {
        if (c.workDirectory().isEmpty()) {
            return Optional.of(Support.no("TensorRT-LLM quantizes and builds an engine before serving: set workDirectory "
                    + "for the checkpoint and the engine"));
        }
        return Optional.empty();
    }

    @Override
    Optional<Support> kvGpuCheck(String kvCacheDtype, Optional<GpuCapability> gpu) {
        if (kvCacheDtype.equals("fp8")) {
            return Common.needCapability(gpu, 8, 9, "an FP8 KV cache in TensorRT-LLM needs FP8 support");
        }
        return Optional.empty();
    }

    @Override
    LaunchPlan build(ServerConfig c, Resolved r) {
        Path work = c.workDirectory().orElseThrow();
        // the method's label names its KV cache; a KV cache chosen by hand is added to the name
        boolean kvByHand = r.method().map(m -> !m.quantizesKvCache()).orElse(true);
        String tag = r.method().map(QuantMethod::label).orElse(r.quantization().orElse("full_prec"))
                + r.kvCacheDtype().filter(k -> kvByHand).map(k -> "-kv" + k).orElse("") + "-tp" + c.tensorParallel();
        String ckpt = work.resolve("trtllm-ckpt-" + tag).toString();
        String engine = work.resolve("trtllm-engine-" + tag).toString();
        Map<String, String> env = Common.serverEnvironment(c);

        List<String> quantizeCmd = new ArrayList<>(List.of(python, quantizeScript, "--model_dir", c.model(),
                "--dtype", "float16", "--qformat", r.quantization().orElse("full_prec")));
        r.kvCacheDtype().ifPresent(k -> quantizeCmd.addAll(List.of("--kv_cache_dtype", k)));
        quantizeCmd.addAll(List.of("--tp_size", String.valueOf(c.tensorParallel()), "--output_dir", ckpt));

        List<String> buildCmd = new ArrayList<>(List.of(build, "--checkpoint_dir", ckpt, "--output_dir", engine,
                "--gemm_plugin", "auto"));
        if (c.maxConcurrency() > 0) {
            buildCmd.addAll(List.of("--max_batch_size", String.valueOf(c.maxConcurrency())));
        }
        if (c.contextLength() > 0) {
            buildCmd.addAll(List.of("--max_seq_len", String.valueOf(c.contextLength())));
        }

        String name = Common.servedModelName(c);
        List<String> serveCmd = new ArrayList<>(List.of(serve, engine, "--tokenizer", c.model(), "--backend", "tensorrt",
                "--host", c.host(), "--port", String.valueOf(c.port()), "--tp_size", String.valueOf(c.tensorParallel()),
                "--served_model_name", name));
        serveCmd.addAll(c.extraArgs());
        return new LaunchPlan(
                List.of(new ProcessSpec("quantize", quantizeCmd, env, Optional.of(work)),
                        new ProcessSpec("build", buildCmd, env, Optional.of(work))),
                new ProcessSpec("server", serveCmd, env, Optional.of(work)),
                Common.baseUrl(c), name);
    }

    @Override
    public List<FatalPattern> fatalPatterns() {
        return FATAL;
    }

    /**
     * None: trtllm-serve's {@code /metrics} answers JSON iteration statistics (GPU memory, in-flight
     * batching), not Prometheus text, so qMeter scrapes nothing from it.
     *
     * @return an empty map
     */
    @Override
    public Map<ServerMetric, String> metricNames() {
        return Map.of();
    }
}
