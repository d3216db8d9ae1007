package io.qmeter.testkit.tck;

import io.qmeter.power.DeviceEnergy;
import io.qmeter.power.EnergyQuality;
import io.qmeter.power.EnergyReading;
import io.qmeter.power.EnergyWindow;
import io.qmeter.power.PowerSensor;
import io.qmeter.power.SensorCapability;
import java.time.Duration;
import java.util.List;

/** A test sensor: constant watts (or unavailable), to exercise the kit itself. */
final class ConstantPowerSensor implements PowerSensor {
    private final double watts;
    private final boolean available;
    private volatile boolean closed;

    ConstantPowerSensor(double watts, boolean available) {
        this.watts = watts;
        this.available = available;
    }

    @Override
    public String name() {
        return "constant";
    }

    @Override
    public SensorCapability capability() {
        return available ? new SensorCapability(EnergyQuality.ESTIMATED, "constant " + watts + " W", List.of("gpu0"))
                : SensorCapability.unavailable("no device in this test");
    }

    @Override
    public EnergyWindow open() {
        long start = System.nanoTime();
        return new EnergyWindow() {
            private EnergyReading reading;

            @Override
            public synchronized EnergyReading end() {
                if (reading == null) {
                    long d = System.nanoTime() - start;
                    if (available && !closed) {
                        double j = watts * d / 1e9;
                        reading = new EnergyReading(j, d, EnergyQuality.ESTIMATED,
                                List.of(new DeviceEnergy("gpu0", j, EnergyQuality.ESTIMATED, 0)), "constant");
                    } else {
                        reading = EnergyReading.unavailable(d, closed ? "sensor closed" : "no device in this test");
                    }
                }
                return reading;
            }
        };
    }

    @Override
    public double measureIdleWatts(Duration settle) {
        return available ? watts : Double.NaN;
    }

    @Override
    public void close() {
        closed = true;
    }
}
