package io.qmeter.cluster;

import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.RatePoint;
import io.qmeter.sweep.RunLength;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A dry run's sizing of a plan on a cluster: per configuration its GPUs (its tensor-parallel degree,
 * on one node), its points and an estimate of how long it runs; in total the GPU-hours and the
 * wall time on a cluster of {@code nodes × gpusPerNode} GPUs (longest configurations first, each on
 * the first node with enough free GPUs). The estimate is a model, not a measurement: it adds the
 * engine start, the idle baseline, the saturation search (its probe budget, each probe as long as
 * a run at the assumed saturation rate), each run (a timed run's duration; a counted run's requests
 * at its rate, relative rates against the assumed saturation rate) plus a fixed overhead per point,
 * and the quality steps; change the {@link Assumptions} to what your engines and models show.
 *
 * <pre>{@code
 * Sizing.Estimate e = Sizing.estimate(plan, Sizing.Assumptions.defaults(), 4, 8);
 * System.out.print(e.render());
 * }</pre>
 */
public final class Sizing {

    private Sizing() {
    }

    /**
     * What the estimate assumes.
     *
     * @param engineStart    from launch to healthy, per configuration
     * @param idleSettle     the idle power baseline, per configuration
     * @param saturationRate the saturation rate assumed where the plan's rates are relative, req/s
     * @param pointOverhead  per point beyond its run (warm-up, drain, storing)
     * @param qualityStep    per quality step
     */
    public record Assumptions(Duration engineStart, Duration idleSettle, double saturationRate, Duration pointOverhead,
                              Duration qualityStep) {

        /** Checks the values. */
        public Assumptions {
            Objects.requireNonNull(engineStart, "engineStart");
            Objects.requireNonNull(idleSettle, "idleSettle");
            Objects.requireNonNull(pointOverhead, "pointOverhead");
            Objects.requireNonNull(qualityStep, "qualityStep");
            if (!(saturationRate > 0) || Double.isInfinite(saturationRate)) {
                throw new IllegalArgumentException("saturationRate must be > 0 req/s, was " + saturationRate);
            }
        }

        /**
         * 5 min engine start, 5 s idle baseline, saturation at 4 req/s, 30 s per point, 20 min per
         * quality step.
         *
         * @return the defaults
         */
        public static Assumptions defaults() {
            return new Assumptions(Duration.ofMinutes(5), Duration.ofSeconds(5), 4.0, Duration.ofSeconds(30),
                    Duration.ofMinutes(20));
        }

        /**
         * A copy with another assumed saturation rate.
         *
         * @param reqPerSecond req/s
         * @return the copy
         */
        public Assumptions withSaturationRate(double reqPerSecond) {
            return new Assumptions(engineStart, idleSettle, reqPerSecond, pointOverhead, qualityStep);
        }

        /**
         * A copy with another engine start time.
         *
         * @param d the time
         * @return the copy
         */
        public Assumptions withEngineStart(Duration d) {
            return new Assumptions(d, idleSettle, saturationRate, pointOverhead, qualityStep);
        }
    }

    /**
     * One configuration's needs.
     *
     * @param index    its index in the plan
     * @param id       its configuration id
     * @param settings its settings
     * @param gpus     GPUs it needs (its tensor-parallel degree)
     * @param points   its load points
     * @param quality  its quality steps
     * @param time     its estimated run time
     */
    public record Need(int index, String id, EngineSettings settings, int gpus, int points, int quality, Duration time) {
    }

    /**
     * The sizing of a plan.
     *
     * @param planId      the plan
     * @param needs       per configuration, in plan order
     * @param nodes       nodes of the cluster
     * @param gpusPerNode GPUs per node
     * @param gpuHours    GPU-hours over all configurations (time × GPUs)
     * @param serial      the whole plan on one GPU set, one configuration after another
     * @param wall        the estimated wall time on the cluster
     * @param assumptions what was assumed
     */
    public record Estimate(String planId, List<Need> needs, int nodes, int gpusPerNode, double gpuHours,
                           Duration serial, Duration wall, Assumptions assumptions) {

        /** Copies the list. */
        public Estimate {
            needs = List.copyOf(needs);
        }

        /**
         * Points over all configurations (load and quality).
         *
         * @return the count
         */
        public int points() {
            return needs.stream().mapToInt(n -> n.points() + n.quality()).sum();
        }

        /**
         * The table a dry run prints: one line per configuration (at most {@code maxLines}, then a
         * count of the rest), then GPU shapes and the totals.
         *
         * @param maxLines the most configuration lines
         * @return the text
         */
        public String render(int maxLines) {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "plan %s: %d configurations, %d points%n", planId, needs.size(), points()));
            b.append(String.format(Locale.ROOT, "%5s  %-44s %4s  %-10s %6s %7s %9s%n", "index", "configuration", "gpus",
                    "gpu type", "points", "quality", "estimate"));
            for (int i = 0; i < needs.size() && i < maxLines; i++) {
                Need n = needs.get(i);
                b.append(String.format(Locale.ROOT, "%5d  %-44s %4d  %-10s %6d %7d %9s%n", n.index(), n.id(), n.gpus(),
                        n.settings().gpu(), n.points(), n.quality(), hm(n.time())));
            }
            if (needs.size() > maxLines) {
                b.append(String.format(Locale.ROOT, "  ... %d more configurations%n", needs.size() - maxLines));
            }
            needs.stream().collect(java.util.stream.Collectors.groupingBy(n -> n.settings().gpu() + " x" + n.gpus(),
                            java.util.TreeMap::new, java.util.stream.Collectors.counting()))
                    .forEach((k, v) -> b.append(String.format(Locale.ROOT, "  tasks needing %-14s %d%n", k, v)));
            b.append(String.format(Locale.ROOT, "GPU-hours: %.1f%n", gpuHours));
            b.append(String.format(Locale.ROOT, "one configuration after another: %s%n", hm(serial)));
            b.append(String.format(Locale.ROOT, "on %d nodes x %d GPUs (%d GPUs): about %s wall time%n", nodes,
                    gpusPerNode, nodes * gpusPerNode, hm(wall)));
            b.append(String.format(Locale.ROOT, "assumed: engine start %s, saturation %.2f req/s, %s per point, "
                            + "%s per quality step%n", hm(assumptions.engineStart()), assumptions.saturationRate(),
                    assumptions.pointOverhead().toSeconds() + " s", hm(assumptions.qualityStep())));
            return b.toString();
        }
    }

    /**
     * Sizes a plan.
     *
     * @param plan        the plan
     * @param a           the assumptions
     * @param nodes       nodes in the cluster
     * @param gpusPerNode GPUs per node (at least the largest tensor-parallel degree)
     * @return the estimate
     * @throws IllegalArgumentException when a configuration needs more GPUs than a node has
     */
    public static Estimate estimate(Plan plan, Assumptions a, int nodes, int gpusPerNode) {
        if (nodes < 1 || gpusPerNode < 1) {
            throw new IllegalArgumentException("expected at least 1 node of at least 1 GPU, was " + nodes + " x "
                    + gpusPerNode);
        }
        List<Need> needs = new ArrayList<>();
        List<EngineSettings> configs = plan.configurations();
        int quality = plan.quality().size();
        for (int i = 0; i < configs.size(); i++) {
            EngineSettings s = configs.get(i);
            if (s.tensorParallel() > gpusPerNode) {
                throw new IllegalArgumentException("configuration " + i + " (" + s.id() + ") needs "
                        + s.tensorParallel() + " GPUs on one node but nodes have " + gpusPerNode);
            }
            needs.add(new Need(i, s.id(), s, s.tensorParallel(), plan.rates().size() * plan.repetitions(), quality,
                    timeOf(plan, a, quality)));
        }
        double gpuSeconds = needs.stream().mapToDouble(n -> n.time().toSeconds() * (double) n.gpus()).sum();
        Duration serial = needs.stream().map(Need::time).reduce(Duration.ZERO, Duration::plus);
        return new Estimate(plan.id(), needs, nodes, gpusPerNode, gpuSeconds / 3600.0, serial,
                schedule(needs, nodes, gpusPerNode), a);
    }

    /** One configuration's time: the same for every configuration of a plan under these assumptions. */
    static Duration timeOf(Plan plan, Assumptions a, int qualitySteps) {
        double seconds = a.engineStart().toMillis() / 1000.0 + a.idleSettle().toMillis() / 1000.0;
        RunLength len = plan.runLength();
        if (plan.needsSaturationSearch()) {
            seconds += plan.search().maxProbes() * (runSeconds(len, a.saturationRate()) + a.pointOverhead().toSeconds());
        }
        for (RatePoint r : plan.rates()) {
            double rate = r.isRelative() ? r.resolve(a.saturationRate()) : r.value();
            seconds += plan.repetitions() * (runSeconds(len, rate) + a.pointOverhead().toSeconds());
        }
        seconds += qualitySteps * (a.qualityStep().toMillis() / 1000.0);
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static double runSeconds(RunLength len, double rate) {
        if (len.isTimed()) {
            return len.duration().toMillis() / 1000.0;
        }
        return (len.requests() + len.warmupRequests()) / rate;
    }

    /** Longest first onto the node with the earliest free GPUs enough for it; the makespan. */
    static Duration schedule(List<Need> needs, int nodes, int gpusPerNode) {
        List<Need> order = new ArrayList<>(needs);
        order.sort(Comparator.comparing(Need::time).reversed().thenComparing(Need::index));
        // per node, per GPU: when it is free (millis)
        long[][] free = new long[nodes][gpusPerNode];
        long makespan = 0;
        for (Need n : order) {
            long bestStart = Long.MAX_VALUE;
            int bestNode = -1;
            for (int node = 0; node < nodes; node++) {
                long[] g = free[node].clone();
                java.util.Arrays.sort(g);
                long start = g[n.gpus() - 1]; // the n-th earliest free GPU on this node
                if (start < bestStart) {
                    bestStart = start;
                    bestNode = node;
                }
            }
            long end = bestStart + n.time().toMillis();
            // take the n GPUs of that node that are free earliest
            long[] f = free[bestNode];
            Integer[] idx = new Integer[f.length];
            for (int i = 0; i < f.length; i++) {
                idx[i] = i;
            }
            java.util.Arrays.sort(idx, Comparator.comparingLong(i -> f[i]));
            for (int i = 0; i < n.gpus(); i++) {
                f[idx[i]] = end;
            }
            makespan = Math.max(makespan, end);
        }
        return Duration.ofMillis(makespan);
    }

    static String hm(Duration d) {
        long m = Math.round(d.toMillis() / 60000.0);
        return m < 60 ? m + " min" : String.format(Locale.ROOT, "%dh%02dm", m / 60, m % 60);
    }
}
