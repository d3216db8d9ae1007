package io.qmeter.nvml;

/**
 * One point of a GPU's power timeline, as the sampling thread recorded it.
 *
 * <pre>{@code
 * for (PowerSample p : sensor.powerTimeline()) System.out.println(p.timeNanos() + " " + p.watts());
 * }</pre>
 *
 * @param deviceId         the GPU's UUID
 * @param timeNanos        when ({@link System#nanoTime()} scale)
 * @param powerMilliwatts  power
 */
public record PowerSample(String deviceId, long timeNanos, long powerMilliwatts) {

    /**
     * Power in watts.
     *
     * @return watts
     */
    public double watts() {
        return powerMilliwatts / 1000.0;
    }
}
