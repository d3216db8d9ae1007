package io.qmeter.engines;

import java.util.Objects;

/**
 * What a GPU can do, as far as quantization methods care: its compute capability (FP8 tensor cores
 * need 8.9 or more, INT8 tensor cores 7.5 or more).
 *
 * <pre>{@code
 * GpuCapability a100 = GpuCapability.of("A100-80GB", 8, 0);
 * }</pre>
 *
 * @param name  the GPU's name, e.g. {@code H100-80GB}
 * @param major compute capability, major
 * @param minor compute capability, minor
 */
public record GpuCapability(String name, int major, int minor) {

    /** Validates. */
    public GpuCapability {
        Objects.requireNonNull(name, "name");
        if (major < 1 || minor < 0) {
            throw new IllegalArgumentException("compute capability must be like 8.0, was " + major + "." + minor);
        }
    }

    /** @param name the name @param major major @param minor minor @return the capability */
    public static GpuCapability of(String name, int major, int minor) {
        return new GpuCapability(name, major, minor);
    }

    /**
     * Whether the compute capability is at least {@code major.minor}.
     *
     * @param major major
     * @param minor minor
     * @return true when at least that
     */
    public boolean atLeast(int major, int minor) {
        return this.major > major || (this.major == major && this.minor >= minor);
    }

    /** @return e.g. {@code "8.0"} */
    public String computeCapability() {
        return major + "." + minor;
    }
}
