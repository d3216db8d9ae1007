/**
 * NVIDIA GPU energy and device facts through NVML (JNA): {@link io.qmeter.nvml.NvmlPowerSensor}
 * implements {@link io.qmeter.power.PowerSensor} with the hardware energy counter at window edges
 * (or integrated polled power), a background power timeline, an idle baseline and
 * {@link io.qmeter.nvml.NvmlFacts} to attach to each run; {@link io.qmeter.nvml.GpuSelection}
 * chooses the GPUs (by index, UUID, or CUDA_VISIBLE_DEVICES).
 */
package io.qmeter.nvml;
