package io.qmeter.analysis.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A line (or scatter) chart from plain data: series name to (x, y) points, plus optional horizontal
 * lines (an SLO), vertical lines (a saturation point) and highlighted points (an optimum). An
 * immutable specification: every method returns a new one; {@link #render()} draws it.
 *
 * <p>Defaults: each series takes its method's colour ({@link MethodColors}, by the series name or by
 * the colour key given); an axis is logarithmic when all its values are positive and span
 * {@value #LOG_SPAN}× or more (points ≤ 0 are then left out, as a log axis cannot show them), unless
 * set with {@link #xLogarithmic(boolean)} / {@link #yLogarithmic(boolean)}; NaN points are left out.
 *
 * <pre>{@code
 * Figure f = LineChart.of("J/token vs target rate", "target rate (req/s)", "energy (J/token)")
 *         .series("FP16 TP1", "FP16", fp16tp1)
 *         .series("FP16 TP2", "FP16", fp16tp2)
 *         .markMinimum("energy optimum")
 *         .render();
 * }</pre>
 */
public final class LineChart {

    /** An axis whose positive values span this ratio (max / min) or more is drawn logarithmic. */
    public static final double LOG_SPAN = 20.0;

    enum Kind { LINE, SCATTER, MARKER }

    private static final List<org.knowm.xchart.style.markers.Marker> MARKERS = List.of(SeriesMarkers.CIRCLE,
            SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS);

    record SeriesSpec(String name, String colorKey, List<Xy> points, Kind kind, boolean dashed, Color color) {
        SeriesSpec(String name, String colorKey, List<Xy> points, Kind kind, boolean dashed) {
            this(name, colorKey, points, kind, dashed, null);
        }
    }

    record Rule(String label, String colorKey, double value, boolean vertical, Color color) {
        Rule(String label, String colorKey, double value, boolean vertical) {
            this(label, colorKey, value, vertical, null);
        }
    }

    private final String name;
    private final String title;
    private final String xTitle;
    private final String yTitle;
    private final List<SeriesSpec> series;
    private final List<Rule> rules;
    private final Boolean xLog;
    private final Boolean yLog;
    private final int width;
    private final int height;
    private final String caption;
    private final String minimumLabel;
    private final Function<Double, String> yTicks;

    private LineChart(String name, String title, String xTitle, String yTitle, List<SeriesSpec> series,
                      List<Rule> rules, Boolean xLog, Boolean yLog, int width, int height, String caption,
                      String minimumLabel, Function<Double, String> yTicks) {
        this.name = name;
        this.title = title;
        this.xTitle = xTitle;
        this.yTitle = yTitle;
        this.series = List.copyOf(series);
        this.rules = List.copyOf(rules);
        this.xLog = xLog;
        this.yLog = yLog;
        this.width = width;
        this.height = height;
        this.caption = caption;
        this.minimumLabel = minimumLabel;
        this.yTicks = yTicks;
    }

    /**
     * A chart without series.
     *
     * @param title      the chart's title
     * @param xAxisTitle the x axis's title, with its unit ({@code "request rate (req/s)"})
     * @param yAxisTitle the y axis's title, with its unit
     * @return the specification
     */
    public static LineChart of(String title, String xAxisTitle, String yAxisTitle) {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(xAxisTitle, "xAxisTitle");
        Objects.requireNonNull(yAxisTitle, "yAxisTitle");
        return new LineChart(slug(title), title, xAxisTitle, yAxisTitle, List.of(), List.of(), null, null, 900, 540,
                "", null, null);
    }

    /**
     * A chart of several line series at once, each coloured by its name.
     *
     * @param title      the title
     * @param xAxisTitle the x axis's title
     * @param yAxisTitle the y axis's title
     * @param series     series name to points, drawn in the map's order
     * @return the specification
     */
    public static LineChart of(String title, String xAxisTitle, String yAxisTitle, Map<String, List<Xy>> series) {
        LineChart c = of(title, xAxisTitle, yAxisTitle);
        for (Map.Entry<String, List<Xy>> e : series.entrySet()) {
            c = c.series(e.getKey(), e.getValue());
        }
        return c;
    }

    /**
     * Adds a line series with markers, coloured by its name.
     *
     * @param seriesName the legend name
     * @param points     the points, drawn in x order
     * @return a new specification
     */
    public LineChart series(String seriesName, List<Xy> points) {
        return series(seriesName, seriesName, points);
    }

    /**
     * Adds a line series with markers and the colour of {@code colorKey}.
     *
     * @param seriesName the legend name
     * @param colorKey   the method whose colour it takes
     * @param points     the points, drawn in x order
     * @return a new specification
     */
    public LineChart series(String seriesName, String colorKey, List<Xy> points) {
        return add(new SeriesSpec(seriesName, colorKey, sortedByX(points), Kind.LINE, false));
    }

    /**
     * Adds a series of unconnected points.
     *
     * @param seriesName the legend name
     * @param colorKey   the method whose colour it takes
     * @param points     the points
     * @return a new specification
     */
    public LineChart points(String seriesName, String colorKey, List<Xy> points) {
        return add(new SeriesSpec(seriesName, colorKey, List.copyOf(points), Kind.SCATTER, false));
    }

    /**
     * Adds a series of unconnected points in a given colour (for series that are not methods).
     *
     * @param seriesName the legend name
     * @param color      the colour
     * @param points     the points
     * @return a new specification
     */
    public LineChart points(String seriesName, Color color, List<Xy> points) {
        return add(new SeriesSpec(seriesName, seriesName, List.copyOf(points), Kind.SCATTER, false,
                Objects.requireNonNull(color, "color")));
    }

    /**
     * Highlights one point with a large marker and its own legend entry (an optimum, a chosen point).
     *
     * @param label    the legend entry
     * @param colorKey the method whose colour it takes
     * @param at       the point
     * @return a new specification
     */
    public LineChart marker(String label, String colorKey, Xy at) {
        return add(new SeriesSpec(label, colorKey, List.of(at), Kind.MARKER, false));
    }

    /**
     * Adds a dashed line through points (a front, a fit), drawn in black.
     *
     * @param seriesName the legend name
     * @param points     the points, drawn in the given order
     * @return a new specification
     */
    public LineChart dashed(String seriesName, List<Xy> points) {
        return add(new SeriesSpec(seriesName, "", List.copyOf(points), Kind.LINE, true));
    }

    /**
     * Adds a horizontal dashed line across the data (an SLO threshold), in the legend.
     *
     * @param label the legend entry
     * @param y     where
     * @return a new specification
     */
    public LineChart horizontalLine(String label, double y) {
        List<Rule> r = new ArrayList<>(rules);
        r.add(new Rule(label, "", y, false));
        return copy(series, r);
    }

    /**
     * Adds a vertical dashed line across the data (a saturation point) in a method's colour, left out
     * of the legend.
     *
     * @param label    the line's name
     * @param colorKey the method whose colour it takes
     * @param x        where
     * @return a new specification
     */
    public LineChart verticalLine(String label, String colorKey, double x) {
        List<Rule> r = new ArrayList<>(rules);
        r.add(new Rule(label, colorKey, x, true));
        return copy(series, r);
    }

    /**
     * Adds a vertical dashed line across the data in a given colour, left out of the legend.
     *
     * @param label the line's name
     * @param color the colour
     * @param x     where
     * @return a new specification
     */
    public LineChart verticalLine(String label, Color color, double x) {
        List<Rule> r = new ArrayList<>(rules);
        r.add(new Rule(label, label, x, true, Objects.requireNonNull(color, "color")));
        return copy(series, r);
    }

    /**
     * Marks the point with the lowest y over all line and scatter series (for example the energy
     * optimum) with a large marker in its series' colour and a legend entry
     * {@code label: series at x}.
     *
     * @param label the legend entry's start
     * @return a new specification
     */
    public LineChart markMinimum(String label) {
        return new LineChart(name, title, xTitle, yTitle, series, rules, xLog, yLog, width, height, caption,
                Objects.requireNonNull(label, "label"), yTicks);
    }

    /**
     * Fixes whether the x axis is logarithmic (instead of the automatic choice).
     *
     * @param log true for logarithmic
     * @return a new specification
     */
    public LineChart xLogarithmic(boolean log) {
        return new LineChart(name, title, xTitle, yTitle, series, rules, log, yLog, width, height, caption,
                minimumLabel, yTicks);
    }

    /**
     * Fixes whether the y axis is logarithmic (instead of the automatic choice).
     *
     * @param log true for logarithmic
     * @return a new specification
     */
    public LineChart yLogarithmic(boolean log) {
        return new LineChart(name, title, xTitle, yTitle, series, rules, xLog, log, width, height, caption,
                minimumLabel, yTicks);
    }

    /**
     * Formats the y axis's tick labels.
     *
     * @param format value to label
     * @return a new specification
     */
    public LineChart yTickLabels(Function<Double, String> format) {
        return new LineChart(name, title, xTitle, yTitle, series, rules, xLog, yLog, width, height, caption,
                minimumLabel, Objects.requireNonNull(format, "format"));
    }

    /**
     * Sets the size in pixels.
     *
     * @param widthPixels  the width, 100 to 4000
     * @param heightPixels the height, 100 to 4000
     * @return a new specification
     */
    public LineChart size(int widthPixels, int heightPixels) {
        if (widthPixels < 100 || widthPixels > 4000 || heightPixels < 100 || heightPixels > 4000) {
            throw new IllegalArgumentException("size must be 100 to 4000 pixels each way, was " + widthPixels + " x "
                    + heightPixels);
        }
        return new LineChart(name, title, xTitle, yTitle, series, rules, xLog, yLog, widthPixels, heightPixels,
                caption, minimumLabel, yTicks);
    }

    /**
     * Sets the figure's file name and caption.
     *
     * @param figureName a short name ({@code [a-z0-9-]})
     * @param text       what the figure shows
     * @return a new specification
     */
    public LineChart named(String figureName, String text) {
        return new LineChart(Objects.requireNonNull(figureName, "figureName"), title, xTitle, yTitle, series, rules,
                xLog, yLog, width, height, Objects.requireNonNull(text, "text"), minimumLabel, yTicks);
    }

    /**
     * Draws the chart.
     *
     * @return the figure
     * @throws IllegalArgumentException when two series share a name
     */
    public Figure render() {
        Figure.ensureHeadless();
        List<SeriesSpec> all = new ArrayList<>(series);
        Optional<SeriesSpec> min = minimumLabel == null ? Optional.empty() : minimum();
        min.ifPresent(all::add);
        List<Xy> data = new ArrayList<>();
        for (SeriesSpec s : all) {
            s.points().stream().filter(Xy::isFinite).forEach(data::add);
        }
        boolean lx = xLog != null ? xLog : spansDecades(data.stream().map(Xy::x).toList(),
                rules.stream().filter(Rule::vertical).map(Rule::value).toList());
        boolean ly = yLog != null ? yLog : spansDecades(data.stream().map(Xy::y).toList(),
                rules.stream().filter(r -> !r.vertical()).map(Rule::value).toList());
        List<Xy> drawable = data.stream().filter(p -> (!lx || p.x() > 0) && (!ly || p.y() > 0)).toList();

        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).theme(Styler.ChartTheme.Matlab).build();
        style(chart.getStyler());
        chart.getStyler().setXAxisLogarithmic(lx);
        chart.getStyler().setYAxisLogarithmic(ly);
        chart.getStyler().setXAxisLogarithmicDecadeOnly(false);
        chart.getStyler().setYAxisLogarithmicDecadeOnly(false);
        chart.getStyler().setXAxisDecimalPattern("#,##0.###");
        if (yTicks == null) {
            chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        }
        if (!drawable.isEmpty() && drawable.size() <= 12) {
            // few points: pad linear axes so points do not sit on the frame and ticks get round values
            if (!lx) {
                double[] r = padded(drawable.stream().mapToDouble(Xy::x).min().orElseThrow(),
                        drawable.stream().mapToDouble(Xy::x).max().orElseThrow());
                chart.getStyler().setXAxisMin(r[0]).setXAxisMax(r[1]);
            }
            if (!ly && yTicks == null) { // a custom tick format (ranks) keeps XChart's own range
                double lo = drawable.stream().mapToDouble(Xy::y).min().orElseThrow();
                double hi = drawable.stream().mapToDouble(Xy::y).max().orElseThrow();
                for (Rule rule : rules) {
                    if (!rule.vertical() && Double.isFinite(rule.value())) {
                        lo = Math.min(lo, rule.value());
                        hi = Math.max(hi, rule.value());
                    }
                }
                double[] r = padded(lo, hi);
                chart.getStyler().setYAxisMin(r[0]).setYAxisMax(r[1]);
            }
        }
        if (yTicks != null) {
            chart.getStyler().setyAxisTickLabelsFormattingFunction(yTicks);
        }
        Map<String, Color> colors = new LinkedHashMap<>();
        int index = 0;
        for (SeriesSpec s : all) {
            List<Xy> pts = s.points().stream().filter(Xy::isFinite)
                    .filter(p -> (!lx || p.x() > 0) && (!ly || p.y() > 0)).toList();
            if (pts.isEmpty()) {
                continue;
            }
            if (colors.containsKey(s.name())) {
                throw new IllegalArgumentException("two series are named '" + s.name() + "'; give them distinct names");
            }
            XYSeries xs = chart.addSeries(s.name(), pts.stream().mapToDouble(Xy::x).toArray(),
                    pts.stream().mapToDouble(Xy::y).toArray());
            Color c = s.color() != null ? s.color() : s.dashed() ? MethodColors.BLACK : MethodColors.of(s.colorKey());
            xs.setLineColor(c);
            xs.setMarkerColor(c);
            xs.setMarker(MARKERS.get(Math.floorMod(s.colorKey().toUpperCase(java.util.Locale.ROOT).hashCode(), MARKERS.size())));
            switch (s.kind()) {
                case SCATTER -> xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                case MARKER -> {
                    xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                    xs.setMarker(SeriesMarkers.DIAMOND);
                }
                default -> {
                    xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                    xs.setLineStyle(s.dashed() ? dash(2f) : new BasicStroke(2f));
                    if (s.dashed()) {
                        xs.setMarker(SeriesMarkers.DIAMOND); // the points on a front stand out behind their own markers
                    }
                }
            }
            colors.put(s.name(), c);
            index++;
        }
        if (!drawable.isEmpty()) {
            double x0 = drawable.stream().mapToDouble(Xy::x).min().orElseThrow();
            double x1 = drawable.stream().mapToDouble(Xy::x).max().orElseThrow();
            double y0 = drawable.stream().mapToDouble(Xy::y).min().orElseThrow();
            double y1 = drawable.stream().mapToDouble(Xy::y).max().orElseThrow();
            for (Rule r : rules) {
                if (colors.containsKey(r.label()) || !Double.isFinite(r.value())
                        || (r.vertical() ? lx : ly) && r.value() <= 0) {
                    continue;
                }
                double[] xs = r.vertical() ? new double[] {r.value(), r.value()} : new double[] {x0, x1};
                double[] ys = r.vertical() ? new double[] {y0, y1} : new double[] {r.value(), r.value()};
                XYSeries line = chart.addSeries(r.label(), xs, ys);
                Color c = r.color() != null ? r.color() : r.vertical() ? MethodColors.of(r.colorKey()) : MethodColors.VERMILLION;
                line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                line.setLineColor(c);
                line.setMarker(SeriesMarkers.NONE);
                line.setLineStyle(r.vertical() ? dash(1.5f) : new BasicStroke(2f, BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_MITER, 10f, new float[] {10f, 5f}, 0f));
                line.setShowInLegend(!r.vertical());
                colors.put(r.label(), c);
            }
        }
        if (index == 0) {
            chart.setTitle(title + " (no data)");
            // an empty XY chart cannot draw its axes; one invisible point keeps it drawable
            XYSeries none = chart.addSeries(" ", new double[] {1}, new double[] {1});
            none.setShowInLegend(false);
            none.setMarker(SeriesMarkers.NONE);
            chart.getStyler().setXAxisLogarithmic(false);
            chart.getStyler().setYAxisLogarithmic(false);
            return new Figure(name, caption, chart, Map.of(), false, false);
        }
        return new Figure(name, caption, chart, colors, lx, ly);
    }

    private Optional<SeriesSpec> minimum() {
        SeriesSpec best = null;
        Xy at = null;
        for (SeriesSpec s : series) {
            if (s.kind() == Kind.MARKER || s.dashed()) {
                continue;
            }
            for (Xy p : s.points()) {
                if (p.isFinite() && (at == null || p.y() < at.y())) {
                    at = p;
                    best = s;
                }
            }
        }
        if (at == null) {
            return Optional.empty();
        }
        String label = String.format(java.util.Locale.ROOT, "%s: %s at %s", minimumLabel, best.name(), num(at.x()));
        return Optional.of(new SeriesSpec(label, best.colorKey(), List.of(at), Kind.MARKER, false));
    }

    /** [lo, hi] widened by 8 % of the span (or of the value when the span is 0) on each side. */
    static double[] padded(double lo, double hi) {
        double span = hi - lo;
        double pad = span > 0 ? 0.08 * span : Math.max(Math.abs(lo) * 0.1, 1e-9);
        double a = lo - pad;
        if (lo >= 0 && a < 0) {
            a = 0; // a positive quantity keeps a zero floor
        }
        return new double[] {a, hi + pad};
    }

    static String num(double v) {
        return java.math.BigDecimal.valueOf(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    static boolean spansDecades(List<Double> values, List<Double> extra) {
        List<Double> all = new ArrayList<>(values);
        all.addAll(extra);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int positive = 0;
        for (double v : all) {
            if (!Double.isFinite(v)) {
                continue;
            }
            if (v <= 0) {
                return false;
            }
            positive++;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return positive >= 2 && max / min >= LOG_SPAN;
    }

    private static BasicStroke dash(float w) {
        return new BasicStroke(w, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f);
    }

    static void style(org.knowm.xchart.style.AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setLegendBorderColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xDDDDDD));
        s.setMarkerSize(8);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setAntiAlias(true);
        s.setToolTipsEnabled(false);
    }

    private static List<Xy> sortedByX(List<Xy> points) {
        List<Xy> p = new ArrayList<>(Objects.requireNonNull(points, "points"));
        p.sort(java.util.Comparator.comparingDouble(Xy::x));
        return p;
    }

    private LineChart add(SeriesSpec s) {
        Objects.requireNonNull(s.name(), "series name");
        Objects.requireNonNull(s.colorKey(), "colorKey");
        List<SeriesSpec> l = new ArrayList<>(series);
        l.add(s);
        return copy(l, rules);
    }

    private LineChart copy(List<SeriesSpec> s, List<Rule> r) {
        return new LineChart(name, title, xTitle, yTitle, s, r, xLog, yLog, width, height, caption, minimumLabel,
                yTicks);
    }

    static String slug(String title) {
        String s = title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return s.isEmpty() ? "figure" : s;
    }
}
