package io.qmeter.nvml;

import io.qmeter.nvml.internal.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Virtual time for the sensor: {@link #sleep} (and {@link #advance}) move the clock forward in
 * ticks of the sampling interval and run the registered tick action (the sampler) at each, so
 * tests never wait.
 */
final class VirtualTime implements TimeSource {

    private long now = 1_000_000_000L;
    private long tickNanos = 10_000_000L;
    private long nextTick = now + tickNanos;
    private final List<Runnable> onTick = new ArrayList<>();

    synchronized void everyTick(Duration interval, Runnable action) {
        tickNanos = interval.toNanos();
        nextTick = now + tickNanos;
        onTick.add(action);
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public void sleep(Duration d) {
        advance(d);
    }

    /** Moves time forward by {@code d}, running the tick action at every tick passed. */
    void advance(Duration d) {
        long target;
        synchronized (this) {
            target = now + d.toNanos();
        }
        while (true) {
            List<Runnable> run;
            synchronized (this) {
                if (onTick.isEmpty() || nextTick > target) {
                    now = target;
                    return;
                }
                now = nextTick;
                nextTick += tickNanos;
                run = List.copyOf(onTick);
            }
            run.forEach(Runnable::run);
        }
    }
}
