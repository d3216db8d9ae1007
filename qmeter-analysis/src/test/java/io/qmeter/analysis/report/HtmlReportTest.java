package io.qmeter.analysis.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.analysis.figures.Runs;
import io.qmeter.analysis.figures.StudyFigures;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    static final String EVIL = "<script>window.pwned=1</script><img src=x onerror=alert(1)>\"'&";

    @TempDir
    Path dir;

    /** A store with two methods, quality, a failed run and hostile text in a cause and a label. */
    static ResultStore store(Path file) {
        ResultStore s = ResultStore.sqlite(file);
        s.put(Runs.saturation("p", "FP16", 10));
        s.put(Runs.saturation("p", "W4A16-INT", 12));
        s.put(Runs.load("p", "FP16", 0.5, 10, 70, 22, 0.8, 2, 0));
        s.put(Runs.load("p", "FP16", 1.0, 10, 90, 26, 0.7, 3, 20));
        s.put(Runs.load("p", "W4A16-INT", 0.5, 12, 65, 16, 0.55, 5, 0));
        s.put(Runs.load("p", "W4A16-INT", 1.0, 12, 85, 18, 0.75, 6, 20));
        s.put(Runs.quality("p", "FP16", "gsm8k", 0.40));
        s.put(Runs.quality("p", "W4A16-INT", "gsm8k", 0.30));
        Map<String, String> labels = new HashMap<>(Runs.labels("W4A16-INT"));
        labels.put("model", EVIL);
        s.put(StoredRun.failed(new RunKey("p", Runs.cid("W4A16-INT"), "2sat", 0), "engine died: " + EVIL, labels, "{}"));
        s.put(new StoredRun(new RunKey("other", "x", "1rps", 0), RunStatus.INVALID, "client lag", Runs.labels("W8A8-FP"),
                Map.of(), "{}", Instant.now()));
        return s;
    }

    @Test
    void textFromTheStoreIsEscaped() {
        try (ResultStore s = store(dir.resolve("r.db"))) {
            String html = HtmlReport.of(s).plan("p").html();
            assertThat(html).doesNotContain("<script>window.pwned").doesNotContain("<img src=x")
                    .contains("engine died: &lt;script&gt;window.pwned=1&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;");
            assertThat(count(html, "<script")).isEqualTo(1); // the self-check only
        }
    }

    @Test
    void theReportHoldsEveryFigureInlineTheTablesAndTheMetadata() {
        try (ResultStore s = store(dir.resolve("r.db"))) {
            String html = HtmlReport.of(s).plan("p").html();
            int figures = StudyFigures.of(s).plan("p").all().size();
            assertThat(figures).isGreaterThanOrEqualTo(6);
            assertThat(count(html, "<img class=\"figure\"")).isEqualTo(figures);
            assertThat(count(html, "src=\"data:image/png;base64,")).isEqualTo(figures);
            assertThat(html).doesNotContain("src=\"http").doesNotContain("href=\"http");
            assertThat(html).contains("ttft p90 &lt;= 1000 ms, tpot p90 &lt;= 200 ms") // the SLO
                    .contains("p99 schedule lag and p99 event-loop delay ≤ 200 ms")   // client-check thresholds
                    .contains("passed")                                              // a run's self-check
                    .contains("not recorded")                                        // engine version
                    .contains("simulated (ESTIMATED); devices sim-gpu-0")            // sensor
                    .contains("CONVERGED, 8 probes, by virtual time")                // search
                    .contains("Runs stored as invalid or failed").contains("p/simulated-w4a16-int-tp1/2sat/0")
                    .contains("Per-request records: not kept")
                    .contains("qMeter</th><td>");
            assertThat(html).doesNotContain("client lag"); // the other plan's run is filtered out
            assertThat(HtmlReport.of(s).html()).contains("client lag").contains("qMeter report: other, p");
        }
    }

    @Test
    void theEngineVersionAndWhatTheSensorSaidOfTheGpusAreShownOncePerSensor() {
        try (ResultStore s = ResultStore.sqlite(dir.resolve("gpu.db"))) {
            for (String m : new String[] {"FP16", "W4A16-INT"}) {
                StoredRun sat = Runs.saturation("g", m, 10);
                Map<String, String> labels = new HashMap<>(sat.labels());
                labels.put("engine_version", "b4520-c392e50");
                labels.put("sensor_detail", "NVML energy counter at window edges; GPU-1 (index 0, NVIDIA H200): <MEASURED>");
                s.put(new StoredRun(sat.key(), sat.status(), sat.cause(), labels, sat.metrics(), sat.payloadJson(),
                        sat.recordedAt()));
            }
            String html = HtmlReport.of(s).plan("g").html();
            assertThat(html).contains("<td>b4520-c392e50</td>").contains("Power sensors and GPUs");
            assertThat(count(html, "NVIDIA H200): &lt;MEASURED&gt;")).as("one row for the sensor both share").isEqualTo(1);
            assertThat(html).doesNotContain("the sweep does not store").doesNotContain("The engine's version: not");
        }
    }

    @Test
    void anUnknownPlanIsABadInputThatNamesTheStoredPlans() {
        try (ResultStore s = store(dir.resolve("r.db"))) {
            assertThatThrownBy(() -> HtmlReport.of(s).plan("nope").html()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the store holds no run of plan 'nope'; plans stored: other, p");
            assertThatThrownBy(() -> HtmlReport.of(s).plan(" ")).hasMessageContaining("blank");
        }
    }

    @Test
    void writeToReplacesTheFileAndAnIoErrorSaysWhere() throws Exception {
        try (ResultStore s = store(dir.resolve("r.db"))) {
            HtmlReport r = HtmlReport.of(s).plan("p").title("My <study>");
            Path out = r.writeTo(dir.resolve("sub/report.html"));
            assertThat(out).isAbsolute().exists();
            assertThat(Files.readString(out)).contains("<title>My &lt;study&gt;</title>");
            if (out.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                // readable by others as any file the user writes (umask), not owner-only like a temp file
                assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Files.getPosixFilePermissions(
                        Files.writeString(dir.resolve("plain.txt"), "x")));
            }
            try (var files = Files.list(out.getParent())) {
                assertThat(files).containsExactly(out); // no temporary file left
            }
            Path blocker = Files.writeString(dir.resolve("blocker"), "x");
            assertThatThrownBy(() -> r.writeTo(blocker.resolve("report.html")))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("cannot write the HTML report to " + blocker.resolve("report.html").toAbsolutePath());
        }
    }

    @Test
    void anEmptyStoreGivesAnEmptyReportNotAnError() {
        try (ResultStore s = ResultStore.sqlite(dir.resolve("empty.db"))) {
            String html = HtmlReport.of(s).html();
            assertThat(html).contains("(the store holds no runs)").contains("No OK load run or quality score to draw.");
        }
    }

    @Test
    void escapeCoversEveryHtmlSpecialCharacter() {
        assertThat(HtmlReport.esc("<a href='x'>\"&\"</a>")).isEqualTo("&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
        assertThat(HtmlReport.num(Double.NaN, 2)).isEqualTo("–");
        assertThat(HtmlReport.num(1.23456, 2)).isEqualTo("1.23");
    }

    static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
