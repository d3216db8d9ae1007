package io.qmeter.nvml;

/**
 * The sampling thread's cost and health.
 *
 * <pre>{@code
 * SamplerStats s = sensor.samplerStats();
 * System.out.printf("%.1f µs per power read%n", s.meanReadMicros());
 * }</pre>
 *
 * @param source          what it reads (for example {@code INSTANT_FIELD})
 * @param intervalNanos   time between ticks
 * @param ticks           ticks so far
 * @param missedTicks     ticks skipped because it fell behind
 * @param reads           successful power reads (all GPUs, window edges included)
 * @param failedReads     failed power reads
 * @param meanReadMicros  mean wall time of one power read since start (JIT warm-up included)
 * @param maxReadMicros   longest power read
 * @param medianRecentReadMicros median of the last 1,024 reads (past JIT warm-up; NaN before any)
 * @param p99RecentReadMicros    99th percentile of the last 1,024 reads
 */
public record SamplerStats(String source, long intervalNanos, long ticks, long missedTicks, long reads,
                           long failedReads, double meanReadMicros, double maxReadMicros,
                           double medianRecentReadMicros, double p99RecentReadMicros) {
}
