package io.qmeter.analysis.tradeoff;

import java.util.Locale;
import java.util.Objects;

/**
 * A candidate (a quantized larger model) that dominates a baseline (a smaller FP16 model), with
 * the margin on each axis: positive means the candidate is better.
 *
 * <pre>{@code
 * double pct = 100 * d.energyMargin();   // J/token saved, % of the baseline's
 * }</pre>
 *
 * @param candidate the dominating point
 * @param baseline  the dominated point
 */
public record Dominance(TradeoffPoint candidate, TradeoffPoint baseline) {

    /** Validates the fields. */
    public Dominance {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(baseline, "baseline");
    }

    /**
     * Latency saved, as a fraction of the baseline's.
     *
     * @return (baseline − candidate) / baseline
     */
    public double latencyMargin() {
        return (baseline.latencyMillis() - candidate.latencyMillis()) / baseline.latencyMillis();
    }

    /**
     * J/token saved, as a fraction of the baseline's.
     *
     * @return (baseline − candidate) / baseline
     */
    public double energyMargin() {
        return (baseline.joulesPerToken() - candidate.joulesPerToken()) / baseline.joulesPerToken();
    }

    /**
     * Quality gained, in points (0–100 scale).
     *
     * @return candidate − baseline
     */
    public double qualityMargin() {
        return candidate.quality() - baseline.quality();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s over %s: latency %+.1f %%, J/token %+.1f %%, quality %+.1f points",
                candidate.profile().key().shortLabel(), baseline.profile().key().shortLabel(), -100 * latencyMargin(),
                -100 * energyMargin(), qualityMargin());
    }
}
