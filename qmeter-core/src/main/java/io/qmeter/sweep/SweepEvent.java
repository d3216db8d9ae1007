package io.qmeter.sweep;

import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link SweepCoordinator} reports while it runs a plan, in order per configuration: the plan
 * starts, each configuration starts, each probe of its saturation search ends, the search ends, each
 * run ends, failures happen (with the engine's log tail), and the plan ends.
 *
 * <pre>{@code
 * ProgressListener l = e -> {
 *     if (e instanceof SweepEvent.RunDone d) System.out.println(d.key() + " " + d.status());
 * };
 * }</pre>
 */
public sealed interface SweepEvent {

    /**
     * The plan's id.
     *
     * @return the id
     */
    String planId();

    /**
     * The plan starts.
     *
     * @param planId          the plan
     * @param totalPoints     points in the plan
     * @param alreadyStored   points found in the store (skipped: resume)
     * @param configurations  configurations in the plan
     * @param parallelism     how many configurations may run at once
     */
    record PlanStarted(String planId, int totalPoints, int alreadyStored, int configurations, int parallelism)
            implements SweepEvent {
    }

    /**
     * A configuration starts (its engine is being launched).
     *
     * @param planId          the plan
     * @param configurationId the configuration
     * @param settings        its engine settings
     * @param pendingPoints   points still to run
     * @param storedPoints    points skipped because they are stored
     */
    record ConfigurationStarted(String planId, String configurationId, EngineSettings settings, int pendingPoints,
                                int storedPoints) implements SweepEvent {
    }

    /**
     * One probe of a saturation search ended.
     *
     * @param planId          the plan
     * @param configurationId the configuration
     * @param index           the probe's position in the search, from 0
     * @param purpose         why it ran (burst, bracket, bisect, repeat)
     * @param ratePerSecond   the probed rate ({@code Infinity} for a burst)
     * @param requests        requests sent
     * @param verdict         PASS, FAIL, or a text for a burst or an error
     * @param elapsed         wall time of the probe
     */
    record ProbeDone(String planId, String configurationId, int index, String purpose, double ratePerSecond,
                     int requests, String verdict, Duration elapsed) implements SweepEvent {
    }

    /**
     * A configuration's saturation search ended (or its stored result was reused).
     *
     * @param planId          the plan
     * @param configurationId the configuration
     * @param saturationRate  the saturation point in req/s, NaN when none was found
     * @param stopReason      why the search stopped ({@code STORED} when reused)
     * @param probes          probes run
     * @param detail          the search's explanation
     */
    record SearchDone(String planId, String configurationId, double saturationRate, String stopReason, int probes,
                      String detail) implements SweepEvent {
    }

    /**
     * A point was stored.
     *
     * @param planId   the plan
     * @param key      the point's key
     * @param status   OK, INVALID or FAILED
     * @param cause    why it is not OK, or {@code null}
     * @param attempts attempts it took (restarts included)
     * @param elapsed  wall time of all attempts
     */
    record RunDone(String planId, RunKey key, RunStatus status, String cause, int attempts, Duration elapsed)
            implements SweepEvent {

        /** Validates. */
        public RunDone {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(status, "status");
        }
    }

    /**
     * Something failed: the engine died or hung, did not start, or a run could not complete.
     *
     * @param planId          the plan
     * @param configurationId the configuration
     * @param key             the point being run, or {@code null} (start, search)
     * @param cause           what happened
     * @param logTail         the engine's last log lines
     * @param willRetry       whether the coordinator restarts the engine and tries again
     */
    record Failure(String planId, String configurationId, RunKey key, String cause, List<String> logTail,
                   boolean willRetry) implements SweepEvent {

        /** Copies the log tail. */
        public Failure {
            logTail = List.copyOf(logTail);
        }
    }

    /**
     * The plan ended (completed or cancelled).
     *
     * @param planId the plan
     * @param report what was done
     */
    record PlanDone(String planId, SweepReport report) implements SweepEvent {
    }
}
