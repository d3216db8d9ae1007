package io.qmeter.power;

import java.time.Duration;

/**
 * Measures the energy of the devices that serve a model, over windows.
 *
 * <p>SPI: implementations are discoverable through {@link java.util.ServiceLoader}, found by
 * {@link PowerSensors#firstAvailable()} (an implementation that cannot work on this machine reports
 * {@link EnergyQuality#UNAVAILABLE} from {@link #capability()}), and can be passed in explicitly. Windows may overlap. Reading the sensor
 * never happens on a request's path.
 *
 * <pre>{@code
 * try (PowerSensor s = new NvmlPowerSensor(NvmlSensorOptions.defaults())) {
 *     double idle = s.measureIdleWatts(Duration.ofSeconds(5));
 *     try (EnergyWindow w = s.open()) { ...; EnergyReading r = w.end(); }
 * }
 * }</pre>
 */
public interface PowerSensor extends AutoCloseable {

    /**
     * A short name, for example {@code "nvml"} or {@code "simulated"}.
     *
     * @return the name
     */
    String name();

    /**
     * What this sensor can measure.
     *
     * @return the capability; never throws
     */
    SensorCapability capability();

    /**
     * Opens an energy window now.
     *
     * @return the window; when the sensor cannot measure, a window whose reading is
     *         {@link EnergyQuality#UNAVAILABLE} with the reason
     */
    EnergyWindow open();

    /**
     * Mean power of the measured devices while nothing runs, measured over {@code settle}.
     * The caller makes sure the devices are idle.
     *
     * @param settle how long to measure
     * @return idle watts of all devices together, or NaN when unavailable
     */
    double measureIdleWatts(Duration settle);

    /** Stops background sampling and releases native resources; idempotent. */
    @Override
    void close();
}
