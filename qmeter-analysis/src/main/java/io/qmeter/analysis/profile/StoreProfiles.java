package io.qmeter.analysis.profile;

import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds profiles from the runs of a {@link ResultStore} as the sweep stores them
 * (docs/results-store.md): runs are grouped by their labels {@code model}, {@code quantization},
 * {@code gpu}, {@code tensor_parallel} and {@code workload}; the run with rate label
 * {@code saturation} gives x_s ({@code saturation_rps}); every other OK, valid run with a
 * {@code target_rps} and energy figures gives a load point ({@code ttft_p90_ms},
 * {@code tpot_p90_ms}, {@code j_per_token}, {@code avg_watts}; repetitions of one rate are merged by
 * their median); quality runs ({@code quality.<benchmark>}, label {@code benchmark}) give the
 * quality per task ({@code quality}, 0–100). Failed and invalid runs are skipped and listed with
 * their cause, never used.
 *
 * <pre>{@code
 * try (ResultStore store = ResultStore.sqlite(Path.of("results.db"))) {
 *     StoreProfiles.Loaded l = StoreProfiles.read(store, "quant-sweep-13b-h100");
 *     l.skipped().forEach(System.out::println);
 *     ProfileSet set = l.profiles();
 * }
 * }</pre>
 */
public final class StoreProfiles {

    private StoreProfiles() {
    }

    /**
     * What was read.
     *
     * @param profiles the profiles
     * @param skipped  one line per run not used, with why
     */
    public record Loaded(ProfileSet profiles, List<String> skipped) {
        /** Copies the list. */
        public Loaded {
            Objects.requireNonNull(profiles, "profiles");
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * Reads the profiles of one plan.
     *
     * @param store  the store
     * @param planId the plan's id
     * @return the profiles and the skipped runs
     */
    public static Loaded read(ResultStore store, String planId) {
        return fromRuns(store.findByPlan(planId));
    }

    /**
     * Reads every profile in a store. Runs of several plans with the same labels merge into one
     * profile (their load points by rate; of two saturation runs the one read last, in key order,
     * wins): read one plan with {@link #read(ResultStore, String)} when plans measured the same
     * configuration differently.
     *
     * @param store the store
     * @return the profiles and the skipped runs
     */
    public static Loaded readAll(ResultStore store) {
        return fromRuns(store.list());
    }

    /**
     * Builds profiles from runs.
     *
     * @param runs stored runs
     * @return the profiles and the skipped runs
     */
    public static Loaded fromRuns(List<StoredRun> runs) {
        Map<ProfileKey, Acc> byKey = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (StoredRun r : runs) {
            String id = r.key().asString();
            ProfileKey key;
            try {
                Map<String, String> l = r.labels();
                key = new ProfileKey(need(l, "model"), need(l, "quantization"), need(l, "gpu"),
                        Integer.parseInt(need(l, "tensor_parallel")), need(l, "workload"));
            } catch (IllegalArgumentException e) {
                skipped.add(id + ": " + e.getMessage());
                continue;
            }
            if (r.status() != RunStatus.OK) {
                skipped.add(id + ": " + r.status() + ": " + r.cause());
                continue;
            }
            Acc acc = byKey.computeIfAbsent(key, k -> new Acc());
            acc.simulated |= "true".equals(r.labels().get("simulated"))
                    || r.labels().getOrDefault("engine", "").toLowerCase(java.util.Locale.ROOT).contains("simulat");
            Map<String, Double> m = r.metrics();
            String rateLabel = r.key().rateLabel();
            if (rateLabel.equals("saturation")) {
                acc.saturation = m.getOrDefault("saturation_rps", Double.NaN);
            } else if (rateLabel.startsWith("quality.") || "quality".equals(r.labels().get("step"))) {
                String task = r.labels().getOrDefault("benchmark", rateLabel.substring(rateLabel.indexOf('.') + 1));
                double q = m.getOrDefault("quality", Double.NaN);
                if (Double.isNaN(q)) {
                    skipped.add(id + ": quality run without a 'quality' metric");
                } else {
                    acc.quality.put(task, q);
                }
            } else {
                double rate = m.getOrDefault("target_rps", Double.NaN);
                double[] v = {m.getOrDefault("ttft_p90_ms", Double.NaN), m.getOrDefault("tpot_p90_ms", Double.NaN),
                    m.getOrDefault("j_per_token", Double.NaN), m.getOrDefault("avg_watts", Double.NaN)};
                if (m.getOrDefault("valid", 1.0) == 0.0) {
                    skipped.add(id + ": marked invalid (client lag or missed rate)");
                } else if (Double.isNaN(rate) || Arrays.stream(v).anyMatch(Double::isNaN)) {
                    skipped.add(id + ": needs target_rps, ttft_p90_ms, tpot_p90_ms, j_per_token and avg_watts"
                            + " (was the run measured with a power sensor?)");
                } else {
                    acc.byRate.computeIfAbsent(rate, x -> new ArrayList<>()).add(v);
                }
            }
        }
        List<ConfigProfile> out = new ArrayList<>();
        for (Map.Entry<ProfileKey, Acc> e : byKey.entrySet()) {
            Acc a = e.getValue();
            List<LoadPoint> pts = new ArrayList<>();
            for (Map.Entry<Double, List<double[]>> rp : a.byRate.entrySet()) {
                double[] med = new double[4];
                for (int i = 0; i < 4; i++) {
                    final int j = i;
                    med[i] = median(rp.getValue().stream().mapToDouble(x -> x[j]).toArray());
                }
                pts.add(new LoadPoint(rp.getKey(), med[0], med[1], med[2], med[3]));
            }
            double xs = a.saturation;
            if (Double.isNaN(xs)) {
                skipped.add(e.getKey().label() + ": no saturation run; x_s taken as the highest measured rate");
                xs = pts.isEmpty() ? 0 : pts.get(pts.size() - 1).ratePerSecond();
            }
            out.add(new ConfigProfile(e.getKey(), xs, pts, a.quality, a.simulated));
        }
        return new Loaded(ProfileSet.of(out), skipped);
    }

    private static double median(double[] v) {
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String need(Map<String, String> labels, String name) {
        String v = labels.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("label '" + name + "' is missing");
        }
        return v;
    }

    private static final class Acc {
        double saturation = Double.NaN;
        final Map<Double, List<double[]>> byRate = new TreeMap<>();
        final Map<String, Double> quality = new TreeMap<>();
        boolean simulated;
    }
}
