package io.qmeter.engines.process;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The supervised processes still running, killed by one JVM shutdown hook so that no engine
 * outlives the JVM that started it (a test run, a sweep stopped with Ctrl-C).
 */
final class Reaper {

    /** How long the shutdown hook lets each tree terminate before killing it. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

    private static final Set<SupervisedProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile boolean hooked;

    private Reaper() {
    }

    static void register(SupervisedProcess p) {
        hook();
        LIVE.add(p);
    }

    static void unregister(SupervisedProcess p) {
        LIVE.remove(p);
    }

    private static void hook() {
        if (hooked) {
            return;
        }
        synchronized (Reaper.class) {
            if (!hooked) {
                Runtime.getRuntime().addShutdownHook(new Thread(Reaper::reapAll, "qmeter-engine-reaper"));
                hooked = true;
            }
        }
    }

    private static void reapAll() {
        SupervisedProcess[] all = LIVE.toArray(SupervisedProcess[]::new);
        for (SupervisedProcess p : all) {
            try {
                p.terminateQuietly();
            } catch (RuntimeException e) {
                // the JVM is exiting: go on with the next one
            }
        }
        long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        for (SupervisedProcess p : all) {
            p.waitFor(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        for (SupervisedProcess p : all) {
            try {
                p.stop(Duration.ZERO);
            } catch (RuntimeException e) {
                // the JVM is exiting: go on with the next one
            }
        }
    }
}
