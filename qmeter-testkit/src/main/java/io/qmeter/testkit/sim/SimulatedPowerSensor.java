package io.qmeter.testkit.sim;

import io.qmeter.power.DeviceEnergy;
import io.qmeter.power.EnergyQuality;
import io.qmeter.power.EnergyReading;
import io.qmeter.power.EnergyWindow;
import io.qmeter.power.PowerSensor;
import io.qmeter.power.SensorCapability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The simulated engine's power, as a {@link PowerSensor}: one device per tensor-parallel rank
 * ({@code sim-gpu-0} …), each with idle power plus a dynamic part that follows the iterations'
 * tensor-core and bandwidth utilisation, never above TDP. Windows read an energy counter that the
 * backend integrates (over wall-clock time in {@link RealTimeBackend}, idle between iterations).
 * Quality is always {@link EnergyQuality#ESTIMATED}.
 *
 * <pre>{@code
 * try (RealTimeBackend b = RealTimeBackend.create(config)) {
 *     PowerSensor sensor = b.powerSensor();
 *     try (EnergyWindow w = sensor.open()) {
 *         ... load ...
 *         double joules = w.end().joules();
 *     }
 * }
 * }</pre>
 */
public final class SimulatedPowerSensor implements PowerSensor {

    private final EnergyMeter meter;
    private final LongSupplier clock;
    private final int devices;
    private final List<String> deviceIds;
    private final String model;

    SimulatedPowerSensor(EnergyMeter meter, LongSupplier clock, SimConfig config) {
        this.meter = meter;
        this.clock = clock;
        this.devices = config.tensorParallel();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            ids.add("sim-gpu-" + i);
        }
        this.deviceIds = List.copyOf(ids);
        this.model = config.label();
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public SensorCapability capability() {
        return new SensorCapability(EnergyQuality.ESTIMATED, "modelled power of the simulated engine (" + model
                + "): idle + dynamic power from each iteration's roofline utilisation, capped at TDP", deviceIds);
    }

    /**
     * Energy of all devices since the backend started, joules (the counter windows read).
     *
     * @return joules
     */
    public double totalJoules() {
        return meter.joulesAt(clock.getAsLong()) * devices;
    }

    /**
     * Idle power of one device.
     *
     * @return watts
     */
    public double idleWattsPerDevice() {
        return meter.idleWatts();
    }

    @Override
    public EnergyWindow open() {
        long start = clock.getAsLong();
        double startJoules = meter.joulesAt(start);
        return new EnergyWindow() {
            private EnergyReading reading;

            @Override
            public synchronized EnergyReading end() {
                if (reading == null) {
                    long end = Math.max(start, clock.getAsLong());
                    double perDevice = meter.joulesAt(end) - startJoules;
                    List<DeviceEnergy> ds = new ArrayList<>(devices);
                    for (String id : deviceIds) {
                        ds.add(new DeviceEnergy(id, perDevice, EnergyQuality.ESTIMATED, 0));
                    }
                    reading = new EnergyReading(perDevice * devices, end - start, EnergyQuality.ESTIMATED, ds,
                            "simulated (" + model + ")");
                }
                return reading;
            }
        };
    }

    /**
     * Returns the model's idle power of all devices at once (nothing to wait for: the model knows
     * it), whatever {@code settle} is.
     */
    @Override
    public double measureIdleWatts(Duration settle) {
        return meter.idleWatts() * devices;
    }

    /** Nothing to release; idempotent. */
    @Override
    public void close() {
        // the counter belongs to the backend
    }
}
