package io.qmeter.sweep;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which configuration of a running plan holds which GPUs (the CUDA indices its engine reports), so
 * that two configurations never run on one GPU at once: their energy windows and idle baselines
 * would include each other's work, and their latencies each other's load.
 */
final class GpuLedger {

    private final Map<Integer, String> holder = new HashMap<>();
    private final Map<Integer, Long> disturbances = new HashMap<>();

    /**
     * Claims {@code gpus} for {@code cid}, all or none.
     *
     * @return empty when claimed; else the configuration holding one of them
     */
    synchronized Optional<String> tryClaim(String cid, List<Integer> gpus) {
        for (int g : gpus) {
            String h = holder.get(g);
            if (h != null && !h.equals(cid)) {
                // the refused engine already ran on the holder's GPUs for a moment
                gpus.forEach(x -> disturbances.merge(x, 1L, Long::sum));
                return Optional.of(h + " (GPU " + g + ")");
            }
        }
        for (int g : gpus) {
            holder.put(g, cid);
        }
        return Optional.empty();
    }

    /** Releases every GPU {@code cid} holds and wakes the waiters. */
    synchronized void release(String cid) {
        if (holder.values().removeIf(cid::equals)) {
            notifyAll();
        }
    }

    /**
     * Waits up to {@code max} until none of {@code gpus} is held by another configuration.
     *
     * @return whether they are free now
     */
    synchronized boolean awaitFree(String cid, List<Integer> gpus, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            boolean free = gpus.stream().map(holder::get).allMatch(h -> h == null || h.equals(cid));
            long left = deadline - System.nanoTime();
            if (free || left <= 0) {
                return free;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * How often an engine of another configuration was started on any of {@code gpus} and then
     * stopped because they were held; a measurement over them is disturbed when this changed.
     */
    synchronized long disturbances(List<Integer> gpus) {
        return gpus.stream().mapToLong(g -> disturbances.getOrDefault(g, 0L)).sum();
    }

    /** The GPUs held now, for messages. */
    synchronized Set<Integer> held() {
        return new TreeSet<>(holder.keySet());
    }
}
