package io.qmeter.analysis.predict;

import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.SweepCoordinator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads saturation points from a result store: the runs a sweep stored under the rate label
 * {@code "saturation"} with status OK, their labels {@code model}, {@code quantization},
 * {@code gpu}, {@code tensor_parallel} and {@code workload}, and their metric
 * {@code saturation_rps}. The store does not keep a workload's mean lengths, so the caller maps
 * each workload label to them; the model size is the number before "B" in the model's name
 * ({@code Llama-2-13B} → 13). Runs that cannot become a point are listed with the reason, never
 * dropped silently.
 *
 * <pre>{@code
 * try (ResultStore store = ResultStore.sqlite(Path.of("results.db"))) {
 *     StoredSaturationPoints.Loaded l = StoredSaturationPoints.read(store,
 *             Map.of("sharegpt(331,231)", new double[] {331, 231}));
 *     l.skipped().forEach(System.err::println);
 * }
 * }</pre>
 */
public final class StoredSaturationPoints {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)B", Pattern.CASE_INSENSITIVE);

    private StoredSaturationPoints() {
    }

    /**
     * What was read.
     *
     * @param points  the saturation points
     * @param skipped each stored saturation run that is not a point, with the reason
     */
    public record Loaded(List<SaturationPoint> points, List<String> skipped) {
        /** Copies the lists. */
        public Loaded {
            points = List.copyOf(points);
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * Reads every plan's saturation runs.
     *
     * @param store              the store
     * @param lengthsByWorkload  workload label → {mean input tokens, mean output tokens}
     * @return the points and what was skipped
     */
    public static Loaded read(ResultStore store, Map<String, double[]> lengthsByWorkload) {
        Objects.requireNonNull(store, "store");
        return fromRuns(store.list(), lengthsByWorkload);
    }

    /**
     * Turns stored runs into points (runs of other rate labels are ignored).
     *
     * @param runs              stored runs
     * @param lengthsByWorkload workload label → {mean input tokens, mean output tokens}
     * @return the points and what was skipped
     */
    public static Loaded fromRuns(List<StoredRun> runs, Map<String, double[]> lengthsByWorkload) {
        Objects.requireNonNull(lengthsByWorkload, "lengthsByWorkload");
        List<SaturationPoint> points = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (StoredRun r : runs) {
            if (!SweepCoordinator.SATURATION_LABEL.equals(r.key().rateLabel())) {
                continue;
            }
            String id = r.key().asString();
            if (r.status() != RunStatus.OK) {
                skipped.add(id + ": status " + r.status() + (r.cause() == null ? "" : " (" + r.cause() + ")"));
                continue;
            }
            Map<String, String> l = r.labels();
            String missing = firstMissing(l, "model", "quantization", "gpu", "tensor_parallel", "workload");
            if (missing != null) {
                skipped.add(id + ": no label '" + missing + "'");
                continue;
            }
            Double rps = r.metrics().get("saturation_rps");
            if (rps == null || !(rps > 0) || rps.isInfinite()) {
                skipped.add(id + ": saturation_rps is " + rps);
                continue;
            }
            double[] len = lengthsByWorkload.get(l.get("workload"));
            if (len == null || len.length != 2) {
                skipped.add(id + ": no mean lengths for workload '" + l.get("workload")
                        + "'; add it to lengthsByWorkload as {input, output}");
                continue;
            }
            Matcher m = SIZE.matcher(l.get("model"));
            if (!m.find()) {
                skipped.add(id + ": cannot read a size like '13B' from model '" + l.get("model") + "'");
                continue;
            }
            try {
                points.add(new SaturationPoint(Double.parseDouble(m.group(1)), l.get("quantization"),
                        MethodBits.parse(l.get("quantization")), l.get("gpu"),
                        Integer.parseInt(l.get("tensor_parallel").trim()), l.get("workload").toLowerCase(Locale.ROOT),
                        len[0], len[1], rps));
            } catch (IllegalArgumentException e) {
                skipped.add(id + ": " + e.getMessage());
            }
        }
        return new Loaded(points, skipped);
    }

    private static String firstMissing(Map<String, String> labels, String... names) {
        for (String n : names) {
            String v = labels.get(n);
            if (v == null || v.isBlank()) {
                return n;
            }
        }
        return null;
    }
}
