package io.qmeter.sweep;

import io.qmeter.store.RunKey;
import java.util.Objects;

/**
 * One run of an expanded plan: a configuration at a rate, one repetition, with its stable key and
 * its own seed (derived from the plan's seed and the key, so it does not change when other points
 * are added).
 *
 * <pre>{@code
 * for (PlanPoint p : plan.points()) {
 *     if (!store.contains(p.key())) run(p.configuration(), p.rate().resolve(saturation), p.seed());
 * }
 * }</pre>
 *
 * @param key           (plan id, configuration id, rate label, repetition)
 * @param configuration the engine settings
 * @param rate          the rate
 * @param repetition    the repetition, from 0
 * @param seed          the run's seed
 */
public record PlanPoint(RunKey key, EngineSettings configuration, RatePoint rate, int repetition, long seed) {

    /** Validates the point. */
    public PlanPoint {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(rate, "rate");
        if (repetition < 0) {
            throw new IllegalArgumentException("repetition must be >= 0, was " + repetition);
        }
    }
}
