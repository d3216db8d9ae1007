package io.qmeter.nvml.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A bounded ring of (time, milliwatts) samples for one device; the oldest sample is overwritten
 * when full. Thread-safe.
 *
 * <pre>{@code
 * PowerRing r = new PowerRing(1000);
 * r.add(t, 71_000);
 * }</pre>
 */
public final class PowerRing {

    private final long[] times;
    private final long[] milliwatts;
    private int next;
    private long total;

    /**
     * A ring of {@code capacity} samples.
     *
     * @param capacity how many samples it keeps (&gt; 0)
     */
    public PowerRing(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0, was " + capacity);
        }
        times = new long[capacity];
        milliwatts = new long[capacity];
    }

    /**
     * Adds a sample.
     *
     * @param timeNanos when
     * @param mw        power in mW
     */
    public synchronized void add(long timeNanos, long mw) {
        times[next] = timeNanos;
        milliwatts[next] = mw;
        next = (next + 1) % times.length;
        total++;
    }

    /**
     * How many samples were ever added (including overwritten ones).
     *
     * @return the count
     */
    public synchronized long totalAdded() {
        return total;
    }

    /**
     * The kept samples, oldest first, as {time, mW} pairs.
     *
     * @return a copy
     */
    public synchronized List<long[]> snapshot() {
        int size = (int) Math.min(total, times.length);
        List<long[]> out = new ArrayList<>(size);
        int start = total > times.length ? next : 0;
        for (int i = 0; i < size; i++) {
            int k = (start + i) % times.length;
            out.add(new long[] {times[k], milliwatts[k]});
        }
        return out;
    }
}
