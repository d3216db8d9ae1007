package io.qmeter.testkit.sim;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A quantization method of the seed paper (plus FP16): how many bytes a weight, an activation and a
 * KV-cache element take, which tensor-core peak the linear layers run at, and what the
 * dequantization costs.
 *
 * <p>Costs are multipliers: {@code gemmOverhead} scales the <i>compute</i> side of the linear
 * layers' roofline (extra ALU work to unpack and rescale weights/activations inside the GEMM; it
 * does not matter while the GEMM is memory-bound, as in small-batch decode), and
 * {@code kvAttentionOverhead} scales the <i>memory</i> side of attention (each KV element read is
 * also converted and rescaled on CUDA cores, so a halved byte count does not halve the time).
 *
 * <pre>{@code
 * QuantMethod q = QuantMethod.byName("W4A16-INT");
 * double bytesPerWeight = q.weightBits() / 8;   // 0.53
 * }</pre>
 *
 * @param name                the paper's name
 * @param weightBits          bits per weight of the linear layers, including group scales/zeros
 * @param activationFormat    the GEMM input format, which decides the tensor-core peak used
 * @param kvBits              bits per KV-cache element, including scales
 * @param kvFormat            the KV-cache element format
 * @param gemmOverhead        multiplier (≥ 1) on the linear layers' compute time
 * @param kvAttentionOverhead multiplier (≥ 1) on attention's KV-read time
 * @param description         a one-line description of what the method stores and computes
 */
public record QuantMethod(String name, double weightBits, NumberFormat activationFormat, double kvBits,
                          NumberFormat kvFormat, double gemmOverhead, double kvAttentionOverhead, String description) {

    /** The element formats the table uses. */
    public enum NumberFormat {
        /** 16-bit floating point (FP16/BF16): the FP16 tensor-core peak. */
        FP16,
        /** 8-bit integer: the INT8 tensor-core peak. */
        INT8,
        /** 8-bit floating point (E4M3): the FP8 tensor-core peak, Hopper and Ada only. */
        FP8,
        /** 4-bit integer (storage only; computed after conversion to a wider format). */
        INT4
    }

    // Reasons for the shared numbers:
    // - INT8 weights with per-output-channel FP16 scales: 8 bits (the scale row adds < 0.01 bit).
    // - INT4 weights, AWQ-style groups of 128 with an FP16 scale and FP16 zero: 4 + 32/128 = 4.25 bits.
    // - INT4 weights with groups of 128 and a scale only (TRT-LLM W4A8-AWQ, QServe level-2 int8
    //   scale+zero): 4 + 16/128 = 4.125 bits.
    // - INT8 KV with one FP16 scale per head vector of 128: 8.125 bits; FP8 KV with a per-tensor
    //   scale: 8 bits; INT4 KV with FP16 scale+zero per head vector: 4.25 bits.
    // - KV overheads: INT8 KV 2.2 (per element 2.2 × half the bytes = 1.1 × the FP16 read time:
    //   convert + scale on CUDA cores inside the fused attention kernel; the calibration shows
    //   llama.cpp paying +39 % TPOT for q8_0 KV at 16 streams, fused TRT-LLM kernels far less);
    //   FP8 KV 2.0 (the cast is one instruction on Hopper: time per element equal to FP16);
    //   INT4 KV 4.6 (unpack + zero point per element: 4.6 × 0.266 ≈ 1.22 × the FP16 read time; an
    //   estimate: QServe needed dedicated attention kernels to make KV4 pay off at all).

    /** The FP16 baseline: 16-bit weights, activations and KV cache; nothing to dequantize. */
    public static final QuantMethod FP16 = new QuantMethod("FP16", 16, NumberFormat.FP16, 16, NumberFormat.FP16,
            1.0, 1.0, "16-bit weights, activations and KV cache (baseline)");
    /** INT8 weights (per-channel), FP16 math: 1.15 for the int8→fp16 conversion in the mixed-input GEMM mainloop. */
    public static final QuantMethod W8A16_INT = new QuantMethod("W8A16-INT", 8, NumberFormat.FP16, 16,
            NumberFormat.FP16, 1.15, 1.0, "INT8 weight-only (per-channel), FP16 activations and KV");
    /** INT4 weights (AWQ groups of 128), FP16 math: 1.30, unpack + group scale/zero per weight on CUDA cores. */
    public static final QuantMethod W4A16_INT = new QuantMethod("W4A16-INT", 4.25, NumberFormat.FP16, 16,
            NumberFormat.FP16, 1.30, 1.0, "INT4 weight-only (AWQ, group 128), FP16 activations and KV");
    /** SmoothQuant INT8 weights and activations on INT8 tensor cores: 1.08 for per-token activation quantization and the dequantizing epilogue. */
    public static final QuantMethod W8A8_INT = new QuantMethod("W8A8-INT", 8, NumberFormat.INT8, 16,
            NumberFormat.FP16, 1.08, 1.0, "INT8 weights and activations (SmoothQuant), FP16 KV");
    /** FP8 weights and activations on FP8 tensor cores: 1.05, per-tensor scales in the epilogue; needs Hopper/Ada. */
    public static final QuantMethod W8A8_FP = new QuantMethod("W8A8-FP", 8, NumberFormat.FP8, 16,
            NumberFormat.FP16, 1.05, 1.0, "FP8 (E4M3) weights and activations, FP16 KV");
    /** INT4 weights with FP8 activations (TRT-LLM W4A8-AWQ): 1.25, int4→fp8 conversion in the mainloop; needs Hopper/Ada. */
    public static final QuantMethod W4A8 = new QuantMethod("W4A8", 4.125, NumberFormat.FP8, 16,
            NumberFormat.FP16, 1.25, 1.0, "INT4 weights (group 128), FP8 activations (TRT-LLM W4A8-AWQ), FP16 KV");
    /** QServe-style INT4 weights, INT8 activations, INT4 KV: 1.25 for int4→int8 unpacking in the mainloop; runs on Ampere too. */
    public static final QuantMethod W4A8KV4 = new QuantMethod("W4A8KV4", 4.125, NumberFormat.INT8, 4.25,
            NumberFormat.INT4, 1.25, 4.6, "INT4 weights, INT8 activations, INT4 KV cache (QServe-style)");
    /** INT8 weight-only with INT8 KV: W8A16-INT's GEMM plus INT8 KV dequantization in attention. */
    public static final QuantMethod W8A16KV8_INT = new QuantMethod("W8A16KV8-INT", 8, NumberFormat.FP16, 8.125,
            NumberFormat.INT8, 1.15, 2.2, "INT8 weight-only, FP16 activations, INT8 KV cache");
    /** INT4 weight-only with INT8 KV: W4A16-INT's GEMM plus INT8 KV dequantization in attention. */
    public static final QuantMethod W4A16KV8_INT = new QuantMethod("W4A16KV8-INT", 4.25, NumberFormat.FP16, 8.125,
            NumberFormat.INT8, 1.30, 2.2, "INT4 weight-only (group 128), FP16 activations, INT8 KV cache");
    /** SmoothQuant INT8 with INT8 KV. */
    public static final QuantMethod W8A8KV8_INT = new QuantMethod("W8A8KV8-INT", 8, NumberFormat.INT8, 8.125,
            NumberFormat.INT8, 1.08, 2.2, "INT8 weights and activations, INT8 KV cache");
    /** FP8 weights, activations and KV cache; needs Hopper/Ada. */
    public static final QuantMethod W8A8KV8_FP = new QuantMethod("W8A8KV8-FP", 8, NumberFormat.FP8, 8,
            NumberFormat.FP8, 1.05, 2.0, "FP8 weights, activations and KV cache");
    /** TRT-LLM W4A8-AWQ with FP8 KV cache; needs Hopper/Ada. */
    public static final QuantMethod W4A8KV8 = new QuantMethod("W4A8KV8", 4.125, NumberFormat.FP8, 8,
            NumberFormat.FP8, 1.25, 2.0, "INT4 weights, FP8 activations, FP8 KV cache");

    private static final List<QuantMethod> KNOWN = List.of(FP16, W8A16_INT, W4A16_INT, W8A8_INT, W8A8_FP, W4A8,
            W4A8KV4, W8A16KV8_INT, W4A16KV8_INT, W8A8KV8_INT, W8A8KV8_FP, W4A8KV8);

    /** Validates the numbers. */
    public QuantMethod {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, was " + name);
        }
        if (!(weightBits >= 2 && weightBits <= 32)) {
            throw new IllegalArgumentException("weightBits must be in [2, 32], was " + weightBits);
        }
        if (!(kvBits >= 2 && kvBits <= 32)) {
            throw new IllegalArgumentException("kvBits must be in [2, 32], was " + kvBits);
        }
        if (activationFormat == null || activationFormat == NumberFormat.INT4) {
            throw new IllegalArgumentException("activationFormat must be FP16, INT8 or FP8, was " + activationFormat);
        }
        if (kvFormat == null) {
            throw new IllegalArgumentException("kvFormat must not be null");
        }
        if (!(gemmOverhead >= 1)) {
            throw new IllegalArgumentException("gemmOverhead must be >= 1, was " + gemmOverhead);
        }
        if (!(kvAttentionOverhead >= 1)) {
            throw new IllegalArgumentException("kvAttentionOverhead must be >= 1, was " + kvAttentionOverhead);
        }
        description = description == null ? "" : description;
    }

    /**
     * Bytes per weight of a quantized linear layer.
     *
     * @return weightBits / 8
     */
    public double weightBytes() {
        return weightBits / 8;
    }

    /**
     * Bytes per GEMM input activation element.
     *
     * @return 2 for FP16, 1 for 8-bit formats
     */
    public double activationBytes() {
        return activationFormat == NumberFormat.FP16 ? 2 : 1;
    }

    /**
     * Bytes per KV-cache element.
     *
     * @return kvBits / 8
     */
    public double kvBytes() {
        return kvBits / 8;
    }

    /**
     * Whether the method needs FP8 tensor cores (FP8 activations or an FP8 KV cache).
     *
     * @return true for W8A8-FP, W4A8, W8A8KV8-FP, W4A8KV8
     */
    public boolean needsFp8() {
        return activationFormat == NumberFormat.FP8 || kvFormat == NumberFormat.FP8;
    }

    /**
     * The linear layers' tensor-core peak on a GPU.
     *
     * @param gpu the GPU
     * @return FLOP/s (or OP/s for INT8)
     * @throws IllegalArgumentException when the method needs FP8 and the GPU has none
     */
    public double gemmPeak(GpuSpec gpu) {
        switch (activationFormat) {
            case INT8:
                return gpu.int8DenseOps();
            case FP8:
                if (!gpu.hasFp8()) {
                    throw new IllegalArgumentException(name + " needs FP8 tensor cores, " + gpu.name() + " has none");
                }
                return gpu.fp8DenseFlops();
            default:
                return gpu.fp16DenseFlops();
        }
    }

    /**
     * The methods in the table: FP16 and the seed paper's 11.
     *
     * @return 12 methods, FP16 first
     */
    public static List<QuantMethod> known() {
        return KNOWN;
    }

    /**
     * Looks a method up by name, ignoring case and treating {@code _} as {@code -}.
     *
     * @param name for example {@code "W8A8-INT"}
     * @return the method
     * @throws IllegalArgumentException naming the known methods when there is no such method
     */
    public static QuantMethod byName(String name) {
        if (name != null) {
            String n = name.trim().toUpperCase(Locale.ROOT).replace('_', '-');
            for (QuantMethod q : KNOWN) {
                if (q.name().equals(n)) {
                    return q;
                }
            }
        }
        throw new IllegalArgumentException("unknown quantization method '" + name + "'; known methods: "
                + KNOWN.stream().map(QuantMethod::name).collect(Collectors.joining(", ")));
    }
}
