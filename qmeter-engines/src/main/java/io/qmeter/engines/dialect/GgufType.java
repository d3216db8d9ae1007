package io.qmeter.engines.dialect;

import io.qmeter.engines.QuantMethod;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * llama.cpp's GGUF file types as {@code llama-quantize} names them (snapshot c392e50), with the
 * seed method each stands closest to and why.
 *
 * <p>The deciding fact, read in the snapshot's {@code ggml/src/ggml-cuda/ggml-cuda.cu}
 * ({@code ggml_cuda_mul_mat}): for every quantized weight type the CUDA backend multiplies with
 * MMVQ (batches of up to 8 rows, {@code MMVQ_MAX_BATCH_SIZE}) or MMQ (larger batches; on compute
 * capability 7.5 and up always, {@code ggml_cuda_should_use_mmq}), and both first quantize the
 * activations to {@code Q8_1} ({@code quantize_row_q8_1_cuda}, {@code quantize_mmq_q8_1_cuda}):
 * 8-bit integers with one scale per block of 32. The CPU backend does the same ({@code vec_dot_type}
 * {@code Q8_0}, {@code Q8_1} or {@code Q8_K} in {@code ggml-cpu.c}). So a quantized GGUF always
 * runs with INT8 activations: {@code Q8_0} is a W8A8-INT and {@code Q4_0} a W4A8 with INT8 (not
 * FP8) activations, and llama.cpp has no weight-only (A16) path for them. F16 weights multiply in
 * FP16 (cuBLAS), like the seed's FP16. The scales differ from the seed's methods too: GGUF types
 * use round-to-nearest blocks of 32 (K-quants: super-blocks of 256) without calibration, where
 * SmoothQuant, AWQ and QServe calibrate per channel or per group of 128.
 *
 * <pre>{@code
 * GgufType t = GgufType.parse("q4_k_m");
 * t.closestSeedMethod(); // Optional[W4A8]
 * }</pre>
 */
public enum GgufType {
    /** 32-bit float. */
    F32("F32", 0, 32, QuantMethod.FP16, "unquantized; wider than the seed's FP16 baseline"),
    /** IEEE half precision: the seed's baseline. */
    F16("F16", 1, 16, QuantMethod.FP16, "16-bit float weights multiplied in FP16 (cuBLAS), as the seed's FP16"),
    /** bfloat16. */
    BF16("BF16", 32, 16, QuantMethod.FP16, "16-bit weights like FP16, with bfloat16's wider exponent and shorter mantissa"),
    /** 8-bit, one scale per 32 weights. */
    Q8_0("Q8_0", 7, 8, QuantMethod.W8A8_INT,
            "INT8 weights (scale per 32) and, in the matmuls, activations quantized to INT8 (Q8_1, scale per 32)"),
    /** 4-bit, one scale per 32 weights. */
    Q4_0("Q4_0", 2, 4, QuantMethod.W4A8,
            "INT4 weights (scale per 32) with activations quantized to INT8 (Q8_1), where the seed's W4A8 uses FP8"),
    /** 4-bit with scale and minimum per 32 weights. */
    Q4_1("Q4_1", 3, 4, QuantMethod.W4A8, "like Q4_0 with an offset per block (asymmetric, as AWQ's zero points)"),
    /** 5-bit. */
    Q5_0("Q5_0", 8, 5, null, "5-bit weights: between W4A8 and W8A8-INT; the seed has no 5-bit method"),
    /** 5-bit with offsets. */
    Q5_1("Q5_1", 9, 5, null, "5-bit weights: between W4A8 and W8A8-INT; the seed has no 5-bit method"),
    /** K-quant, 2-bit. */
    Q2_K("Q2_K", 10, 2, null, "below the seed's 4-bit methods; the seed has no 2-bit method"),
    /** K-quant, 2-bit, small. */
    Q2_K_S("Q2_K_S", 21, 2, null, "below the seed's 4-bit methods; the seed has no 2-bit method"),
    /** K-quant, 3-bit, small. */
    Q3_K_S("Q3_K_S", 11, 3, null, "below the seed's 4-bit methods; the seed has no 3-bit method"),
    /** K-quant, 3-bit, medium. */
    Q3_K_M("Q3_K_M", 12, 3, null, "below the seed's 4-bit methods; the seed has no 3-bit method"),
    /** K-quant, 3-bit, large. */
    Q3_K_L("Q3_K_L", 13, 3, null, "below the seed's 4-bit methods; the seed has no 3-bit method"),
    /** K-quant, 4-bit, small. */
    Q4_K_S("Q4_K_S", 14, 4, QuantMethod.W4A8,
            "4-bit K-quant (super-blocks of 256) with INT8 (Q8_1) activations; some tensors kept at higher bits"),
    /** K-quant, 4-bit, medium: the usual 4-bit choice. */
    Q4_K_M("Q4_K_M", 15, 4, QuantMethod.W4A8,
            "4-bit K-quant with INT8 (Q8_1) activations; some attention-value and FFN-down tensors at 6 bits, so 4.5 to 5 bits a weight on average"),
    /** K-quant, 5-bit, small. */
    Q5_K_S("Q5_K_S", 16, 5, null, "5-bit weights: between W4A8 and W8A8-INT; the seed has no 5-bit method"),
    /** K-quant, 5-bit, medium. */
    Q5_K_M("Q5_K_M", 17, 5, null, "5-bit weights: between W4A8 and W8A8-INT; the seed has no 5-bit method"),
    /** K-quant, 6-bit. */
    Q6_K("Q6_K", 18, 6, null, "6-bit weights: between W4A8 and W8A8-INT; the seed has no 6-bit method"),
    /** Non-linear 4-bit, blocks of 32. */
    IQ4_NL("IQ4_NL", 25, 4, QuantMethod.W4A8, "4-bit non-linear code book (not integer steps) with INT8 (Q8_1) activations"),
    /** Non-linear 4-bit, super-blocks of 256. */
    IQ4_XS("IQ4_XS", 30, 4, QuantMethod.W4A8, "about 4.25-bit non-linear code book with INT8 (Q8_1) activations");

    private final String label;
    private final int fileType;
    private final int bits;
    private final QuantMethod closest;
    private final String why;

    GgufType(String label, int fileType, int bits, QuantMethod closest, String why) {
        this.label = label;
        this.fileType = fileType;
        this.bits = bits;
        this.closest = closest;
        this.why = why;
    }

    /** @return the name {@code llama-quantize} takes, e.g. {@code "Q4_K_M"} */
    public String label() {
        return label;
    }

    /** @return llama.cpp's {@code llama_ftype} number, as stored in {@code general.file_type} */
    public int fileType() {
        return fileType;
    }

    /** @return nominal bits per weight */
    public int bits() {
        return bits;
    }

    /** @return true for F32, F16 and BF16 */
    public boolean unquantized() {
        return bits >= 16;
    }

    /** @return the seed method this type stands closest to; empty when none is close */
    public Optional<QuantMethod> closestSeedMethod() {
        return Optional.ofNullable(closest);
    }

    /** @return why it stands closest to that method, or why none */
    public String why() {
        return why;
    }

    /**
     * The type of this name, case-insensitive.
     *
     * @param name e.g. {@code "q8_0"}
     * @return the type, if llama.cpp knows it
     */
    public static Optional<GgufType> find(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.label.equals(n)).findFirst();
    }

    /**
     * The type of this name, case-insensitive.
     *
     * @param name e.g. {@code "q8_0"}
     * @return the type
     * @throws IllegalArgumentException listing the known types
     */
    public static GgufType parse(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "GGUF type must be one of " + labels() + ", was '" + name + "'"));
    }

    /** @return every name, comma-separated */
    public static String labels() {
        return Arrays.stream(values()).map(GgufType::label).collect(Collectors.joining(", "));
    }

    /**
     * The type a GGUF file's metadata ({@code general.file_type}) records.
     *
     * @param file the GGUF file
     * @return the type; empty when the file is absent or unreadable, is no GGUF, records no type or
     *         one not listed here
     */
    public static Optional<GgufType> ofFile(Path file) {
        return GgufHeader.fileType(file).flatMap(code ->
                Arrays.stream(values()).filter(t -> t.fileType == code).findFirst());
    }

    /**
     * The type a GGUF file's name says it holds ({@code llama-2-7b-f16.gguf}, {@code tiny.Q4_K_M.gguf}),
     * from the last name token that is a type; empty when none is.
     *
     * @param fileName the file's name
     * @return the type, if the name shows one
     */
    public static Optional<GgufType> fromFileName(String fileName) {
        String n = fileName;
        int slash = n.lastIndexOf('/');
        if (slash >= 0) {
            n = n.substring(slash + 1);
        }
        if (n.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            n = n.substring(0, n.length() - 5);
        }
        String[] tokens = n.split("[-.]");
        for (int i = tokens.length - 1; i >= 0; i--) {
            Optional<GgufType> t = fromToken(tokens[i]);
            if (t.isPresent()) {
                return t;
            }
        }
        return Optional.empty();
    }

    /** A name token ("f16", "tinyllama_f16", "q4_k_m"): whole, then each suffix after an underscore, longest first. */
    private static Optional<GgufType> fromToken(String token) {
        int from = 0;
        while (true) {
            Optional<GgufType> t = find(token.substring(from));
            if (t.isPresent()) {
                return t;
            }
            int underscore = token.indexOf('_', from);
            if (underscore < 0) {
                return Optional.empty();
            }
            from = underscore + 1;
        }
    }
}
