package io.qmeter.analysis.figures;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * A drawn figure: an XChart chart with its name, caption and what it shows, written as PNG or SVG.
 * Rendering is synchronized on the figure (XChart charts are not thread-safe); the AWT headless mode
 * is switched on when the JVM has not chosen otherwise.
 *
 * <pre>{@code
 * Figure f = LineChart.of("J/token", "target rate (req/s)", "energy (J/token)").series("FP16", points).render();
 * f.writePng(Path.of("jtok.png"));
 * byte[] png = f.png();
 * String svg = f.svg();
 * }</pre>
 */
public final class Figure {

    static {
        ensureHeadless();
    }

    /** Switches AWT to headless mode unless the JVM chose already; called before any chart is built. */
    static void ensureHeadless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private final String name;
    private final String caption;
    private final Chart<?, ?> chart;
    private final Map<String, Color> seriesColors;
    private final boolean xLog;
    private final boolean yLog;

    Figure(String name, String caption, Chart<?, ?> chart, Map<String, Color> seriesColors, boolean xLog,
           boolean yLog) {
        this.name = Objects.requireNonNull(name, "name");
        this.caption = Objects.requireNonNull(caption, "caption");
        this.chart = Objects.requireNonNull(chart, "chart");
        this.seriesColors = Collections.unmodifiableMap(new LinkedHashMap<>(seriesColors));
        this.xLog = xLog;
        this.yLog = yLog;
    }

    /**
     * A short name usable as a file name, for example {@code "ttft-p90-vs-rate"}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * One or two sentences saying what the figure shows (the report prints it under the figure).
     *
     * @return the caption
     */
    public String caption() {
        return caption;
    }

    /**
     * A copy with another caption.
     *
     * @param text the caption
     * @return the copy (sharing the chart)
     */
    public Figure withCaption(String text) {
        return new Figure(name, text, chart, seriesColors, xLog, yLog);
    }

    /**
     * The chart's title.
     *
     * @return the title
     */
    public String title() {
        return chart.getTitle();
    }

    /**
     * The x-axis title (with its unit).
     *
     * @return the title, empty for a chart without axes
     */
    public String xAxisTitle() {
        return chart.getXAxisTitle() == null ? "" : chart.getXAxisTitle();
    }

    /**
     * The y-axis title (with its unit).
     *
     * @return the title, empty for a chart without axes
     */
    public String yAxisTitle() {
        return chart.getYAxisTitle() == null ? "" : chart.getYAxisTitle();
    }

    /**
     * The data series drawn, by name, with their colours, in drawing order (helper series such as
     * SLO or saturation lines are included).
     *
     * @return name to colour
     */
    public Map<String, Color> seriesColors() {
        return seriesColors;
    }

    /**
     * The names of the series drawn, in order.
     *
     * @return the names
     */
    public List<String> seriesNames() {
        return List.copyOf(seriesColors.keySet());
    }

    /**
     * Whether the x axis is logarithmic.
     *
     * @return true when logarithmic
     */
    public boolean xLogarithmic() {
        return xLog;
    }

    /**
     * Whether the y axis is logarithmic.
     *
     * @return true when logarithmic
     */
    public boolean yLogarithmic() {
        return yLog;
    }

    /**
     * Width in pixels.
     *
     * @return the width
     */
    public int width() {
        return chart.getWidth();
    }

    /**
     * Height in pixels.
     *
     * @return the height
     */
    public int height() {
        return chart.getHeight();
    }

    /**
     * The XChart chart itself, for styling beyond the defaults. Changing it changes this figure.
     *
     * @return the chart
     */
    public Chart<?, ?> chart() {
        return chart;
    }

    /**
     * The figure as PNG.
     *
     * @return the PNG bytes
     * @throws UncheckedIOException when the encoder fails
     */
    public synchronized byte[] png() {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw figure " + name + " as PNG: " + e.getMessage(), e);
        }
    }

    /**
     * The figure as an SVG document.
     *
     * @return the SVG text
     * @throws UncheckedIOException when the encoder fails
     */
    public synchronized String svg() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw figure " + name + " as SVG: " + e.getMessage(), e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Writes the PNG to a file (parent folders created, the file replaced).
     *
     * @param file the file
     * @return the file
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public Path writePng(Path file) {
        return write(file, png());
    }

    /**
     * Writes the SVG to a file (parent folders created, the file replaced).
     *
     * @param file the file
     * @return the file
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public Path writeSvg(Path file) {
        return write(file, svg().getBytes(StandardCharsets.UTF_8));
    }

    private static Path write(Path file, byte[] bytes) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the figure to " + file + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "Figure[" + name + ": " + title() + ", series " + seriesNames() + "]";
    }
}
