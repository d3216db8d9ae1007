package io.qmeter.analysis.strategy;

import io.qmeter.analysis.provision.Deployment;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What the advisor runs from one point of a traffic curve on.
 *
 * <pre>{@code
 * plan.forEach(s -> System.out.println(s));
 * }</pre>
 *
 * @param at         offset from the curve's start
 * @param rate       the rate, req/s
 * @param deployment the chosen deployment
 * @param replanned  true when the configuration or instance count changed at this point
 */
public record PlanStep(Duration at, double rate, Deployment deployment, boolean replanned) {

    /** Validates the fields. */
    public PlanStep {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(deployment, "deployment");
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%6s %7.1f req/s %s %s", at.toString().substring(2).toLowerCase(Locale.ROOT),
                rate, replanned ? "*" : " ", deployment);
    }
}
