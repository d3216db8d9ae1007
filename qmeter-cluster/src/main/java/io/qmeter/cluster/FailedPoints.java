package io.qmeter.cluster;

/**
 * What a resubmitted plan does with points stored as failed.
 *
 * <pre>{@code
 * RunPoint.Options o = RunPoint.Options.of(planFile, 3, url).withFailedPoints(FailedPoints.RETRY);
 * }</pre>
 */
public enum FailedPoints {
    /** A failed point is stored, so it is skipped like an OK one (the sweep coordinator's behaviour). */
    SKIP,
    /** A failed point counts as missing and is run again; its new result replaces the failed one. */
    RETRY
}
