package io.qmeter.nvml.internal;

import java.time.Duration;

/**
 * The sensor's clock: a monotonic nanosecond time and a way to let time pass. The real one is
 * {@link System#nanoTime()} and a sleep; tests pass a virtual clock whose {@link #sleep} advances
 * time and drives the sampler, so nothing waits.
 *
 * <pre>{@code
 * long t = TimeSource.SYSTEM.nanoTime();
 * }</pre>
 */
public interface TimeSource {

    /** {@link System#nanoTime()} and {@link Thread#sleep}. */
    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration d) throws InterruptedException {
            long nanos = d.toNanos();
            if (nanos > 0) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        }
    };

    /**
     * Monotonic time.
     *
     * @return nanoseconds from an arbitrary origin
     */
    long nanoTime();

    /**
     * Lets {@code d} pass.
     *
     * @param d how long
     * @throws InterruptedException if interrupted
     */
    void sleep(Duration d) throws InterruptedException;
}
