package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.analysis.profile.ConfigProfile;
import io.qmeter.analysis.provision.Provisioner;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real-store case study on the committed H200 store: what it prints is checked against the
 * values stored in the file, read here independently of {@code StoreProfiles}.
 */
class RealStoreCaseStudyTest {

    static final Path STORE = Path.of("..").resolve(RealStoreCaseStudy.STORE);

    @TempDir
    Path dir;

    /** quantization label → [saturation_rps, j_per_token at 100 % of it], read from the stored runs. */
    Map<String, double[]> storedFigures() throws Exception {
        Path copy = dir.resolve("independent.db");
        Files.copy(STORE, copy);
        Map<String, double[]> out = new HashMap<>();
        try (ResultStore s = ResultStore.sqlite(copy)) {
            for (StoredRun r : s.list()) {
                if (r.status() != RunStatus.OK) {
                    continue;
                }
                double[] v = out.computeIfAbsent(r.labels().get("quantization"), k -> new double[2]);
                if (r.key().rateLabel().equals("saturation")) {
                    v[0] = r.metrics().get("saturation_rps");
                } else if (r.key().rateLabel().equals("1sat")) {
                    v[1] = r.metrics().get("j_per_token");
                }
            }
        }
        return out;
    }

    @Test
    void printsTheStoredSaturationPointsAndCeilInstanceCounts() throws Exception {
        Map<String, double[]> stored = storedFigures();
        assertThat(stored).containsOnlyKeys("F16", "Q8_0", "Q4_0");
        assertThat(String.format(Locale.ROOT, "%.2f %.2f %.2f", stored.get("F16")[0], stored.get("Q8_0")[0],
                stored.get("Q4_0")[0])).isEqualTo("6.74 7.57 9.99");

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        RealStoreCaseStudy.Result r = RealStoreCaseStudy.run(STORE, dir.resolve("out"),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);

        // the profiles carry the stored x_s, and at x = x_s one instance runs at the stored 100 % point
        assertThat(r.profiles().size()).isEqualTo(3);
        for (ConfigProfile p : r.profiles().profiles()) {
            double[] v = stored.get(p.key().method());
            assertThat(p.saturationRate()).isEqualTo(v[0]);
            assertThat(Provisioner.provision(p, p.saturationRate(), p.saturationRate()).joulesPerToken())
                    .isCloseTo(v[1], org.assertj.core.api.Assertions.within(1e-12));
        }
        // the failed Q4_0 + KV q8_0 configuration (5 runs) is skipped with its cause
        assertThat(r.skipped()).hasSize(5).allMatch(s -> s.contains("TIME_BUDGET_EXHAUSTED"));

        // the printed provisioning rows: "<label> x_s  n x J ..." with n = ceil(x / x_s) for the stored x_s
        Pattern row = Pattern.compile("^tinyllama-random-1\\.1B (F16|Q8_0|Q4_0) H200 TP1\\s+(\\d+\\.\\d\\d)((?:\\s+\\d+ x "
                + "\\d+\\.\\d{3})+)\\s*$", Pattern.MULTILINE);
        Matcher m = row.matcher(text);
        int rows = 0;
        while (m.find()) {
            rows++;
            double xs = stored.get(m.group(1))[0];
            assertThat(m.group(2)).isEqualTo(String.format(Locale.ROOT, "%.2f", xs));
            String[] cells = m.group(3).trim().split("\\s+(?=\\d+ x )");
            assertThat(cells).hasSize(RealStoreCaseStudy.SHOWN_RATES.length);
            for (int i = 0; i < cells.length; i++) {
                int n = Integer.parseInt(cells[i].split(" x ")[0]);
                assertThat(n).as("%s at %s req/s", m.group(1), RealStoreCaseStudy.SHOWN_RATES[i])
                        .isEqualTo((int) Math.ceil(RealStoreCaseStudy.SHOWN_RATES[i] / xs));
            }
        }
        assertThat(rows).isEqualTo(3);
        // hand-checked: 50 req/s needs ceil(50 / 6.744) = 8 F16, ceil(50 / 7.575) = 7 Q8_0, ceil(50 / 9.992) = 6 Q4_0
        assertThat(text).containsPattern("F16 H200 TP1 +6\\.74 .* 8 x 0\\.\\d{3}\\n")
                .containsPattern("Q8_0 H200 TP1 +7\\.57 .* 7 x 0\\.\\d{3}\\n")
                .containsPattern("Q4_0 H200 TP1 +9\\.99 .* 6 x 0\\.\\d{3}\\n");
        // under the study's SLO re-checked on the sweep points: F16 17.2 ms TPOT at 75 % → x_s = its 50 % point
        assertThat(text).containsPattern("F16 H200 TP1 +6\\.74 +3\\.37 ").containsPattern("Q8_0 H200 TP1 +7\\.57 +7\\.57 ");
        assertThat(text).contains("no quality runs, so the front is over P90 TTFT and J/token only");
        // bands: at the top of the grid (50 req/s) Q4_0 is the optimum with 6 GPUs
        assertThat(r.bands().get(r.bands().size() - 1).configuration()).contains("Q4_0");
        assertThat(r.bands().get(r.bands().size() - 1).maxGpus()).isEqualTo(6);

        assertThat(Files.readString(r.report())).startsWith("<!DOCTYPE html>").contains("Q4_0");
        BufferedImage img = ImageIO.read(r.figure().toFile());
        assertThat(img).isNotNull();
        long colours = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth()).length == 0 ? 0
                : java.util.Arrays.stream(img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth()))
                .distinct().count();
        assertThat(colours).as("distinct colours in the figure").isGreaterThan(5);
        assertThat(Files.exists(r.figure().resolveSibling("dp-tp-energy-h200.svg"))).isTrue();
        // the committed store was never opened: no WAL beside it
        assertThat(Files.exists(Path.of(STORE + "-wal"))).isFalse();
    }

    @Test
    void aMissingStoreSaysWhatToDo() {
        assertThatThrownBy(() -> RealStoreCaseStudy.run(dir.resolve("nope.db"), dir, System.out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pass the .db file");
    }
}
