package io.qmeter.analysis.strategy;

import io.qmeter.analysis.profile.ConfigProfile;
import io.qmeter.analysis.profile.ProfileSet;
import io.qmeter.analysis.provision.Deployment;
import io.qmeter.analysis.provision.Provisioner;

import java.util.Comparator;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The seed's three strategies (§8.3), each on the pool's fixed model and re-applied at every step:
 * <ul>
 * <li><b>FP16-Only</b>: FP16; for every (GPU, TP) the DP that meets the latency SLO
 *     (⌈x / x_s⌉); the least-J/token (GPU, DP, TP).</li>
 * <li><b>Quality-First</b>: the method with the highest quality on the pool's task (FP16 included,
 *     as the seed words it; {@link #qualityFirst(boolean)} can leave FP16 out), then as FP16-Only.</li>
 * <li><b>Energy-First</b>: the (method, GPU, TP) with the lowest J/token at its own saturation point
 *     (x_s under the pool's latency SLO), then DP = ⌈x / x_s⌉; quality is not looked at.</li>
 * </ul>
 *
 * <pre>{@code
 * Strategy s = Strategies.energyFirst();
 * }</pre>
 */
public final class Strategies {

    private Strategies() {
    }

    /**
     * FP16-Only.
     *
     * @return the strategy
     */
    public static Strategy fp16Only() {
        return named("FP16-Only", (RequestType type, double rate, ProfileSet profiles) ->
                Provisioner.optimum(pool(type, profiles).filter(p -> p.key().isFp16()), type.slo(), rate));
    }

    /**
     * Quality-First as the seed words it (FP16 is a candidate method).
     *
     * @return the strategy
     */
    public static Strategy qualityFirst() {
        return qualityFirst(false);
    }

    /**
     * Quality-First.
     *
     * @param quantizedOnly true to pick the best-quality <em>quantized</em> method
     * @return the strategy
     */
    public static Strategy qualityFirst(boolean quantizedOnly) {
        String name = quantizedOnly ? "Quality-First (quantized)" : "Quality-First";
        return named(name, (RequestType type, double rate, ProfileSet profiles) -> {
            ProfileSet pool = pool(type, profiles).filter(p -> !quantizedOnly || !p.key().isFp16())
                    .filter(p -> p.saturationUnder(type.slo()) > 0);
            OptionalDouble best = pool.profiles().stream().map(p -> p.quality(type.task()))
                    .filter(OptionalDouble::isPresent).mapToDouble(OptionalDouble::getAsDouble).max();
            if (best.isEmpty()) {
                return Optional.empty();
            }
            double q = best.getAsDouble();
            return Provisioner.optimum(pool.filter(p -> p.quality(type.task()).orElse(-1) >= q - 1e-9), type.slo(),
                    rate);
        });
    }

    /**
     * Energy-First.
     *
     * @return the strategy
     */
    public static Strategy energyFirst() {
        return named("Energy-First", (RequestType type, double rate, ProfileSet profiles) -> {
            Optional<ConfigProfile> best = pool(type, profiles).profiles().stream()
                    .filter(p -> p.saturationUnder(type.slo()) > 0)
                    .min(Comparator.comparingDouble((ConfigProfile p) -> p.at(p.saturationUnder(type.slo()))
                            .joulesPerToken()).thenComparing(p -> p.key().label()));
            return best.map(p -> Provisioner.provision(p, p.saturationUnder(type.slo()), rate));
        });
    }

    /** The profiles of the pool's model and workload. */
    static ProfileSet pool(RequestType type, ProfileSet profiles) {
        return profiles.filter(p -> p.key().workload().equals(type.workload()) && p.key().model().equals(type.model()));
    }

    /** How a strategy chooses: {@link Strategy#choose}. */
    private interface Chooser {
        Optional<Deployment> choose(RequestType type, double rate, ProfileSet profiles);
    }

    /** A strategy with a fixed name choosing with {@code chooser}. */
    private static Strategy named(String name, Chooser chooser) {
        return new Strategy() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<Deployment> choose(RequestType type, double rate, ProfileSet profiles) {
                return chooser.choose(type, rate, profiles);
            }
        };
    }
}
