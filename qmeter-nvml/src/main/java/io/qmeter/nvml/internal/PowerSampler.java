package io.qmeter.nvml.internal;

import com.sun.jna.Pointer;
import io.qmeter.nvml.NvmlException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the power of each measured GPU from one background thread (or by hand, in tests, through
 * {@link #sampleOnce()}), keeps a bounded timeline per GPU and integrates the samples (trapezoid)
 * into a running energy total per GPU: a software energy counter for GPUs without a hardware one,
 * and a cross-check for those with one.
 *
 * <p>Window edges call {@link #edge(int)}, which takes a fresh sample (a power read costs µs, not
 * the counter's ms) so the integral reaches exactly to the edge; if that read fails, the last
 * sample is carried (held) to the edge.
 *
 * <pre>{@code
 * PowerSampler s = new PowerSampler(nvml, handles, sources, TimeSource.SYSTEM, 60_000);
 * s.start(Duration.ofMillis(10));
 * }</pre>
 */
public final class PowerSampler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PowerSampler.class);

    /** Where a GPU's power comes from, best first. */
    public enum Source {
        /** Field NVML_FI_DEV_POWER_INSTANT (186). */
        INSTANT_FIELD,
        /** nvmlDeviceGetPowerUsage (a 1-second average on Ampere and newer). */
        POWER_USAGE,
        /** Field NVML_FI_DEV_POWER_AVERAGE (185), a 1-second average. */
        AVERAGE_FIELD,
        /** No power reading works on this GPU. */
        NONE
    }

    /**
     * The integrated energy of one GPU at a window edge.
     *
     * @param timeNanos         the edge's time
     * @param millijoules       integrated energy since sampling began, in mJ (NaN without samples)
     * @param samples           successful samples so far (edges included)
     * @param carried           true when the fresh read failed and the last sample was held
     * @param failure           the failed read's message, or empty
     */
    public record Edge(long timeNanos, double millijoules, long samples, boolean carried, String failure) {
    }

    /**
     * Sampling cost and health.
     *
     * @param reads          successful power reads (thread ticks and edges, all GPUs)
     * @param failedReads    failed power reads
     * @param meanReadNanos  mean wall time of one power read
     * @param maxReadNanos   longest power read
     * @param medianRecentReadNanos median of the last {@value #RECENT} reads (past JIT warm-up)
     * @param p99RecentReadNanos    99th percentile of the last {@value #RECENT} reads
     * @param ticks          sampler ticks
     * @param missedTicks    ticks skipped because the thread fell behind
     */
    public record Stats(long reads, long failedReads, double meanReadNanos, long maxReadNanos,
                        long medianRecentReadNanos, long p99RecentReadNanos, long ticks, long missedTicks) {
    }

    /** How many recent read durations the stats keep. */
    public static final int RECENT = 1024;

    private final NvmlApi nvml;
    private final List<Pointer> devices;
    private final List<Source> sources;
    private final List<String> ids;
    private final TimeSource time;
    private final DeviceState[] states;
    private final Object statsLock = new Object();
    private long reads;
    private long failedReads;
    private long readNanosTotal;
    private long readNanosMax;
    private final long[] recent = new long[RECENT];
    private long ticks;
    private long missedTicks;
    private volatile boolean closed;
    private Thread thread;

    private static final class DeviceState {
        final PowerRing ring;
        boolean hasSample;
        long lastTime;
        long lastMilliwatts;
        double cumulativeMillijoules;
        long samples;
        String lastFailure = "";

        DeviceState(int capacity) {
            ring = new PowerRing(capacity);
        }
    }

    /**
     * A sampler over the given GPUs.
     *
     * @param nvml         the NVML binding
     * @param devices      handles, one per measured GPU
     * @param sources      the power source of each GPU (same order)
     * @param ids          the id of each GPU, for messages
     * @param time         the clock
     * @param ringCapacity samples kept per GPU in the timeline
     */
    public PowerSampler(NvmlApi nvml, List<Pointer> devices, List<Source> sources, List<String> ids, TimeSource time,
                        int ringCapacity) {
        if (devices.size() != sources.size() || devices.size() != ids.size()) {
            throw new IllegalArgumentException("devices, sources and ids must have one entry per GPU, were "
                    + devices.size() + ", " + sources.size() + ", " + ids.size());
        }
        this.nvml = nvml;
        this.devices = List.copyOf(devices);
        this.sources = List.copyOf(sources);
        this.ids = List.copyOf(ids);
        this.time = time;
        this.states = new DeviceState[devices.size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = new DeviceState(ringCapacity);
        }
    }

    /**
     * Reads a GPU's power once from its source.
     *
     * @param nvml   the binding
     * @param device the handle
     * @param source the source
     * @param id     the GPU's id, for messages
     * @return mW
     * @throws NvmlException when the call or the field fails
     */
    public static long readPower(NvmlApi nvml, Pointer device, Source source, String id) {
        switch (source) {
            case INSTANT_FIELD:
            case AVERAGE_FIELD: {
                int field = source == Source.INSTANT_FIELD ? NvmlApi.FI_DEV_POWER_INSTANT : NvmlApi.FI_DEV_POWER_AVERAGE;
                FieldValue v = nvml.fieldValues(device, field)[0];
                if (!v.ok()) {
                    throw new NvmlException("nvmlDeviceGetFieldValues(field " + field + ")", id, v.nvmlReturn());
                }
                return v.asLong();
            }
            case POWER_USAGE:
                return nvml.powerUsageMilliwatts(device) & 0xffffffffL;
            default:
                throw new IllegalStateException("GPU " + id + " has no power source; nothing to sample");
        }
    }

    /** Samples every GPU once (the background thread's tick; tests call it directly). */
    public void sampleOnce() {
        for (int i = 0; i < states.length; i++) {
            if (sources.get(i) != Source.NONE) {
                synchronized (states[i]) {
                    sampleLocked(i);
                }
            }
        }
        synchronized (statsLock) {
            ticks++;
        }
    }

    /** Returns true when the read succeeded. Caller holds the device's lock. */
    private boolean sampleLocked(int i) {
        DeviceState s = states[i];
        long t0 = time.nanoTime();
        long mw;
        try {
            mw = readPower(nvml, devices.get(i), sources.get(i), ids.get(i));
        } catch (NvmlException e) {
            s.lastFailure = e.getMessage();
            synchronized (statsLock) {
                failedReads++;
            }
            return false;
        }
        long t1 = time.nanoTime();
        long t = t0 + (t1 - t0) / 2;
        synchronized (statsLock) {
            recent[(int) (reads % RECENT)] = t1 - t0;
            reads++;
            readNanosTotal += t1 - t0;
            readNanosMax = Math.max(readNanosMax, t1 - t0);
        }
        add(s, t, mw);
        s.ring.add(t, mw);
        return true;
    }

    private static void add(DeviceState s, long t, long mw) {
        if (s.hasSample) {
            if (t < s.lastTime) {
                return; // out of order (cannot happen under the lock); keep the integral monotone in time
            }
            s.cumulativeMillijoules += (s.lastMilliwatts + mw) / 2.0 * ((t - s.lastTime) / 1e9);
        }
        s.hasSample = true;
        s.lastTime = t;
        s.lastMilliwatts = mw;
        s.samples++;
    }

    /**
     * The integrated energy of GPU {@code i} now, after a fresh sample (or the last one carried).
     *
     * @param i the GPU's position
     * @return the edge reading
     */
    public Edge edge(int i) {
        DeviceState s = states[i];
        synchronized (s) {
            if (sources.get(i) == Source.NONE) {
                return new Edge(time.nanoTime(), Double.NaN, 0, false, "no power source");
            }
            if (sampleLocked(i)) {
                return new Edge(s.lastTime, s.cumulativeMillijoules, s.samples, false, "");
            }
            long t = time.nanoTime();
            if (!s.hasSample) {
                return new Edge(t, Double.NaN, 0, true, s.lastFailure);
            }
            double carried = s.cumulativeMillijoules + s.lastMilliwatts * ((t - s.lastTime) / 1e9);
            return new Edge(t, carried, s.samples, true, s.lastFailure);
        }
    }

    /**
     * The timeline of GPU {@code i}: {time, mW} pairs, oldest first.
     *
     * @param i the GPU's position
     * @return a copy
     */
    public List<long[]> timeline(int i) {
        return states[i].ring.snapshot();
    }

    /**
     * The most recent failure reading GPU {@code i}'s power.
     *
     * @param i the GPU's position
     * @return the message, or empty
     */
    public String lastFailure(int i) {
        synchronized (states[i]) {
            return states[i].lastFailure;
        }
    }

    /**
     * Cost and health so far.
     *
     * @return the stats
     */
    public Stats stats() {
        synchronized (statsLock) {
            int n = (int) Math.min(reads, RECENT);
            long[] sorted = java.util.Arrays.copyOf(recent, n);
            java.util.Arrays.sort(sorted);
            long median = n == 0 ? -1 : sorted[n / 2];
            long p99 = n == 0 ? -1 : sorted[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)];
            return new Stats(reads, failedReads, reads == 0 ? Double.NaN : (double) readNanosTotal / reads, readNanosMax,
                    median, p99, ticks, missedTicks);
        }
    }

    /**
     * Starts the background thread (a daemon named {@code qmeter-nvml-sampler}); once.
     *
     * @param interval time between ticks
     */
    public synchronized void start(Duration interval) {
        if (thread != null || closed) {
            return;
        }
        long intervalNanos = interval.toNanos();
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("interval must be > 0, was " + interval);
        }
        thread = new Thread(() -> loop(intervalNanos), "qmeter-nvml-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(long intervalNanos) {
        long next = time.nanoTime();
        while (!closed) {
            try {
                sampleOnce();
            } catch (RuntimeException e) {
                LOG.warn("power sampling tick failed; sampling goes on", e);
            }
            next += intervalNanos;
            long now = time.nanoTime();
            if (now - next > intervalNanos) {
                long skipped = (now - next) / intervalNanos;
                synchronized (statsLock) {
                    missedTicks += skipped;
                }
                next += skipped * intervalNanos;
            }
            long wait = next - time.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            }
        }
    }

    /** Stops the thread (waits up to a second for it); idempotent. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
