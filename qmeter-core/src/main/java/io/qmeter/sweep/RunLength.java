package io.qmeter.sweep;

import java.time.Duration;

/**
 * How long each run lasts: a number of requests or a duration of arrivals, with an optional
 * warm-up (requests sent first and not measured).
 *
 * <pre>{@code
 * RunLength.requests(500);
 * RunLength.duration(Duration.ofMinutes(2)).withWarmupRequests(20);
 * }</pre>
 *
 * @param requests       measured requests per run, or 0 when the run is timed
 * @param duration       arrival time per run, or {@code null} when the run counts requests
 * @param warmupRequests requests sent first and not measured, &gt;= 0
 */
public record RunLength(int requests, Duration duration, int warmupRequests) {

    /** Validates that exactly one of requests and duration is set. */
    public RunLength {
        if ((requests > 0) == (duration != null)) {
            throw new IllegalArgumentException("runLength: expected exactly one of requests (> 0) and duration, was "
                    + "requests=" + requests + ", duration=" + duration);
        }
        if (requests < 0) {
            throw new IllegalArgumentException("runLength.requests: expected >= 1, was " + requests);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("runLength.duration: expected > 0, was " + duration);
        }
        if (warmupRequests < 0) {
            throw new IllegalArgumentException("runLength.warmupRequests: expected >= 0, was " + warmupRequests);
        }
    }

    /**
     * Runs of a fixed number of requests.
     *
     * @param count measured requests
     * @return the length
     */
    public static RunLength requests(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("runLength.requests: expected >= 1, was " + count);
        }
        return new RunLength(count, null, 0);
    }

    /**
     * Runs of a fixed arrival time.
     *
     * @param d the duration
     * @return the length
     */
    public static RunLength duration(Duration d) {
        return new RunLength(0, java.util.Objects.requireNonNull(d, "duration"), 0);
    }

    /**
     * A copy with a warm-up.
     *
     * @param count warm-up requests
     * @return the copy
     */
    public RunLength withWarmupRequests(int count) {
        return new RunLength(requests, duration, count);
    }

    /**
     * Whether the run is timed rather than counted.
     *
     * @return true when a duration is set
     */
    public boolean isTimed() {
        return duration != null;
    }
}
