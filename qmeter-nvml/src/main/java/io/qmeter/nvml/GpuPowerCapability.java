package io.qmeter.nvml;

import io.qmeter.power.EnergyQuality;

/**
 * What the start-up probe found one GPU can do.
 *
 * <pre>{@code
 * for (GpuPowerCapability c : sensor.gpuCapabilities()) System.out.println(c.describe());
 * }</pre>
 *
 * @param deviceId      the GPU's UUID
 * @param nvmlIndex     its NVML index
 * @param name          its product name
 * @param counter       empty when nvmlDeviceGetTotalEnergyConsumption works, else why not
 * @param instantPower  empty when field NVML_FI_DEV_POWER_INSTANT works, else why not
 * @param averagePower  empty when field NVML_FI_DEV_POWER_AVERAGE works, else why not
 * @param powerUsage    empty when nvmlDeviceGetPowerUsage works, else why not
 * @param samplerSource what the sampling thread reads ({@code INSTANT_FIELD}, {@code POWER_USAGE},
 *                      {@code AVERAGE_FIELD} or {@code NONE})
 * @param quality       MEASURED (counter), INTEGRATED (polled power) or UNAVAILABLE
 */
public record GpuPowerCapability(String deviceId, int nvmlIndex, String name, String counter, String instantPower,
                                 String averagePower, String powerUsage, String samplerSource,
                                 EnergyQuality quality) {

    /**
     * Whether the hardware energy counter works.
     *
     * @return true when it does
     */
    public boolean hasCounter() {
        return counter.isEmpty();
    }

    /**
     * One line for logs and capability reports.
     *
     * @return for example {@code GPU-89.. (0, NVIDIA H100): MEASURED; counter yes, instant yes, ...}
     */
    public String describe() {
        return deviceId + " (index " + nvmlIndex + ", " + name + "): " + quality + "; energy counter "
                + yes(counter) + ", instant power " + yes(instantPower) + ", average power " + yes(averagePower)
                + ", power usage " + yes(powerUsage) + ", sampler reads " + samplerSource;
    }

    private static String yes(String why) {
        return why.isEmpty() ? "yes" : "no (" + why + ")";
    }
}
