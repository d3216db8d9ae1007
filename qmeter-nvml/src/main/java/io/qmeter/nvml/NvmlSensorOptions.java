package io.qmeter.nvml;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link NvmlPowerSensor} measures: which GPUs, how often the sampling thread reads their
 * power, and how many samples its timeline keeps. Immutable; {@code withX} returns a copy.
 *
 * <pre>{@code
 * NvmlSensorOptions o = NvmlSensorOptions.defaults()
 *         .withGpus(GpuSelection.indices(0, 1))
 *         .withSampleInterval(Duration.ofMillis(20));
 * }</pre>
 *
 * @param gpus             the GPUs to measure (default: this process's CUDA_VISIBLE_DEVICES)
 * @param sampleInterval   time between power samples (default 10 ms = 100 Hz; at least 1 ms)
 * @param timelineCapacity samples kept per GPU in the power timeline (default 60,000: 10 minutes
 *                         at 100 Hz)
 */
public record NvmlSensorOptions(GpuSelection gpus, Duration sampleInterval, int timelineCapacity) {

    /** Validates. */
    public NvmlSensorOptions {
        Objects.requireNonNull(gpus, "gpus");
        Objects.requireNonNull(sampleInterval, "sampleInterval");
        if (sampleInterval.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("sampleInterval must be >= 1 ms (NVML's power field updates no"
                    + " faster, and each read costs µs), was " + sampleInterval);
        }
        if (timelineCapacity <= 0) {
            throw new IllegalArgumentException("timelineCapacity must be > 0, was " + timelineCapacity);
        }
    }

    /**
     * CUDA_VISIBLE_DEVICES of this process, 100 Hz, 60,000 samples per GPU.
     *
     * @return the defaults
     */
    public static NvmlSensorOptions defaults() {
        return new NvmlSensorOptions(GpuSelection.fromEnvironment(), Duration.ofMillis(10), 60_000);
    }

    /**
     * A copy measuring other GPUs.
     *
     * @param selection the GPUs
     * @return the copy
     */
    public NvmlSensorOptions withGpus(GpuSelection selection) {
        return new NvmlSensorOptions(selection, sampleInterval, timelineCapacity);
    }

    /**
     * A copy with another sampling interval.
     *
     * @param interval time between samples
     * @return the copy
     */
    public NvmlSensorOptions withSampleInterval(Duration interval) {
        return new NvmlSensorOptions(gpus, interval, timelineCapacity);
    }

    /**
     * A copy keeping another number of samples.
     *
     * @param capacity samples per GPU
     * @return the copy
     */
    public NvmlSensorOptions withTimelineCapacity(int capacity) {
        return new NvmlSensorOptions(gpus, sampleInterval, capacity);
    }
}
