package io.qmeter.analysis.figures;

import io.qmeter.analysis.profile.ProfileKey;
import io.qmeter.analysis.provision.EnergyTable;
import io.qmeter.analysis.strategy.StrategyOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The case studies' figures (the seed's §8.2 Figure 7 and §8.3 Table 4 as charts), from the
 * analysis' own tables.
 *
 * <ul>
 *   <li>{@link #provisioning(EnergyTable)}: J/token against target rate, one line per (method, TP,
 *   GPU) provisioned with ⌈x / x_s⌉ instances, the DP × TP optimum as a dashed lower envelope, and
 *   one large marker where each rate band of a new optimum starts (the same optimum and bands as
 *   {@link io.qmeter.analysis.provision.Provisioner#optimumBands}).</li>
 *   <li>{@link #strategies(List)}: Table 4 as three bar charts: average GPUs, SLO attainment (all,
 *   latency, quality) and cluster J/token per strategy.</li>
 * </ul>
 *
 * <pre>{@code
 * EnergyTable t = Provisioner.table(set, slo, Provisioner.rates(1, 300, 60));
 * CaseStudyFigures.provisioning(t).writePng(Path.of("dp-tp.png"));
 * for (Figure f : CaseStudyFigures.strategies(outcomes)) {
 *     f.writeSvg(Path.of(f.name() + ".svg"));
 * }
 * }</pre>
 */
public final class CaseStudyFigures {

    /** Name of the dashed lower-envelope series in {@link #provisioning(EnergyTable)}. */
    public static final String OPTIMUM_SERIES = "DP×TP optimum";

    /** Start of every band marker's legend entry in {@link #provisioning(EnergyTable)}. */
    public static final String BAND_PREFIX = "optimum from ";

    private CaseStudyFigures() {
    }

    /**
     * The optimal configuration at every rate of a table: least J/token, then fewest GPUs, then the
     * key's label (the order of {@link io.qmeter.analysis.provision.Provisioner#ORDER}).
     *
     * @param table the table
     * @return one entry per rate; empty where the table has no configuration
     */
    public static List<Optional<ProfileKey>> optimumPerRate(EnergyTable table) {
        double[] rates = table.rates();
        List<Optional<ProfileKey>> out = new ArrayList<>();
        for (int i = 0; i < rates.length; i++) {
            ProfileKey best = null;
            for (Map.Entry<ProfileKey, double[]> e : table.joulesPerToken().entrySet()) {
                if (best == null || better(table, e.getKey(), best, i)) {
                    best = e.getKey();
                }
            }
            out.add(Optional.ofNullable(best));
        }
        return out;
    }

    private static boolean better(EnergyTable t, ProfileKey a, ProfileKey b, int i) {
        int c = Double.compare(t.joulesPerToken().get(a)[i], t.joulesPerToken().get(b)[i]);
        if (c == 0) {
            c = Integer.compare(t.gpus().get(a)[i], t.gpus().get(b)[i]);
        }
        if (c == 0) {
            c = a.label().compareTo(b.label());
        }
        return c < 0;
    }

    /**
     * J/token against target rate per configuration, with the DP × TP optimum: a dashed line
     * ({@value #OPTIMUM_SERIES}) through the optimum's J/token at every rate, and a marker
     * ({@code optimum from X req/s: <configuration>}) at the first rate of each band over which one
     * configuration stays optimal. The x axis is logarithmic when the rates span 20× or more; the
     * figure grows taller with the count of legend entries so every entry shows.
     *
     * @param table the table ({@link io.qmeter.analysis.provision.Provisioner#table})
     * @return the figure, named {@code dp-tp-energy}
     */
    public static Figure provisioning(EnergyTable table) {
        return provisioning(table, "J/token vs target rate with ⌈x / x_s⌉ instances");
    }

    /**
     * {@link #provisioning(EnergyTable)} with its own title.
     *
     * @param table the table
     * @param title the chart's title
     * @return the figure
     */
    public static Figure provisioning(EnergyTable table, String title) {
        Objects.requireNonNull(table, "table");
        double[] rates = table.rates();
        LineChart c = LineChart.of(title, "target rate (req/s)", "energy (J/token)");
        for (Map.Entry<ProfileKey, double[]> e : table.joulesPerToken().entrySet()) {
            List<Xy> pts = new ArrayList<>();
            for (int i = 0; i < rates.length; i++) {
                pts.add(new Xy(rates[i], e.getValue()[i]));
            }
            c = c.series(e.getKey().shortLabel(), e.getKey().method(), pts);
        }
        List<Optional<ProfileKey>> opt = optimumPerRate(table);
        List<Xy> envelope = new ArrayList<>();
        ProfileKey current = null;
        int markers = 0;
        for (int i = 0; i < rates.length; i++) {
            if (opt.get(i).isEmpty()) {
                current = null;
                continue;
            }
            ProfileKey k = opt.get(i).get();
            double j = table.joulesPerToken().get(k)[i];
            envelope.add(new Xy(rates[i], j));
            if (!k.equals(current)) {
                c = c.marker(String.format(Locale.ROOT, "%s%s req/s: %s", BAND_PREFIX, LineChart.num(rates[i]),
                        k.shortLabel()), k.method(), new Xy(rates[i], j));
                markers++;
                current = k;
            }
        }
        if (!envelope.isEmpty()) {
            c = c.dashed(OPTIMUM_SERIES, envelope);
        }
        int entries = table.joulesPerToken().size() + markers + 1;
        return c.size(1100, Math.min(4000, Math.max(560, 120 + 22 * entries)))
                .named("dp-tp-energy", "J/token against target rate per (method, TP, GPU), each provisioned with "
                        + "⌈x / x_s⌉ data-parallel instances carrying the load evenly; dashed: the least-energy "
                        + "configuration at each rate; diamonds: where a new optimum's rate band starts")
                .render();
    }

    /**
     * The strategy table (the seed's Table 4) as three bar charts, one group per strategy in the
     * given order: {@code strategies-gpus} (average GPUs), {@code strategies-slo} (SLO attainment in
     * %: all SLOs, latency, quality) and {@code strategies-energy} (cluster J/token).
     *
     * @param rows the strategies' outcomes, at least one, with distinct names
     * @return the three figures
     */
    public static List<Figure> strategies(List<StrategyOutcome> rows) {
        Objects.requireNonNull(rows, "rows");
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no strategy outcomes to draw; evaluate at least one strategy");
        }
        List<String> names = rows.stream().map(StrategyOutcome::strategy).toList();
        Figure gpus = BarChart.of("Average GPUs per strategy", "strategy", "GPUs (average over the trace)", names)
                .series("average GPUs", "FP16", rows.stream().map(StrategyOutcome::averageGpus).toList())
                .named("strategies-gpus", "GPUs in use per strategy, averaged over the trace's steps").render();
        Figure slo = BarChart.of("SLO attainment per strategy", "strategy", "requests meeting the SLO (%)", names)
                .series("all SLOs", "W8A16-INT", rows.stream().map(o -> 100 * o.sloAttainment()).toList())
                .series("latency", "W8A8-INT", rows.stream().map(o -> 100 * o.latencyAttainment()).toList())
                .series("quality", "W8A8-FP", rows.stream().map(o -> 100 * o.qualityAttainment()).toList())
                .named("strategies-slo", "Share of requests served by a deployment meeting every SLO, the latency "
                        + "SLOs and the quality SLO").render();
        Figure energy = BarChart.of("Cluster energy per strategy", "strategy", "energy (J/token)", names)
                .series("J/token", "W4A8KV4", rows.stream().map(StrategyOutcome::joulesPerToken).toList())
                .named("strategies-energy", "Cluster energy divided by cluster output tokens per strategy").render();
        return List.of(gpus, slo, energy);
    }
}
