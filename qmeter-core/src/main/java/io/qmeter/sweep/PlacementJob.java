package io.qmeter.sweep;

import java.util.List;
import java.util.Objects;

/**
 * One configuration of a plan handed to a {@link Placement}: what it is (enough for a remote
 * executor to start {@code qmeter} on another node for it) and how to run it in this JVM.
 *
 * <pre>{@code
 * RunHandle h = placement.submit(new PlacementJob("plan-1", settings, points, () -> task.execute()));
 * }</pre>
 *
 * @param planId        the plan's id
 * @param configuration the configuration to run
 * @param points        its points not stored yet
 * @param inProcess     runs the configuration in this JVM, blocking until it is done
 */
public record PlacementJob(String planId, EngineSettings configuration, List<PlanPoint> points, Runnable inProcess) {

    /** Checks every component is given and copies the points. */
    public PlacementJob {
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(configuration, "configuration");
        points = List.copyOf(points);
        Objects.requireNonNull(inProcess, "inProcess");
    }
}
