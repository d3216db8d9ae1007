package io.qmeter.engines;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * FP16 and the seed paper's eleven quantization methods (its Table 1): bits and number format of
 * the weights, the activations and the KV cache. Each dialect maps them to its own flags and
 * checkpoint formats, or refuses them with the reason.
 *
 * <p>What the seed means by each (TensorRT-LLM 0.19, Llama-2): weight-only per-channel INT8
 * ({@code W8A16-INT}); AWQ INT4 weights ({@code W4A16-INT}); SmoothQuant INT8 weights and
 * activations ({@code W8A8-INT}); per-tensor FP8 weights and activations ({@code W8A8-FP}); AWQ
 * INT4 weights with FP8 activations ({@code W4A8}, TensorRT-LLM's {@code w4a8_awq}: among the
 * methods the seed could not run on the A100 for want of FP8); QServe's QoQ, INT4 weights, INT8
 * activations and an INT4 KV cache ({@code W4A8KV4}); and the 8-bit KV-cache variants of the
 * others, whose KV cache takes the number format of their activations (INT8 for the INT methods
 * and for the weight-only ones, FP8 for {@code W8A8KV8-FP} and {@code W4A8KV8}).
 *
 * <pre>{@code
 * QuantMethod m = QuantMethod.parse("w4a8kv4");
 * m.label();          // "W4A8KV4"
 * m.weightBits();     // 4
 * m.kvBits();         // 4
 * m.needsFp8();       // false
 * }</pre>
 */
public enum QuantMethod {
    /** 16-bit floating-point weights, activations and KV cache: the baseline. */
    FP16("FP16", 16, NumberFormat.FP, 16, NumberFormat.FP, 16, NumberFormat.FP,
            "16-bit floating point throughout (the baseline)"),
    /** Weight-only per-channel INT8. */
    W8A16_INT("W8A16-INT", 8, NumberFormat.INT, 16, NumberFormat.FP, 16, NumberFormat.FP,
            "weight-only per-channel INT8"),
    /** Weight-only INT4 by AWQ (group-wise scales). */
    W4A16_INT("W4A16-INT", 4, NumberFormat.INT, 16, NumberFormat.FP, 16, NumberFormat.FP,
            "weight-only INT4, AWQ"),
    /** SmoothQuant: INT8 weights and activations. */
    W8A8_INT("W8A8-INT", 8, NumberFormat.INT, 8, NumberFormat.INT, 16, NumberFormat.FP,
            "INT8 weights and activations, SmoothQuant"),
    /** Per-tensor FP8 (E4M3) weights and activations. */
    W8A8_FP("W8A8-FP", 8, NumberFormat.FP, 8, NumberFormat.FP, 16, NumberFormat.FP,
            "per-tensor FP8 weights and activations"),
    /** AWQ INT4 weights with FP8 activations (TensorRT-LLM {@code w4a8_awq}). */
    W4A8("W4A8", 4, NumberFormat.INT, 8, NumberFormat.FP, 16, NumberFormat.FP,
            "AWQ INT4 weights, FP8 activations"),
    /** QServe's QoQ: INT4 weights, INT8 activations, INT4 KV cache. */
    W4A8KV4("W4A8KV4", 4, NumberFormat.INT, 8, NumberFormat.INT, 4, NumberFormat.INT,
            "QServe QoQ: INT4 weights, INT8 activations, INT4 KV cache"),
    /** W8A16-INT with an INT8 KV cache. */
    W8A16KV8_INT("W8A16KV8-INT", 8, NumberFormat.INT, 16, NumberFormat.FP, 8, NumberFormat.INT,
            "weight-only INT8 with an INT8 KV cache"),
    /** W4A16-INT with an INT8 KV cache. */
    W4A16KV8_INT("W4A16KV8-INT", 4, NumberFormat.INT, 16, NumberFormat.FP, 8, NumberFormat.INT,
            "weight-only INT4 (AWQ) with an INT8 KV cache"),
    /** W8A8-INT with an INT8 KV cache. */
    W8A8KV8_INT("W8A8KV8-INT", 8, NumberFormat.INT, 8, NumberFormat.INT, 8, NumberFormat.INT,
            "SmoothQuant INT8 with an INT8 KV cache"),
    /** W8A8-FP with an FP8 KV cache. */
    W8A8KV8_FP("W8A8KV8-FP", 8, NumberFormat.FP, 8, NumberFormat.FP, 8, NumberFormat.FP,
            "FP8 weights and activations with an FP8 KV cache"),
    /** W4A8 with an FP8 KV cache. */
    W4A8KV8("W4A8KV8", 4, NumberFormat.INT, 8, NumberFormat.FP, 8, NumberFormat.FP,
            "AWQ INT4 weights, FP8 activations, FP8 KV cache");

    private final String label;
    private final int weightBits;
    private final NumberFormat weightFormat;
    private final int activationBits;
    private final NumberFormat activationFormat;
    private final int kvBits;
    private final NumberFormat kvFormat;
    private final String description;

    QuantMethod(String label, int weightBits, NumberFormat weightFormat, int activationBits,
                NumberFormat activationFormat, int kvBits, NumberFormat kvFormat, String description) {
        this.label = label;
        this.weightBits = weightBits;
        this.weightFormat = weightFormat;
        this.activationBits = activationBits;
        this.activationFormat = activationFormat;
        this.kvBits = kvBits;
        this.kvFormat = kvFormat;
        this.description = description;
    }

    /** @return the seed's name, e.g. {@code "W8A16-INT"} */
    public String label() {
        return label;
    }

    /** @return bits per weight (16, 8 or 4) */
    public int weightBits() {
        return weightBits;
    }

    /** @return how the weights are stored */
    public NumberFormat weightFormat() {
        return weightFormat;
    }

    /** @return bits per activation entering the matrix multiplications (16 or 8) */
    public int activationBits() {
        return activationBits;
    }

    /** @return the activations' number format */
    public NumberFormat activationFormat() {
        return activationFormat;
    }

    /** @return bits per KV-cache entry (16, 8 or 4) */
    public int kvBits() {
        return kvBits;
    }

    /** @return the KV cache's number format */
    public NumberFormat kvFormat() {
        return kvFormat;
    }

    /** @return one line on what the method is */
    public String description() {
        return description;
    }

    /** @return true when only the weights are quantized (16-bit activations, 16-bit KV cache) */
    public boolean weightOnly() {
        return weightBits < 16 && activationBits == 16 && kvBits == 16;
    }

    /** @return true when the KV cache is quantized */
    public boolean quantizesKvCache() {
        return kvBits < 16;
    }

    /**
     * Whether the matrix multiplications compute in FP8, which needs FP8 tensor cores (compute
     * capability 8.9 or more: Ada, Hopper and later). An FP8 KV cache alone does not count.
     *
     * @return true when weights or activations are FP8
     */
    public boolean needsFp8() {
        return (weightBits == 8 && weightFormat == NumberFormat.FP)
                || (activationBits == 8 && activationFormat == NumberFormat.FP);
    }

    /**
     * The method of this label, case-insensitive; {@code _} and {@code -} are one
     * ({@code w8a16_int} is {@code W8A16-INT}).
     *
     * @param label e.g. {@code "W8A8-FP"}
     * @return the method
     * @throws IllegalArgumentException listing the valid labels when none matches
     */
    public static QuantMethod parse(String label) {
        return find(label).orElseThrow(() -> new IllegalArgumentException(
                "quantization method must be one of " + labels() + ", was '" + label + "'"));
    }

    /**
     * The method of this label, or empty when the text names no seed method (an engine-native
     * format such as {@code Q4_K_M}, say).
     *
     * @param label the text
     * @return the method, if any
     */
    public static Optional<QuantMethod> find(String label) {
        Objects.requireNonNull(label, "label");
        String n = label.trim().toUpperCase(Locale.ROOT).replace('_', '-');
        return Arrays.stream(values()).filter(m -> m.label.equals(n)).findFirst();
    }

    /** @return every label, comma-separated, in catalogue order */
    public static String labels() {
        return Arrays.stream(values()).map(QuantMethod::label).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return label;
    }
}
