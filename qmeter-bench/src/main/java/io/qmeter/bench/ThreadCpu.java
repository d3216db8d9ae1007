package io.qmeter.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM's Java threads grouped by role (Netty event loops, the load dispatcher,
 * the client's timer, the rest), from {@link ThreadMXBean}; what the process used beyond them is
 * the JVM's own work (GC, JIT compilers), reported as {@code jvm}.
 *
 * <pre>{@code
 * Map<String, Long> before = ThreadCpu.byRole();
 * }</pre>
 */
public final class ThreadCpu {

    private ThreadCpu() {
    }

    /**
     * CPU nanoseconds so far per role, plus {@code process} (the whole process) and {@code jvm}.
     *
     * @return role → nanoseconds
     */
    public static Map<String, Long> byRole() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> m = new TreeMap<>();
        long javaTotal = 0;
        long process = ProcessStats.now().cpuNanos();
        for (long id : mx.getAllThreadIds()) {
            long cpu = mx.getThreadCpuTime(id);
            var info = mx.getThreadInfo(id);
            if (cpu < 0 || info == null) {
                continue;
            }
            javaTotal += cpu;
            m.merge(role(info.getThreadName()), cpu, Long::sum);
        }
        m.put("process", process);
        m.put("jvm", Math.max(0, process - javaTotal));
        return m;
    }

    /**
     * The difference of two readings, per role (threads that ended in between are lost; the
     * {@code jvm} remainder then absorbs them).
     *
     * @param a earlier
     * @param b later
     * @return role → nanoseconds
     */
    public static Map<String, Long> delta(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> d = new TreeMap<>();
        long threads = 0;
        for (var e : b.entrySet()) {
            if (e.getKey().equals("process") || e.getKey().equals("jvm")) {
                continue;
            }
            long v = Math.max(0, e.getValue() - a.getOrDefault(e.getKey(), 0L));
            d.put(e.getKey(), v);
            threads += v;
        }
        long process = b.get("process") - a.get("process");
        d.put("process", process);
        d.put("jvm", Math.max(0, process - threads));
        return d;
    }

    private static String role(String name) {
        if (name.startsWith("qmeter-io") || name.contains("epoll") || name.contains("nio")) {
            return "eventloop";
        }
        if (name.startsWith("qmeter-dispatcher")) {
            return "dispatcher";
        }
        if (name.startsWith("qmeter-llm-timer")) {
            return "timer";
        }
        return "other";
    }
}
