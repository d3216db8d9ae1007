package io.qmeter.analysis.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.QMeter;
import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.RunLength;
import io.qmeter.sweep.SearchSettings;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepReport;
import io.qmeter.sweep.WorkloadSpec;
import io.qmeter.testkit.SimulatedEngineFactory;
import io.qmeter.testkit.sim.LengthDistribution;
import io.qmeter.testkit.sim.VirtualTimeProbe;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builds a store with a real sweep against the simulated engine (two methods, a virtual-time
 * saturation search, three rates over HTTP, records kept), adds quality scores, a failed run and
 * hostile text, writes the HTML report and loads it in Debian's headless Chromium: no console or
 * script error, every figure decoded, no injected element, and a screenshot that is not blank.
 * Skipped, with the reason, when {@code chromium} is not installed ({@code .ci/chromium.sh} installs it).
 * Screenshots stay in {@code target/report-screenshots/}.
 */
class HtmlReportChromiumIT {

    static final Path OUT = Path.of("target", "report-screenshots").toAbsolutePath();
    static Path report;

    static Optional<Path> chromium() {
        String env = System.getenv("QMETER_CHROMIUM");
        for (String c : env != null && !env.isBlank() ? List.of(env) : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            Path p = Path.of(c);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @BeforeAll
    static void writeReport() throws Exception {
        assumeTrue(chromium().isPresent(), "chromium is not installed (bash .ci/chromium.sh installs Debian's; "
                + "or set QMETER_CHROMIUM): the report is not checked in a browser");
        Files.createDirectories(OUT);
        Path db = OUT.resolve("report-it.db");
        Files.deleteIfExists(db);
        Slo slo = Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1)).tpot(Percentile.of(90), Duration.ofMillis(200)).build();
        List<EngineSettings> configs = new ArrayList<>();
        for (String m : List.of("FP16", "W4A16-INT")) {
            configs.add(EngineSettings.builder().engine("simulated").model("Llama-2-13B").quantization(m)
                    .tensorParallel(1).gpu("H100-80GB").build());
        }
        Plan plan = Plan.builder("report-it").configurations(configs)
                .workload(WorkloadSpec.of("sharegpt-like", Map.of("meanInputTokens", 331L, "meanOutputTokens", 64L)))
                .slo(slo).saturationFractions(0.25, 0.5, 1.0).repetitions(1)
                .runLength(RunLength.requests(30).withWarmupRequests(5)).seed(42)
                .search(new SearchSettings(0.05, 20, Double.NaN)).build();
        LengthDistribution lengths = LengthDistribution.of(QMeter.sharegptLike(331, 64));
        try (ResultStore store = ResultStore.sqlite(db);
             SweepCoordinator c = SweepCoordinator.builder(store).parallelism(2).keepRecords(true)
                     .clientCheck(Duration.ofMillis(500), 0.5)
                     .searchProbe((settings, realTime) -> VirtualTimeProbe.of(
                             new SimulatedEngineFactory().simConfig(SweepCoordinator.settingsMap(settings)), lengths))
                     .searchTuning(s -> s.requestsPerProbe(400))
                     .build()) {
            SweepReport r = c.run(plan);
            assertThat(r.ok() + r.invalid()).as("stored load runs").isEqualTo(6);
            // quality as the sweep stores it (a quality step needs qmeter-quality, which this module does not use)
            store.put(quality(configs.get(0), "gsm8k", 0.42));
            store.put(quality(configs.get(1), "gsm8k", 0.31));
            store.put(quality(configs.get(0), "mmlu", 0.55));
            store.put(quality(configs.get(1), "mmlu", 0.53));
            Map<String, String> labels = new HashMap<>(store.findByPlan("report-it").get(0).labels());
            labels.put("model", HtmlReportTest.EVIL);
            store.put(StoredRun.failed(new RunKey("report-it", configs.get(1).id(), "2sat", 0),
                    "the engine exited with code 137\n" + HtmlReportTest.EVIL, labels, "{}"));
            report = HtmlReport.of(store).plan("report-it").writeTo(OUT.resolve("report.html"));
        }
    }

    static StoredRun quality(EngineSettings s, String benchmark, double score) {
        Map<String, String> l = new HashMap<>();
        l.put("engine", s.engine());
        l.put("model", s.model());
        l.put("quantization", s.quantization());
        l.put("tensor_parallel", "1");
        l.put("gpu", s.gpu());
        l.put("step", "quality");
        l.put("benchmark", benchmark);
        l.put("quality_metric", "exact_match");
        l.put("simulated", "true");
        return new StoredRun(new RunKey("report-it", s.id(), "quality." + benchmark, 0), RunStatus.OK, null, l,
                Map.of("quality", score, "quality_stderr", 0.05, "quality_n", 100.0),
                "{\"benchmark\":\"" + benchmark + "\",\"options\":{\"seed\":7}}", Instant.now());
    }

    record Result(int exit, String stdout, String stderr) {
    }

    static Result chromium(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium().orElseThrow().toString(), "--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
                "--user-data-dir=" + OUT.resolve("chromium-profile"), "--enable-logging=stderr", "--v=0"));
        cmd.addAll(List.of(args));
        Path stdout = Files.createTempFile(OUT, "chromium-", ".out");
        Path stderr = Files.createTempFile(OUT, "chromium-", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s: " + cmd + "\n" + Files.readString(stderr));
        }
        Result r = new Result(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
        Files.delete(stdout);
        Files.delete(stderr);
        return r;
    }

    @Test
    void everyFigureDecodesWithoutAConsoleErrorAndNothingInjectedRuns() throws Exception {
        Result r = chromium("--virtual-time-budget=5000", "--dump-dom", report.toUri().toString());
        assertThat(r.exit()).as("chromium's exit code; stderr:\n" + r.stderr()).isZero();
        String dom = r.stdout();
        Files.writeString(OUT.resolve("report.dom.html"), dom);
        assertThat(attr(dom, "data-selfcheck")).as("the page's load handler ran").isEqualTo("done");
        int figures = Integer.parseInt(attr(dom, "data-figures"));
        assertThat(figures).as("figures in the report").isGreaterThanOrEqualTo(10);
        assertThat(attr(dom, "data-figures-decoded")).as("figures decoded").isEqualTo(Integer.toString(figures));
        assertThat(attr(dom, "data-errors")).as("script errors: " + attr(dom, "data-error-text")).isEqualTo("0");
        assertThat(dom).doesNotContain("data-decoded=\"no\"");
        List<String> console = r.stderr().lines().filter(l -> l.contains(":CONSOLE")).toList();
        assertThat(console).as("console messages").isEmpty();
        // the hostile text is shown as text: one script element (the self-check), no injected image
        assertThat(HtmlReportTest.count(dom, "<script")).isEqualTo(1);
        assertThat(dom).doesNotContain("<img src=\"x\"").contains("&lt;script&gt;window.pwned=1&lt;/script&gt;");
        assertThat(dom).doesNotContain("window.pwned=1</script>");
        assertThat(dom).contains("latency-over-time").contains("quality-change-heatmap").contains("power-timeline");
    }

    @Test
    void theScreenshotIsNotBlank() throws Exception {
        for (String[] shot : List.of(new String[] {"report-top.png", "1280,2200"}, new String[] {"report-full.png", "1280,12000"})) {
            Path png = OUT.resolve(shot[0]);
            Files.deleteIfExists(png);
            Result r = chromium("--window-size=" + shot[1], "--virtual-time-budget=5000",
                    "--screenshot=" + png, report.toUri().toString());
            assertThat(r.exit()).as("chromium's exit code; stderr:\n" + r.stderr()).isZero();
            BufferedImage img = ImageIO.read(new File(png.toString()));
            assertThat(img).as(png + " decodes").isNotNull();
            assertThat(img.getWidth()).isEqualTo(1280);
            assertThat(variance(img)).as("pixel variance of " + png).isGreaterThan(200.0);
            assertThat(colouredShare(img)).as("share of saturated (figure) pixels in " + png).isGreaterThan(0.001);
        }
    }

    static String attr(String dom, String name) {
        Matcher m = Pattern.compile("<html[^>]*\\s" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(dom);
        assertThat(m.find()).as(name + " on <html> in the dumped DOM").isTrue();
        return m.group(1);
    }

    static double variance(BufferedImage img) {
        double sum = 0;
        double sq = 0;
        long n = 0;
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
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

    /** Pixels with clearly coloured content (figure lines and heat-map cells, not text or table grey). */
    static double colouredShare(BufferedImage img) {
        long coloured = 0;
        long n = 0;
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 255;
                int g = (rgb >> 8) & 255;
                int b = rgb & 255;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 80) {
                    coloured++;
                }
                n++;
            }
        }
        return (double) coloured / n;
    }
}
