package io.qmeter.bench;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * A snapshot of this JVM's resource use: process CPU time, heap, direct buffers, threads, GC.
 *
 * <pre>{@code
 * ProcessStats before = ProcessStats.now();
 * // ... work ...
 * long cpuNanos = ProcessStats.now().cpuNanos() - before.cpuNanos();
 * }</pre>
 *
 * @param wallNanos     {@link System#nanoTime()} when taken
 * @param cpuNanos      process CPU time (all threads: user + system), from OperatingSystemMXBean
 * @param heapUsedBytes heap in use
 * @param heapCommittedBytes heap committed
 * @param directBytes   direct NIO buffers in use (JDK count; Netty's pooled arenas included)
 * @param threads       live threads
 * @param gcCount       collections so far, all collectors
 * @param gcMillis      collection time so far, all collectors
 */
public record ProcessStats(long wallNanos, long cpuNanos, long heapUsedBytes, long heapCommittedBytes,
                           long directBytes, int threads, long gcCount, long gcMillis) {

    /**
     * Takes a snapshot now.
     *
     * @return the snapshot
     */
    public static ProcessStats now() {
        long cpu = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = os.getProcessCpuTime();
        }
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long direct = 0;
        for (BufferPoolMXBean p : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(p.getName())) {
                direct = p.getMemoryUsed();
            }
        }
        long n = 0;
        long ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
            ms += Math.max(0, gc.getCollectionTime());
        }
        return new ProcessStats(System.nanoTime(), cpu, mem.getHeapMemoryUsage().getUsed(),
                mem.getHeapMemoryUsage().getCommitted(), direct, ManagementFactory.getThreadMXBean().getThreadCount(),
                n, ms);
    }

    /**
     * Heap in use after full collections (a few {@code System.gc()} calls until it stops shrinking).
     *
     * @return bytes
     */
    public static long heapAfterGc() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long used = mem.getHeapMemoryUsage().getUsed();
            if (used >= last - 64 * 1024) {
                return Math.min(used, last);
            }
            last = used;
        }
        return last;
    }
}
