package io.qmeter.analysis.provision;

import io.qmeter.analysis.profile.ConfigProfile;
import io.qmeter.analysis.profile.ProfileKey;
import io.qmeter.analysis.profile.ProfileSet;
import io.qmeter.analysis.profile.Slo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Data-parallel provisioning on measured single-instance profiles (the seed's §8.2): a target rate
 * x needs ⌈x / x_s⌉ instances, each carrying x / ⌈x / x_s⌉ ≤ x_s, whose figures are read from the
 * instance's load points by monotone interpolation (never extrapolated past x_s).
 *
 * <pre>{@code
 * Deployment d = Provisioner.provision(profile, slo, 42.0).orElseThrow();
 * Optional<Deployment> best = Provisioner.optimum(set, slo, 42.0);
 * }</pre>
 */
public final class Provisioner {

    private Provisioner() {
    }

    /**
     * The number of instances for a rate: ⌈x / x_s⌉ (a ratio within 1e-9 of an integer counts as it).
     *
     * @param rate           target rate, &gt; 0
     * @param saturationRate single-instance x_s, &gt; 0
     * @return instances, &ge; 1
     */
    public static int instancesFor(double rate, double saturationRate) {
        if (!(rate > 0) || !(saturationRate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate and saturation rate must be finite and > 0, were " + rate + " / "
                    + saturationRate);
        }
        double ratio = rate / saturationRate;
        long n = (long) Math.ceil(ratio - 1e-9 * Math.max(1, ratio));
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("rate " + rate + " needs more than 2^31 instances of x_s " + saturationRate);
        }
        return (int) Math.max(1, n);
    }

    /**
     * Provisions a configuration with a given x_s.
     *
     * @param profile        the configuration
     * @param saturationRate its x_s, at most the highest measured rate
     * @param rate           target rate
     * @return the deployment
     */
    public static Deployment provision(ConfigProfile profile, double saturationRate, double rate) {
        if (saturationRate > profile.maxMeasuredRate() * (1 + 1e-9)) {
            throw new IllegalArgumentException("x_s " + saturationRate + " of " + profile.key().label()
                    + " is above its highest measured rate " + profile.maxMeasuredRate() + "; nothing is extrapolated");
        }
        return new Deployment(profile, saturationRate, instancesFor(rate, saturationRate), rate);
    }

    /**
     * Provisions a configuration under a latency SLO (x_s = {@link ConfigProfile#saturationUnder(Slo)}).
     *
     * @param profile the configuration
     * @param slo     the SLO (its quality floor is not checked here)
     * @param rate    target rate
     * @return the deployment, or empty when no measured rate meets the SLO
     */
    public static Optional<Deployment> provision(ConfigProfile profile, Slo slo, double rate) {
        double xs = profile.saturationUnder(slo);
        return xs > 0 ? Optional.of(provision(profile, xs, rate)) : Optional.empty();
    }

    /**
     * The least-J/token deployment over a set (ties: fewer GPUs, then the key's label).
     *
     * @param set  the candidate configurations
     * @param slo  the latency SLO
     * @param rate target rate
     * @return the optimum, or empty when no configuration meets the SLO
     */
    public static Optional<Deployment> optimum(ProfileSet set, Slo slo, double rate) {
        return set.profiles().stream().map(p -> provision(p, slo, rate)).flatMap(Optional::stream)
                .min(ORDER);
    }

    /** Least J/token, then fewest GPUs, then label. */
    public static final Comparator<Deployment> ORDER = Comparator.comparingDouble(Deployment::joulesPerToken)
            .thenComparingInt(Deployment::gpus).thenComparing(d -> d.profile().key().label());

    /**
     * A geometric grid of rates from {@code from} to {@code to}.
     *
     * @param from  first rate, &gt; 0
     * @param to    last rate, &ge; from
     * @param count points, &ge; 2
     * @return the rates
     */
    public static double[] rates(double from, double to, int count) {
        if (!(from > 0) || !(to >= from) || count < 2) {
            throw new IllegalArgumentException("need 0 < from <= to and count >= 2, got " + from + ", " + to + ", " + count);
        }
        double[] r = new double[count];
        for (int i = 0; i < count; i++) {
            r[i] = from * Math.pow(to / from, i / (double) (count - 1));
        }
        return r;
    }

    /**
     * The plot-ready table: J/token of every configuration (with its DP) at every rate.
     *
     * @param set   the configurations
     * @param slo   the latency SLO
     * @param rates the target rates
     * @return the table
     */
    public static EnergyTable table(ProfileSet set, Slo slo, double[] rates) {
        Map<ProfileKey, double[]> jpt = new LinkedHashMap<>();
        Map<ProfileKey, int[]> gpus = new LinkedHashMap<>();
        for (ConfigProfile p : set.profiles()) {
            double xs = p.saturationUnder(slo);
            if (xs <= 0) {
                continue;
            }
            double[] j = new double[rates.length];
            int[] g = new int[rates.length];
            for (int i = 0; i < rates.length; i++) {
                Deployment d = provision(p, xs, rates[i]);
                j[i] = d.joulesPerToken();
                g[i] = d.gpus();
            }
            jpt.put(p.key(), j);
            gpus.put(p.key(), g);
        }
        return new EnergyTable(rates, jpt, gpus);
    }

    /**
     * The optimum per rate band: consecutive grid rates with the same optimal configuration.
     *
     * @param set   the configurations
     * @param slo   the latency SLO
     * @param rates the target rates, increasing
     * @return the bands (rates no configuration can serve are left out)
     */
    public static List<RateBand> optimumBands(ProfileSet set, Slo slo, double[] rates) {
        List<RateBand> out = new ArrayList<>();
        String cur = null;
        double from = 0;
        double to = 0;
        double jMin = 0;
        double jMax = 0;
        int gMin = 0;
        int gMax = 0;
        for (double x : rates) {
            Optional<Deployment> o = optimum(set, slo, x);
            String label = o.map(d -> d.profile().key().shortLabel()).orElse(null);
            if (cur != null && !cur.equals(label)) {
                out.add(new RateBand(from, to, cur, jMin, jMax, gMin, gMax));
                cur = null;
            }
            if (o.isEmpty()) {
                continue;
            }
            Deployment d = o.get();
            if (cur == null) {
                cur = label;
                from = x;
                jMin = jMax = d.joulesPerToken();
                gMin = gMax = d.gpus();
            }
            to = x;
            jMin = Math.min(jMin, d.joulesPerToken());
            jMax = Math.max(jMax, d.joulesPerToken());
            gMin = Math.min(gMin, d.gpus());
            gMax = Math.max(gMax, d.gpus());
        }
        if (cur != null) {
            out.add(new RateBand(from, to, cur, jMin, jMax, gMin, gMax));
        }
        return out;
    }

    /**
     * Formats a list of bands as a table.
     *
     * @param bands the bands
     * @return text
     */
    public static String format(List<RateBand> bands) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-25s %-28s %-20s %s%n", "rate band",
                "optimum", "J/token", "GPUs"));
        bands.forEach(b -> sb.append(b).append('\n'));
        return sb.toString();
    }
}
