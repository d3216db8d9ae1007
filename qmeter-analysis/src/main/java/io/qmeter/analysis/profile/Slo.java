package io.qmeter.analysis.profile;

import java.time.Duration;
import java.util.Objects;

/**
 * A service-level objective for one request type: P90 TTFT, P90 TPOT and a minimum quality score
 * (0–100, the scale of {@link io.qmeter.quality.QualityScore}).
 *
 * <pre>{@code
 * Slo chatS = Slo.of(Duration.ofSeconds(1), Duration.ofMillis(200), 55);   // the seed's chat-S SLO
 * }</pre>
 *
 * @param ttftP90    P90 TTFT limit, &gt; 0
 * @param tpotP90    P90 TPOT limit, &gt; 0
 * @param minQuality lowest acceptable quality score, 0–100 (0 = no quality SLO)
 */
public record Slo(Duration ttftP90, Duration tpotP90, double minQuality) {

    /** Validates the fields. */
    public Slo {
        Objects.requireNonNull(ttftP90, "ttftP90");
        Objects.requireNonNull(tpotP90, "tpotP90");
        if (ttftP90.isNegative() || ttftP90.isZero() || tpotP90.isNegative() || tpotP90.isZero()) {
            throw new IllegalArgumentException("TTFT and TPOT limits must be > 0, were " + ttftP90 + " / " + tpotP90);
        }
        if (!(minQuality >= 0 && minQuality <= 100)) {
            throw new IllegalArgumentException("minQuality must be in [0, 100], was " + minQuality);
        }
    }

    /**
     * An SLO.
     *
     * @param ttftP90    P90 TTFT limit
     * @param tpotP90    P90 TPOT limit
     * @param minQuality lowest acceptable quality, 0–100
     * @return the SLO
     */
    public static Slo of(Duration ttftP90, Duration tpotP90, double minQuality) {
        return new Slo(ttftP90, tpotP90, minQuality);
    }

    /**
     * A copy with another quality floor.
     *
     * @param value 0–100
     * @return a copy
     */
    public Slo withMinQuality(double value) {
        return new Slo(ttftP90, tpotP90, value);
    }

    /**
     * P90 TTFT limit in milliseconds.
     *
     * @return ms
     */
    public double ttftMillis() {
        return ttftP90.toNanos() / 1e6;
    }

    /**
     * P90 TPOT limit in milliseconds.
     *
     * @return ms
     */
    public double tpotMillis() {
        return tpotP90.toNanos() / 1e6;
    }

    /**
     * Whether a load point meets the latency part of this SLO.
     *
     * @param p the point
     * @return true when both P90s are within limits
     */
    public boolean latencyMet(LoadPoint p) {
        return p.ttftP90Millis() <= ttftMillis() && p.tpotP90Millis() <= tpotMillis();
    }
}
