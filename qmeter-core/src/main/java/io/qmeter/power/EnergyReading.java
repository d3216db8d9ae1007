package io.qmeter.power;

import java.util.List;

/**
 * Energy used by all measured devices over one window.
 *
 * <pre>{@code
 * try (EnergyWindow w = sensor.open()) {
 *     runLoad();
 *     EnergyReading r = w.end();
 *     double jPerToken = r.joules() / outputTokens;
 * }
 * }</pre>
 *
 * @param joules        total energy, summed over devices, in joules; NaN when unavailable
 * @param durationNanos length of the window
 * @param quality       the weakest quality among the devices
 * @param devices       per-device energy
 * @param detail        what the sensor wants the reader to know (why unavailable, resets seen...)
 */
public record EnergyReading(double joules, long durationNanos, EnergyQuality quality, List<DeviceEnergy> devices,
                            String detail) {

    /** Copies the device list. */
    public EnergyReading {
        devices = List.copyOf(devices);
        if (durationNanos < 0) {
            throw new IllegalArgumentException("durationNanos must be >= 0, was " + durationNanos);
        }
    }

    /**
     * A reading that carries no figure, with the reason.
     *
     * @param durationNanos window length
     * @param reason        why no energy is available
     * @return the reading
     */
    public static EnergyReading unavailable(long durationNanos, String reason) {
        return new EnergyReading(Double.NaN, durationNanos, EnergyQuality.UNAVAILABLE, List.of(), reason);
    }

    /**
     * Whether the reading holds a usable energy figure.
     *
     * @return false when unavailable
     */
    public boolean isAvailable() {
        return quality != EnergyQuality.UNAVAILABLE && !Double.isNaN(joules);
    }

    /**
     * Mean power over the window.
     *
     * @return watts, or NaN when unavailable or the window is empty
     */
    public double averageWatts() {
        return durationNanos == 0 ? Double.NaN : joules / (durationNanos / 1e9);
    }

    /**
     * Energy minus an idle baseline over the same time.
     *
     * @param idleWatts idle power of all measured devices together
     * @return net joules (may be negative if the baseline was high)
     */
    public double netJoules(double idleWatts) {
        return joules - idleWatts * (durationNanos / 1e9);
    }
}
