package io.qmeter.nvml.internal;

import io.qmeter.nvml.NvmlError;

/**
 * One nvmlFieldValue_t as returned by nvmlDeviceGetFieldValues. Its value is only meaningful when
 * {@link #nvmlReturn()} is 0: check {@link #ok()} first.
 *
 * <p>Layout of the C struct on LP64 (checked against nvml.h): {@code unsigned int fieldId} at 0,
 * {@code unsigned int scopeId} at 4, {@code long long timestamp} (µs since 1970) at 8,
 * {@code long long latencyUsec} at 16, {@code nvmlValueType_t valueType} at 24,
 * {@code nvmlReturn_t nvmlReturn} at 28, {@code nvmlValue_t value} (an 8-byte union) at 32;
 * 40 bytes in all.
 *
 * <pre>{@code
 * FieldValue v = nvml.fieldValues(gpu, NvmlApi.FI_DEV_POWER_INSTANT)[0];
 * if (v.ok()) System.out.println(v.asLong() + " mW");
 * }</pre>
 *
 * @param fieldId         NVML_FI_* id
 * @param scopeId         scope (0 = the GPU)
 * @param timestampMicros when NVML took the value, µs since 1970
 * @param latencyMicros   how long the value took to update inside NVML
 * @param valueType       nvmlValueType_t
 * @param nvmlReturn      this field's own return code
 * @param rawBits         the union's bits, already widened per {@code valueType} (a double's bits
 *                        for {@link NvmlApi#VALUE_TYPE_DOUBLE}, zero-extended for unsigned types,
 *                        sign-extended for signed ones)
 */
public record FieldValue(int fieldId, int scopeId, long timestampMicros, long latencyMicros, int valueType,
                         int nvmlReturn, long rawBits) {

    /** Size of nvmlFieldValue_t in bytes. */
    public static final int SIZE = 40;
    /** Offset of fieldId. */
    public static final int OFFSET_FIELD_ID = 0;
    /** Offset of scopeId. */
    public static final int OFFSET_SCOPE_ID = 4;
    /** Offset of timestamp. */
    public static final int OFFSET_TIMESTAMP = 8;
    /** Offset of latencyUsec. */
    public static final int OFFSET_LATENCY = 16;
    /** Offset of valueType. */
    public static final int OFFSET_VALUE_TYPE = 24;
    /** Offset of nvmlReturn. */
    public static final int OFFSET_RETURN = 28;
    /** Offset of the value union. */
    public static final int OFFSET_VALUE = 32;

    /**
     * A successful unsigned-int field (what the power fields are), for fakes and tests.
     *
     * @param fieldId the field
     * @param value   the value
     * @return the field value
     */
    public static FieldValue ofUnsignedInt(int fieldId, long value) {
        return new FieldValue(fieldId, 0, 0, 0, NvmlApi.VALUE_TYPE_UNSIGNED_INT, 0, value & 0xffffffffL);
    }

    /**
     * A failed field, for fakes and tests.
     *
     * @param fieldId    the field
     * @param nvmlReturn its return code
     * @return the field value
     */
    public static FieldValue failed(int fieldId, int nvmlReturn) {
        return new FieldValue(fieldId, 0, 0, 0, NvmlApi.VALUE_TYPE_UNSIGNED_INT, nvmlReturn, 0);
    }

    /**
     * Whether this field was read.
     *
     * @return true when its own return code is NVML_SUCCESS
     */
    public boolean ok() {
        return nvmlReturn == NvmlApi.SUCCESS;
    }

    /**
     * This field's error.
     *
     * @return the error constant ({@link NvmlError#SUCCESS} when ok)
     */
    public NvmlError error() {
        return NvmlError.of(nvmlReturn);
    }

    /**
     * The value as an integer (a double is truncated).
     *
     * @return the value
     */
    public long asLong() {
        return valueType == NvmlApi.VALUE_TYPE_DOUBLE ? (long) Double.longBitsToDouble(rawBits) : rawBits;
    }

    /**
     * The value as a double (unsigned 64-bit values above 2^63 are converted as unsigned).
     *
     * @return the value
     */
    public double asDouble() {
        switch (valueType) {
            case NvmlApi.VALUE_TYPE_DOUBLE:
                return Double.longBitsToDouble(rawBits);
            case NvmlApi.VALUE_TYPE_UNSIGNED_LONG:
            case NvmlApi.VALUE_TYPE_UNSIGNED_LONG_LONG:
                return rawBits >= 0 ? rawBits : (rawBits >>> 1) * 2.0 + (rawBits & 1);
            default:
                return rawBits;
        }
    }
}
