package io.qmeter.analysis.figures;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import java.awt.Color;
import java.awt.Font;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The figures of a study, read from stored runs (as {@link io.qmeter.sweep.SweepCoordinator} stores
 * them): load runs (labels {@code quantization}, {@code tensor_parallel}, …; metrics
 * {@code target_rps}, {@code ttft_p90_ms}, {@code tpot_p90_ms}, {@code j_per_token},
 * {@code saturation_fraction}), saturation searches (rate label {@code saturation}, metric
 * {@code saturation_rps}) and quality scores (rate label {@code quality.<benchmark>}, metric
 * {@code quality}). Only runs stored {@code OK} are drawn; the report lists the others.
 *
 * <p>A <em>method</em> is a configuration's {@code quantization} label (its configuration id when it
 * has none); a series is one configuration, named by its method, with its tensor parallelism, GPU,
 * model or plan added when the selection holds several of them. Immutable: {@link #plan},
 * {@link #filter} and {@link #baseline} return new selections.
 *
 * <pre>{@code
 * StudyFigures f = StudyFigures.of(store).plan("quantization-study-13b-h100");
 * Figure ttft = f.latencyVsRate(StudyFigures.RateMetric.TTFT_P90);
 * f.qualityChangeHeatMap().ifPresent(h -> h.writeSvg(Path.of("quality.svg")));
 * }</pre>
 */
public final class StudyFigures {

    /** The rate label of a saturation search. */
    public static final String SATURATION_LABEL = "saturation";
    /** The start of a quality step's rate label. */
    public static final String QUALITY_PREFIX = "quality.";

    /** What {@link #latencyVsRate} draws. */
    public enum RateMetric {
        /** P90 time to first token, ms. */
        TTFT_P90("ttft_p90_ms", "P90 TTFT", "P90 TTFT (ms)", "TTFT", "ttft-p90-vs-rate"),
        /** P90 time per output token, ms. */
        TPOT_P90("tpot_p90_ms", "P90 TPOT", "P90 TPOT (ms)", "TPOT", "tpot-p90-vs-rate"),
        /** Gross energy per output token, J. */
        J_PER_TOKEN("j_per_token", "Energy per token", "energy (J/token)", "", "j-per-token-vs-rate");

        private final String metric;
        private final String label;
        private final String axis;
        private final String sloMetric;
        private final String fileName;

        RateMetric(String metric, String label, String axis, String sloMetric, String fileName) {
            this.metric = metric;
            this.label = label;
            this.axis = axis;
            this.sloMetric = sloMetric;
            this.fileName = fileName;
        }

        /**
         * The stored metric's name.
         *
         * @return for example {@code ttft_p90_ms}
         */
        public String metric() {
            return metric;
        }
    }

    private final List<StoredRun> runs;
    private final String baseline;

    private StudyFigures(List<StoredRun> runs, String baseline) {
        this.runs = List.copyOf(runs);
        this.baseline = baseline;
    }

    /**
     * Every run of a store (narrow it with {@link #plan} or {@link #filter}).
     *
     * @param store the store
     * @return the selection
     */
    public static StudyFigures of(ResultStore store) {
        return of(Objects.requireNonNull(store, "store").list());
    }

    /**
     * Runs already read.
     *
     * @param runs the runs
     * @return the selection
     */
    public static StudyFigures of(List<StoredRun> runs) {
        return new StudyFigures(Objects.requireNonNull(runs, "runs"), "FP16");
    }

    /**
     * Only the runs of one plan.
     *
     * @param planId the plan's id ({@link RunKey#planId()})
     * @return a new selection
     */
    public StudyFigures plan(String planId) {
        Objects.requireNonNull(planId, "planId");
        return filter(r -> r.key().planId().equals(planId));
    }

    /**
     * Only the runs that pass a test (for example one GPU: {@code r -> "H100-80GB".equals(r.labels().get("gpu"))}).
     *
     * @param keep the test
     * @return a new selection
     */
    public StudyFigures filter(Predicate<StoredRun> keep) {
        Objects.requireNonNull(keep, "keep");
        return new StudyFigures(runs.stream().filter(keep).toList(), baseline);
    }

    /**
     * The method the quality change is measured against (default {@code FP16}, matched without
     * regard to case).
     *
     * @param method the baseline method
     * @return a new selection
     */
    public StudyFigures baseline(String method) {
        return new StudyFigures(runs, Objects.requireNonNull(method, "method"));
    }

    /**
     * The selected runs, every status.
     *
     * @return the runs
     */
    public List<StoredRun> runs() {
        return runs;
    }

    /**
     * A run's method: its {@code quantization} label, else its configuration id.
     *
     * @param run the run
     * @return the method
     */
    public static String method(StoredRun run) {
        return run.labels().getOrDefault("quantization", run.key().configurationId());
    }

    /**
     * Whether a run is a saturation search.
     *
     * @param run the run
     * @return true for the rate label {@value #SATURATION_LABEL}
     */
    public static boolean isSaturation(StoredRun run) {
        return run.key().rateLabel().equals(SATURATION_LABEL);
    }

    /**
     * Whether a run is a quality score.
     *
     * @param run the run
     * @return true for a rate label starting {@value #QUALITY_PREFIX}
     */
    public static boolean isQuality(StoredRun run) {
        return run.key().rateLabel().startsWith(QUALITY_PREFIX) || "quality".equals(run.labels().get("step"));
    }

    /**
     * Whether a run is a load run (neither a search nor a quality score).
     *
     * @param run the run
     * @return true for a load run
     */
    public static boolean isLoad(StoredRun run) {
        return !isSaturation(run) && !isQuality(run);
    }

    /**
     * The series name of every configuration in the selection, by {@code plan/configuration}: the
     * method, with what else differs between configurations of the selection.
     *
     * @return configuration key to series name, sorted by key
     */
    public Map<String, String> seriesNames() {
        Map<String, StoredRun> first = new TreeMap<>();
        for (StoredRun r : runs) {
            first.putIfAbsent(configKey(r), r);
        }
        boolean plans = runs.stream().map(r -> r.key().planId()).distinct().count() > 1;
        boolean tp = distinct(first.values(), "tensor_parallel") > 1;
        boolean gpu = distinct(first.values(), "gpu") > 1;
        boolean model = distinct(first.values(), "model") > 1;
        Map<String, String> names = new TreeMap<>();
        for (Map.Entry<String, StoredRun> e : first.entrySet()) {
            StoredRun r = e.getValue();
            StringBuilder n = new StringBuilder(method(r));
            if (tp) {
                n.append(" TP").append(r.labels().getOrDefault("tensor_parallel", "?"));
            }
            if (gpu) {
                n.append(' ').append(r.labels().getOrDefault("gpu", "?"));
            }
            if (model) {
                n.append(' ').append(r.labels().getOrDefault("model", "?"));
            }
            if (plans) {
                n.append(" [").append(r.key().planId()).append(']');
            }
            names.put(e.getKey(), n.toString());
        }
        Map<String, Long> counts = names.values().stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
        names.replaceAll((k, v) -> counts.get(v) > 1 ? v + " (" + k.substring(k.indexOf('/') + 1) + ")" : v);
        return names;
    }

    private static long distinct(java.util.Collection<StoredRun> rs, String label) {
        return rs.stream().map(r -> r.labels().getOrDefault(label, "")).distinct().count();
    }

    static String configKey(StoredRun r) {
        return r.key().planId() + "/" + r.key().configurationId();
    }

    /**
     * P90 TTFT, P90 TPOT or J/token against the target request rate, one line per configuration
     * (the mean over repetitions), the SLO threshold of that metric at P90 as a dashed line when the
     * runs carry one, and each configuration's saturation point as a dashed vertical line in its
     * colour (the seed paper's Fig. 7, 9 and 10).
     *
     * @param metric what to draw
     * @return the figure
     */
    public Figure latencyVsRate(RateMetric metric) {
        Objects.requireNonNull(metric, "metric");
        Map<String, String> names = seriesNames();
        LineChart c = LineChart.of(metric.label + " vs request rate", "request rate (req/s)", metric.axis);
        Map<String, Map<Double, List<Double>>> byConfig = new TreeMap<>();
        Map<String, String> methods = new TreeMap<>();
        for (StoredRun r : okLoadRuns()) {
            double x = r.metrics().getOrDefault("target_rps", Double.NaN);
            double y = r.metrics().getOrDefault(metric.metric, Double.NaN);
            if (Double.isFinite(x) && Double.isFinite(y)) {
                byConfig.computeIfAbsent(configKey(r), k -> new TreeMap<>()).computeIfAbsent(x, k -> new ArrayList<>())
                        .add(y);
                methods.put(configKey(r), method(r));
            }
        }
        for (Map.Entry<String, Map<Double, List<Double>>> e : byConfig.entrySet()) {
            List<Xy> pts = e.getValue().entrySet().stream()
                    .map(p -> new Xy(p.getKey(), p.getValue().stream().mapToDouble(d -> d).average().orElse(Double.NaN)))
                    .toList();
            c = c.series(names.get(e.getKey()), methods.get(e.getKey()), pts);
        }
        List<String> sats = new ArrayList<>();
        for (StoredRun r : runs) {
            double sat = r.metrics().getOrDefault("saturation_rps", Double.NaN);
            if (isSaturation(r) && r.status() == RunStatus.OK && Double.isFinite(sat) && byConfig.containsKey(configKey(r))) {
                c = c.verticalLine(names.get(configKey(r)) + " saturation", method(r), sat);
                sats.add(names.get(configKey(r)) + " " + LineChart.num(sat));
            }
        }
        String slo = "";
        if (!metric.sloMetric.isEmpty()) {
            Optional<Double> t = sloThreshold(metric.sloMetric, 90);
            if (t.isPresent()) {
                c = c.horizontalLine("SLO P90 " + metric.sloMetric + " " + LineChart.num(t.get()) + " ms", t.get());
                slo = " The dashed line across is the SLO threshold (" + LineChart.num(t.get()) + " ms).";
            }
        }
        return c.named(metric.fileName, metric.label + " of every OK load run against its target request rate, one line "
                + "per configuration (mean over repetitions)." + slo
                + (sats.isEmpty() ? " No saturation point is stored." : " Dashed vertical lines: each configuration's "
                + "saturation point (req/s: " + String.join(", ", sats) + ")."))
                .render();
    }

    /**
     * The SLO threshold stored with the runs for a metric at a percentile.
     *
     * @param sloMetric  {@code TTFT}, {@code TPOT}, …
     * @param percentile for example 90
     * @return the threshold in milliseconds, or empty
     */
    public Optional<Double> sloThreshold(String sloMetric, double percentile) {
        for (StoredRun r : okLoadRuns()) {
            for (JsonNode check : r.payload().path("result").path("slo").path("checks")) {
                if (check.path("metric").asText().equalsIgnoreCase(sloMetric)
                        && Math.abs(check.path("percentile").asDouble(Double.NaN) - percentile) < 1e-9) {
                    return Optional.of(check.path("thresholdMillis").asDouble());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The energy-efficiency rank of the configurations at each load level (1 = fewest J/token),
     * one line per configuration (the seed paper's Fig. 8). Load levels are fractions of saturation
     * when every run has one, else target rates.
     *
     * @return the figure, or empty when no run has a J/token figure
     */
    public Optional<Figure> energyRank() {
        Map<String, String> names = seriesNames();
        List<StoredRun> ok = okLoadRuns().stream()
                .filter(r -> Double.isFinite(r.metrics().getOrDefault("j_per_token", Double.NaN))).toList();
        if (ok.isEmpty()) {
            return Optional.empty();
        }
        boolean relative = ok.stream().allMatch(r -> r.metrics().containsKey("saturation_fraction"));
        Map<Double, Map<String, List<Double>>> levels = new TreeMap<>();
        Map<String, String> methods = new TreeMap<>();
        for (StoredRun r : ok) {
            double level = relative ? 100 * r.metrics().get("saturation_fraction") : r.metrics().getOrDefault("target_rps", Double.NaN);
            if (!Double.isFinite(level)) {
                continue;
            }
            level = Double.parseDouble(LineChart.num(level));
            levels.computeIfAbsent(level, k -> new TreeMap<>()).computeIfAbsent(configKey(r), k -> new ArrayList<>())
                    .add(r.metrics().get("j_per_token"));
            methods.put(configKey(r), method(r));
        }
        Map<String, List<Xy>> ranks = new TreeMap<>();
        for (Map.Entry<Double, Map<String, List<Double>>> lv : levels.entrySet()) {
            List<Map.Entry<String, Double>> means = lv.getValue().entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue().stream().mapToDouble(d -> d).average().orElseThrow()))
                    .sorted(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .toList();
            for (int i = 0; i < means.size(); i++) {
                ranks.computeIfAbsent(means.get(i).getKey(), k -> new ArrayList<>()).add(new Xy(lv.getKey(), -(i + 1)));
            }
        }
        LineChart c = LineChart.of("Energy-efficiency rank by load",
                relative ? "load (% of saturation)" : "request rate (req/s)", "rank (1 = fewest J/token)")
                .yLogarithmic(false)
                .yTickLabels(v -> Math.abs(v - Math.rint(v)) < 1e-9 && v < 0 ? Integer.toString((int) -Math.rint(v)) : "");
        for (Map.Entry<String, List<Xy>> e : ranks.entrySet()) {
            c = c.series(names.get(e.getKey()), methods.get(e.getKey()), e.getValue());
        }
        return Optional.of(c.named("energy-rank", "Rank of each configuration by gross J/token at each load level (1 = "
                + "the most energy-efficient), from the OK load runs; ties are broken by name.").render());
    }

    /**
     * Each configuration's quality change against the baseline method ({@link #baseline}, default
     * FP16), in percent of the baseline's score, per method and benchmark, as a heat map (the seed
     * paper's Fig. 3). The baseline's score is the mean over its configurations and repetitions.
     *
     * @return the figure, or empty without quality scores of the baseline and another method
     */
    public Optional<Figure> qualityChangeHeatMap() {
        Map<String, String> names = seriesNames();
        Map<String, Map<String, Double>> q = qualityByConfig();
        Set<String> benchmarks = new TreeSet<>();
        q.values().forEach(m -> benchmarks.addAll(m.keySet()));
        Map<String, List<Double>> base = new TreeMap<>();
        Map<String, String> methodOf = methodsByConfig();
        for (Map.Entry<String, Map<String, Double>> e : q.entrySet()) {
            if (methodOf.get(e.getKey()).equalsIgnoreCase(baseline)) {
                e.getValue().forEach((b, v) -> base.computeIfAbsent(b, k -> new ArrayList<>()).add(v));
            }
        }
        List<String> rows = new ArrayList<>();
        List<String> tasks = new ArrayList<>(benchmarks);
        List<Number[]> cells = new ArrayList<>();
        double maxAbs = 1;
        for (Map.Entry<String, Map<String, Double>> e : q.entrySet()) {
            if (methodOf.get(e.getKey()).equalsIgnoreCase(baseline)) {
                continue;
            }
            int row = rows.size();
            boolean any = false;
            for (int t = 0; t < tasks.size(); t++) {
                Double v = e.getValue().get(tasks.get(t));
                List<Double> b = base.get(tasks.get(t));
                if (v == null || b == null) {
                    continue;
                }
                double bm = b.stream().mapToDouble(d -> d).average().orElseThrow();
                if (bm == 0 || !Double.isFinite(v)) {
                    continue;
                }
                double change = Math.round((v - bm) / Math.abs(bm) * 1000) / 10.0;
                cells.add(new Number[] {t, row, change});
                maxAbs = Math.max(maxAbs, Math.abs(change));
                any = true;
            }
            if (any) {
                rows.add(names.get(e.getKey()));
            }
        }
        if (cells.isEmpty()) {
            return Optional.empty();
        }
        Figure.ensureHeadless();
        HeatMapChart chart = new HeatMapChartBuilder().width(900).height(Math.max(300, 120 + 55 * rows.size()))
                .title("Quality change vs " + baseline + " (%)").xAxisTitle("benchmark").yAxisTitle("method")
                .theme(Styler.ChartTheme.Matlab).build();
        var s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setShowValue(true);
        s.setValueFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        s.setHeatMapValueDecimalPattern("+0.0;-0.0");
        s.setRangeColors(new Color[] {MethodColors.VERMILLION, Color.WHITE, MethodColors.BLUE});
        s.setMin(-maxAbs);
        s.setMax(maxAbs);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        chart.addSeries("change vs " + baseline + " (%)", tasks, rows, cells);
        Map<String, Color> colors = new LinkedHashMap<>();
        rows.forEach(r -> colors.put(r, MethodColors.of(r)));
        return Optional.of(new Figure("quality-change-heatmap", "Relative change of each method's quality score "
                + "against " + baseline + " per benchmark, in % of " + baseline + "'s score (blue: better, vermillion: "
                + "worse; " + baseline + " is the mean over its configurations).", chart, colors, false, false));
    }

    /**
     * Quality against P90 TTFT at one load level, one figure per benchmark, with the Pareto front
     * (lower TTFT and higher quality) dashed (the seed paper's Fig. 4).
     *
     * @return the figures, empty without quality scores and load runs
     */
    public List<Figure> qualityVsLatency() {
        return qualityVs("ttft_p90_ms", "P90 TTFT (ms)", "P90 TTFT", "quality-vs-ttft");
    }

    /**
     * Quality against J/token at one load level, one figure per benchmark, with the Pareto front
     * (fewer J/token and higher quality) dashed (the seed paper's Fig. 5).
     *
     * @return the figures, empty without quality scores and J/token figures
     */
    public List<Figure> qualityVsEnergy() {
        return qualityVs("j_per_token", "energy (J/token)", "J/token", "quality-vs-j-per-token");
    }

    private record Candidate(String config, String name, String method, double x, double y) {
    }

    private List<Figure> qualityVs(String metric, String axis, String what, String file) {
        Map<String, String> names = seriesNames();
        Map<String, Map<String, Double>> q = qualityByConfig();
        Map<String, String> methodOf = methodsByConfig();
        Map<String, Map<String, Double>> level = metricByLevel(metric);
        // the level every configuration with a score was measured at; the middle one of those
        Set<String> configs = q.keySet().stream().filter(level::containsKey).collect(Collectors.toCollection(TreeSet::new));
        if (configs.isEmpty()) {
            return List.of();
        }
        Set<String> common = null;
        for (String c : configs) {
            Set<String> l = new TreeSet<>(level.get(c).keySet());
            if (common == null) {
                common = l;
            } else {
                common.retainAll(l);
            }
        }
        if (common == null || common.isEmpty()) {
            return List.of();
        }
        List<String> sorted = common.stream().sorted(Comparator.comparingDouble(StudyFigures::levelValue)).toList();
        String at = sorted.get((sorted.size() - 1) / 2);
        Set<String> benchmarks = new TreeSet<>();
        configs.forEach(c -> benchmarks.addAll(q.get(c).keySet()));
        List<Figure> out = new ArrayList<>();
        for (String b : benchmarks) {
            List<Candidate> cs = new ArrayList<>();
            for (String c : configs) {
                Double y = q.get(c).get(b);
                Double x = level.get(c).get(at);
                if (y != null && x != null && Double.isFinite(x) && Double.isFinite(y)) {
                    cs.add(new Candidate(c, names.get(c), methodOf.get(c), x, y));
                }
            }
            if (cs.isEmpty()) {
                continue;
            }
            List<Candidate> front = Pareto.front(cs, Candidate::x, Pareto.Sense.MINIMIZE, Candidate::y, Pareto.Sense.MAXIMIZE);
            LineChart chart = LineChart.of("Quality (" + b + ") vs " + what + " at " + levelText(at),
                    axis, b + " score").yLogarithmic(false);
            chart = chart.dashed("Pareto front", front.stream().map(c -> new Xy(c.x(), c.y())).toList());
            for (Candidate c : cs) {
                chart = chart.points(c.name(), c.method(), List.of(new Xy(c.x(), c.y())));
            }
            out.add(chart.named(file + "-" + LineChart.slug(b), "Quality score (" + b + ") of each configuration "
                    + "against its " + what + " at " + levelText(at) + "; the dashed line and the black diamonds mark the Pareto front (no "
                    + "other configuration has both lower " + what + " and a higher score): "
                    + front.stream().map(Candidate::name).collect(Collectors.joining(", ")) + ".").render());
        }
        return out;
    }

    private static double levelValue(String rateLabel) {
        try {
            return Double.parseDouble(rateLabel.replaceAll("[a-z]+$", ""));
        } catch (NumberFormatException e) {
            return Double.MAX_VALUE;
        }
    }

    private static String levelText(String rateLabel) {
        if (rateLabel.endsWith("sat")) {
            return LineChart.num(100 * levelValue(rateLabel)) + " % of saturation";
        }
        if (rateLabel.endsWith("rps")) {
            return LineChart.num(levelValue(rateLabel)) + " req/s";
        }
        return "rate " + rateLabel;
    }

    /** config -> rate label -> mean of a metric over the OK load runs. */
    private Map<String, Map<String, Double>> metricByLevel(String metric) {
        Map<String, Map<String, List<Double>>> m = new TreeMap<>();
        for (StoredRun r : okLoadRuns()) {
            double v = r.metrics().getOrDefault(metric, Double.NaN);
            if (Double.isFinite(v)) {
                m.computeIfAbsent(configKey(r), k -> new TreeMap<>()).computeIfAbsent(r.key().rateLabel(),
                        k -> new ArrayList<>()).add(v);
            }
        }
        return means(m);
    }

    /** config -> benchmark -> mean quality over the OK quality runs. */
    private Map<String, Map<String, Double>> qualityByConfig() {
        Map<String, Map<String, List<Double>>> m = new TreeMap<>();
        for (StoredRun r : runs) {
            double v = r.metrics().getOrDefault("quality", Double.NaN);
            if (isQuality(r) && r.status() == RunStatus.OK && Double.isFinite(v)) {
                String bench = r.labels().getOrDefault("benchmark",
                        r.key().rateLabel().startsWith(QUALITY_PREFIX)
                                ? r.key().rateLabel().substring(QUALITY_PREFIX.length()) : r.key().rateLabel());
                m.computeIfAbsent(configKey(r), k -> new TreeMap<>()).computeIfAbsent(bench, k -> new ArrayList<>()).add(v);
            }
        }
        return means(m);
    }

    /** config -> key -> the mean of the values. */
    private static Map<String, Map<String, Double>> means(Map<String, Map<String, List<Double>>> m) {
        Map<String, Map<String, Double>> out = new TreeMap<>();
        m.forEach((c, l) -> {
            Map<String, Double> mean = new TreeMap<>();
            l.forEach((k, v) -> mean.put(k, v.stream().mapToDouble(d -> d).average().orElseThrow()));
            out.put(c, mean);
        });
        return out;
    }

    private Map<String, String> methodsByConfig() {
        Map<String, String> m = new TreeMap<>();
        runs.forEach(r -> m.putIfAbsent(configKey(r), method(r)));
        return m;
    }

    private List<StoredRun> okLoadRuns() {
        return runs.stream().filter(r -> r.status() == RunStatus.OK && isLoad(r)).toList();
    }

    /**
     * One run's own latency over time: TTFT and TPOT of every request against its scheduled time,
     * with the measurement window's edges. Needs the per-request records in the payload
     * ({@code SweepCoordinator.builder(store).keepRecords(true)}); the sweep does not keep them by default.
     *
     * @param key the run
     * @return the figure, or empty when the run is not selected or its records were not stored
     */
    public Optional<Figure> latencyOverTime(RunKey key) {
        Objects.requireNonNull(key, "key");
        Optional<StoredRun> run = runs.stream().filter(r -> r.key().equals(key)).findFirst();
        if (run.isEmpty()) {
            return Optional.empty();
        }
        JsonNode result = run.get().payload().path("result");
        JsonNode records = result.path("records");
        if (!records.isArray() || records.isEmpty()) {
            return Optional.empty();
        }
        List<Xy> ttft = new ArrayList<>();
        List<Xy> tpot = new ArrayList<>();
        for (JsonNode rec : records) {
            long sched = rec.path("scheduledNanos").asLong(-1);
            long first = rec.path("firstTokenNanos").asLong(-1);
            long last = rec.path("lastTokenNanos").asLong(-1);
            int out = rec.path("outputTokensServed").asInt(0);
            if (sched < 0 || first < 0 || !"OK".equals(rec.path("outcome").asText())) {
                continue;
            }
            double t = sched / 1e9;
            ttft.add(new Xy(t, (first - sched) / 1e6));
            if (out >= 2 && last >= first) {
                tpot.add(new Xy(t, (last - first) / 1e6 / (out - 1)));
            }
        }
        String name = seriesNames().getOrDefault(configKey(run.get()), method(run.get()));
        LineChart c = LineChart.of("Latency over time: " + name + " at " + key.rateLabel(),
                        "scheduled time since the run's start (s)", "latency (ms)")
                .points("TTFT", MethodColors.BLUE, ttft)
                .points("TPOT", MethodColors.VERMILLION, tpot);
        JsonNode w = result.path("window");
        if (w.has("startNanos")) {
            c = c.verticalLine("window start", MethodColors.BLACK, w.path("startNanos").asLong() / 1e9)
                    .verticalLine("window end", MethodColors.BLACK, w.path("endNanos").asLong() / 1e9);
        }
        return Optional.of(c.named("latency-over-time-" + LineChart.slug(key.configurationId() + "-" + key.rateLabel()),
                "TTFT (blue) and TPOT (vermillion) of every successful request of run " + key.asString()
                        + " against the time its arrival was scheduled; the dashed vertical lines bound the measured window "
                        + "(warm-up before, cool-down after).").render());
    }

    /**
     * The power timeline of the selection: each OK load run's average power over its measured window,
     * placed at its wall-clock time, one line per configuration. Power samples within a run are not
     * stored by the sweep (only each run's energy, average power and idle baseline), so this is the
     * finest timeline the store holds.
     *
     * @return the figure, or empty when no run has a power figure
     */
    public Optional<Figure> powerTimeline() {
        Map<String, String> names = seriesNames();
        record Span(String config, String method, Instant start, double from, double to, double watts) {
        }
        List<Span> spans = new ArrayList<>();
        for (StoredRun r : okLoadRuns()) {
            JsonNode res = r.payload().path("result");
            double w = r.metrics().getOrDefault("avg_watts", Double.NaN);
            if (!Double.isFinite(w) || !res.has("startedAt")) {
                continue;
            }
            Instant start;
            try {
                start = Instant.parse(res.path("startedAt").asText());
            } catch (java.time.format.DateTimeParseException e) {
                continue;
            }
            JsonNode e = res.path("energy");
            long from = e.path("windowStartNanos").asLong(res.path("window").path("startNanos").asLong(0));
            long to = e.path("windowEndNanos").asLong(res.path("window").path("endNanos").asLong(0));
            spans.add(new Span(configKey(r), method(r), start, from / 1e9, to / 1e9, w));
        }
        if (spans.isEmpty()) {
            return Optional.empty();
        }
        Instant t0 = spans.stream().map(Span::start).min(Comparator.naturalOrder()).orElseThrow();
        Map<String, List<Xy>> lines = new TreeMap<>();
        Map<String, String> methods = new TreeMap<>();
        for (Span s : spans) {
            double base = Duration.between(t0, s.start()).toNanos() / 1e9;
            lines.computeIfAbsent(s.config(), k -> new ArrayList<>()).add(new Xy(base + s.from(), s.watts()));
            lines.computeIfAbsent(s.config(), k -> new ArrayList<>()).add(new Xy(base + s.to(), s.watts()));
            methods.put(s.config(), s.method());
        }
        LineChart c = LineChart.of("Power timeline (average per run)", "time since the first run's start (s)",
                "average power (W)").xLogarithmic(false);
        for (Map.Entry<String, List<Xy>> e : lines.entrySet()) {
            c = c.series(names.get(e.getKey()), methods.get(e.getKey()), e.getValue());
        }
        return Optional.of(c.named("power-timeline", "Average power of each OK load run over its measured window "
                + "(a flat segment per run), at its wall-clock time; lines join a configuration's successive runs. "
                + "The store keeps each run's energy and average power, not power samples within a run.").render());
    }

    /**
     * Every figure the selection can draw, in the report's order: TTFT, TPOT and J/token against the
     * rate, the energy rank, the quality heat map, quality against TTFT and J/token, the power
     * timeline, and the latency over time of each configuration's highest-rate OK run that kept its
     * records.
     *
     * @return the figures
     */
    public List<Figure> all() {
        List<Figure> out = new ArrayList<>();
        boolean load = !okLoadRuns().isEmpty();
        if (load) {
            out.add(latencyVsRate(RateMetric.TTFT_P90));
            out.add(latencyVsRate(RateMetric.TPOT_P90));
            if (okLoadRuns().stream().anyMatch(r -> Double.isFinite(r.metrics().getOrDefault("j_per_token", Double.NaN)))) {
                out.add(latencyVsRate(RateMetric.J_PER_TOKEN));
            }
        }
        energyRank().ifPresent(out::add);
        qualityChangeHeatMap().ifPresent(out::add);
        out.addAll(qualityVsLatency());
        out.addAll(qualityVsEnergy());
        powerTimeline().ifPresent(out::add);
        Map<String, StoredRun> top = new LinkedHashMap<>();
        for (StoredRun r : okLoadRuns()) {
            StoredRun cur = top.get(configKey(r));
            if (cur == null || r.metrics().getOrDefault("target_rps", 0.0) > cur.metrics().getOrDefault("target_rps", 0.0)) {
                top.put(configKey(r), r);
            }
        }
        for (StoredRun r : top.values()) {
            latencyOverTime(r.key()).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Whether any selected run kept its per-request records (needed by {@link #latencyOverTime}).
     *
     * @return true when at least one OK load run has records in its payload
     */
    public boolean hasRequestRecords() {
        return okLoadRuns().stream().anyMatch(r -> {
            JsonNode rec = r.payload().path("result").path("records");
            return rec.isArray() && !rec.isEmpty();
        });
    }

    static Set<String> labelsOf(List<StoredRun> rs, String name) {
        return rs.stream().map(r -> r.labels().get(name)).filter(Objects::nonNull)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    @Override
    public String toString() {
        return "StudyFigures[" + runs.size() + " runs, baseline " + baseline.toLowerCase(Locale.ROOT) + "]";
    }
}
