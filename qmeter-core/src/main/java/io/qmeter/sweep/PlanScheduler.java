package io.qmeter.sweep;

import io.qmeter.engine.EngineFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plan scheduling: hands the configurations of a plan to a {@link Placement}, at most
 * {@code parallelism} at once and never two that are not independent (the engine factory's
 * {@link EngineFactory#independent}, the builder's predicate, or different GPUs), and polls their
 * handles until every one has ended. With parallelism 1 the first configuration that throws stops
 * the plan, as a plain loop would; with more, the others finish first. The error is then rethrown.
 */
final class PlanScheduler {

    private final SweepRuntime rt;

    PlanScheduler(SweepRuntime rt) {
        this.rt = rt;
    }

    void runAll(List<ConfigurationTask> tasks, Placement placement) {
        int parallelism = tasks.size() <= 1 ? 1 : rt.cfg.parallelism;
        List<ConfigurationTask> queue = new ArrayList<>(tasks);
        Map<ConfigurationTask, RunHandle> active = new LinkedHashMap<>();
        List<Throwable> errors = new ArrayList<>();
        boolean interrupted = false;
        while (!queue.isEmpty() || !active.isEmpty()) {
            active.entrySet().removeIf(e -> {
                RunHandle.State s = e.getValue().poll();
                if (s == RunHandle.State.FAILED) {
                    errors.add(e.getValue().failure().orElseGet(
                            () -> new IllegalStateException("configuration " + e.getKey().cid() + " failed")));
                }
                return s.isTerminal();
            });
            if (parallelism == 1 && !errors.isEmpty()) {
                break;
            }
            if (rt.isCancelled() || Thread.currentThread().isInterrupted()) {
                rt.cancel();
                queue.clear();
            }
            boolean submitted = false;
            for (int i = 0; i < queue.size() && active.size() < parallelism; i++) {
                ConfigurationTask t = queue.get(i);
                if (active.keySet().stream().allMatch(a -> independent(a.settings(), t.settings()))) {
                    queue.remove(i--);
                    active.put(t, placement.submit(t.job()));
                    submitted = true;
                }
            }
            if (active.isEmpty() || submitted) {
                continue;
            }
            try {
                placement.awaitChange(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                interrupted = true;
                rt.cancel();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!errors.isEmpty()) {
            Throwable first = errors.get(0);
            if (first instanceof Error err) {
                throw err;
            }
            throw (RuntimeException) first;
        }
    }

    private boolean independent(EngineSettings a, EngineSettings b) {
        if (rt.cfg.independence != null) {
            return rt.cfg.independence.test(a, b);
        }
        if (rt.cfg.engines == null && a.engine().equalsIgnoreCase(b.engine())) {
            try {
                return EngineFactory.find(a.engine()).independent(SweepCoordinator.settingsMap(a),
                        SweepCoordinator.settingsMap(b));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return !a.gpu().equals(b.gpu());
    }
}
