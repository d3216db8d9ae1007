package io.qmeter.load;

import io.qmeter.power.EnergyQuality;
import io.qmeter.power.EnergyReading;
import io.qmeter.power.EnergyWindow;
import io.qmeter.power.PowerSensor;
import io.qmeter.power.SensorCapability;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A test sensor: a constant power draw, integrated exactly over each window's wall time. */
public final class FakePowerSensor implements PowerSensor {

    private final double watts;
    private final AtomicInteger windows = new AtomicInteger();

    public FakePowerSensor(double watts) {
        this.watts = watts;
    }

    public int windowsOpened() {
        return windows.get();
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public SensorCapability capability() {
        return new SensorCapability(EnergyQuality.ESTIMATED, "constant " + watts + " W", List.of("gpu0"));
    }

    @Override
    public EnergyWindow open() {
        windows.incrementAndGet();
        long start = System.nanoTime();
        return new EnergyWindow() {
            private EnergyReading reading;

            @Override
            public synchronized EnergyReading end() {
                if (reading == null) {
                    long d = System.nanoTime() - start;
                    reading = new EnergyReading(watts * d / 1e9, d, EnergyQuality.ESTIMATED, List.of(),
                            "constant " + watts + " W");
                }
                return reading;
            }
        };
    }

    @Override
    public double measureIdleWatts(Duration settle) {
        return watts / 2;
    }

    @Override
    public void close() {
    }
}
