package io.qmeter.sweep;

import io.qmeter.store.RunKey;
import java.util.Objects;
import java.util.Optional;

/**
 * One quality step of one configuration, as {@link Plan#qualityPoints()} expands a plan: the key it
 * is stored under ({@code plan/configuration/<step label>/0}), the configuration and the step.
 *
 * <pre>{@code
 * for (QualityPoint q : plan.qualityPoints()) System.out.println(q.key() + " " + q.step().benchmark());
 * }</pre>
 *
 * @param key           the key of the stored score
 * @param configuration the configuration scored
 * @param step          the step
 * @param background    the background load the benchmark is scored under (one of the step's
 *                      {@link QualityStep#underLoad()}), empty for the score on the idle engine
 */
public record QualityPoint(RunKey key, EngineSettings configuration, QualityStep step,
                           Optional<RatePoint> background) {

    /** Validates. */
    public QualityPoint {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(step, "step");
        background = background == null ? Optional.empty() : background;
    }

    /**
     * The point of a score on the idle engine.
     *
     * @param key           the key of the stored score
     * @param configuration the configuration scored
     * @param step          the step
     */
    public QualityPoint(RunKey key, EngineSettings configuration, QualityStep step) {
        this(key, configuration, step, Optional.empty());
    }

    /**
     * The key of the same step's score on the idle engine (this key for an idle point): a loaded
     * score's answers are compared with it.
     *
     * @return {@code plan/configuration/<step label>/0}
     */
    public RunKey idleKey() {
        return new RunKey(key.planId(), key.configurationId(), step.label(), 0);
    }
}
