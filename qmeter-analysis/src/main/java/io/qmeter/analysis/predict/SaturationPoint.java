package io.qmeter.analysis.predict;

import java.util.Objects;

/**
 * One measured (or simulated) saturation point with the features the predictor uses.
 *
 * <pre>{@code
 * SaturationPoint p = SaturationPoint.of(13, "W8A8-INT", "H100-80GB", 1, "sharegpt", 331, 231, 12.5);
 * }</pre>
 *
 * @param modelBillions  model size, billions of parameters
 * @param method         the quantization method's name
 * @param bits           the method's bits and format
 * @param gpu            the GPU's name
 * @param tensorParallel tensor-parallel degree, at least 1
 * @param workload       the workload's label (for the split schemes; not a feature)
 * @param inputTokens    mean prompt length, tokens
 * @param outputTokens   mean output length, tokens
 * @param saturationRps  the saturation point, requests per second (&gt; 0)
 */
public record SaturationPoint(double modelBillions, String method, MethodBits bits, String gpu, int tensorParallel,
                              String workload, double inputTokens, double outputTokens, double saturationRps) {

    /** Validates the fields. */
    public SaturationPoint {
        if (!(modelBillions > 0) || Double.isInfinite(modelBillions)) {
            throw new IllegalArgumentException("modelBillions must be > 0, was " + modelBillions);
        }
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(bits, "bits");
        if (gpu == null || gpu.isBlank()) {
            throw new IllegalArgumentException("gpu must not be blank");
        }
        if (tensorParallel < 1) {
            throw new IllegalArgumentException("tensorParallel must be >= 1, was " + tensorParallel);
        }
        Objects.requireNonNull(workload, "workload");
        if (!(inputTokens >= 1) || !(outputTokens >= 1)) {
            throw new IllegalArgumentException("input and output lengths must be >= 1 token, were " + inputTokens
                    + " / " + outputTokens);
        }
        if (!(saturationRps > 0) || Double.isInfinite(saturationRps)) {
            throw new IllegalArgumentException("saturationRps must be > 0 and finite, was " + saturationRps
                    + "; leave configurations without a saturation point out of the data set");
        }
    }

    /**
     * A point whose method bits are parsed from the name ({@link MethodBits#parse}).
     *
     * @param modelBillions  model size, billions of parameters
     * @param method         the method's name
     * @param gpu            the GPU
     * @param tensorParallel tensor parallelism
     * @param workload       the workload's label
     * @param inputTokens    mean prompt length
     * @param outputTokens   mean output length
     * @param saturationRps  the saturation point, req/s
     * @return the point
     */
    public static SaturationPoint of(double modelBillions, String method, String gpu, int tensorParallel,
                                     String workload, double inputTokens, double outputTokens, double saturationRps) {
        return new SaturationPoint(modelBillions, method, MethodBits.parse(method), gpu, tensorParallel, workload,
                inputTokens, outputTokens, saturationRps);
    }

    /**
     * A copy with another saturation rate (for example a prediction's query point).
     *
     * @param rps req/s
     * @return the copy
     */
    public SaturationPoint withSaturationRps(double rps) {
        return new SaturationPoint(modelBillions, method, bits, gpu, tensorParallel, workload, inputTokens,
                outputTokens, rps);
    }
}
