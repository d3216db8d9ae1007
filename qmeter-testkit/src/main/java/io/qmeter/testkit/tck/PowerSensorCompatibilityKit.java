package io.qmeter.testkit.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.qmeter.power.DeviceEnergy;
import io.qmeter.power.EnergyQuality;
import io.qmeter.power.EnergyReading;
import io.qmeter.power.EnergyWindow;
import io.qmeter.power.PowerSensor;
import io.qmeter.power.SensorCapability;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link PowerSensor} honours. Extend it in the sensor's test, implement
 * {@link #createSensor()}, and every test here runs against the implementation.
 *
 * <p>What is checked: the capability is never {@code null} and never a silent zero (an
 * {@link EnergyQuality#UNAVAILABLE} capability or reading carries a reason, and its joules are NaN,
 * not 0); {@link EnergyWindow#end()} is idempotent; a reading's duration lies between the time
 * seen inside and outside the window (within {@link #durationTolerance()}); energy is
 * {@code >= 0}; a window nested in another never reports more energy than the outer one (energy
 * is non-decreasing in time); overlapping windows are allowed; per-device energy sums to the
 * total; {@code close()} is idempotent for windows and for the sensor.
 *
 * <p>A sensor that cannot measure on this machine (no GPU) still passes: every check then
 * requires readings to be UNAVAILABLE with a reason. Sensors whose devices are not idle during the
 * test may override {@link #energyToleranceJoules()}.
 *
 * <pre>{@code
 * class SimulatedPowerSensorTest extends PowerSensorCompatibilityKit {
 *     protected PowerSensor createSensor() { return backend.powerSensor(); }
 * }
 * }</pre>
 */
public abstract class PowerSensorCompatibilityKit {

    /** The sensor under test, created before each test and closed after it. */
    protected PowerSensor sensor;

    /** Creates the kit; subclasses implement {@link #createSensor()}. */
    protected PowerSensorCompatibilityKit() {
    }

    /**
     * Creates a fresh sensor for one test. Called before each test; the kit closes it afterwards.
     *
     * <pre>{@code
     * protected PowerSensor createSensor() {
     *     return new NvmlPowerSensor(NvmlSensorOptions.defaults().withGpus(GpuSelection.indices(0)));
     * }
     * }</pre>
     *
     * @return the sensor under test
     */
    protected abstract PowerSensor createSensor();

    /**
     * How long the kit lets time pass inside a window so the sensor sees some energy. Sensors that
     * poll slowly may want longer windows.
     *
     * <pre>{@code
     * protected Duration windowLength() { return Duration.ofMillis(500); }
     * }</pre>
     *
     * @return the window length, 100 ms by default
     */
    protected Duration windowLength() {
        return Duration.ofMillis(100);
    }

    /**
     * How far a reading's duration may lie outside the interval measured around the window (edge
     * reads, sample alignment).
     *
     * <pre>{@code
     * protected Duration durationTolerance() { return Duration.ofMillis(120); }
     * }</pre>
     *
     * @return the tolerance, 50 ms by default
     */
    protected Duration durationTolerance() {
        return Duration.ofMillis(50);
    }

    /**
     * How much more energy an inner window may report than the window around it (counter
     * granularity: NVML counts millijoules).
     *
     * <pre>{@code
     * protected double energyToleranceJoules() { return 0.01; }
     * }</pre>
     *
     * @return joules, 0.001 by default
     */
    protected double energyToleranceJoules() {
        return 0.001;
    }

    /**
     * Lets time pass inside a window. The default parks the thread for {@code d}: not a wait for
     * a condition, but the window length a real-time sensor needs to measure anything (it is
     * {@link #windowLength()}, short by default). A sensor on virtual time overrides it and advances
     * its clock instead, so its kit runs without real waiting.
     *
     * <pre>{@code
     * protected void letTimePass(Duration d) { clock.advance(d); }
     * }</pre>
     *
     * @param d how long
     */
    protected void letTimePass(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /** Creates the sensor. */
    @BeforeEach
    void createTheSensor() {
        sensor = createSensor();
        assertNotNull(sensor, "createSensor() returned null; return the sensor under test");
    }

    /** Closes the sensor. */
    @AfterEach
    void closeTheSensor() {
        if (sensor != null) {
            sensor.close();
        }
    }

    @Test
    @DisplayName("name is not blank")
    void nameIsNotBlank() {
        assertNotNull(sensor.name(), "name() returned null");
        assertFalse(sensor.name().isBlank(), "name() is blank; give the sensor a short name like \"nvml\"");
    }

    @Test
    @DisplayName("capability is never null and never a silent zero")
    void capabilityIsNeverNullAndExplainsItself() {
        SensorCapability c = sensor.capability();
        assertNotNull(c, "capability() returned null; return SensorCapability.unavailable(reason) instead");
        assertNotNull(c.quality(), "capability().quality() is null");
        assertNotNull(c.detail(), "capability().detail() is null");
        assertFalse(c.detail().isBlank(), "capability().detail() is blank: say how the sensor measures, "
                + "or why it cannot");
        if (c.quality() != EnergyQuality.UNAVAILABLE) {
            assertFalse(c.devices().isEmpty(), "capability is " + c.quality()
                    + " but lists no devices; list the device ids it measures");
        }
    }

    @Test
    @DisplayName("a reading is available with the capability's quality, or unavailable with a reason")
    void readingMatchesCapability() {
        SensorCapability c = sensor.capability();
        EnergyReading r = measureOneWindow();
        checkReadingShape(r);
        if (c.quality() == EnergyQuality.UNAVAILABLE) {
            assertFalse(r.isAvailable(), "capability is UNAVAILABLE but a window returned " + r.joules() + " J");
        } else if (r.isAvailable()) {
            assertTrue(r.quality().ordinal() >= c.quality().ordinal(),
                    "reading quality " + r.quality() + " is better than the capability " + c.quality());
        }
    }

    @Test
    @DisplayName("end() is idempotent and close() after end() keeps the reading")
    void endIsIdempotent() {
        EnergyWindow w = sensor.open();
        assertNotNull(w, "open() returned null; return a window whose reading is UNAVAILABLE instead");
        letTimePass(windowLength());
        EnergyReading first = w.end();
        EnergyReading second = w.end();
        assertNotNull(first, "end() returned null");
        assertSame(first, second, "a second end() must return the same reading, was " + first + " then " + second);
        w.close();
        w.close();
        assertSame(first, w.end(), "end() after close() must still return the first reading");
    }

    @Test
    @DisplayName("close() without end() is allowed and idempotent")
    void closeWithoutEnd() {
        EnergyWindow w = sensor.open();
        w.close();
        w.close();
        EnergyReading r = w.end();
        assertNotNull(r, "end() after close() returned null");
        checkReadingShape(r);
    }

    @Test
    @DisplayName("a reading's duration covers the window")
    void durationIsRight() {
        long before = System.nanoTime();
        EnergyWindow w = sensor.open();
        long opened = System.nanoTime();
        letTimePass(windowLength());
        long ending = System.nanoTime();
        EnergyReading r = w.end();
        long after = System.nanoTime();
        long tol = durationTolerance().toNanos();
        long inner = ending - opened;
        long outer = after - before;
        assertTrue(r.durationNanos() >= inner - tol, "durationNanos " + r.durationNanos()
                + " is shorter than the time inside the window, " + inner + " ns (tolerance " + tol + " ns)");
        assertTrue(r.durationNanos() <= outer + tol, "durationNanos " + r.durationNanos()
                + " is longer than the time around the window, " + outer + " ns (tolerance " + tol + " ns)");
    }

    @Test
    @DisplayName("energy is >= 0 and per-device energy sums to the total")
    void energyIsNonNegativeAndDevicesSum() {
        EnergyReading r = measureOneWindow();
        checkReadingShape(r);
        if (!r.isAvailable()) {
            return;
        }
        assertTrue(r.joules() >= 0, "energy must be >= 0, was " + r.joules() + " J");
        assertFalse(r.devices().isEmpty(), "an available reading lists its devices, was empty");
        double sum = 0;
        EnergyQuality weakest = EnergyQuality.MEASURED;
        for (DeviceEnergy d : r.devices()) {
            assertNotNull(d.deviceId(), "a device id is null");
            assertTrue(sensor.capability().devices().contains(d.deviceId()), "device " + d.deviceId()
                    + " is not in the capability's devices " + sensor.capability().devices());
            assertTrue(d.joules() >= 0, "device " + d.deviceId() + " energy must be >= 0, was " + d.joules());
            assertTrue(d.edgeSkewNanos() >= 0, "edgeSkewNanos must be >= 0, was " + d.edgeSkewNanos());
            sum += d.joules();
            weakest = weakest.weakest(d.quality());
        }
        assertEquals(r.joules(), sum, Math.max(1e-9, Math.abs(sum) * 1e-9) + energyToleranceJoules(),
                "total joules must equal the sum over devices");
        assertEquals(weakest, r.quality(), "a reading's quality is the weakest of its devices'");
    }

    @Test
    @DisplayName("energy is non-decreasing: a nested window reports no more than the outer one")
    void nestedWindowsAreMonotonic() {
        EnergyWindow outer = sensor.open();
        letTimePass(windowLength().dividedBy(2));
        EnergyWindow inner = sensor.open();
        letTimePass(windowLength());
        EnergyReading innerReading = inner.end();
        letTimePass(windowLength().dividedBy(2));
        EnergyReading outerReading = outer.end();
        checkReadingShape(innerReading);
        checkReadingShape(outerReading);
        assertTrue(outerReading.durationNanos() >= innerReading.durationNanos(), "the outer window ("
                + outerReading.durationNanos() + " ns) must last at least as long as the inner one ("
                + innerReading.durationNanos() + " ns)");
        if (innerReading.isAvailable() && outerReading.isAvailable()) {
            assertTrue(outerReading.joules() + energyToleranceJoules() >= innerReading.joules(),
                    "energy must be non-decreasing: outer window " + outerReading.joules()
                            + " J < nested window " + innerReading.joules() + " J");
        }
    }

    @Test
    @DisplayName("overlapping windows are allowed")
    void overlappingWindows() {
        EnergyWindow a = sensor.open();
        letTimePass(windowLength().dividedBy(2));
        EnergyWindow b = sensor.open();
        letTimePass(windowLength().dividedBy(2));
        EnergyReading ra = a.end();
        letTimePass(windowLength().dividedBy(2));
        EnergyReading rb = b.end();
        checkReadingShape(ra);
        checkReadingShape(rb);
        assertEquals(ra.isAvailable(), rb.isAvailable(), "two overlapping windows disagree on availability: "
                + ra + " / " + rb);
    }

    @Test
    @DisplayName("many windows in a row keep working")
    void manyWindows() {
        for (int i = 0; i < 20; i++) {
            try (EnergyWindow w = sensor.open()) {
                EnergyReading r = w.end();
                checkReadingShape(r);
            }
        }
    }

    @Test
    @DisplayName("idle power is NaN when unavailable, else >= 0")
    void idleWatts() {
        double idle = sensor.measureIdleWatts(windowLength());
        if (sensor.capability().quality() == EnergyQuality.UNAVAILABLE) {
            assertTrue(Double.isNaN(idle), "an unavailable sensor must return NaN idle watts, not " + idle);
        } else {
            assertTrue(Double.isNaN(idle) || idle >= 0, "idle watts must be >= 0 or NaN, was " + idle);
        }
    }

    @Test
    @DisplayName("close() is idempotent; a window opened after close() explains itself or is refused")
    void closeIsIdempotent() {
        EnergyWindow open = sensor.open();
        sensor.close();
        sensor.close();
        EnergyReading r = open.end();
        assertNotNull(r, "ending a window after the sensor closed returned null");
        checkReadingShape(r);
        try {
            EnergyWindow late = sensor.open();
            EnergyReading lr = late.end();
            checkReadingShape(lr);
        } catch (IllegalStateException expected) {
            assertNotNull(expected.getMessage(), "IllegalStateException from open() after close() has no message");
        }
        sensor.capability();
        sensor = null;
    }

    /**
     * Opens a window, lets {@link #windowLength()} pass, and ends it.
     *
     * @return the reading
     */
    protected EnergyReading measureOneWindow() {
        try (EnergyWindow w = sensor.open()) {
            assertNotNull(w, "open() returned null; return a window whose reading is UNAVAILABLE instead");
            letTimePass(windowLength());
            return w.end();
        }
    }

    /**
     * The checks that hold for every reading: non-null, duration {@code >= 0}, and "never a silent
     * zero": an unavailable reading has NaN joules and a reason; an available one has a finite
     * non-negative figure.
     *
     * @param r the reading
     */
    protected static void checkReadingShape(EnergyReading r) {
        assertNotNull(r, "a window returned a null reading; return EnergyReading.unavailable(duration, reason)");
        assertNotNull(r.quality(), "reading quality is null");
        assertTrue(r.durationNanos() >= 0, "durationNanos must be >= 0, was " + r.durationNanos());
        if (r.quality() == EnergyQuality.UNAVAILABLE) {
            assertTrue(Double.isNaN(r.joules()), "an UNAVAILABLE reading must carry NaN joules (never a "
                    + "silent zero), was " + r.joules());
            if (r.detail() == null || r.detail().isBlank()) {
                fail("an UNAVAILABLE reading must say why in detail(), was " + r.detail());
            }
        } else {
            assertFalse(Double.isNaN(r.joules()), "a " + r.quality() + " reading has NaN joules; "
                    + "mark it UNAVAILABLE with a reason instead");
            assertFalse(Double.isInfinite(r.joules()), "energy is infinite");
            assertTrue(r.joules() >= 0, "energy must be >= 0, was " + r.joules() + " J");
        }
    }
}
