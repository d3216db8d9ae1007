package io.qmeter.analysis.figures;

import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * A grouped bar chart from plain data: categories along x (for example the rows of a strategy
 * table), one bar per series in each (for example the strategies), each series in its method's
 * colour ({@link MethodColors}). Immutable: every method returns a new specification.
 *
 * <pre>{@code
 * Figure f = BarChart.of("Strategies", "workload", "energy (J/token)", List.of("chat", "code"))
 *         .series("FP16 TP1", List.of(0.81, 0.92))
 *         .series("W4A16-INT TP1", List.of(0.59, Double.NaN))   // NaN: no bar
 *         .render();
 * }</pre>
 */
public final class BarChart {

    private record SeriesSpec(String name, String colorKey, List<Double> values) {
    }

    private final String name;
    private final String title;
    private final String xTitle;
    private final String yTitle;
    private final List<String> categories;
    private final List<SeriesSpec> series;
    private final String caption;
    private final int width;
    private final int height;

    private BarChart(String name, String title, String xTitle, String yTitle, List<String> categories,
                     List<SeriesSpec> series, String caption, int width, int height) {
        this.name = name;
        this.title = title;
        this.xTitle = xTitle;
        this.yTitle = yTitle;
        this.categories = List.copyOf(categories);
        this.series = List.copyOf(series);
        this.caption = caption;
        this.width = width;
        this.height = height;
    }

    /**
     * A chart with its categories and no series.
     *
     * @param title      the title
     * @param xAxisTitle the x axis's title
     * @param yAxisTitle the y axis's title, with its unit
     * @param categories the groups along x, at least one, distinct
     * @return the specification
     */
    public static BarChart of(String title, String xAxisTitle, String yAxisTitle, List<String> categories) {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(xAxisTitle, "xAxisTitle");
        Objects.requireNonNull(yAxisTitle, "yAxisTitle");
        if (categories.isEmpty() || categories.stream().distinct().count() != categories.size()) {
            throw new IllegalArgumentException("categories must be at least one and distinct, were " + categories);
        }
        return new BarChart(LineChart.slug(title), title, xAxisTitle, yAxisTitle, categories, List.of(), "", 900, 540);
    }

    /**
     * Adds a series coloured by its name.
     *
     * @param seriesName the legend name
     * @param values     one value per category (NaN: no bar)
     * @return a new specification
     */
    public BarChart series(String seriesName, List<Double> values) {
        return series(seriesName, seriesName, values);
    }

    /**
     * Adds a series in the colour of {@code colorKey}.
     *
     * @param seriesName the legend name
     * @param colorKey   the method whose colour it takes
     * @param values     one value per category (NaN: no bar)
     * @return a new specification
     * @throws IllegalArgumentException when the count of values is not the count of categories
     */
    public BarChart series(String seriesName, String colorKey, List<Double> values) {
        Objects.requireNonNull(seriesName, "seriesName");
        Objects.requireNonNull(colorKey, "colorKey");
        if (values.size() != categories.size()) {
            throw new IllegalArgumentException("series '" + seriesName + "' needs one value per category ("
                    + categories.size() + "), had " + values.size());
        }
        if (series.stream().anyMatch(s -> s.name().equals(seriesName))) {
            throw new IllegalArgumentException("two series are named '" + seriesName + "'; give them distinct names");
        }
        List<SeriesSpec> l = new ArrayList<>(series);
        l.add(new SeriesSpec(seriesName, colorKey, List.copyOf(values)));
        return new BarChart(name, title, xTitle, yTitle, categories, l, caption, width, height);
    }

    /**
     * Sets the figure's file name and caption.
     *
     * @param figureName a short name
     * @param text       what the figure shows
     * @return a new specification
     */
    public BarChart named(String figureName, String text) {
        return new BarChart(Objects.requireNonNull(figureName, "figureName"), title, xTitle, yTitle, categories, series,
                Objects.requireNonNull(text, "text"), width, height);
    }

    /**
     * Draws the chart.
     *
     * @return the figure
     */
    public Figure render() {
        Figure.ensureHeadless();
        CategoryChart chart = new CategoryChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).theme(Styler.ChartTheme.Matlab).build();
        LineChart.style(chart.getStyler());
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        Map<String, Color> colors = new LinkedHashMap<>();
        for (SeriesSpec s : series) {
            List<Double> v = s.values().stream().map(d -> Double.isFinite(d) ? d : 0.0).toList();
            CategorySeries cs = chart.addSeries(s.name(), categories, v);
            Color c = MethodColors.of(s.colorKey());
            cs.setFillColor(c);
            cs.setLineColor(c);
            colors.put(s.name(), c);
        }
        if (series.isEmpty()) {
            chart.setTitle(title + " (no data)");
            CategorySeries none = chart.addSeries(" ", categories, categories.stream().map(c -> 0.0).toList());
            none.setShowInLegend(false);
        }
        return new Figure(name, caption, chart, colors, false, false);
    }
}
