package io.qmeter.power;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the {@link PowerSensor}s registered through {@link ServiceLoader} (a
 * {@code META-INF/services/io.qmeter.power.PowerSensor} file naming a class with a public
 * no-argument constructor, as {@code qmeter-nvml} does).
 *
 * <pre>{@code
 * try (PowerSensor sensor = PowerSensors.firstAvailable().orElseThrow(
 *         () -> new IllegalStateException("no power sensor can measure on this machine"))) {
 *     double idleWatts = sensor.measureIdleWatts(Duration.ofSeconds(5));
 * }
 * }</pre>
 */
public final class PowerSensors {

    private static final Logger LOG = LoggerFactory.getLogger(PowerSensors.class);

    private PowerSensors() {
    }

    /**
     * Every registered sensor, in the order the loader found them; the caller closes them all.
     *
     * @return the sensors, possibly empty
     */
    public static List<PowerSensor> available() {
        List<PowerSensor> out = new ArrayList<>();
        ServiceLoader.load(PowerSensor.class).forEach(out::add);
        return out;
    }

    /**
     * The first registered sensor that can measure on this machine (its capability is not
     * {@link EnergyQuality#UNAVAILABLE}); every other sensor found is closed. Each one passed over is
     * logged at INFO with its reason.
     *
     * @return the sensor, or empty when none can measure here
     */
    public static Optional<PowerSensor> firstAvailable() {
        PowerSensor chosen = null;
        for (PowerSensor s : available()) {
            if (chosen == null && s.capability().quality() != EnergyQuality.UNAVAILABLE) {
                chosen = s;
            } else {
                if (chosen == null) {
                    LOG.info("power sensor '{}' cannot measure here: {}", s.name(), s.capability().detail());
                }
                s.close();
            }
        }
        return Optional.ofNullable(chosen);
    }
}
