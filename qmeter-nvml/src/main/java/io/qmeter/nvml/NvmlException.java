package io.qmeter.nvml;

/**
 * An NVML call that did not succeed: the function, the device, the {@link NvmlError} and what to
 * do about it.
 *
 * <pre>{@code
 * try { ... } catch (NvmlException e) {
 *     if (e.error().isCapabilityGap()) { fallBack(); } else { throw e; }
 * }
 * }</pre>
 */
public class NvmlException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The error constant. */
    private final NvmlError error;
    /** The raw nvmlReturn_t. */
    private final int returnCode;
    /** The NVML function that failed. */
    private final String function;

    /**
     * An exception for a failed NVML call.
     *
     * @param function   the NVML function, for example {@code nvmlDeviceGetTotalEnergyConsumption}
     * @param target     what it was called on (a GPU id or index), or empty
     * @param returnCode the {@code nvmlReturn_t} value it returned
     */
    public NvmlException(String function, String target, int returnCode) {
        this(function, target, returnCode, null);
    }

    /**
     * An exception for a failed NVML call, with a cause (a JNA link error, for example).
     *
     * @param function   the NVML function
     * @param target     what it was called on, or empty
     * @param returnCode the {@code nvmlReturn_t} value
     * @param cause      the underlying error, or null
     */
    public NvmlException(String function, String target, int returnCode, Throwable cause) {
        super(message(function, target, returnCode, cause), cause);
        this.error = NvmlError.of(returnCode);
        this.returnCode = returnCode;
        this.function = function;
    }

    private static String message(String function, String target, int code, Throwable cause) {
        NvmlError e = NvmlError.of(code);
        String on = target == null || target.isEmpty() ? "" : " on " + target;
        // a link error's text lists every folder and jar the loader searched (thousands of characters):
        // it stays in the cause, and the message names the library and what to do
        String why = cause == null || cause.getMessage() == null || cause instanceof LinkageError ? ""
                : " (" + firstLine(cause.getMessage()) + ")";
        return function + on + " returned " + e.nvmlName() + " (" + code + "): " + e.meaning() + why
                + "; expected NVML_SUCCESS; what to do: " + e.advice();
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }

    /**
     * The error.
     *
     * @return the error constant
     */
    public NvmlError error() {
        return error;
    }

    /**
     * The raw return code (useful when {@link #error()} is {@link NvmlError#UNRECOGNIZED}).
     *
     * @return the {@code nvmlReturn_t} value
     */
    public int returnCode() {
        return returnCode;
    }

    /**
     * The NVML function that failed.
     *
     * @return its C name
     */
    public String function() {
        return function;
    }
}
