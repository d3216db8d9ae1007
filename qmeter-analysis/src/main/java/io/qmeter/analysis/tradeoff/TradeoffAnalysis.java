package io.qmeter.analysis.tradeoff;

import io.qmeter.analysis.profile.ConfigProfile;
import io.qmeter.analysis.profile.LoadPoint;
import io.qmeter.analysis.profile.ProfileKey;
import io.qmeter.analysis.profile.ProfileSet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Trade-offs across model sizes and methods at one load, per task (the seed's §4.2, Finding #1):
 * every profile of the workload that can carry the load on one instance (its x_s at least the
 * load) is placed on (latency, J/token, quality) by interpolating its load points; the rest are
 * listed as excluded with the reason.
 *
 * <pre>{@code
 * double mid = TradeoffAnalysis.midRange(set, new ProfileKey("Llama-2-13B", "W8A8-INT", "H100-80GB", 1, "chat"));
 * TradeoffAnalysis.Result r = TradeoffAnalysis.at(set, "chat", "chat-s", mid, LatencyMetric.TTFT);
 * r.dominatingLarger("Llama-2-13B", 0.0).forEach(System.out::println);
 * }</pre>
 */
public final class TradeoffAnalysis {

    private TradeoffAnalysis() {
    }

    /**
     * The seed's mid-range load: 50 % of a reference configuration's saturation point (the seed
     * uses 13B W8A8-INT on one H100 per workload).
     *
     * @param set       the profiles
     * @param reference the reference configuration
     * @return req/s
     * @throws IllegalArgumentException when the reference is missing or never passed
     */
    public static double midRange(ProfileSet set, ProfileKey reference) {
        ConfigProfile p = set.get(reference).orElseThrow(() -> new IllegalArgumentException(
                "no profile for the reference " + reference.label() + "; profile it or name another reference"));
        if (!(p.saturationRate() > 0)) {
            throw new IllegalArgumentException("the reference " + reference.label() + " has no saturation point");
        }
        return 0.5 * p.saturationRate();
    }

    /**
     * The trade-off points of one workload and task at one load.
     *
     * @param set      the profiles
     * @param workload the workload
     * @param task     the quality task
     * @param rate     the load, req/s, &gt; 0
     * @param metric   the latency axis
     * @return the points, the front and the excluded configurations
     */
    public static Result at(ProfileSet set, String workload, String task, double rate, LatencyMetric metric) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be > 0, was " + rate);
        }
        List<TradeoffPoint> pts = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        for (ConfigProfile p : set.forWorkload(workload).profiles()) {
            OptionalDouble q = p.quality(task);
            if (q.isEmpty()) {
                excluded.add(p.key().label() + ": no quality for task " + task);
            } else if (p.saturationRate() < rate || p.maxMeasuredRate() < rate) {
                excluded.add(String.format(Locale.ROOT, "%s: x_s %.2f req/s is below the load %.2f req/s",
                        p.key().label(), p.saturationRate(), rate));
            } else {
                LoadPoint lp = p.at(rate);
                pts.add(new TradeoffPoint(p, metric.of(lp), lp.joulesPerToken(), q.getAsDouble()));
            }
        }
        return new Result(workload, task, rate, metric, pts, excluded);
    }

    /**
     * Trade-off points at one load.
     *
     * @param workload the workload
     * @param task     the task
     * @param rate     the load, req/s
     * @param metric   the latency axis
     * @param points   one per configuration that carries the load
     * @param excluded configurations left out, with why
     */
    public record Result(String workload, String task, double rate, LatencyMetric metric, List<TradeoffPoint> points,
                         List<String> excluded) {

        /** Copies the lists. */
        public Result {
            Objects.requireNonNull(metric, "metric");
            points = List.copyOf(points);
            excluded = List.copyOf(excluded);
        }

        /**
         * The Pareto front of the points.
         *
         * @return the non-dominated points
         */
        public List<TradeoffPoint> front() {
            return ParetoFront.of(points);
        }

        /**
         * Quantized models larger than a baseline model that dominate its FP16 configuration(s),
         * with the margins; with a tolerance, "no worse" allows that relative slack per axis.
         *
         * @param baselineModel the smaller model (its FP16 points are the baselines)
         * @param tolerance     relative slack, ≥ 0 (0 = strict dominance)
         * @return the dominances, largest energy margin first
         */
        public List<Dominance> dominatingLarger(String baselineModel, double tolerance) {
            List<Dominance> out = new ArrayList<>();
            for (TradeoffPoint b : points) {
                ProfileKey bk = b.profile().key();
                if (!bk.model().equals(baselineModel) || !bk.isFp16()) {
                    continue;
                }
                for (TradeoffPoint c : points) {
                    ProfileKey ck = c.profile().key();
                    if (!ck.isFp16() && ck.parameterBillions() > bk.parameterBillions()
                            && ck.gpu().equals(bk.gpu()) && c.dominates(b, tolerance)) {
                        out.add(new Dominance(c, b));
                    }
                }
            }
            out.sort(Comparator.comparingDouble(Dominance::energyMargin).reversed());
            return out;
        }
    }
}
