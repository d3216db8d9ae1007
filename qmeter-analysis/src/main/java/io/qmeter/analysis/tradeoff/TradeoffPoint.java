package io.qmeter.analysis.tradeoff;

import io.qmeter.analysis.profile.ConfigProfile;

import java.util.Locale;
import java.util.Objects;

/**
 * One configuration on the three trade-off axes at one load: latency and J/token (lower is
 * better), quality (higher is better).
 *
 * <pre>{@code
 * boolean d = a.dominates(b, 0.0);
 * }</pre>
 *
 * @param profile        the configuration
 * @param latencyMillis  P90 TTFT or TPOT at the load, ms
 * @param joulesPerToken J/token at the load
 * @param quality        quality on the task, 0–100
 */
public record TradeoffPoint(ConfigProfile profile, double latencyMillis, double joulesPerToken, double quality) {

    /** Validates the fields. */
    public TradeoffPoint {
        Objects.requireNonNull(profile, "profile");
        if (Double.isNaN(latencyMillis) || Double.isNaN(joulesPerToken) || Double.isNaN(quality)) {
            throw new IllegalArgumentException("a trade-off point needs latency, J/token and quality, got "
                    + latencyMillis + " / " + joulesPerToken + " / " + quality + " for " + profile.key().label());
        }
    }

    /**
     * Whether this point dominates another: no worse on every axis and better on at least one.
     * A tolerance lets "no worse" include small penalties (the seed's "negligible energy overhead"):
     * latency and J/token may be up to {@code tolerance} (a fraction) higher and quality that
     * fraction lower than the other's.
     *
     * @param other     the other point
     * @param tolerance relative slack per axis, ≥ 0 (0 = strict Pareto dominance)
     * @return true when this point dominates
     */
    public boolean dominates(TradeoffPoint other, double tolerance) {
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("tolerance must be >= 0, was " + tolerance);
        }
        boolean noWorse = latencyMillis <= other.latencyMillis * (1 + tolerance)
                && joulesPerToken <= other.joulesPerToken * (1 + tolerance)
                && quality >= other.quality * (1 - tolerance);
        boolean better = latencyMillis < other.latencyMillis || joulesPerToken < other.joulesPerToken
                || quality > other.quality;
        return noWorse && better;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%-28s %9.1f ms %7.3f J/tok  quality %5.1f", profile.key().shortLabel(),
                latencyMillis, joulesPerToken, quality);
    }
}
