package io.qmeter.analysis.strategy;

import io.qmeter.analysis.profile.ProfileSet;
import io.qmeter.analysis.provision.Deployment;

import java.util.Optional;

/**
 * Picks a deployment for one pool at one rate.
 *
 * <pre>{@code
 * Optional<Deployment> d = Strategies.fp16Only().choose(type, 80.0, profiles);
 * }</pre>
 */
public interface Strategy {

    /**
     * The strategy's name (a table row).
     *
     * @return the name
     */
    String name();

    /**
     * The deployment for a pool at a rate.
     *
     * @param type     the pool's request type
     * @param rate     its current rate, req/s, &gt; 0
     * @param profiles the profiles to choose from
     * @return the deployment, or empty when nothing can serve the rate within the latency SLO
     */
    Optional<Deployment> choose(RequestType type, double rate, ProfileSet profiles);
}
