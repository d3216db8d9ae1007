package io.qmeter.engines.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops a process and everything it started: SIGTERM to the root and every descendant, a grace
 * period, then SIGKILL to whatever is still alive (descendants found again, since a process may
 * have started new children while shutting down).
 *
 * <p>Descendants are found through {@link ProcessHandle#descendants()}, which only sees processes
 * whose parent is still in the tree: once a parent exits, its children are re-parented and no
 * longer found. Callers that want those too pass the descendants they saw earlier (see
 * {@link SupervisedProcess}, which remembers every descendant it saw while watching).
 *
 * <pre>{@code
 * ProcessTree.kill(process.toHandle(), Set.of(), Duration.ofSeconds(10));
 * }</pre>
 */
public final class ProcessTree {

    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private ProcessTree() {
    }

    /**
     * The root and its descendants alive now.
     *
     * @param root the root process
     * @return the root (first) and its descendants
     */
    public static List<ProcessHandle> snapshot(ProcessHandle root) {
        List<ProcessHandle> out = new ArrayList<>();
        out.add(root);
        root.descendants().forEach(out::add);
        return out;
    }

    /**
     * Stops the tree: SIGTERM, up to {@code grace} for everything to exit, then SIGKILL, then up
     * to five seconds for the kills to take effect.
     *
     * @param root       the root process
     * @param seenBefore descendants seen earlier that may have been re-parented since
     * @param grace      how long to wait after SIGTERM; zero to kill at once
     * @return the processes still alive afterwards (normally none)
     */
    public static List<ProcessHandle> kill(ProcessHandle root, Collection<ProcessHandle> seenBefore, Duration grace) {
        Set<ProcessHandle> all = new LinkedHashSet<>(snapshot(root));
        all.addAll(seenBefore);
        if (!grace.isZero() && !grace.isNegative()) {
            for (ProcessHandle h : all) {
                if (h.isAlive()) {
                    h.destroy();
                }
            }
            awaitExit(all, grace);
        }
        // a second look: children started while terminating, and children of the survivors
        for (ProcessHandle h : List.copyOf(all)) {
            if (h.isAlive()) {
                h.descendants().forEach(all::add);
            }
        }
        for (ProcessHandle h : all) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        awaitExit(all, KILL_WAIT);
        return all.stream().filter(ProcessHandle::isAlive).toList();
    }

    private static void awaitExit(Collection<ProcessHandle> handles, Duration max) {
        List<CompletableFuture<ProcessHandle>> exits = handles.stream().filter(ProcessHandle::isAlive)
                .map(ProcessHandle::onExit).toList();
        if (exits.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // some are still alive; the caller escalates
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
