package io.qmeter.analysis.predict;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A quantization method as the predictor sees it: bits per weight, per activation and per KV-cache
 * element, and whether its low-bit formats are integers or floating point.
 *
 * <p>Parsed from the seed paper's names: {@code FP16}; {@code W<w>A<a>[KV<k>][-INT|-FP]}, the KV
 * bits defaulting to 16. A name without the suffix follows the seed's engines: {@code W4A8} and
 * {@code W4A8KV8} (TensorRT-LLM W4A8-AWQ: FP8 activations) are floating point, {@code W4A8KV4}
 * (QServe) is integer.
 *
 * <pre>{@code
 * MethodBits b = MethodBits.parse("W8A8KV8-INT");   // 8 / 8 / 8, integer
 * }</pre>
 *
 * @param weightBits     bits per weight (nominal, without group scales)
 * @param activationBits bits per GEMM input activation
 * @param kvBits         bits per KV-cache element
 * @param integer        true when the quantized formats are integers (INT8/INT4), false for FP16/FP8
 */
public record MethodBits(int weightBits, int activationBits, int kvBits, boolean integer) {

    private static final Pattern NAME = Pattern.compile("W(\\d+)A(\\d+)(?:KV(\\d+))?(?:-(INT|FP))?");

    /** Validates the bit counts. */
    public MethodBits {
        check("weightBits", weightBits);
        check("activationBits", activationBits);
        check("kvBits", kvBits);
    }

    private static void check(String name, int bits) {
        if (bits < 1 || bits > 32) {
            throw new IllegalArgumentException(name + " must be in [1, 32], was " + bits);
        }
    }

    /**
     * Parses a method name.
     *
     * @param method for example {@code "W4A16-INT"}, {@code "W4A8KV4"} or {@code "FP16"}
     * @return its bits and format
     * @throws IllegalArgumentException naming the expected shape when the name does not parse
     */
    public static MethodBits parse(String method) {
        if (method == null || method.isBlank()) {
            throw new IllegalArgumentException("method must not be blank; give a name such as FP16 or W8A8KV8-INT");
        }
        String n = method.trim().toUpperCase(Locale.ROOT).replace('_', '-');
        if (n.equals("FP16") || n.equals("BF16") || n.equals("F16")) {
            return new MethodBits(16, 16, 16, false);
        }
        Matcher m = NAME.matcher(n);
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot read quantization method '" + method + "': expected FP16 or "
                    + "W<bits>A<bits>[KV<bits>][-INT|-FP], e.g. W8A8-INT, W4A8KV4, W8A8KV8-FP");
        }
        int w = Integer.parseInt(m.group(1));
        int a = Integer.parseInt(m.group(2));
        int kv = m.group(3) == null ? 16 : Integer.parseInt(m.group(3));
        boolean integer = m.group(4) != null ? m.group(4).equals("INT") : kv == 4;
        return new MethodBits(w, a, kv, integer);
    }
}
