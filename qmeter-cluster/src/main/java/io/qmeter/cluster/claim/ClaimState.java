package io.qmeter.cluster.claim;

/**
 * Where a claim stands. A claim is free to be taken when it is not {@link #RUNNING}, or when it is
 * running but its lease ran out (its holder stopped renewing it: killed, hung or cut off).
 *
 * <pre>{@code
 * boolean free = claim.state() != ClaimState.RUNNING || claim.leaseUntil().isBefore(now);
 * }</pre>
 */
public enum ClaimState {
    /** Held by its owner while the lease lasts. */
    RUNNING,
    /** Released by its owner after the work ended normally (its points stored, whatever their status). */
    DONE,
    /** Released by its owner after the work ended with an error outside the points' own recording. */
    FAILED
}
