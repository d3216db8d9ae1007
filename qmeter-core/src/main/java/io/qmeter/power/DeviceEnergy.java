package io.qmeter.power;

/**
 * The energy one device (GPU) used over a window.
 *
 * <pre>{@code
 * for (DeviceEnergy d : reading.devices()) System.out.println(d.deviceId() + " " + d.joules() + " J");
 * }</pre>
 *
 * @param deviceId      a stable id (a GPU UUID, or "sim-gpu-0")
 * @param joules        energy over the window, in joules (NaN when unavailable)
 * @param quality       how it was obtained
 * @param edgeSkewNanos time between reading the first and the last device at the window's edges
 *                      (0 for a single device or a simulated one)
 */
public record DeviceEnergy(String deviceId, double joules, EnergyQuality quality, long edgeSkewNanos) {
}
