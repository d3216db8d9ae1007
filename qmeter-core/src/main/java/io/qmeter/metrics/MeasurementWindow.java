package io.qmeter.metrics;

/**
 * The measured part of a run, as offsets of scheduled times from the run's start: requests
 * scheduled in {@code [startNanos, endNanos]} are measured; those before are warm-up, those after
 * cool-down. Excluded requests stay in the raw records.
 *
 * <pre>{@code
 * MeasurementWindow w = new MeasurementWindow(5_000_000_000L, 55_000_000_000L);
 * boolean measured = w.contains(record);
 * }</pre>
 *
 * @param startNanos first measured scheduled offset (the warm-up's length)
 * @param endNanos   last measured scheduled offset (schedule end minus the cool-down)
 */
public record MeasurementWindow(long startNanos, long endNanos) {

    /** Validates the bounds. */
    public MeasurementWindow {
        if (startNanos < 0 || endNanos < startNanos) {
            throw new IllegalArgumentException("window must satisfy 0 <= start <= end, was [" + startNanos + ", "
                    + endNanos + "] ns");
        }
    }

    /**
     * Whether a record (with times relative to the run's start) is measured.
     *
     * @param r the record
     * @return true when its scheduled time lies in the window
     */
    public boolean contains(RequestRecord r) {
        return r.scheduledNanos() >= startNanos && r.scheduledNanos() <= endNanos;
    }

    /**
     * The window's length.
     *
     * @return nanoseconds
     */
    public long lengthNanos() {
        return endNanos - startNanos;
    }
}
