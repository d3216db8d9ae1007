package io.qmeter.nvml;

/**
 * Every return code of NVML ({@code nvmlReturn_t}), with what it means for a measurement and what
 * to do about it. Codes this enum does not know map to {@link #UNRECOGNIZED}.
 *
 * <pre>{@code
 * NvmlError e = NvmlError.of(3);               // NOT_SUPPORTED
 * if (e.isCapabilityGap()) System.out.println("not on this GPU: " + e.advice());
 * }</pre>
 */
public enum NvmlError {
    /** 0: success (never carried by an exception). */
    SUCCESS(0, "success", ""),
    /** 1. */
    UNINITIALIZED(1, "NVML was not initialized", "call nvmlInit_v2 first (a qMeter bug if you see this)"),
    /** 2. */
    INVALID_ARGUMENT(2, "an argument was invalid", "check the device index/UUID; a qMeter bug if the call was internal"),
    /** 3. */
    NOT_SUPPORTED(3, "this GPU or driver does not support the call",
            "nothing to fix: qMeter falls back (e.g. to integrated power) and reports the lower quality"),
    /** 4. */
    NO_PERMISSION(4, "the current user may not make this call", "run with the rights NVML needs or ask an administrator"),
    /** 5. */
    ALREADY_INITIALIZED(5, "NVML was already initialized (deprecated code)", "nothing: NVML counts references"),
    /** 6. */
    NOT_FOUND(6, "the queried object was not found", "check the device UUID or index against nvidia-smi -L"),
    /** 7. */
    INSUFFICIENT_SIZE(7, "a buffer was too small", "a qMeter bug: report it"),
    /** 8. */
    INSUFFICIENT_POWER(8, "a GPU's external power cables are not properly attached", "check the GPU's power cables"),
    /** 9. */
    DRIVER_NOT_LOADED(9, "the NVIDIA driver is not loaded", "load the driver (nvidia-smi must work)"),
    /** 10. */
    TIMEOUT(10, "the call timed out", "retry; if it persists the GPU or driver is unhealthy"),
    /** 11. */
    IRQ_ISSUE(11, "the NVIDIA kernel module saw an interrupt problem", "check dmesg and the driver installation"),
    /** 12. */
    LIBRARY_NOT_FOUND(12, "the NVML library (libnvidia-ml.so.1) could not be found or loaded",
            "install the NVIDIA driver, or add its folder to LD_LIBRARY_PATH / jna.library.path"),
    /** 13. */
    FUNCTION_NOT_FOUND(13, "this NVML version does not implement the function", "update the NVIDIA driver for this feature"),
    /** 14. */
    CORRUPTED_INFOROM(14, "the GPU's infoROM is corrupted", "contact the GPU's vendor; readings may be unreliable"),
    /** 15. */
    GPU_IS_LOST(15, "the GPU fell off the bus or became inaccessible", "the GPU needs attention (reset or reboot); its readings are lost"),
    /** 16. */
    RESET_REQUIRED(16, "the GPU needs a reset before it can be used again", "reset the GPU (nvidia-smi -r) or reboot"),
    /** 17. */
    OPERATING_SYSTEM(17, "the operating system or a cgroup blocked the GPU control device",
            "give the process access to /dev/nvidia* (container device rules)"),
    /** 18. */
    LIB_RM_VERSION_MISMATCH(18, "the NVML library and the kernel driver have different versions",
            "reboot or reload the driver so that both match"),
    /** 19. */
    IN_USE(19, "the GPU is in use and the operation cannot be performed", "retry when the GPU is free"),
    /** 20. */
    MEMORY(20, "NVML ran out of memory", "free host memory and retry"),
    /** 21. */
    NO_DATA(21, "no data is available yet", "retry later (a counter may not have started)"),
    /** 22. */
    VGPU_ECC_NOT_SUPPORTED(22, "the vGPU operation is not available because ECC is enabled", "not needed for energy"),
    /** 23. */
    INSUFFICIENT_RESOURCES(23, "the driver ran out of critical resources", "retry; reduce other GPU management load"),
    /** 24. */
    FREQ_NOT_SUPPORTED(24, "the frequency is not supported", "not needed for energy"),
    /** 25. */
    ARGUMENT_VERSION_MISMATCH(25, "a versioned struct's version is not supported by this driver",
            "update the NVIDIA driver or report it"),
    /** 26. */
    DEPRECATED(26, "the requested functionality is deprecated", "update qMeter"),
    /** 27. */
    NOT_READY(27, "the system is not ready for the request", "retry in a moment"),
    /** 28. */
    GPU_NOT_FOUND(28, "no GPUs were found", "check that the GPUs are visible to this process (nvidia-smi)"),
    /** 29. */
    INVALID_STATE(29, "a resource is not in the right state for the request", "retry; check the GPU's mode (MIG, persistence)"),
    /** 30. */
    RESET_TYPE_NOT_SUPPORTED(30, "the reset type is not supported", "not needed for energy"),
    /** 999. */
    UNKNOWN(999, "an internal driver error occurred", "check dmesg and nvidia-smi; retry"),
    /** A code this version of qMeter does not know. */
    UNRECOGNIZED(-1, "an NVML return code unknown to this qMeter version", "update qMeter; check the driver's nvml.h");

    private final int code;
    private final String meaning;
    private final String advice;

    NvmlError(int code, String meaning, String advice) {
        this.code = code;
        this.meaning = meaning;
        this.advice = advice;
    }

    /**
     * The error for an NVML return code.
     *
     * <pre>{@code
     * NvmlError.of(15) == NvmlError.GPU_IS_LOST
     * }</pre>
     *
     * @param code the {@code nvmlReturn_t} value
     * @return the matching constant, or {@link #UNRECOGNIZED}
     */
    public static NvmlError of(int code) {
        for (NvmlError e : values()) {
            if (e.code == code && e != UNRECOGNIZED) {
                return e;
            }
        }
        return UNRECOGNIZED;
    }

    /**
     * The numeric {@code nvmlReturn_t} value ({@code -1} for {@link #UNRECOGNIZED}).
     *
     * @return the code
     */
    public int code() {
        return code;
    }

    /**
     * The name as in nvml.h, for example {@code NVML_ERROR_NOT_SUPPORTED}.
     *
     * @return the symbolic name
     */
    public String nvmlName() {
        return this == SUCCESS ? "NVML_SUCCESS" : "NVML_ERROR_" + name();
    }

    /**
     * What the code means.
     *
     * @return a short sentence
     */
    public String meaning() {
        return meaning;
    }

    /**
     * What to do about it.
     *
     * @return a short sentence
     */
    public String advice() {
        return advice;
    }

    /**
     * Whether the code says a feature is absent on this GPU or driver (rather than a fault): such
     * a code lowers the sensor's capability instead of failing it.
     *
     * @return true for NOT_SUPPORTED, FUNCTION_NOT_FOUND, NO_PERMISSION and DEPRECATED
     */
    public boolean isCapabilityGap() {
        return this == NOT_SUPPORTED || this == FUNCTION_NOT_FOUND || this == NO_PERMISSION || this == DEPRECATED;
    }

    /**
     * Whether retrying the same call later may succeed.
     *
     * @return true for TIMEOUT, IN_USE, NO_DATA, NOT_READY, INSUFFICIENT_RESOURCES, MEMORY
     */
    public boolean isTransient() {
        return this == TIMEOUT || this == IN_USE || this == NO_DATA || this == NOT_READY
                || this == INSUFFICIENT_RESOURCES || this == MEMORY;
    }
}
