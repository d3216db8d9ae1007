package io.qmeter.nvml;

import io.qmeter.nvml.internal.PowerSampler;
import io.qmeter.power.DeviceEnergy;
import io.qmeter.power.EnergyQuality;
import io.qmeter.power.EnergyReading;
import io.qmeter.power.EnergyWindow;
import java.util.ArrayList;
import java.util.List;

/**
 * An energy window of an {@link NvmlPowerSensor}. At each edge it reads the energy counter of
 * every GPU that has one, GPU after GPU, and takes a fresh power sample of every GPU for the
 * integrated figure. {@link #end()} returns the summed {@link EnergyReading}; afterwards
 * {@link #counterJoules()} and {@link #integratedJoules()} give both figures for cross-checking.
 *
 * <pre>{@code
 * try (NvmlEnergyWindow w = sensor.open()) {
 *     runLoad();
 *     EnergyReading r = w.end();
 *     System.out.println(r.joules() + " J (integrated: " + w.integratedJoules() + " J)");
 * }
 * }</pre>
 */
public final class NvmlEnergyWindow implements EnergyWindow {

    private final NvmlPowerSensor sensor;
    private final String unavailableReason;
    private final Edges start;
    private final long openedNanos;
    private EnergyReading reading;
    private double counterJoules = Double.NaN;
    private double integratedJoules = Double.NaN;

    /** One edge: counter values (or failures) and integrator values per GPU. */
    private static final class Edges {
        final long[] counterMillijoules;
        final long[] counterTimes;
        final String[] counterFailures;
        final PowerSampler.Edge[] integrated;
        final long skewNanos;
        final long timeNanos;

        Edges(int n) {
            counterMillijoules = new long[n];
            counterTimes = new long[n];
            counterFailures = new String[n];
            integrated = new PowerSampler.Edge[n];
            skewNanos = 0;
            timeNanos = 0;
        }

        Edges(Edges e, long skew, long time) {
            counterMillijoules = e.counterMillijoules;
            counterTimes = e.counterTimes;
            counterFailures = e.counterFailures;
            integrated = e.integrated;
            skewNanos = skew;
            timeNanos = time;
        }
    }

    NvmlEnergyWindow(NvmlPowerSensor sensor) {
        this.sensor = sensor;
        this.openedNanos = sensor.time().nanoTime();
        if (!sensor.isAvailable()) {
            this.unavailableReason = sensor.isClosed() ? "the NVML sensor was closed before the window opened"
                    : sensor.capability().detail();
            this.start = null;
            return;
        }
        Edges s;
        String reason = null;
        try {
            s = readEdge();
        } catch (RuntimeException e) {
            s = null;
            reason = "reading the GPUs at the window's start failed: " + e;
        }
        this.start = s;
        this.unavailableReason = reason;
    }

    private Edges readEdge() {
        List<GpuPowerCapability> gpus = sensor.gpus();
        int n = gpus.size();
        Edges e = new Edges(n);
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        // counters first, back to back (ms each), so their spread stays small
        for (int i = 0; i < n; i++) {
            if (!gpus.get(i).hasCounter()) {
                continue;
            }
            long t0 = sensor.time().nanoTime();
            try {
                e.counterMillijoules[i] = sensor.nvml().totalEnergyMillijoules(sensor.handles().get(i));
            } catch (NvmlException ex) {
                e.counterFailures[i] = ex.getMessage();
            }
            long t1 = sensor.time().nanoTime();
            long mid = t0 + (t1 - t0) / 2;
            e.counterTimes[i] = mid;
            first = Math.min(first, mid);
            last = Math.max(last, mid);
        }
        long integratedFirst = Long.MAX_VALUE;
        long integratedLast = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            e.integrated[i] = sensor.sampler().edge(i);
            integratedFirst = Math.min(integratedFirst, e.integrated[i].timeNanos());
            integratedLast = Math.max(integratedLast, e.integrated[i].timeNanos());
        }
        boolean anyCounter = first != Long.MAX_VALUE;
        long skew = anyCounter ? last - first : n == 0 ? 0 : integratedLast - integratedFirst;
        long time = anyCounter ? first + (last - first) / 2 : integratedFirst + (integratedLast - integratedFirst) / 2;
        return new Edges(e, skew, time);
    }

    /**
     * Ends the window (once) and returns the energy of all measured GPUs, summed.
     *
     * @return the reading; UNAVAILABLE with the reason on any fault, never an exception
     */
    @Override
    public synchronized EnergyReading end() {
        if (reading != null) {
            return reading;
        }
        if (start == null) {
            reading = EnergyReading.unavailable(Math.max(0, sensor.time().nanoTime() - openedNanos), unavailableReason);
            return reading;
        }
        if (!sensor.isAvailable()) {
            reading = EnergyReading.unavailable(Math.max(0, sensor.time().nanoTime() - start.timeNanos),
                    "the NVML sensor was closed before the window ended; no energy figure");
            return reading;
        }
        try {
            reading = compute(readEdge());
        } catch (RuntimeException e) {
            reading = EnergyReading.unavailable(Math.max(0, sensor.time().nanoTime() - start.timeNanos),
                    "reading the GPUs at the window's end failed: " + e);
        }
        return reading;
    }

    private EnergyReading compute(Edges end) {
        List<GpuPowerCapability> gpus = sensor.gpus();
        long duration = Math.max(0, end.timeNanos - start.timeNanos);
        long skew = Math.max(start.skewNanos, end.skewNanos);
        List<DeviceEnergy> devices = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        double total = 0;
        double counterSum = 0;
        boolean counterComplete = true;
        double integratedSum = 0;
        boolean integratedComplete = true;
        EnergyQuality quality = EnergyQuality.MEASURED;
        for (int i = 0; i < gpus.size(); i++) {
            GpuPowerCapability g = gpus.get(i);
            String id = g.deviceId();
            PowerSampler.Edge a = start.integrated[i];
            PowerSampler.Edge b = end.integrated[i];
            double integrated = Double.isNaN(a.millijoules()) || Double.isNaN(b.millijoules())
                    ? Double.NaN : (b.millijoules() - a.millijoules()) / 1000.0;
            if (Double.isNaN(integrated)) {
                integratedComplete = false;
            } else {
                integratedSum += integrated;
                if (a.carried() || b.carried()) {
                    notes.add(id + ": a power read at an edge failed, the last sample was carried ("
                            + (a.carried() ? a.failure() : b.failure()) + ")");
                }
            }
            double joules;
            EnergyQuality q;
            if (g.hasCounter() && start.counterFailures[i] == null && end.counterFailures[i] == null) {
                long s = start.counterMillijoules[i];
                long e = end.counterMillijoules[i];
                if (Long.compareUnsigned(e, s) >= 0) {
                    joules = (e - s) / 1000.0;
                    q = EnergyQuality.MEASURED;
                    counterSum += joules;
                } else {
                    counterComplete = false;
                    joules = integrated;
                    q = Double.isNaN(integrated) ? EnergyQuality.UNAVAILABLE : EnergyQuality.INTEGRATED;
                    notes.add(id + ": energy counter went down from " + Long.toUnsignedString(s) + " to "
                            + Long.toUnsignedString(e) + " mJ (a reset: driver reload or GPU reset); "
                            + (Double.isNaN(integrated) ? "no power samples to fall back on, so no figure"
                            : "used the integrated power samples for this GPU instead"));
                }
            } else {
                counterComplete = false;
                joules = integrated;
                q = Double.isNaN(integrated) ? EnergyQuality.UNAVAILABLE : EnergyQuality.INTEGRATED;
                if (g.hasCounter()) {
                    String f = start.counterFailures[i] != null ? start.counterFailures[i] : end.counterFailures[i];
                    notes.add(id + ": energy counter read failed (" + f + "); "
                            + (Double.isNaN(integrated) ? "no power samples either, so no figure"
                            : "used the integrated power samples instead"));
                } else if (Double.isNaN(integrated)) {
                    notes.add(id + ": no energy counter and no power samples (" + b.failure() + ")");
                }
            }
            quality = quality.weakest(q);
            total += joules;
            devices.add(new DeviceEnergy(id, joules, q, skew));
        }
        counterJoules = counterComplete && gpus.stream().allMatch(GpuPowerCapability::hasCounter) ? counterSum : Double.NaN;
        integratedJoules = integratedComplete ? integratedSum : Double.NaN;
        StringBuilder detail = new StringBuilder();
        detail.append(quality == EnergyQuality.MEASURED ? "NVML energy counter" : quality == EnergyQuality.INTEGRATED
                ? "NVML energy counter and/or integrated power" : "no complete energy figure");
        detail.append(", ").append(gpus.size()).append(" GPU(s) summed, edge skew ").append(skew / 1000).append(" µs");
        if (!Double.isNaN(counterJoules) && !Double.isNaN(integratedJoules) && counterJoules > 0) {
            detail.append(String.format(java.util.Locale.ROOT, ", integrated power cross-check %.1f J (%+.2f %%)",
                    integratedJoules, (integratedJoules - counterJoules) / counterJoules * 100));
        }
        if (quality == EnergyQuality.MEASURED && duration < 10_000_000_000L) {
            detail.append("; the counter changes every ~100 ms, so a window this short carries up to ~100 ms of"
                    + " power per edge as error");
        }
        for (String n : notes) {
            detail.append("; ").append(n);
        }
        if (quality == EnergyQuality.UNAVAILABLE) {
            return new EnergyReading(Double.NaN, duration, EnergyQuality.UNAVAILABLE, devices, detail.toString());
        }
        return new EnergyReading(total, duration, quality, devices, detail.toString());
    }

    /**
     * The counter-based energy of all GPUs, after {@link #end()}.
     *
     * @return joules, or NaN when any GPU lacks a counter figure (no counter, failed read, reset)
     *         or the window has not ended
     */
    public synchronized double counterJoules() {
        return counterJoules;
    }

    /**
     * The energy of all GPUs from the sampling thread's integrated power over the same window,
     * after {@link #end()}: the figure used where a GPU has no counter, and a cross-check of the
     * counter where it has one.
     *
     * @return joules, or NaN when unavailable or not ended
     */
    public synchronized double integratedJoules() {
        return integratedJoules;
    }
}
