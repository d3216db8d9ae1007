package io.qmeter.engines;

/**
 * How a quantized tensor stores its numbers: as integers with a scale, or as (low-bit) floating
 * point.
 *
 * <pre>{@code
 * QuantMethod.W8A8_FP.activationFormat(); // NumberFormat.FP
 * }</pre>
 */
public enum NumberFormat {
    /** Integers with a scale (INT8, INT4). */
    INT,
    /** Floating point (FP16, FP8 E4M3). */
    FP
}
