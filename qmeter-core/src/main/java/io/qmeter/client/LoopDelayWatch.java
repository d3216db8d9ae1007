package io.qmeter.client;

import io.qmeter.metrics.LatencyStats;

/**
 * How late a client's event loops were over an interval: the receive side of the client's
 * self-check. A token is timestamped when the loop reads it, so a token that arrives while the loop
 * is busy, descheduled or paused (a GC pause, a compiler thread or another process on its CPU, the
 * hypervisor) is stamped that much late. The watch measures exactly that: every millisecond of the
 * interval the loop is due to run a short task, and the delay is how late it ran. Deadlines that a
 * stall skipped are counted with the delay a token arriving then would have had (jHiccup's
 * correction), so the distribution is over time, as arrivals are, not over the samples that
 * happened to run.
 *
 * <pre>{@code
 * LoopDelayWatch w = client.watchLoopDelay(from, to);
 * // ... the run ...
 * LatencyStats d = w.stop();   // d.p99Millis(): 99 % of the interval, the loop was at most this late
 * }</pre>
 */
public interface LoopDelayWatch {

    /**
     * Stops sampling (idempotent) and returns the delays seen: count 0 when the interval had not
     * begun.
     *
     * @return the loop delays, in milliseconds
     */
    LatencyStats stop();
}
