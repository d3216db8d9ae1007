package io.qmeter.analysis.profile;

/**
 * One measured (or simulated) load run of a single instance.
 *
 * <pre>{@code
 * LoadPoint p = new LoadPoint(5.0, 412.5, 31.0, 0.42, 540);
 * }</pre>
 *
 * @param ratePerSecond  the arrival rate, req/s, &gt; 0
 * @param ttftP90Millis  P90 time to first token, ms
 * @param tpotP90Millis  P90 time per output token, ms
 * @param joulesPerToken gross energy of all the instance's GPUs per output token
 * @param watts          mean power of all the instance's GPUs over the run
 */
public record LoadPoint(double ratePerSecond, double ttftP90Millis, double tpotP90Millis, double joulesPerToken,
                        double watts) {

    /** Validates the fields. */
    public LoadPoint {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be a finite number > 0, was " + ratePerSecond);
        }
        if (!(ttftP90Millis >= 0) || !(tpotP90Millis >= 0)) {
            throw new IllegalArgumentException("P90 TTFT and TPOT must be >= 0 ms, were " + ttftP90Millis + " / "
                    + tpotP90Millis);
        }
        if (!(joulesPerToken > 0) || Double.isInfinite(joulesPerToken)) {
            throw new IllegalArgumentException("joulesPerToken must be a finite number > 0, was " + joulesPerToken);
        }
        if (!(watts > 0) || Double.isInfinite(watts)) {
            throw new IllegalArgumentException("watts must be a finite number > 0, was " + watts);
        }
    }

    /**
     * Output tokens per second this run implies (watts ÷ J/token).
     *
     * @return tokens/s
     */
    public double tokensPerSecond() {
        return watts / joulesPerToken;
    }
}
