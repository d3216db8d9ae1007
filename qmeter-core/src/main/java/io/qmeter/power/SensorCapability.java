package io.qmeter.power;

import java.util.List;

/**
 * What a power sensor can measure, probed when it starts.
 *
 * <pre>{@code
 * SensorCapability c = sensor.capability();
 * System.out.println(c.quality() + ": " + c.detail());
 * }</pre>
 *
 * @param quality the quality its windows will have (the weakest over its devices)
 * @param detail  how it measures, or why it cannot
 * @param devices the device ids it measures
 */
public record SensorCapability(EnergyQuality quality, String detail, List<String> devices) {

    /** Copies the device list. */
    public SensorCapability {
        devices = List.copyOf(devices);
    }

    /**
     * A sensor that cannot measure.
     *
     * @param reason why
     * @return the capability
     */
    public static SensorCapability unavailable(String reason) {
        return new SensorCapability(EnergyQuality.UNAVAILABLE, reason, List.of());
    }
}
