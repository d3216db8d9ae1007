package io.qmeter.cluster.slurm;

import io.qmeter.sweep.Placement;
import io.qmeter.sweep.PlacementJob;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.RunHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Placement} seam over Slurm, for a {@link io.qmeter.sweep.SweepCoordinator} that should
 * hand its configurations to Slurm one by one: each {@link #submit} becomes a one-task array for
 * that configuration's plan index, and its handle follows the task through {@code squeue} /
 * {@code sacct}. {@link SlurmExecutor#submit} (one array per resource shape for the whole plan) is
 * the usual way: it lets Slurm, not the coordinator, decide what runs at once. With this
 * placement, set the coordinator's parallelism to how many tasks may queue at once and its
 * independence predicate to {@code (a, b) -> true} (different tasks get different GPUs from Slurm);
 * the coordinator's report then counts nothing itself: read the outcome from the store
 * ({@link io.qmeter.cluster.ClusterProgress}).
 *
 * <pre>{@code
 * SweepCoordinator c = SweepCoordinator.builder(store).parallelism(64)
 *         .placement(() -> new SlurmPlacement(new SlurmExecutor(options), plan, planFile, Duration.ofSeconds(10)))
 *         .build();
 * }</pre>
 */
public final class SlurmPlacement implements Placement {

    private final SlurmExecutor slurm;
    private final Plan plan;
    private final Path planFile;
    private final Duration pollInterval;
    private final Set<Handle> live = ConcurrentHashMap.newKeySet();
    private final Object tick = new Object();
    private volatile boolean closed;

    /**
     * A placement submitting through {@code slurm}.
     *
     * @param slurm        the executor
     * @param plan         the plan the coordinator runs
     * @param planFile     its file on the nodes
     * @param pollInterval how long {@link #awaitChange} waits between polls
     */
    public SlurmPlacement(SlurmExecutor slurm, Plan plan, Path planFile, Duration pollInterval) {
        this.slurm = Objects.requireNonNull(slurm, "slurm");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.planFile = Objects.requireNonNull(planFile, "planFile");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    }

    @Override
    public RunHandle submit(PlacementJob job) {
        if (closed) {
            throw new IllegalStateException("this SlurmPlacement is closed; configuration " + job.configuration().id()
                    + " was not submitted");
        }
        int index = plan.configurations().indexOf(job.configuration());
        if (index < 0 || !plan.id().equals(job.planId())) {
            throw new IllegalArgumentException("configuration " + job.configuration().id() + " of plan " + job.planId()
                    + " is not in plan " + plan.id() + " this placement was made for");
        }
        Plan one = plan;
        SlurmExecutor.ArrayGroup g = new SlurmExecutor.ArrayGroup(job.configuration().gpu(),
                job.configuration().tensorParallel(), List.of(index));
        SlurmExecutor.Submission s = slurm.submitGroups(one, planFile, List.of(g));
        Handle h = new Handle(s, index);
        live.add(h);
        return h;
    }

    @Override
    public void awaitChange(Duration max) throws InterruptedException {
        long ms = Math.max(1, Math.min(max.toMillis(), pollInterval.toMillis()));
        synchronized (tick) {
            tick.wait(ms); // Slurm does not push state: wait out one polling interval
        }
    }

    @Override
    public void close() {
        closed = true;
        live.forEach(Handle::cancel);
    }

    private final class Handle implements RunHandle {
        private final SlurmExecutor.Submission submission;
        private final int index;
        private volatile State state = State.PENDING;
        private volatile Throwable failure;

        Handle(SlurmExecutor.Submission submission, int index) {
            this.submission = submission;
            this.index = index;
        }

        @Override
        public State poll() {
            if (state.isTerminal()) {
                return state;
            }
            Map<Integer, TaskState> m = slurm.states(submission);
            TaskState t = m.getOrDefault(index, TaskState.ENDED);
            state = switch (t) {
                case PENDING -> State.PENDING;
                case RUNNING -> State.RUNNING;
                case COMPLETED, ENDED -> State.DONE;
                case CANCELLED -> State.CANCELLED;
                default -> {
                    failure = new SlurmException("Slurm task " + submission.taskId(index) + " ended " + t);
                    yield State.FAILED;
                }
            };
            if (state.isTerminal()) {
                live.remove(this);
            }
            return state;
        }

        @Override
        public Optional<Throwable> failure() {
            return Optional.ofNullable(failure);
        }

        @Override
        public void cancel() {
            if (!state.isTerminal()) {
                slurm.cancel(submission);
            }
        }
    }
}
