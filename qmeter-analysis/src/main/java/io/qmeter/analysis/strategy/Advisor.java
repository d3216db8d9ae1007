package io.qmeter.analysis.strategy;

import io.qmeter.analysis.profile.ConfigProfile;
import io.qmeter.analysis.profile.ProfileSet;
import io.qmeter.analysis.profile.Slo;
import io.qmeter.analysis.provision.Deployment;
import io.qmeter.analysis.provision.Provisioner;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The configuration advisor: per pool and per load band, the least-J/token (model, method, GPU,
 * TP, DP) whose quality on the pool's task meets the quality SLO and whose instances, at their
 * share of the band's top rate, meet the latency SLO on their measured points. Candidates are
 * every profile of the pool's workload (every model size in the set, not only the pool's).
 *
 * <p>Load bands are geometric: band k covers (b·(1+w)^(k−1), b·(1+w)^k] with b = 1 req/s and
 * width w (default 10 %). A rate is planned at its band's top, so the deployment stays put while
 * the load moves within the band and has the instances for all of it; it is re-planned when the
 * load crosses into another band. Every returned deployment meets every SLO on the given profiles
 * (its per-instance rate is at most the configuration's x_s under the SLO, and its quality at least
 * the floor); when none does, nothing is returned.
 *
 * <pre>{@code
 * Advisor a = Advisor.of(profiles);
 * Optional<Deployment> d = a.choose(type, 80.0, profiles);
 * List<PlanStep> plan = a.plan("chat", "chat-s", slo, curve);
 * }</pre>
 */
public final class Advisor implements Strategy {

    private final ProfileSet profiles;
    private final double bandWidth;
    private final boolean poolModelOnly;

    private Advisor(ProfileSet profiles, double bandWidth, boolean poolModelOnly) {
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.bandWidth = bandWidth;
        this.poolModelOnly = poolModelOnly;
    }

    /**
     * An advisor over a set of profiles, 10 % load bands.
     *
     * @param profiles the profiles
     * @return the advisor
     */
    public static Advisor of(ProfileSet profiles) {
        return new Advisor(profiles, 0.10, false);
    }

    /**
     * A copy with another band width.
     *
     * @param fraction relative width of a load band, &gt; 0 (e.g. 0.1)
     * @return a copy
     */
    public Advisor withBandWidth(double fraction) {
        if (!(fraction > 0) || Double.isInfinite(fraction)) {
            throw new IllegalArgumentException("band width must be a finite fraction > 0, was " + fraction);
        }
        return new Advisor(profiles, fraction, poolModelOnly);
    }

    /**
     * A copy that, as a {@link Strategy}, keeps to each pool's own model (choosing method, GPU, TP
     * and DP only), to separate what the model size adds from what the rest does.
     *
     * @param value true to keep to the pool's model
     * @return a copy
     */
    public Advisor withPoolModelOnly(boolean value) {
        return new Advisor(profiles, bandWidth, value);
    }

    @Override
    public String name() {
        return poolModelOnly ? "Advisor (pool's model)" : "Advisor";
    }

    /**
     * The top of the load band a rate falls in.
     *
     * @param rate req/s, &gt; 0
     * @return the band's top, ≥ rate
     */
    public double bandTop(double rate) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be > 0, was " + rate);
        }
        double k = Math.ceil(Math.log(rate) / Math.log1p(bandWidth) - 1e-9);
        return Math.max(rate, Math.pow(1 + bandWidth, k));
    }

    /**
     * The advisor's choice for a pool at a rate, from the profiles it was made with (the
     * {@code profiles} argument of the {@link Strategy} interface is not used).
     *
     * @param type     the pool
     * @param rate     req/s
     * @param ignored  not used
     * @return the deployment carrying {@code rate}, or empty when no configuration meets every SLO
     */
    @Override
    public Optional<Deployment> choose(RequestType type, double rate, ProfileSet ignored) {
        return choose(type.workload(), type.task(), type.slo(), rate, poolModelOnly ? type.model() : null);
    }

    /**
     * The least-energy deployment meeting every SLO for a workload and task at a rate (planned at
     * the rate's band top, carrying the rate itself).
     *
     * @param workload the workload the profiles were measured with
     * @param task     the quality task
     * @param slo      the SLO, quality included
     * @param rate     req/s
     * @return the deployment, or empty when none meets every SLO
     */
    public Optional<Deployment> choose(String workload, String task, Slo slo, double rate) {
        return choose(workload, task, slo, rate, null);
    }

    private Optional<Deployment> choose(String workload, String task, Slo slo, double rate, String model) {
        double top = bandTop(rate);
        Optional<Deployment> best = Optional.empty();
        for (ConfigProfile p : profiles.forWorkload(workload).profiles()) {
            if (model != null && !p.key().model().equals(model)) {
                continue;
            }
            if (p.quality(task).orElse(-1) < slo.minQuality()) {
                continue;
            }
            double xs = p.saturationUnder(slo);
            if (xs <= 0) {
                continue;
            }
            Deployment d = Provisioner.provision(p, xs, top);
            if (best.isEmpty() || Provisioner.ORDER.compare(d, best.get()) < 0) {
                best = Optional.of(d);
            }
        }
        return best.map(d -> d.withTotalRate(rate));
    }

    /**
     * What the advisor would run over a user's traffic curve: one step per curve point, re-planned
     * when the load crosses a band.
     *
     * @param workload the workload (request lengths) of the user's traffic, as profiled
     * @param task     the quality task
     * @param slo      the SLOs
     * @param curve    rate over time
     * @return the plan, one step per curve point
     * @throws IllegalArgumentException when some rate cannot be served within every SLO
     */
    public List<PlanStep> plan(String workload, String task, Slo slo, List<TrafficPoint> curve) {
        List<PlanStep> out = new ArrayList<>();
        Deployment prev = null;
        for (TrafficPoint t : curve) {
            Deployment d = choose(workload, task, slo, t.ratePerSecond()).orElseThrow(() -> new IllegalArgumentException(
                    "no profiled configuration of workload '" + workload + "' meets " + slo + " with quality on '" + task
                            + "' at " + t.ratePerSecond() + " req/s; relax the SLO or profile more configurations"));
            boolean changed = prev == null || !prev.profile().key().equals(d.profile().key())
                    || prev.instances() != d.instances();
            out.add(new PlanStep(t.at(), t.ratePerSecond(), d, changed));
            prev = d;
        }
        return out;
    }
}
