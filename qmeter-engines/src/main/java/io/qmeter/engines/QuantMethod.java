package io.qmeter.engines;

/**
 * FP16 and the seed paper's eleven quantization methods (weight / activation / KV-cache bits and
 * number format). Each dialect maps them to its own flags and checkpoint formats.
 */
public enum QuantMethod {
    /** 16-bit floating-point weights, activations and KV cache: the baseline. */
    FP16
    // the catalogue work adds the seed's eleven methods with their bits and formats
}
