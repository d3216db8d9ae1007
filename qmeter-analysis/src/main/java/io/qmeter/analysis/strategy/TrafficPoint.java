package io.qmeter.analysis.strategy;

import java.time.Duration;
import java.util.Objects;

/**
 * One point of a user's traffic curve: from {@code at} on, requests arrive at this rate.
 *
 * <pre>{@code
 * List<TrafficPoint> day = List.of(new TrafficPoint(Duration.ZERO, 12), new TrafficPoint(Duration.ofHours(9), 40));
 * }</pre>
 *
 * @param at            offset from the curve's start
 * @param ratePerSecond req/s, &gt; 0
 */
public record TrafficPoint(Duration at, double ratePerSecond) {

    /** Validates the fields. */
    public TrafficPoint {
        Objects.requireNonNull(at, "at");
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be finite and > 0, was " + ratePerSecond);
        }
    }
}
