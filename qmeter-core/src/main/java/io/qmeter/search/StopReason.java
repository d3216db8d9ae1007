package io.qmeter.search;

/**
 * Why a saturation search stopped.
 *
 * <pre>{@code
 * if (result.stopReason() != StopReason.CONVERGED) log.warn("search incomplete: {}", result.detail());
 * }</pre>
 */
public enum StopReason {
    /** The passing and failing rates are within the relative tolerance. */
    CONVERGED,
    /** Even the minimum rate fails the SLO; there is no saturation point above it. */
    NO_PASSING_RATE,
    /** The maximum rate still passes; the saturation point is at least that high. */
    MAX_RATE_PASSES,
    /** The probe budget was spent before converging; the bracket so far is reported. */
    PROBE_BUDGET_EXHAUSTED,
    /** The time budget (wall clock or planned load time) would be exceeded by the next probe. */
    TIME_BUDGET_EXHAUSTED,
    /** A probe threw; its cause is in the probe list and the detail. */
    PROBE_ERROR
}
