package io.qmeter.sweep;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one {@link SweepCoordinator#run(Plan)} did: points found stored (skipped), stored now by
 * status, whether it was cancelled, and each configuration's saturation point.
 *
 * <pre>{@code
 * SweepReport r = coordinator.run(plan);
 * System.out.println(r.ok() + " ok, " + r.failed() + " failed, " + r.skipped() + " resumed");
 * }</pre>
 *
 * @param planId         the plan
 * @param totalPoints    points in the plan, quality steps included
 * @param skipped        points (and quality steps) already stored before this run
 * @param ok             points stored now as OK
 * @param invalid        points stored now as INVALID
 * @param failed         points stored now as FAILED
 * @param cancelled      whether the run was cancelled (points neither skipped nor stored are left to a re-run)
 * @param configurations per configuration: its saturation point and search summary
 * @param elapsed        wall time
 */
public record SweepReport(String planId, int totalPoints, int skipped, int ok, int invalid, int failed,
                          boolean cancelled, List<ConfigurationOutcome> configurations, Duration elapsed) {

    /** Copies the list. */
    public SweepReport {
        Objects.requireNonNull(planId, "planId");
        configurations = List.copyOf(configurations);
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /**
     * Points neither stored before nor now (cancelled, or never reached).
     *
     * @return the count
     */
    public int remaining() {
        return totalPoints - skipped - ok - invalid - failed;
    }

    /**
     * One configuration's outcome.
     *
     * @param configurationId the configuration
     * @param settings        its engine settings
     * @param saturationRate  the saturation point, req/s, NaN when not searched or not found
     * @param searchDetail    the search's stop reason and explanation (empty when not searched)
     * @param probes          probes the search ran (0 when reused from the store)
     * @param idleWatts       the idle baseline measured, NaN without a sensor
     * @param restarts        engine restarts after failures
     */
    public record ConfigurationOutcome(String configurationId, EngineSettings settings, double saturationRate,
                                       String searchDetail, int probes, double idleWatts, int restarts) {
    }
}
