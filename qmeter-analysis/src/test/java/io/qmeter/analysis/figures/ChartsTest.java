package io.qmeter.analysis.figures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

class ChartsTest {

    @TempDir
    Path dir;

    /** The case study's shape: J/token vs target rate per (method, TP), optimum marked. */
    static LineChart caseStudy() {
        Map<String, List<Xy>> s = new LinkedHashMap<>();
        s.put("FP16 TP1", List.of(new Xy(2, 0.9), new Xy(4, 0.7), new Xy(8, 0.65)));
        s.put("FP16 TP2", List.of(new Xy(2, 1.2), new Xy(4, 0.8), new Xy(8, 0.55), new Xy(16, 0.6)));
        LineChart c = LineChart.of("J/token vs target rate", "target rate (req/s)", "energy (J/token)");
        for (var e : s.entrySet()) {
            c = c.series(e.getKey(), "FP16", e.getValue());
        }
        return c.series("W4A16-INT TP1", List.of(new Xy(2, 0.7), new Xy(4, 0.6), new Xy(8, Double.NaN)))
                .markMinimum("energy optimum");
    }

    @Test
    void theOptimumIsTheLowestPointOverAllSeries() {
        Figure f = caseStudy().render();
        assertThat(f.seriesNames()).containsExactly("FP16 TP1", "FP16 TP2", "W4A16-INT TP1",
                "energy optimum: FP16 TP2 at 8");
        assertThat(f.seriesColors().get("FP16 TP2")).isEqualTo(f.seriesColors().get("FP16 TP1"))
                .isEqualTo(MethodColors.BLACK);
        assertThat(f.seriesColors().get("W4A16-INT TP1")).isEqualTo(MethodColors.SKY_BLUE);
        assertThat(f.xLogarithmic()).isFalse(); // 2 .. 16: 8x
        var series = ((org.knowm.xchart.XYChart) f.chart()).getSeriesMap();
        assertThat(series.get("W4A16-INT TP1").getXData()).containsExactly(2.0, 4.0); // NaN left out
    }

    @Test
    void specificationsAreImmutable() {
        LineChart a = LineChart.of("t", "x (s)", "y (ms)");
        LineChart b = a.series("FP16", List.of(new Xy(1, 1)));
        assertThat(a.render().seriesNames()).isEmpty();
        assertThat(b.render().seriesNames()).containsExactly("FP16");
        assertThat(b.xLogarithmic(true).render().xLogarithmic()).isTrue();
        assertThat(b.render().xLogarithmic()).isFalse();
    }

    @Test
    void logAxesLeaveOutPointsTheyCannotShow() {
        Figure f = LineChart.of("t", "rate (req/s)", "ms")
                .series("FP16", List.of(new Xy(0, 5), new Xy(0.1, 5), new Xy(100, 6))).xLogarithmic(true).render();
        var s = ((org.knowm.xchart.XYChart) f.chart()).getSeriesMap().get("FP16");
        assertThat(s.getXData()).containsExactly(0.1, 100.0);
        Figure auto = LineChart.of("t", "rate (req/s)", "ms")
                .series("FP16", List.of(new Xy(0, 5), new Xy(0.1, 5), new Xy(100, 6))).render();
        assertThat(auto.xLogarithmic()).as("a zero keeps the axis linear").isFalse();
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        assertThatThrownBy(() -> LineChart.of("t", "x", "y").series("A", List.of(new Xy(1, 1)))
                .series("A", List.of(new Xy(2, 2))).render()).hasMessageContaining("two series are named 'A'");
        assertThatThrownBy(() -> BarChart.of("t", "x", "y", List.of("a", "b")).series("S", List.of(1.0)))
                .hasMessageContaining("one value per category (2), had 1");
        assertThatThrownBy(() -> BarChart.of("t", "x", "y", List.of("a", "a")))
                .hasMessageContaining("distinct");
        assertThatThrownBy(() -> LineChart.of("t", "x", "y").size(10, 10)).hasMessageContaining("100 to 4000");
    }

    @Test
    void groupedBarsForAStrategyTable() {
        Figure f = BarChart.of("Strategies", "workload", "energy (J/token)", List.of("chat", "code", "summarize"))
                .series("W8A8-FP", List.of(0.5, 0.6, 0.7))
                .series("W4A16-INT", List.of(0.55, Double.NaN, 0.65))
                .named("strategies", "J/token per strategy").render();
        assertThat(f.seriesNames()).containsExactly("W8A8-FP", "W4A16-INT");
        assertThat(f.seriesColors().get("W8A8-FP")).isEqualTo(MethodColors.BLUISH_GREEN);
        assertThat(f.name()).isEqualTo("strategies");
        assertNotBlank(f.png());
    }

    @Test
    void pngDecodesAndIsNotBlankAndSvgIsXml() throws Exception {
        Figure f = caseStudy().render();
        byte[] png = f.png();
        assertNotBlank(png);
        Path file = f.writePng(dir.resolve("a/b/case.png"));
        assertThat(ImageIO.read(file.toFile()).getWidth()).isEqualTo(900);

        String svg = f.svg();
        Document doc = parseXml(svg);
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(doc.getDocumentElement().getAttribute("width")).isEqualTo("900px");
        assertThat(doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path").getLength()).isGreaterThan(20); // text is drawn as outlines
        Path svgFile = f.writeSvg(dir.resolve("case.svg"));
        assertThat(Files.readString(svgFile)).isEqualTo(svg);

        for (Figure fig : StudyFigures.of(StudyFiguresTest.study()).plan("p").all()) {
            assertNotBlank(fig.png());
            assertThat(parseXml(fig.svg()).getDocumentElement().getLocalName()).as(fig.name()).isEqualTo("svg");
        }
    }

    @Test
    void writingWhereNoFileCanBeGivesAClearError() throws Exception {
        Path blocker = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> caseStudy().render().writePng(blocker.resolve("x.png")))
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("cannot write the figure to");
    }

    static Document parseXml(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    /** Decodes with ImageIO and checks the pixels vary (not one colour). */
    static void assertNotBlank(byte[] png) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(img).as("PNG decodes").isNotNull();
            assertThat(variance(img)).as("pixel variance").isGreaterThan(100.0);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static double variance(BufferedImage img) {
        double sum = 0;
        double sq = 0;
        long n = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y);
                double l = 0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255);
                sum += l;
                sq += l * l;
                n++;
            }
        }
        double mean = sum / n;
        return sq / n - mean * mean;
    }
}
