package io.qmeter.search;

import java.time.Duration;

/**
 * What the search asks a {@link Probe} to run.
 *
 * <pre>{@code
 * ProbeRequest r = new ProbeRequest(8.0, 200, 42L, 0);
 * Duration planned = r.plannedDuration(); // 25 s of arrivals
 * }</pre>
 *
 * @param ratePerSecond mean arrival rate in requests per second; {@code +Infinity} asks for a
 *                      burst (every request at once) to measure the maximum throughput
 * @param requestCount  how many requests the probe sends, at least 1
 * @param seed          seed for the probe's arrivals and prompts
 * @param attempt       0 for the first probe at this rate, 1, 2… for repeats of an undecided one
 */
public record ProbeRequest(double ratePerSecond, int requestCount, long seed, int attempt) {

    /** Validates the request. */
    public ProbeRequest {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("ratePerSecond must be > 0, was " + ratePerSecond);
        }
        if (requestCount < 1) {
            throw new IllegalArgumentException("requestCount must be >= 1, was " + requestCount);
        }
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, was " + attempt);
        }
    }

    /**
     * Whether this is a maximum-throughput burst rather than a paced run.
     *
     * @return true when the rate is infinite
     */
    public boolean isBurst() {
        return Double.isInfinite(ratePerSecond);
    }

    /**
     * How long the arrivals take at this rate: {@code requestCount / ratePerSecond}.
     *
     * @return the planned arrival span; zero for a burst
     */
    public Duration plannedDuration() {
        return isBurst() ? Duration.ZERO : Duration.ofNanos(Math.round(requestCount / ratePerSecond * 1e9));
    }
}
