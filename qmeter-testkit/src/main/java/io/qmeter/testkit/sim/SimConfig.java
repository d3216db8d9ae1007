package io.qmeter.testkit.sim;

import java.util.Locale;

/**
 * An immutable configuration of the simulated serving engine: hardware, model, quantization,
 * tensor parallelism, scheduler limits and the roofline's efficiency factors. {@link Builder#build()}
 * checks that the model fits into GPU memory and fails with the sizes when it does not.
 *
 * <p>Efficiency factors (the achieved fraction of peak), defaults and why:
 * <ul>
 * <li>{@code bandwidthEfficiency = 0.75}: vLLM's and TensorRT-LLM's decode GEMV/GEMM kernels read
 *     weights at 70–80 % of HBM peak; the calibration run shows llama.cpp at 45 % (7B F16 batch 1:
 *     9.0 ms against a 4.0 ms roofline), so set 0.45 to imitate llama.cpp.</li>
 * <li>{@code flopEfficiency = 0.6}: cuBLAS/CUTLASS GEMMs reach 65–75 % of dense peak at large
 *     shapes; prefill chunks of a few hundred tokens and fused epilogues land lower.</li>
 * <li>{@code attentionBandwidthEfficiency = 0.5}: paged decode attention reads the KV cache in
 *     16-token blocks through a block table, many small pieces of work per head and sequence, and
 *     at the short contexts of chat workloads streams less efficiently than the weight GEMMs. 0.5
 *     is an estimate, not a measurement; for Llama-2-13B (no GQA) it alone sets most of the
 *     saturation point (docs/simulated-engine.md).</li>
 * <li>{@code iterationOverheadNanos = 400 µs}: scheduling, sampling and detokenization per step of
 *     a C++/CUDA-graph engine.</li>
 * <li>{@code layerOverheadNanos = 8 µs}: norms, rotary embedding, activation and residual kernels per
 *     layer that neither roofline term covers.</li>
 * </ul>
 *
 * <pre>{@code
 * SimConfig c = SimConfig.builder()
 *         .gpu("H100-80GB").model("Llama-2-13B").quantization("W8A8-INT")
 *         .tensorParallel(1).seed(42).build();
 * }</pre>
 *
 * @param gpu                    the GPU (every tensor-parallel rank has one)
 * @param model                  the model shape
 * @param quantization           the quantization method
 * @param tensorParallel         tensor-parallel degree: 1, 2, 4 or 8
 * @param seed                   seed for natural output lengths of requests that do not ignore EOS
 * @param maxNumSeqs             most sequences in one iteration (vLLM {@code max_num_seqs})
 * @param maxBatchedTokens       most tokens in one iteration (vLLM {@code max_num_batched_tokens})
 * @param blockSize              tokens per KV-cache block
 * @param gpuMemoryUtilization   fraction of GPU memory the engine may use, (0, 1]
 * @param chunkedPrefill         whether a prompt may be split over iterations
 * @param kvPolicy               how KV blocks are handed out (vLLM paging with preemption, or
 *                               TensorRT-LLM-like reservation of max_tokens)
 * @param flopEfficiency         achieved fraction of the tensor-core peak, (0, 1]
 * @param bandwidthEfficiency    achieved fraction of memory bandwidth by the linear layers, (0, 1]
 * @param attentionBandwidthEfficiency achieved fraction of memory bandwidth by attention's KV reads, (0, 1]
 * @param iterationOverheadNanos fixed cost of one iteration, nanoseconds
 * @param layerOverheadNanos     fixed cost per layer per iteration, nanoseconds
 */
public record SimConfig(GpuSpec gpu, ModelSpec model, QuantMethod quantization, int tensorParallel, long seed,
                        int maxNumSeqs, int maxBatchedTokens, int blockSize, double gpuMemoryUtilization,
                        boolean chunkedPrefill, KvPolicy kvPolicy, double flopEfficiency, double bandwidthEfficiency,
                        double attentionBandwidthEfficiency, long iterationOverheadNanos, long layerOverheadNanos) {

    /** CUDA context, allocator slack and CUDA graphs, per GPU. */
    static final long BASE_RESERVE_BYTES = 1536L * 1024 * 1024;
    /** NCCL / custom all-reduce buffers per GPU when tensor-parallel. */
    static final long TP_RESERVE_BYTES = 512L * 1024 * 1024;

    /**
     * Validates every field and checks that weights, reserve and one full-context request fit.
     *
     * @throws IllegalArgumentException naming the field and value, or giving the memory sizes
     */
    public SimConfig {
        if (gpu == null || model == null || quantization == null) {
            throw new IllegalArgumentException("gpu, model and quantization are required, were " + gpu + ", "
                    + model + ", " + quantization);
        }
        if (tensorParallel != 1 && tensorParallel != 2 && tensorParallel != 4 && tensorParallel != 8) {
            throw new IllegalArgumentException("tensorParallel must be 1, 2, 4 or 8, was " + tensorParallel);
        }
        if (model.heads() % tensorParallel != 0) {
            throw new IllegalArgumentException("tensorParallel must divide the model's " + model.heads()
                    + " attention heads, was " + tensorParallel);
        }
        if (maxNumSeqs < 1) {
            throw new IllegalArgumentException("maxNumSeqs must be >= 1, was " + maxNumSeqs);
        }
        if (maxBatchedTokens < 1) {
            throw new IllegalArgumentException("maxBatchedTokens must be >= 1, was " + maxBatchedTokens);
        }
        if (maxBatchedTokens < maxNumSeqs) {
            throw new IllegalArgumentException("maxBatchedTokens must be >= maxNumSeqs (" + maxNumSeqs
                    + "), was " + maxBatchedTokens);
        }
        if (kvPolicy == null) {
            throw new IllegalArgumentException("kvPolicy must not be null; use KvPolicy.PAGED_PREEMPT (vLLM) or RESERVE_MAX_TOKENS");
        }
        if (!chunkedPrefill && maxBatchedTokens < model.contextLength()) {
            throw new IllegalArgumentException("without chunked prefill maxBatchedTokens must be >= the context length "
                    + model.contextLength() + " (a whole prompt is prefilled in one iteration), was " + maxBatchedTokens
                    + "; raise it or enable chunkedPrefill");
        }
        if (blockSize < 1 || blockSize > 256) {
            throw new IllegalArgumentException("blockSize must be in [1, 256], was " + blockSize);
        }
        if (!(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) {
            throw new IllegalArgumentException("gpuMemoryUtilization must be in (0, 1], was " + gpuMemoryUtilization);
        }
        if (!(flopEfficiency > 0 && flopEfficiency <= 1)) {
            throw new IllegalArgumentException("flopEfficiency must be in (0, 1], was " + flopEfficiency);
        }
        if (!(bandwidthEfficiency > 0 && bandwidthEfficiency <= 1)) {
            throw new IllegalArgumentException("bandwidthEfficiency must be in (0, 1], was " + bandwidthEfficiency);
        }
        if (!(attentionBandwidthEfficiency > 0 && attentionBandwidthEfficiency <= 1)) {
            throw new IllegalArgumentException("attentionBandwidthEfficiency must be in (0, 1], was "
                    + attentionBandwidthEfficiency);
        }
        if (iterationOverheadNanos < 0) {
            throw new IllegalArgumentException("iterationOverheadNanos must be >= 0, was " + iterationOverheadNanos);
        }
        if (layerOverheadNanos < 0) {
            throw new IllegalArgumentException("layerOverheadNanos must be >= 0, was " + layerOverheadNanos);
        }
        if (quantization.needsFp8() && !gpu.hasFp8()) {
            // Decision: fail, no silent fallback (TensorRT-LLM refuses FP8 engines on Ampere too).
            throw new IllegalArgumentException(quantization.name() + " needs FP8 tensor cores but " + gpu.name()
                    + " has none (Ampere); use an INT8 method (W8A8-INT, W8A8KV8-INT, W4A8KV4) or a Hopper/Ada GPU ("
                    + "H100-80GB, H200-141GB, L40S-48GB)");
        }
        checkFits(plan(gpu, model, quantization, tensorParallel, maxNumSeqs, maxBatchedTokens, blockSize,
                gpuMemoryUtilization), gpu, model, quantization, tensorParallel, gpuMemoryUtilization);
    }

    private static void checkFits(MemoryPlan p, GpuSpec gpu, ModelSpec model, QuantMethod q, int tp, double util) {
        if (p.weightBytes() + p.reservedBytes() >= p.usableBytes()) {
            String hint = "";
            for (int t = tp * 2; t <= 8; t *= 2) {
                if (model.heads() % t == 0 && weightBytesPerGpu(model, q, t) + reserveBytes(model, t, 256, 8192)
                        < util * gpu.memoryBytes()) {
                    hint = "tensor parallelism " + t + ", ";
                    break;
                }
            }
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s in %s with tensor parallelism %d does not fit on %s: the weights need %.1f GiB per GPU "
                            + "+ %.1f GiB reserved, but gpuMemoryUtilization %.2f x %.1f GiB = %.1f GiB is usable; "
                            + "use %sa 4- or 8-bit weight method, or a GPU with more memory",
                    model.name(), q.name(), tp, gpu.name(), p.weightBytes() / MemoryPlan.GIB,
                    p.reservedBytes() / MemoryPlan.GIB, util, gpu.memoryBytes() / MemoryPlan.GIB,
                    p.usableBytes() / MemoryPlan.GIB, hint));
        }
        long neededBlocks = (model.contextLength() + p.blockSize() - 1) / p.blockSize();
        if (p.kvBlocks() < neededBlocks) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s in %s with tensor parallelism %d on %s leaves %.2f GiB for the KV cache = %d tokens, less "
                            + "than one full-context request (%d tokens, %.2f GiB); raise gpuMemoryUtilization or "
                            + "tensor parallelism, or use a smaller model",
                    model.name(), q.name(), tp, gpu.name(), p.kvBytes() / MemoryPlan.GIB, p.kvTokenCapacity(),
                    model.contextLength(), model.contextLength() * p.kvBytesPerToken() / MemoryPlan.GIB));
        }
    }

    static long weightBytesPerGpu(ModelSpec m, QuantMethod q, int tp) {
        double linear = (double) m.layers() * m.linearParamsPerLayer() * q.weightBytes() / tp;
        double rest = 2.0 * m.unquantizedParams() / tp;
        return (long) Math.ceil(linear + rest);
    }

    static long reserveBytes(ModelSpec m, int tp, int maxNumSeqs, int maxBatchedTokens) {
        // peak activations of the largest iteration (FP16 hidden states and MLP intermediates) and FP32 logits
        double act = (double) maxBatchedTokens * (4.0 * m.hiddenSize() + 3.0 * m.ffnSize() / tp) * 2;
        double logits = (double) maxNumSeqs * m.vocabSize() * 4;
        return BASE_RESERVE_BYTES + (tp > 1 ? TP_RESERVE_BYTES : 0) + (long) (act + logits);
    }

    static double kvBytesPerTokenPerGpu(ModelSpec m, QuantMethod q, int tp) {
        int kvHeadsPerGpu = Math.max(1, m.kvHeads() / tp); // GQA heads are replicated when tp > kvHeads
        return 2.0 * m.layers() * kvHeadsPerGpu * m.headDim() * q.kvBytes();
    }

    private static MemoryPlan plan(GpuSpec gpu, ModelSpec m, QuantMethod q, int tp, int maxNumSeqs,
                                   int maxBatchedTokens, int blockSize, double util) {
        long usable = (long) (util * gpu.memoryBytes());
        long weights = weightBytesPerGpu(m, q, tp);
        long reserve = reserveBytes(m, tp, maxNumSeqs, maxBatchedTokens);
        long kv = Math.max(0, usable - weights - reserve);
        double perToken = kvBytesPerTokenPerGpu(m, q, tp);
        long blocks = (long) Math.floor(kv / (perToken * blockSize));
        return new MemoryPlan(usable, weights, reserve, kv, perToken, blockSize, (int) Math.min(Integer.MAX_VALUE, blocks));
    }

    /**
     * How GPU memory is split between weights, reserve and KV cache.
     *
     * @return the plan (per GPU)
     */
    public MemoryPlan memoryPlan() {
        return plan(gpu, model, quantization, tensorParallel, maxNumSeqs, maxBatchedTokens, blockSize,
                gpuMemoryUtilization);
    }

    /**
     * A short label, for example {@code "Llama-2-13B/W8A8-INT/H100-80GBx1"}.
     *
     * @return the label
     */
    public String label() {
        return model.name() + "/" + quantization.name() + "/" + gpu.name() + "x" + tensorParallel;
    }

    /**
     * A builder with the defaults (H100-80GB, Llama-2-7B, FP16, TP 1, seed 0, 256 sequences, 8192
     * tokens, 16-token blocks, 0.9 of memory, chunked prefill on, efficiencies 0.6 FLOPs / 0.75
     * bandwidth / 0.5 attention bandwidth).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this configuration, to change a few fields.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.gpu = gpu;
        b.model = model;
        b.quantization = quantization;
        b.tensorParallel = tensorParallel;
        b.seed = seed;
        b.maxNumSeqs = maxNumSeqs;
        b.maxBatchedTokens = maxBatchedTokens;
        b.blockSize = blockSize;
        b.gpuMemoryUtilization = gpuMemoryUtilization;
        b.chunkedPrefill = chunkedPrefill;
        b.kvPolicy = kvPolicy;
        b.flopEfficiency = flopEfficiency;
        b.bandwidthEfficiency = bandwidthEfficiency;
        b.attentionBandwidthEfficiency = attentionBandwidthEfficiency;
        b.iterationOverheadNanos = iterationOverheadNanos;
        b.layerOverheadNanos = layerOverheadNanos;
        return b;
    }

    /**
     * A copy with another quantization method (checked for fit like {@link Builder#build()}).
     *
     * @param method the method
     * @return the copy
     */
    public SimConfig withQuantization(QuantMethod method) {
        return toBuilder().quantization(method).build();
    }

    /**
     * A copy with another tensor-parallel degree (checked for fit).
     *
     * @param degree 1, 2, 4 or 8
     * @return the copy
     */
    public SimConfig withTensorParallel(int degree) {
        return toBuilder().tensorParallel(degree).build();
    }

    /**
     * Builds a {@link SimConfig}. Setters fail fast on a bad value; {@link #build()} checks across
     * fields (FP8 support, memory fit).
     *
     * <pre>{@code
     * SimConfig c = SimConfig.builder().model("Llama-2-70B").tensorParallel(4).build();
     * }</pre>
     */
    public static final class Builder {
        private GpuSpec gpu = GpuSpec.H100_80GB;
        private ModelSpec model = ModelSpec.LLAMA_2_7B;
        private QuantMethod quantization = QuantMethod.FP16;
        private int tensorParallel = 1;
        private long seed;
        private int maxNumSeqs = 256;
        private int maxBatchedTokens = 8192;
        private int blockSize = 16;
        private double gpuMemoryUtilization = 0.9;
        private boolean chunkedPrefill = true;
        private KvPolicy kvPolicy = KvPolicy.PAGED_PREEMPT;
        private double flopEfficiency = 0.6;
        private double bandwidthEfficiency = 0.75;
        private double attentionBandwidthEfficiency = 0.5;
        private long iterationOverheadNanos = 400_000;
        private long layerOverheadNanos = 8_000;

        private Builder() {
        }

        /**
         * Sets the GPU by table name.
         *
         * @param name for example {@code "H100-80GB"}
         * @return a new builder
         * @throws IllegalArgumentException listing the known GPUs
         */
        public Builder gpu(String name) {
            Builder b = copy();
            b.gpu = GpuSpec.byName(name);
            return b;
        }

        /**
         * Sets the GPU.
         *
         * @param spec the GPU
         * @return a new builder
         */
        public Builder gpu(GpuSpec spec) {
            Builder b = copy();
            b.gpu = java.util.Objects.requireNonNull(spec, "gpu");
            return b;
        }

        /**
         * Sets the model by table name.
         *
         * @param name for example {@code "Llama-2-13B"}
         * @return a new builder
         * @throws IllegalArgumentException listing the known models
         */
        public Builder model(String name) {
            Builder b = copy();
            b.model = ModelSpec.byName(name);
            return b;
        }

        /**
         * Sets the model.
         *
         * @param spec the model shape
         * @return a new builder
         */
        public Builder model(ModelSpec spec) {
            Builder b = copy();
            b.model = java.util.Objects.requireNonNull(spec, "model");
            return b;
        }

        /**
         * Sets the quantization method by name.
         *
         * @param name for example {@code "W4A16-INT"}
         * @return a new builder
         * @throws IllegalArgumentException listing the known methods
         */
        public Builder quantization(String name) {
            Builder b = copy();
            b.quantization = QuantMethod.byName(name);
            return b;
        }

        /**
         * Sets the quantization method.
         *
         * @param method the method
         * @return a new builder
         */
        public Builder quantization(QuantMethod method) {
            Builder b = copy();
            b.quantization = java.util.Objects.requireNonNull(method, "quantization");
            return b;
        }

        /**
         * Sets the tensor-parallel degree.
         *
         * @param degree 1, 2, 4 or 8
         * @return a new builder
         */
        public Builder tensorParallel(int degree) {
            Builder b = copy();
            if (degree != 1 && degree != 2 && degree != 4 && degree != 8) {
                throw new IllegalArgumentException("tensorParallel must be 1, 2, 4 or 8, was " + degree);
            }
            b.tensorParallel = degree;
            return b;
        }

        /**
         * Sets the seed.
         *
         * @param value the seed
         * @return a new builder
         */
        public Builder seed(long value) {
            Builder b = copy();
            b.seed = value;
            return b;
        }

        /**
         * Sets the most sequences per iteration.
         *
         * @param value at least 1
         * @return a new builder
         */
        public Builder maxNumSeqs(int value) {
            Builder b = copy();
            if (value < 1) {
                throw new IllegalArgumentException("maxNumSeqs must be >= 1, was " + value);
            }
            b.maxNumSeqs = value;
            return b;
        }

        /**
         * Sets the most tokens per iteration.
         *
         * @param value at least 1
         * @return a new builder
         */
        public Builder maxBatchedTokens(int value) {
            Builder b = copy();
            if (value < 1) {
                throw new IllegalArgumentException("maxBatchedTokens must be >= 1, was " + value);
            }
            b.maxBatchedTokens = value;
            return b;
        }

        /**
         * Sets the KV block size.
         *
         * @param tokens tokens per block, 1..256
         * @return a new builder
         */
        public Builder blockSize(int tokens) {
            Builder b = copy();
            if (tokens < 1 || tokens > 256) {
                throw new IllegalArgumentException("blockSize must be in [1, 256], was " + tokens);
            }
            b.blockSize = tokens;
            return b;
        }

        /**
         * Sets the fraction of GPU memory the engine may use.
         *
         * @param fraction in (0, 1]
         * @return a new builder
         */
        public Builder gpuMemoryUtilization(double fraction) {
            Builder b = copy();
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("gpuMemoryUtilization must be in (0, 1], was " + fraction);
            }
            b.gpuMemoryUtilization = fraction;
            return b;
        }

        /**
         * Turns chunked prefill on or off.
         *
         * @param enabled whether prompts may be split over iterations
         * @return a new builder
         */
        public Builder chunkedPrefill(boolean enabled) {
            Builder b = copy();
            b.chunkedPrefill = enabled;
            return b;
        }

        /**
         * Sets how KV blocks are handed out.
         *
         * @param policy {@link KvPolicy#PAGED_PREEMPT} (vLLM, the default) or
         *               {@link KvPolicy#RESERVE_MAX_TOKENS} (TensorRT-LLM's default)
         * @return a new builder
         */
        public Builder kvPolicy(KvPolicy policy) {
            Builder b = copy();
            b.kvPolicy = java.util.Objects.requireNonNull(policy, "kvPolicy");
            return b;
        }

        /**
         * Sets the achieved fraction of the tensor-core peak.
         *
         * @param fraction in (0, 1]
         * @return a new builder
         */
        public Builder flopEfficiency(double fraction) {
            Builder b = copy();
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("flopEfficiency must be in (0, 1], was " + fraction);
            }
            b.flopEfficiency = fraction;
            return b;
        }

        /**
         * Sets the achieved fraction of memory bandwidth (0.45 imitates llama.cpp).
         *
         * @param fraction in (0, 1]
         * @return a new builder
         */
        public Builder bandwidthEfficiency(double fraction) {
            Builder b = copy();
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("bandwidthEfficiency must be in (0, 1], was " + fraction);
            }
            b.bandwidthEfficiency = fraction;
            return b;
        }

        /**
         * Sets the achieved fraction of memory bandwidth of attention's KV reads.
         *
         * @param fraction in (0, 1]
         * @return a new builder
         */
        public Builder attentionBandwidthEfficiency(double fraction) {
            Builder b = copy();
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("attentionBandwidthEfficiency must be in (0, 1], was " + fraction);
            }
            b.attentionBandwidthEfficiency = fraction;
            return b;
        }

        /**
         * Sets the fixed cost of one iteration.
         *
         * @param nanos nanoseconds, at least 0
         * @return a new builder
         */
        public Builder iterationOverheadNanos(long nanos) {
            Builder b = copy();
            if (nanos < 0) {
                throw new IllegalArgumentException("iterationOverheadNanos must be >= 0, was " + nanos);
            }
            b.iterationOverheadNanos = nanos;
            return b;
        }

        /**
         * Sets the fixed cost per layer per iteration.
         *
         * @param nanos nanoseconds, at least 0
         * @return a new builder
         */
        public Builder layerOverheadNanos(long nanos) {
            Builder b = copy();
            if (nanos < 0) {
                throw new IllegalArgumentException("layerOverheadNanos must be >= 0, was " + nanos);
            }
            b.layerOverheadNanos = nanos;
            return b;
        }

        /** A copy of this builder: every setter returns a changed copy, so a builder is never shared mutable state. */
        private Builder copy() {
            Builder b = new Builder();
            b.gpu = gpu;
            b.model = model;
            b.quantization = quantization;
            b.tensorParallel = tensorParallel;
            b.seed = seed;
            b.maxNumSeqs = maxNumSeqs;
            b.maxBatchedTokens = maxBatchedTokens;
            b.blockSize = blockSize;
            b.gpuMemoryUtilization = gpuMemoryUtilization;
            b.chunkedPrefill = chunkedPrefill;
            b.kvPolicy = kvPolicy;
            b.flopEfficiency = flopEfficiency;
            b.bandwidthEfficiency = bandwidthEfficiency;
            b.attentionBandwidthEfficiency = attentionBandwidthEfficiency;
            b.iterationOverheadNanos = iterationOverheadNanos;
            b.layerOverheadNanos = layerOverheadNanos;
            return b;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException when fields disagree or the model does not fit
         */
        public SimConfig build() {
            return new SimConfig(gpu, model, quantization, tensorParallel, seed, maxNumSeqs, maxBatchedTokens,
                    blockSize, gpuMemoryUtilization, chunkedPrefill, kvPolicy, flopEfficiency, bandwidthEfficiency,
                    attentionBandwidthEfficiency, iterationOverheadNanos, layerOverheadNanos);
        }
    }
}
