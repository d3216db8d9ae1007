package io.qmeter.engines.dialect;

import io.qmeter.engines.EngineDialect;
import io.qmeter.engines.FailureKind;
import io.qmeter.engines.FatalPattern;
import io.qmeter.engines.GpuCapability;
import io.qmeter.engines.LaunchPlan;
import io.qmeter.engines.NumberFormat;
import io.qmeter.engines.ProcessSpec;
import io.qmeter.engines.QuantMethod;
import io.qmeter.engines.ServerConfig;
import io.qmeter.engines.ServerMetric;
import io.qmeter.engines.Support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * llama.cpp's {@code llama-server}, serving GGUF files.
 *
 * <p>Quantization: a GGUF type name ({@code F16}, {@code Q8_0}, {@code Q4_0}, {@code Q4_K_M}, ...
 * see {@link GgufType}) or a seed method label, mapped by its weight bits to the GGUF type closest
 * to it ({@code FP16} → {@code F16}, 8-bit → {@code Q8_0}, 4-bit → {@code Q4_0}) and by its KV bits
 * to the cache type ({@code q8_0}, {@code q4_0}). The methods with FP8 weights ({@code W8A8-FP},
 * {@code W8A8KV8-FP}) are refused: GGUF has no FP8 type. {@link #support} says, for every accepted
 * one, which seed method the GGUF type stands closest to and how it differs; above all, llama.cpp
 * quantizes the activations of every quantized matmul to INT8 ({@code Q8_1}), so the weight-only
 * (A16) methods run here exactly like their A8 INT counterparts.
 *
 * <p>The model is a GGUF file. Its type is read from its metadata ({@code general.file_type}) when
 * the file can be read here, else from its name ({@code llama-2-7b-f16.gguf}, {@code tiny.Q8_0.gguf}).
 * When it is unquantized (F16, BF16, F32) and another type is asked for, the plan first runs
 * {@code llama-quantize MODEL WORKDIR/NAME-TYPE.gguf TYPE}; a model quantized to another type is
 * refused; one whose type neither shows is assumed to hold the type asked for.
 *
 * <p>Flags: {@code -m}, {@code --host}, {@code --port}, {@code -a} (served model name), {@code -c}
 * (context), {@code -np} (slots = maxConcurrency), {@code --metrics}; with GPUs {@code -ngl 99};
 * a quantized KV cache {@code --cache-type-k/-v} and {@code -fa} (a quantized V cache needs flash
 * attention). llama.cpp has no tensor parallelism: tensorParallel N &gt; 1 maps to
 * {@code --split-mode row --tensor-split 1,...,1}, which splits each weight matrix's rows over the
 * N GPUs (the KV cache and the non-matmul work stay on the first), the nearest it has.
 *
 * <p>The executables default to {@code llama-server} and {@code llama-quantize} on {@code PATH};
 * give paths to the constructor to use others.
 *
 * <pre>{@code
 * EngineDialect d = new LlamaCppDialect(Path.of("build/bin/llama-server"), Path.of("build/bin/llama-quantize"));
 * LaunchPlan p = d.plan(ServerConfig.of("/models/tiny-f16.gguf", "Q8_0").withWorkDirectory(Path.of("/tmp/q")));
 * }</pre>
 */
public final class LlamaCppDialect implements EngineDialect {

    /** The KV-cache types {@code --cache-type-k/-v} accept in the snapshot ({@code common/arg.cpp}). */
    public static final List<String> KV_CACHE_TYPES =
            List.of("f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "iq4_nl", "q5_0", "q5_1");

    private static final List<FatalPattern> FATAL = List.of(
            Common.fatal("Unsupported cache type|V cache quantization requires flash_attn",
                    FailureKind.UNSUPPORTED_QUANTIZATION,
                    "the KV-cache type is not one llama.cpp knows (" + String.join(", ", KV_CACHE_TYPES)
                            + "), or a quantized V cache was asked for without -fa"),
            Common.fatal("cudaMalloc failed: out of memory|unable to allocate CUDA\\d* buffer"
                            + "|failed to allocate buffer for kv cache|failed to allocate compute buffers",
                    FailureKind.OUT_OF_MEMORY,
                    "the model or its KV cache does not fit in GPU memory: lower -c (context) or -np (slots), "
                            + "use a smaller GGUF type or a quantized KV cache, or split over more GPUs"),
            Common.CUDA_OOM,
            Common.fatal("error: invalid argument:|error while handling argument|expected value for argument",
                    FailureKind.BAD_ARGUMENT,
                    "llama-server refused its command line: check extraArgs against `llama-server --help` of this build"),
            Common.fatal("couldn't bind HTTP server socket", FailureKind.ADDRESS_IN_USE,
                    "the port is taken (or the host address is not this machine's): choose a free port"),
            Common.ADDRESS_IN_USE,
            Common.fatal("failed to open GGUF file|error loading model|failed to load model|exiting due to model loading error"
                            + "|failed to open .*: No such file or directory",
                    FailureKind.MODEL_NOT_FOUND,
                    "the GGUF file is missing, unreadable or not a GGUF llama.cpp can load: check the model path "
                            + "(and that a preparation step wrote it)"),
            Common.NCCL);

    private static final Map<ServerMetric, String> METRICS = Map.of(
            ServerMetric.REQUESTS_WAITING, "llamacpp:requests_deferred",
            ServerMetric.REQUESTS_RUNNING, "llamacpp:requests_processing",
            ServerMetric.KV_CACHE_USAGE, "llamacpp:kv_cache_usage_ratio",
            ServerMetric.PROMPT_TOKENS_TOTAL, "llamacpp:prompt_tokens_total",
            ServerMetric.GENERATION_TOKENS_TOTAL, "llamacpp:tokens_predicted_total");

    private final String server;
    private final String quantize;

    /** {@code llama-server} and {@code llama-quantize} from {@code PATH}. */
    public LlamaCppDialect() {
        this(Path.of("llama-server"), Path.of("llama-quantize"));
    }

    /**
     * With these executables.
     *
     * @param llamaServer   the {@code llama-server} executable
     * @param llamaQuantize the {@code llama-quantize} executable
     */
    public LlamaCppDialect(Path llamaServer, Path llamaQuantize) {
        this.server = Objects.requireNonNull(llamaServer, "llamaServer").toString();
        this.quantize = Objects.requireNonNull(llamaQuantize, "llamaQuantize").toString();
    }

    @Override
    public String name() {
        return "llama.cpp";
    }

    @Override
    public Support support(ServerConfig config, Optional<GpuCapability> gpu) {
        return resolve(config).support;
    }

    @Override
    public LaunchPlan plan(ServerConfig c) {
        Resolution r = resolve(c);
        if (!r.support.supported()) {
            throw new IllegalArgumentException(r.support.reason());
        }
        List<ProcessSpec> prep = new ArrayList<>();
        String modelFile = c.model();
        if (r.quantizeTo != null) {
            modelFile = r.quantizeTo.toString();
            prep.add(new ProcessSpec("quantize", List.of(quantize, c.model(), modelFile, r.type.label()),
                    new java.util.TreeMap<>(c.environment()), c.workDirectory()));
        }
        // the name a client asks for: the configuration's, else the served file's name without .gguf
        String name = c.servedModelName().orElse(
                Path.of(modelFile).getFileName().toString().replaceFirst("(?i)\\.gguf$", ""));
        List<String> cmd = new ArrayList<>(List.of(server, "-m", modelFile, "--host", c.host(),
                "--port", String.valueOf(c.port()), "-a", name));
        if (c.contextLength() > 0) {
            cmd.addAll(List.of("-c", String.valueOf(c.contextLength())));
        }
        if (c.maxConcurrency() > 0) {
            cmd.addAll(List.of("-np", String.valueOf(c.maxConcurrency())));
        }
        cmd.add("--metrics");
        if (!c.gpus().isEmpty()) {
            cmd.addAll(List.of("-ngl", "99"));
            if (c.tensorParallel() > 1) {
                cmd.addAll(List.of("--split-mode", "row", "--tensor-split",
                        String.join(",", Collections.nCopies(c.tensorParallel(), "1"))));
            } else if (c.gpus().size() > 1) {
                cmd.addAll(List.of("--split-mode", "none"));
            }
        }
        if (r.kv.isPresent()) {
            cmd.addAll(List.of("--cache-type-k", r.kv.get(), "--cache-type-v", r.kv.get()));
            if (!r.kv.get().equals("f16") && !r.kv.get().equals("f32") && !r.kv.get().equals("bf16")) {
                cmd.add("-fa");
            }
        }
        cmd.addAll(c.extraArgs());
        return new LaunchPlan(prep, new ProcessSpec("server", cmd, Common.serverEnvironment(c), c.workDirectory()),
                Common.baseUrl(c), name);
    }

    @Override
    public List<FatalPattern> fatalPatterns() {
        return FATAL;
    }

    /** {@code GET /props} answers {@code build_info}, e.g. {@code b4520-c392e50} (the snapshot's server.cpp). */
    @Override
    public java.util.Optional<VersionEndpoint> versionEndpoint() {
        return java.util.Optional.of(new VersionEndpoint("/props", "build_info"));
    }

    /**
     * llama.cpp's {@code /metrics} (with {@code --metrics}) names. It has no TTFT or TPOT histograms,
     * only totals ({@code llamacpp:prompt_seconds_total}, {@code llamacpp:tokens_predicted_seconds_total}).
     *
     * @return the names
     */
    @Override
    public Map<ServerMetric, String> metricNames() {
        return METRICS;
    }

    private record Resolution(Support support, GgufType type, Optional<String> kv, Path quantizeTo) {
        static Resolution no(String reason) {
            return new Resolution(Support.no(reason), null, Optional.empty(), null);
        }
    }

    private Resolution resolve(ServerConfig c) {
        Optional<Support> tp = Common.checkTensorParallel(c);
        if (tp.isPresent()) {
            return new Resolution(tp.get(), null, Optional.empty(), null);
        }
        if (c.tensorParallel() > 1 && c.gpus().isEmpty()) {
            return Resolution.no("llama.cpp has no tensor parallelism of its own; qMeter maps tensorParallel "
                    + c.tensorParallel() + " to splitting each weight matrix's rows over that many GPUs "
                    + "(--split-mode row), so name the GPUs (gpus)");
        }
        String q = c.quantization().trim();
        Optional<QuantMethod> method = QuantMethod.find(q);
        Optional<GgufType> nativeType = GgufType.find(q);
        GgufType type;
        Optional<String> kv = Optional.empty();
        List<String> notes = new ArrayList<>();
        if (method.isPresent()) {
            QuantMethod m = method.get();
            if (m.weightFormat() == NumberFormat.FP && m.weightBits() < 16) {
                return Resolution.no(m.label() + " needs FP8 weights, and GGUF has no FP8 type; the closest llama.cpp has "
                        + "is Q8_0 (INT8 blocks of 32, INT8 activations), closest to W8A8-INT: ask for Q8_0 to run that");
            }
            type = m.weightBits() == 16 ? GgufType.F16 : m.weightBits() == 8 ? GgufType.Q8_0 : GgufType.Q4_0;
            if (m.quantizesKvCache()) {
                kv = Optional.of(m.kvBits() == 8 ? "q8_0" : "q4_0");
            }
            notes.add(m.label() + " runs as GGUF " + type.label() + (kv.isPresent() ? " with a " + kv.get() + " KV cache" : ""));
            notes.addAll(differences(m, type));
        } else if (nativeType.isPresent()) {
            type = nativeType.get();
            notes.add("GGUF " + type.label() + ": closest seed method "
                    + type.closestSeedMethod().map(QuantMethod::label).orElse("none") + " (" + type.why() + ")");
        } else {
            return Resolution.no("llama.cpp takes a GGUF type (" + GgufType.labels() + ") or a seed method ("
                    + QuantMethod.labels() + "), was '" + c.quantization() + "'");
        }
        if (c.kvCacheType().isPresent()) {
            String asked = Common.lower(c.kvCacheType().get());
            if (!KV_CACHE_TYPES.contains(asked)) {
                return Resolution.no("llama.cpp's KV cache must be one of " + KV_CACHE_TYPES + ", was '"
                        + c.kvCacheType().get() + "'");
            }
            if (kv.isPresent() && !kv.get().equals(asked)) {
                return Resolution.no(method.get().label() + " sets the KV cache to " + kv.get() + "; kvCacheType '"
                        + c.kvCacheType().get() + "' contradicts it: drop kvCacheType or choose a method without KV in its name");
            }
            kv = Optional.of(asked);
            if (!asked.equals("f16")) {
                notes.add("KV cache " + asked);
            }
        }
        Path quantizeTo = null;
        // what the model holds: its GGUF metadata when the file can be read here, else its name
        Optional<GgufType> fromHeader = GgufType.ofFile(Path.of(c.model()));
        Optional<GgufType> source = fromHeader.isPresent() ? fromHeader : GgufType.fromFileName(c.model());
        String how = fromHeader.isPresent() ? "by its GGUF metadata" : "by its file name";
        if (source.isEmpty()) {
            notes.add("neither the model's GGUF metadata (file not readable here) nor its name shows its type, so it is "
                    + "assumed to hold " + type.label() + " already (name an F16 file like NAME-f16.gguf to have qMeter "
                    + "quantize it)");
        } else if (source.get() != type) {
            if (!source.get().unquantized()) {
                return Resolution.no("the model is already " + source.get().label() + " (" + how + "), and "
                        + type.label() + " was asked for; re-quantizing a quantized GGUF loses quality: give an F16 "
                        + "(or BF16/F32) GGUF, or ask for " + source.get().label());
            }
            if (c.workDirectory().isEmpty()) {
                return Resolution.no("quantizing " + source.get().label() + " to " + type.label()
                        + " with llama-quantize needs a work directory for the output: set workDirectory");
            }
            quantizeTo = c.workDirectory().get().resolve(quantizedName(c.model(), source.get(), type));
            notes.add("llama-quantize makes it from the " + source.get().label() + " model (" + how + ")");
        }
        return new Resolution(Support.yes(String.join("; ", notes)), type, kv, quantizeTo);
    }

    /** How a seed method differs on llama.cpp from what the seed measured. */
    private static List<String> differences(QuantMethod m, GgufType type) {
        List<String> d = new ArrayList<>();
        if (type.unquantized()) {
            return d;
        }
        // the method without its KV part (W8A16KV8-INT -> W8A16-INT), to compare with the GGUF type's closest
        Optional<QuantMethod> base = java.util.Arrays.stream(QuantMethod.values())
                .filter(x -> !x.quantizesKvCache() && x.weightBits() == m.weightBits()
                        && x.activationBits() == m.activationBits() && x.activationFormat() == m.activationFormat())
                .findFirst();
        if (base.isPresent() && type.closestSeedMethod().filter(x -> x != base.get()).isPresent()) {
            d.add(type.label() + " stands closest to " + type.closestSeedMethod().get().label());
        }
        if (m.activationBits() == 16) {
            d.add("llama.cpp quantizes the activations of every quantized matmul to INT8 (Q8_1, ggml-cuda mmvq/mmq), "
                    + "so this 16-bit-activation method runs with INT8 activations, the same run as " + sameRunAs(m) + " here");
        } else if (m.activationFormat() == NumberFormat.FP) {
            d.add("activations are INT8 (Q8_1), not FP8");
        }
        if (m.quantizesKvCache() && m.kvFormat() == NumberFormat.FP) {
            d.add("the KV cache is q8_0 (INT8 blocks of 32): llama.cpp has no FP8 cache");
        }
        d.add("weights are rounded to nearest in blocks of 32, without the seed's calibration ("
                + (m.weightBits() == 4 ? "AWQ/QServe" : "SmoothQuant/per-channel") + ")");
        return d;
    }

    private static String sameRunAs(QuantMethod m) {
        if (m.weightBits() == 8) {
            return m.quantizesKvCache() ? "W8A8KV8-INT" : "W8A8-INT";
        }
        return m.quantizesKvCache() ? "W4A8KV8" : "W4A8";
    }

    private static String quantizedName(String model, GgufType from, GgufType to) {
        String file = Path.of(model).getFileName().toString();
        String stem = file.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf") ? file.substring(0, file.length() - 5) : file;
        String lowerStem = stem.toLowerCase(java.util.Locale.ROOT);
        String fromToken = from.label().toLowerCase(java.util.Locale.ROOT);
        if (lowerStem.endsWith(fromToken) && stem.length() > fromToken.length()) {
            stem = stem.substring(0, stem.length() - fromToken.length());
            while (!stem.isEmpty() && "-_.".indexOf(stem.charAt(stem.length() - 1)) >= 0) {
                stem = stem.substring(0, stem.length() - 1);
            }
        }
        return stem + "-" + to.label() + ".gguf";
    }
}
