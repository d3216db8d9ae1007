package io.qmeter.analysis.profile;

import java.util.Locale;
import java.util.Objects;

/**
 * What a profile describes: one serving configuration on one workload.
 *
 * <pre>{@code
 * ProfileKey k = new ProfileKey("Llama-2-13B", "W8A8-INT", "H100-80GB", 1, "chat");
 * }</pre>
 *
 * @param model          the model's name (for example {@code Llama-2-13B})
 * @param method         the quantization method ({@code FP16}, {@code W8A8-INT}, …)
 * @param gpu            the GPU's name
 * @param tensorParallel GPUs per instance, &ge; 1
 * @param workload       the workload (request-length distribution) the rates were measured with
 */
public record ProfileKey(String model, String method, String gpu, int tensorParallel, String workload) {

    /** Validates the fields. */
    public ProfileKey {
        requireText(model, "model");
        requireText(method, "method");
        requireText(gpu, "gpu");
        requireText(workload, "workload");
        if (tensorParallel < 1) {
            throw new IllegalArgumentException("tensorParallel must be >= 1, was " + tensorParallel);
        }
    }

    private static void requireText(String s, String name) {
        Objects.requireNonNull(s, name);
        if (s.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    /**
     * Whether the method is the unquantized reference ({@code FP16}, {@code BF16}).
     *
     * @return true for FP16/BF16
     */
    public boolean isFp16() {
        String m = method.toUpperCase(Locale.ROOT);
        return m.equals("FP16") || m.equals("BF16") || m.equals("F16");
    }

    /**
     * The model's size in billions of parameters, read from its name ({@code Llama-2-13B} → 13,
     * {@code CodeLlama-34B} → 34).
     *
     * @return billions of parameters
     * @throws IllegalArgumentException when the name carries no size such as {@code 13B}
     */
    public double parameterBillions() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)[bB](?![a-zA-Z])").matcher(model);
        double last = Double.NaN;
        while (m.find()) {
            last = Double.parseDouble(m.group(1));
        }
        if (Double.isNaN(last)) {
            throw new IllegalArgumentException("model name '" + model + "' carries no size such as 13B; name models "
                    + "with their size to compare sizes");
        }
        return last;
    }

    /**
     * The same configuration with another tensor-parallel degree.
     *
     * @param degree the degree
     * @return a copy
     */
    public ProfileKey withTensorParallel(int degree) {
        return new ProfileKey(model, method, gpu, degree, workload);
    }

    /**
     * A short label: {@code Llama-2-13B W8A8-INT H100-80GB TP1 chat}.
     *
     * @return the label
     */
    public String label() {
        return model + " " + method + " " + gpu + " TP" + tensorParallel + " " + workload;
    }

    /**
     * The label without the workload: {@code 13B W8A8-INT H100 TP1}.
     *
     * @return the short label
     */
    public String shortLabel() {
        String m = model.replaceAll("^.*-(\\d+B)$", "$1");
        String g = gpu.replaceAll("-.*$", "");
        return m + " " + method + " " + g + " TP" + tensorParallel;
    }
}
