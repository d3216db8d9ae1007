package io.qmeter.analysis.strategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A seeded synthetic cluster trace (the seed's §8.3): total load varying over a day (a diurnal
 * sine, ±30 % around the mean, with 5 % seeded noise, never below 67 % of the mean: 100.5 req/s
 * when the mean is 150), split among request types by fixed shares, and per step and type the mean output length
 * of 200 requests drawn from a lognormal (σ 0.8) around the type's mean.
 *
 * <pre>{@code
 * ClusterTrace t = ClusterTrace.synthetic(RequestType.seedTypes(), ClusterTrace.SEED_SHARES, 150, 48,
 *         Duration.ofMinutes(30), 7L);
 * }</pre>
 *
 * @param steps the time steps
 * @param seed  the seed it was drawn with
 */
public record ClusterTrace(List<TraceStep> steps, long seed) {

    /**
     * Shares of the seed's four types: chat-S : chat-R = 4 : 1, chat-S 52 % (the seed: 50–60 %),
     * code 20 %, summarization 15 %.
     */
    public static final Map<String, Double> SEED_SHARES = Map.of("chat-S", 0.52, "chat-R", 0.13, "code", 0.20,
            "summarization", 0.15);

    /** Copies the list. */
    public ClusterTrace {
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a trace needs at least one step");
        }
    }

    /**
     * A synthetic trace.
     *
     * @param types     the request types
     * @param shares    type name → share of the total (summing to 1)
     * @param meanTotal mean total rate, req/s
     * @param steps     number of steps over one day
     * @param stepLength each step's duration
     * @param seed      the seed
     * @return the trace
     */
    public static ClusterTrace synthetic(List<RequestType> types, Map<String, Double> shares, double meanTotal, int steps,
                                         Duration stepLength, long seed) {
        double sum = 0;
        for (RequestType t : types) {
            Double s = shares.get(t.name());
            if (s == null || !(s >= 0)) {
                throw new IllegalArgumentException("no share >= 0 for type " + t.name() + " in " + shares);
            }
            sum += s;
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("shares must sum to 1, sum to " + sum);
        }
        if (!(meanTotal > 0) || steps < 1) {
            throw new IllegalArgumentException("need meanTotal > 0 and steps >= 1, got " + meanTotal + ", " + steps);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<TraceStep> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            double phase = 2 * Math.PI * i / steps;
            double total = Math.max(0.67 * meanTotal, meanTotal * (1 - 0.3 * Math.cos(phase)) * (1 + 0.05 * gaussian(rnd)));
            Map<String, Double> rates = new LinkedHashMap<>();
            Map<String, Double> outs = new LinkedHashMap<>();
            for (RequestType t : types) {
                rates.put(t.name(), total * shares.get(t.name()));
                double mu = Math.log(t.meanOutputTokens()) - 0.32;
                double s = 0;
                for (int k = 0; k < 200; k++) {
                    s += Math.max(1, Math.round(Math.exp(mu + 0.8 * gaussian(rnd))));
                }
                outs.put(t.name(), s / 200);
            }
            out.add(new TraceStep(stepLength.multipliedBy(i), stepLength, rates, outs));
        }
        return new ClusterTrace(out, seed);
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = Math.max(1e-300, rnd.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    /**
     * The lowest and highest total rate of the trace.
     *
     * @return {min, max}
     */
    public double[] totalRange() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (TraceStep s : steps) {
            lo = Math.min(lo, s.totalRate());
            hi = Math.max(hi, s.totalRate());
        }
        return new double[] {lo, hi};
    }
}
