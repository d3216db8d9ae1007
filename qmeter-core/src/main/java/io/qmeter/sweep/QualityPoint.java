package io.qmeter.sweep;

import io.qmeter.store.RunKey;

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
 */
public record QualityPoint(RunKey key, EngineSettings configuration, QualityStep step) {
}
