package io.qmeter.analysis.tradeoff;

import io.qmeter.analysis.profile.LoadPoint;

/**
 * The latency axis of a trade-off: P90 TTFT or P90 TPOT.
 *
 * <pre>{@code
 * double ms = LatencyMetric.TTFT.of(point);
 * }</pre>
 */
public enum LatencyMetric {
    /** P90 time to first token. */
    TTFT,
    /** P90 time per output token. */
    TPOT;

    /**
     * This metric of a load point.
     *
     * @param p the point
     * @return milliseconds
     */
    public double of(LoadPoint p) {
        return this == TTFT ? p.ttftP90Millis() : p.tpotP90Millis();
    }
}
