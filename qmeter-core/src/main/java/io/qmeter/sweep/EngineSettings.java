package io.qmeter.sweep;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One point of the configuration space: which engine serves which model, quantized how, on how
 * many GPUs of which kind, with which extra engine arguments.
 *
 * <p>The {@link #id() configuration id} is derived only from these settings, so the same settings
 * always give the same id (and a re-run of a plan maps to the same stored results):
 * {@code engine-quantization-tpN-gpu-} followed by the first 10 hex digits of the SHA-256 of the
 * canonical form ({@link #canonical()}), which includes the model and the extra arguments.
 *
 * <pre>{@code
 * EngineSettings s = EngineSettings.builder()
 *         .engine("vllm").model("meta-llama/Llama-2-13b-chat-hf").quantization("awq")
 *         .tensorParallel(1).gpu("H100").extraArgs("--max-num-seqs", "256")
 *         .build();
 * String id = s.id(); // "vllm-awq-tp1-h100-" + 10 hex digits
 * }</pre>
 *
 * @param engine         engine kind, e.g. {@code vllm}, {@code sglang}, {@code tensorrt-llm}, {@code llama.cpp}
 * @param model          model name or path as the engine takes it
 * @param quantization   quantization method, e.g. {@code fp16}, {@code awq}, {@code gptq}, {@code w4a16-int}, {@code fp8}
 * @param tensorParallel tensor-parallel degree: 1, 2, 4 or 8
 * @param gpu            GPU kind, e.g. {@code H100}
 * @param extraArgs      extra engine command-line arguments, in order
 */
public record EngineSettings(String engine, String model, String quantization, int tensorParallel, String gpu,
                             List<String> extraArgs) {

    /** The tensor-parallel degrees a configuration may have. */
    public static final Set<Integer> TENSOR_PARALLEL = Set.of(1, 2, 4, 8);

    /** Validates the settings. */
    public EngineSettings {
        engine = nonBlank("engine", engine);
        model = nonBlank("model", model);
        quantization = nonBlank("quantization", quantization);
        gpu = nonBlank("gpu", gpu);
        if (!TENSOR_PARALLEL.contains(tensorParallel)) {
            throw new IllegalArgumentException("tensorParallel: expected 1, 2, 4 or 8, was " + tensorParallel);
        }
        extraArgs = List.copyOf(Objects.requireNonNull(extraArgs, "extraArgs"));
    }

    private static String nonBlank(String name, String v) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + ": expected a non-empty string, was "
                    + (v == null ? "null" : "\"" + v + "\""));
        }
        return v.trim();
    }

    /**
     * A new builder: tensor parallel 1, no extra arguments.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder("", "", "", 1, "", List.of());
    }

    /**
     * The canonical form hashed into the id: fields in a fixed order, each length-prefixed.
     *
     * @return the canonical text
     */
    public String canonical() {
        StringBuilder sb = new StringBuilder("qmeter-config-v1");
        for (String part : List.of(engine, model, quantization, Integer.toString(tensorParallel), gpu)) {
            sb.append('|').append(part.length()).append(':').append(part);
        }
        sb.append("|args=").append(extraArgs.size());
        for (String a : extraArgs) {
            sb.append('|').append(a.length()).append(':').append(a);
        }
        return sb.toString();
    }

    /**
     * The configuration id: readable prefix plus a hash of every setting.
     *
     * @return for example {@code vllm-awq-tp1-h100-3f9c2a1b0d}
     */
    public String id() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
            String hash = HexFormat.of().formatHex(h).substring(0, 10);
            return slug(engine) + "-" + slug(quantization) + "-tp" + tensorParallel + "-" + slug(gpu) + "-" + hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String slug(String s) {
        String t = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-+|-+$", "");
        if (t.isEmpty()) {
            t = "x";
        }
        return t.length() > 40 ? t.substring(0, 40) : t;
    }

    /**
     * A copy with another quantization method.
     *
     * @param method the method
     * @return the copy
     */
    public EngineSettings withQuantization(String method) {
        return new EngineSettings(engine, model, method, tensorParallel, gpu, extraArgs);
    }

    /**
     * A copy with another tensor-parallel degree.
     *
     * @param degree 1, 2, 4 or 8
     * @return the copy
     */
    public EngineSettings withTensorParallel(int degree) {
        return new EngineSettings(engine, model, quantization, degree, gpu, extraArgs);
    }

    /**
     * Builds {@link EngineSettings}; every setter returns a new builder.
     *
     * <pre>{@code
     * EngineSettings.Builder base = EngineSettings.builder().engine("vllm").model("m").gpu("H100");
     * EngineSettings fp16 = base.quantization("fp16").build();
     * EngineSettings awq = base.quantization("awq").build();
     * }</pre>
     */
    public static final class Builder {
        private final String engine;
        private final String model;
        private final String quantization;
        private final int tensorParallel;
        private final String gpu;
        private final List<String> extraArgs;

        private Builder(String engine, String model, String quantization, int tensorParallel, String gpu,
                        List<String> extraArgs) {
            this.engine = engine;
            this.model = model;
            this.quantization = quantization;
            this.tensorParallel = tensorParallel;
            this.gpu = gpu;
            this.extraArgs = extraArgs;
        }

        /**
         * The engine kind.
         *
         * @param kind e.g. {@code vllm}
         * @return a new builder
         */
        public Builder engine(String kind) {
            return new Builder(kind, model, quantization, tensorParallel, gpu, extraArgs);
        }

        /**
         * The model.
         *
         * @param name name or path
         * @return a new builder
         */
        public Builder model(String name) {
            return new Builder(engine, name, quantization, tensorParallel, gpu, extraArgs);
        }

        /**
         * The quantization method.
         *
         * @param method e.g. {@code awq}
         * @return a new builder
         */
        public Builder quantization(String method) {
            return new Builder(engine, model, method, tensorParallel, gpu, extraArgs);
        }

        /**
         * The tensor-parallel degree.
         *
         * @param degree 1, 2, 4 or 8
         * @return a new builder
         * @throws IllegalArgumentException for another degree
         */
        public Builder tensorParallel(int degree) {
            if (!TENSOR_PARALLEL.contains(degree)) {
                throw new IllegalArgumentException("tensorParallel: expected 1, 2, 4 or 8, was " + degree);
            }
            return new Builder(engine, model, quantization, degree, gpu, extraArgs);
        }

        /**
         * The GPU kind.
         *
         * @param kind e.g. {@code H100}
         * @return a new builder
         */
        public Builder gpu(String kind) {
            return new Builder(engine, model, quantization, tensorParallel, kind, extraArgs);
        }

        /**
         * Appends extra engine arguments.
         *
         * @param args arguments, in order
         * @return a new builder
         */
        public Builder extraArgs(String... args) {
            List<String> all = new ArrayList<>(extraArgs);
            for (String a : args) {
                all.add(Objects.requireNonNull(a, "extra argument"));
            }
            return new Builder(engine, model, quantization, tensorParallel, gpu, List.copyOf(all));
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the missing or invalid field
         */
        public EngineSettings build() {
            return new EngineSettings(engine, model, quantization, tensorParallel, gpu, extraArgs);
        }
    }
}
