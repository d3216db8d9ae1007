package io.qmeter.analysis.figures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.analysis.profile.ConfigProfile;
import io.qmeter.analysis.profile.LoadPoint;
import io.qmeter.analysis.profile.ProfileKey;
import io.qmeter.analysis.profile.ProfileSet;
import io.qmeter.analysis.profile.Slo;
import io.qmeter.analysis.provision.EnergyTable;
import io.qmeter.analysis.provision.Provisioner;
import io.qmeter.analysis.provision.RateBand;
import io.qmeter.analysis.strategy.StrategyOutcome;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class CaseStudyFiguresTest {

    @TempDir
    Path dir;

    static final Slo LOOSE = Slo.of(Duration.ofSeconds(1), Duration.ofMillis(200), 0);

    static ConfigProfile prof(String method, String gpu, int tp, double... rateJpt) {
        LoadPoint[] pts = new LoadPoint[rateJpt.length / 2];
        for (int i = 0; i < pts.length; i++) {
            double r = rateJpt[2 * i];
            double j = rateJpt[2 * i + 1];
            pts[i] = new LoadPoint(r, 100 + r, 20, j, j * r * 100);
        }
        return new ConfigProfile(new ProfileKey("M-13B", method, gpu, tp, "w"), pts[pts.length - 1].ratePerSecond(),
                List.of(pts), Map.of(), false);
    }

    // hand-made: A (x_s 10, 0.6 → 0.4 J) wins at low rates, B (TP2, x_s 40, 0.5 → 0.3 J) from 40 req/s,
    // C never (always above A); as in ProvisionerTest: at 10 and 20 A (0.4 J), at 40 and 80 B (0.3 J)
    final ProfileSet set = ProfileSet.of(List.of(
            prof("A", "H100", 1, 5, 0.6, 10, 0.4),
            prof("B", "H100", 2, 10, 0.5, 40, 0.3),
            prof("C", "A100", 1, 5, 0.9, 10, 0.7)));

    @Test
    void oneLinePerConfigurationTheEnvelopeAndAMarkerPerBand() throws IOException {
        double[] rates = {10, 20, 40, 80};
        EnergyTable t = Provisioner.table(set, LOOSE, rates);
        Figure f = CaseStudyFigures.provisioning(t);
        assertThat(f.name()).isEqualTo("dp-tp-energy");
        Map<String, XYSeries> series = ((XYChart) f.chart()).getSeriesMap();
        assertThat(f.seriesNames()).containsExactly("13B A H100 TP1", "13B B H100 TP2", "13B C A100 TP1",
                "optimum from 10 req/s: 13B A H100 TP1", "optimum from 40 req/s: 13B B H100 TP2",
                CaseStudyFigures.OPTIMUM_SERIES);
        // the envelope is the provisioning optimum at every rate
        double[] env = series.get(CaseStudyFigures.OPTIMUM_SERIES).getYData();
        for (int i = 0; i < rates.length; i++) {
            assertThat(env[i]).isEqualTo(Provisioner.optimum(set, LOOSE, rates[i]).orElseThrow().joulesPerToken());
        }
        assertThat(env).containsExactly(0.4, 0.4, 0.3, 0.3);
        // the markers are the bands of Provisioner.optimumBands, at their first rate
        List<RateBand> bands = Provisioner.optimumBands(set, LOOSE, rates);
        assertThat(bands).hasSize(2);
        for (RateBand b : bands) {
            String name = f.seriesNames().stream().filter(n -> n.endsWith(": " + b.configuration())).findFirst()
                    .orElseThrow();
            assertThat(series.get(name).getXData()).containsExactly(b.fromRate());
            assertThat(series.get(name).getYData()).containsExactly(b.minJoulesPerToken());
        }
        assertThat(CaseStudyFigures.optimumPerRate(t)).extracting(o -> o.map(ProfileKey::method).orElse("-"))
                .containsExactly("A", "A", "B", "B");
        assertThat(f.seriesColors().get("13B B H100 TP2")).isEqualTo(MethodColors.of("B"));
        assertNotBlank(f.writePng(dir.resolve("dp-tp.png")));
        assertThat(f.svg()).contains("<svg");
    }

    @Test
    void onTheSimulatedOrderTheOptimumMatchesProvisionerOnADenseGrid() {
        double[] rates = Provisioner.rates(1, 300, 40);
        EnergyTable t = Provisioner.table(set, LOOSE, rates);
        List<Optional<ProfileKey>> opt = CaseStudyFigures.optimumPerRate(t);
        for (int i = 0; i < rates.length; i++) {
            assertThat(opt.get(i).orElseThrow()).isEqualTo(Provisioner.optimum(set, LOOSE, rates[i]).orElseThrow()
                    .profile().key());
        }
        Figure f = CaseStudyFigures.provisioning(t);
        assertThat(f.xLogarithmic()).isTrue(); // 1 .. 300 req/s
        long markers = f.seriesNames().stream().filter(n -> n.startsWith(CaseStudyFigures.BAND_PREFIX)).count();
        assertThat(markers).isEqualTo(Provisioner.optimumBands(set, LOOSE, rates).size());
    }

    @Test
    void strategyTableAsThreeBarCharts() throws IOException {
        List<StrategyOutcome> rows = List.of(
                new StrategyOutcome("FP16-Only", 45.5, 1.0, 1.0, 1.0, 0.128, Map.of()),
                new StrategyOutcome("Energy-First", 24, 0.386, 0.9, 0.4, 0.062, Map.of()),
                new StrategyOutcome("advisor", 30, 1.0, 1.0, 1.0, 0.09, Map.of()));
        List<Figure> figs = CaseStudyFigures.strategies(rows);
        assertThat(figs).extracting(Figure::name).containsExactly("strategies-gpus", "strategies-slo",
                "strategies-energy");
        assertThat(figs.get(0).seriesNames()).containsExactly("average GPUs");
        assertThat(figs.get(1).seriesNames()).containsExactly("all SLOs", "latency", "quality");
        assertThat(figs.get(2).seriesNames()).containsExactly("J/token");
        CategoryChart slo = (CategoryChart) figs.get(1).chart();
        assertThat(slo.getSeriesMap().get("all SLOs").getYData()).extracting(Number::doubleValue)
                .containsExactly(100.0, 38.6, 100.0);
        assertThat(slo.getSeriesMap().get("quality").getXData()).extracting(Object::toString)
                .containsExactly("FP16-Only", "Energy-First", "advisor");
        CategoryChart e = (CategoryChart) figs.get(2).chart();
        assertThat(e.getSeriesMap().get("J/token").getYData()).extracting(Number::doubleValue)
                .containsExactly(0.128, 0.062, 0.09);
        for (Figure f : figs) {
            assertNotBlank(f.writePng(dir.resolve(f.name() + ".png")));
        }
        assertThatThrownBy(() -> CaseStudyFigures.strategies(List.of())).hasMessageContaining("at least one");
    }

    static void assertNotBlank(Path png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(java.nio.file.Files.readAllBytes(png)));
        assertThat(img).as("PNG decodes").isNotNull();
        int first = img.getRGB(0, 0);
        int differing = 0;
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                if (img.getRGB(x, y) != first) {
                    differing++;
                }
            }
        }
        assertThat(differing).as("pixels unlike the background").isGreaterThan(500);
    }
}
