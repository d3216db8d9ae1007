package io.qmeter.analysis.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmeter.analysis.figures.Figure;
import io.qmeter.analysis.figures.MethodColors;
import io.qmeter.analysis.figures.StudyFigures;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One self-contained HTML file for a study: the figures inline (PNG as {@code data:} URIs, no file
 * beside it and nothing fetched), the tables of load runs (with each run's client self-check and
 * seed), quality scores, the runs stored as {@code INVALID} or {@code FAILED} with their causes, and
 * the metadata a reviewer needs (engine, model, method, tensor parallelism, GPU, power sensor, SLO,
 * client-check thresholds, qMeter version) — and what the store does not hold, said so. Every text
 * from the store is HTML-escaped.
 *
 * <p>An immutable specification: {@link #plan(String)} and {@link #title(String)} return new ones.
 * The page carries a small script that records, on the {@code <html>} element, how many figures
 * there are and how many decoded ({@code data-figures}, {@code data-figures-decoded}) and any
 * script error ({@code data-errors}), so an automated check in a browser can read them.
 *
 * <pre>{@code
 * try (ResultStore store = ResultStore.sqlite(Path.of("results.db"))) {
 *     Path html = HtmlReport.of(store).plan("quantization-study-13b-h100").writeTo(Path.of("report.html"));
 * }
 * }</pre>
 */
public final class HtmlReport {

    private final ResultStore store;
    private final Optional<String> plan;
    private final Optional<String> title;

    private HtmlReport(ResultStore store, Optional<String> plan, Optional<String> title) {
        this.store = store;
        this.plan = plan;
        this.title = title;
    }

    /**
     * A report of every run in a store.
     *
     * @param store the store (read when the report is written, not closed by it)
     * @return the specification
     */
    public static HtmlReport of(ResultStore store) {
        return new HtmlReport(Objects.requireNonNull(store, "store"), Optional.empty(), Optional.empty());
    }

    /**
     * Only the runs of one plan: its id as stored in every run's key ({@code RunKey.planId()}, the
     * plan's {@code id} in plan JSON).
     *
     * @param planName the plan's id
     * @return a new specification
     */
    public HtmlReport plan(String planName) {
        Objects.requireNonNull(planName, "planName");
        if (planName.isBlank()) {
            throw new IllegalArgumentException("planName must not be blank; leave plan(...) out for every run");
        }
        return new HtmlReport(store, Optional.of(planName), title);
    }

    /**
     * The page's title (default: {@code qMeter report} and the plan).
     *
     * @param text the title
     * @return a new specification
     */
    public HtmlReport title(String text) {
        return new HtmlReport(store, plan, Optional.of(Objects.requireNonNull(text, "text")));
    }

    /**
     * Writes the report to a file (parent folders created; written to a temporary file beside it and
     * moved into place, so a reader never sees half a report).
     *
     * @param file the HTML file
     * @return the file, absolute
     * @throws UncheckedIOException naming the file and the cause when it cannot be written
     * @throws IllegalArgumentException when a plan was chosen and the store holds no run of it
     */
    public Path writeTo(Path file) {
        Objects.requireNonNull(file, "file");
        String html = html();
        Path target = file.toAbsolutePath();
        Path tmp = null;
        try {
            Path parent = target.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            // beside the target, with the default permissions (createTempFile would make it owner-only)
            tmp = target.resolveSibling("." + target.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
            Files.writeString(tmp, html, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException | RuntimeException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write failed already; that is the error to report
                }
            }
            if (e instanceof RuntimeException re && !(e instanceof UncheckedIOException)) {
                throw re;
            }
            IOException io = e instanceof IOException ioe ? ioe : ((UncheckedIOException) e).getCause();
            throw new UncheckedIOException("cannot write the HTML report to " + target + ": " + io
                    + " (check that the folder exists or can be created and is writable)", io);
        }
    }

    /**
     * The report as HTML text.
     *
     * @return the page
     * @throws IllegalArgumentException when a plan was chosen and the store holds no run of it
     */
    public String html() {
        List<StoredRun> runs = plan.map(store::findByPlan).orElseGet(store::list);
        if (plan.isPresent() && runs.isEmpty()) {
            Set<String> plans = store.list().stream().map(r -> r.key().planId()).collect(Collectors.toCollection(TreeSet::new));
            throw new IllegalArgumentException("the store holds no run of plan '" + plan.get() + "'; plans stored: "
                    + (plans.isEmpty() ? "none" : String.join(", ", plans)));
        }
        return new Page(runs).render();
    }

    @Override
    public String toString() {
        return "HtmlReport[" + plan.map(p -> "plan " + p).orElse("every plan") + "]";
    }

    /** qMeter's version, from the jar's Maven metadata. */
    static String qmeterVersion() {
        for (String a : List.of("qmeter-analysis", "qmeter-core")) {
            try (InputStream in = HtmlReport.class.getResourceAsStream("/META-INF/maven/io.qmeter/" + a + "/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    String v = p.getProperty("version");
                    if (v != null) {
                        return v;
                    }
                }
            } catch (IOException e) {
                // fall through to the next source
            }
        }
        String v = HtmlReport.class.getPackage().getImplementationVersion();
        return v != null ? v : "unknown (qMeter's classes were not loaded from its jars)";
    }

    /** One rendering. */
    private final class Page {

        private final List<StoredRun> runs;
        private final StudyFigures figures;
        private final Map<String, String> names;
        private final StringBuilder out = new StringBuilder(1 << 16);

        Page(List<StoredRun> runs) {
            this.runs = runs;
            this.figures = StudyFigures.of(runs);
            this.names = figures.seriesNames();
        }

        String render() {
            Set<String> plans = runs.stream().map(r -> r.key().planId()).collect(Collectors.toCollection(TreeSet::new));
            String heading = title.orElse("qMeter report" + (plans.isEmpty() ? "" : ": " + String.join(", ", plans)));
            out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                    .append("<title>").append(esc(heading)).append("</title>\n<style>\n").append(CSS).append("</style>\n")
                    .append("<script>\n").append(SELF_CHECK).append("</script>\n</head>\n<body>\n");
            out.append("<h1>").append(esc(heading)).append("</h1>\n");
            summary(plans);
            configurations();
            settings();
            figureSection();
            loadRuns();
            quality();
            notOk();
            notStored();
            out.append("<footer>Written by qMeter ").append(esc(qmeterVersion())).append(" at ")
                    .append(esc(Instant.now().toString())).append(".</footer>\n</body>\n</html>\n");
            return out.toString();
        }

        private void summary(Set<String> plans) {
            long ok = runs.stream().filter(r -> r.status() == RunStatus.OK).count();
            long invalid = runs.stream().filter(r -> r.status() == RunStatus.INVALID).count();
            long failed = runs.stream().filter(r -> r.status() == RunStatus.FAILED).count();
            out.append("<section id=\"summary\"><h2>Summary</h2>\n<table class=\"kv\">\n");
            kv("plan", plans.isEmpty() ? "(the store holds no runs)" : String.join(", ", plans));
            kv("runs", runs.size() + " stored: " + ok + " OK, " + invalid + " invalid, " + failed + " failed");
            kv("qMeter", qmeterVersion());
            kv("store schema", Integer.toString(store.schemaVersion()));
            Set<String> recorded = runs.stream().map(r -> r.recordedAt().toString()).collect(Collectors.toCollection(TreeSet::new));
            if (!recorded.isEmpty()) {
                kv("recorded", ((TreeSet<String>) recorded).first() + " to " + ((TreeSet<String>) recorded).last());
            }
            out.append("</table></section>\n");
        }

        private void configurations() {
            out.append("<section id=\"configurations\"><h2>Configurations</h2>\n<table>\n<tr><th>series</th>"
                    + "<th>configuration id</th><th>engine</th><th>engine version</th><th>model</th><th>method</th>"
                    + "<th>TP</th><th>GPU</th><th>GPU indices</th><th>power sensor</th><th>idle W</th>"
                    + "<th>saturation req/s</th><th>search</th></tr>\n");
            Map<String, List<StoredRun>> byConfig = new LinkedHashMap<>();
            for (StoredRun r : runs) {
                byConfig.computeIfAbsent(r.key().planId() + "/" + r.key().configurationId(), k -> new ArrayList<>()).add(r);
            }
            Map<String, List<String>> sensors = new LinkedHashMap<>(); // what each power sensor said of its GPUs
            for (Map.Entry<String, List<StoredRun>> e : byConfig.entrySet()) {
                List<StoredRun> rs = e.getValue();
                StoredRun first = rs.get(0);
                Map<String, String> l = first.labels();
                Optional<StoredRun> sat = rs.stream().filter(StudyFigures::isSaturation).findFirst();
                String sensor = l.getOrDefault("sensor", "none");
                Set<String> quality = new TreeSet<>();
                Set<String> devices = new TreeSet<>();
                double idle = Double.NaN;
                for (StoredRun r : rs) {
                    JsonNode energy = r.payload().path("result").path("energy");
                    if (energy.isObject()) {
                        quality.add(energy.path("quality").asText());
                        energy.path("devices").forEach(d -> devices.add(d.path("deviceId").asText()));
                    }
                    double iw = r.metrics().getOrDefault("idle_watts", Double.NaN);
                    if (Double.isFinite(iw)) {
                        idle = iw;
                    }
                }
                String name = names.getOrDefault(e.getKey(), StudyFigures.method(first));
                out.append("<tr><td>").append(swatch(StudyFigures.method(first))).append(esc(name)).append("</td>");
                td(first.key().configurationId());
                td(l.getOrDefault("engine", "?"));
                td(l.getOrDefault("engine_version", "not recorded"));
                td(l.getOrDefault("model", "?"));
                td(StudyFigures.method(first));
                td(l.getOrDefault("tensor_parallel", "?"));
                td(l.getOrDefault("gpu", "?"));
                td(l.getOrDefault("gpus", "not reported"));
                td(sensor + (quality.isEmpty() ? "" : " (" + String.join(", ", quality) + ")")
                        + (devices.isEmpty() ? "" : "; devices " + String.join(", ", devices)));
                if (l.containsKey("sensor_detail")) {
                    sensors.computeIfAbsent(l.get("sensor_detail"), k -> new ArrayList<>()).add(name);
                }
                td(num(idle, 1));
                td(sat.map(s -> s.status() == RunStatus.OK ? num(s.metrics().getOrDefault("saturation_rps", Double.NaN), 2)
                        : s.status().name()).orElse("not searched"));
                td(sat.map(s -> s.labels().getOrDefault("search_stop", "?") + ", "
                        + num(s.metrics().getOrDefault("probes", Double.NaN), 0) + " probes, by "
                        + s.labels().getOrDefault("search_probe", "?")).orElse(""));
                out.append("</tr>\n");
            }
            out.append("</table>\n");
            if (!sensors.isEmpty()) {
                out.append("<h3>Power sensors and GPUs</h3>\n<table>\n<tr><th>configurations</th>"
                        + "<th>what the sensor reported</th></tr>\n");
                sensors.forEach((detail, names) -> {
                    out.append("<tr>");
                    td(String.join(", ", names));
                    td(detail);
                    out.append("</tr>\n");
                });
                out.append("</table>\n");
            }
            out.append("</section>\n");
        }

        private void settings() {
            Set<String> slo = new LinkedHashSet<>();
            Set<String> check = new LinkedHashSet<>();
            Set<String> workloads = new TreeSet<>();
            Set<String> lengths = new TreeSet<>();
            List<Double> durations = new ArrayList<>();
            for (StoredRun r : runs) {
                JsonNode cfg = r.payload().path("result").path("config");
                if (cfg.isObject()) {
                    List<String> clauses = new ArrayList<>();
                    cfg.path("slo").forEach(s -> clauses.add(s.asText()));
                    if (!clauses.isEmpty()) {
                        slo.add(String.join(", ", clauses));
                    }
                    JsonNode cc = cfg.path("clientCheck");
                    if (cc.isObject()) {
                        check.add(String.format(Locale.ROOT, "p99 schedule lag and p99 event-loop delay ≤ %s ms, achieved "
                                + "rate ≥ %s %% of the scheduled rate", num(cc.path("maxLagP99Nanos").asDouble() / 1e6, 0),
                                num(100 * cc.path("minRateFraction").asDouble(), 0)));
                    }
                    long dur = cfg.path("durationNanos").asLong(-1);
                    long max = cfg.path("maxRequests").asLong(-1);
                    if (dur > 0) {
                        durations.add(dur / 1e9);
                    }
                    if (max > 0 && max != Long.MAX_VALUE) {
                        lengths.add(max + " requests (warm-up included)");
                    }
                }
                String w = r.labels().get("workload");
                if (w != null) {
                    workloads.add(w);
                }
            }
            out.append("<section id=\"settings\"><h2>SLO and settings</h2>\n<table class=\"kv\">\n");
            kv("SLO", slo.isEmpty() ? "none stored with the runs" : String.join(" | ", slo));
            kv("client self-check", check.isEmpty() ? "none stored" : String.join(" | ", check));
            kv("workload", workloads.isEmpty() ? "not labelled" : String.join(", ", workloads));
            if (!durations.isEmpty()) {
                double lo = durations.stream().mapToDouble(d -> d).min().orElseThrow();
                double hi = durations.stream().mapToDouble(d -> d).max().orElseThrow();
                lengths.add((hi - lo < 0.05 ? num(lo, 1) : num(lo, 1) + " to " + num(hi, 1)) + " s of arrivals (warm-up included)");
            }
            kv("run length", lengths.isEmpty() ? "not stored" : String.join(" | ", lengths));
            kv("seeds", "each run's seed is in the tables below (derived from the plan's seed and the run's key)");
            out.append("</table></section>\n");
        }

        private void figureSection() {
            out.append("<section id=\"figures\"><h2>Figures</h2>\n");
            List<Figure> all = figures.all();
            if (all.isEmpty()) {
                out.append("<p>No OK load run or quality score to draw.</p>\n");
            }
            for (Figure f : all) {
                String b64 = Base64.getEncoder().encodeToString(f.png());
                out.append("<figure id=\"fig-").append(esc(f.name())).append("\"><img class=\"figure\" width=\"")
                        .append(f.width()).append("\" height=\"").append(f.height()).append("\" alt=\"")
                        .append(esc(f.title())).append("\" src=\"data:image/png;base64,").append(b64)
                        .append("\">\n<figcaption>").append(esc(f.caption())).append("</figcaption></figure>\n");
            }
            out.append("</section>\n");
        }

        private void loadRuns() {
            List<StoredRun> load = runs.stream().filter(StudyFigures::isLoad).toList();
            out.append("<section id=\"runs\"><h2>Load runs and the client self-check</h2>\n");
            if (load.isEmpty()) {
                out.append("<p>No load runs.</p></section>\n");
                return;
            }
            out.append("<table>\n<tr><th>series</th><th>rate</th><th>rep.</th><th>status</th><th>target req/s</th>"
                    + "<th>achieved / scheduled req/s</th><th>p99 schedule lag ms</th><th>p99 loop delay ms</th>"
                    + "<th>self-check</th><th>P90 TTFT ms</th><th>P90 TPOT ms</th><th>J/token</th><th>J/token net</th>"
                    + "<th>OK / measured requests</th><th>seed</th></tr>\n");
            for (StoredRun r : load) {
                Map<String, Double> m = r.metrics();
                JsonNode cc = r.payload().path("result").path("clientCheck");
                out.append("<tr class=\"").append(r.status().name().toLowerCase(Locale.ROOT)).append("\">");
                td(names.getOrDefault(r.key().planId() + "/" + r.key().configurationId(), StudyFigures.method(r)));
                td(r.key().rateLabel());
                td(Integer.toString(r.key().repetition()));
                td(r.status().name());
                td(num(m.getOrDefault("target_rps", Double.NaN), 2));
                td(cc.isObject() ? num(cc.path("achievedRatePerSecond").asDouble(Double.NaN), 2) + " / "
                        + num(cc.path("scheduledRatePerSecond").asDouble(Double.NaN), 2) : "–");
                td(num(m.getOrDefault("schedule_lag_p99_ms", Double.NaN), 1));
                td(num(m.getOrDefault("loop_delay_p99_ms", Double.NaN), 1));
                if (cc.isObject()) {
                    List<String> reasons = new ArrayList<>();
                    cc.path("reasons").forEach(x -> reasons.add(x.asText()));
                    td(cc.path("valid").asBoolean() ? "passed" : "FAILED: " + String.join("; ", reasons));
                } else {
                    td("not stored");
                }
                td(num(m.getOrDefault("ttft_p90_ms", Double.NaN), 1));
                td(num(m.getOrDefault("tpot_p90_ms", Double.NaN), 1));
                td(num(m.getOrDefault("j_per_token", Double.NaN), 3));
                td(num(m.getOrDefault("j_per_token_net", Double.NaN), 3));
                td(num(m.getOrDefault("ok_requests", Double.NaN), 0) + " / " + num(m.getOrDefault("measured_requests", Double.NaN), 0));
                JsonNode seed = r.payload().path("seed");
                td(seed.isMissingNode() ? r.payload().path("result").path("seed").asText("–") : seed.asText());
                out.append("</tr>\n");
            }
            out.append("</table></section>\n");
        }

        private void quality() {
            List<StoredRun> q = runs.stream().filter(StudyFigures::isQuality).toList();
            if (q.isEmpty()) {
                return;
            }
            out.append("<section id=\"quality\"><h2>Quality</h2>\n<table>\n<tr><th>series</th><th>benchmark</th>"
                    + "<th>metric</th><th>status</th><th>score</th><th>± SE</th><th>items</th><th>simulated</th>"
                    + "<th>seed</th></tr>\n");
            for (StoredRun r : q) {
                Map<String, Double> m = r.metrics();
                out.append("<tr class=\"").append(r.status().name().toLowerCase(Locale.ROOT)).append("\">");
                td(names.getOrDefault(r.key().planId() + "/" + r.key().configurationId(), StudyFigures.method(r)));
                td(r.labels().getOrDefault("benchmark", r.key().rateLabel()));
                td(r.labels().getOrDefault("quality_metric", "?"));
                td(r.status().name());
                td(num(m.getOrDefault("quality", Double.NaN), 4));
                td(num(m.getOrDefault("quality_stderr", Double.NaN), 4));
                td(num(m.getOrDefault("quality_n", Double.NaN), 0));
                td(r.labels().getOrDefault("simulated", "?"));
                td(r.payload().path("options").path("seed").asText("–"));
                out.append("</tr>\n");
            }
            out.append("</table></section>\n");
        }

        private void notOk() {
            List<StoredRun> bad = runs.stream().filter(r -> r.status() != RunStatus.OK).toList();
            out.append("<section id=\"not-ok\"><h2>Runs stored as invalid or failed</h2>\n");
            if (bad.isEmpty()) {
                out.append("<p>None: every run is OK.</p></section>\n");
                return;
            }
            out.append("<table>\n<tr><th>run</th><th>status</th><th>why</th></tr>\n");
            for (StoredRun r : bad) {
                out.append("<tr class=\"").append(r.status().name().toLowerCase(Locale.ROOT)).append("\">");
                td(r.key().asString());
                td(r.status().name());
                out.append("<td><pre>").append(esc(r.cause())).append("</pre></td></tr>\n");
            }
            out.append("</table></section>\n");
        }

        private void notStored() {
            List<String> notes = new ArrayList<>();
            if (runs.stream().noneMatch(r -> r.labels().containsKey("engine_version"))) {
                notes.add("The engine's version: not reported by these engines (a launched llama.cpp or vLLM "
                        + "server's version is stored as label engine_version).");
            }
            if (runs.stream().noneMatch(r -> r.labels().containsKey("sensor_detail"))) {
                notes.add("GPU facts beyond the label gpu and the device indices: no power sensor described the "
                        + "GPUs (an NVML sensor stores each GPU's name, UUID and energy support as sensor_detail).");
            } else {
                notes.add("GPU clocks, power limit and driver: not stored (sensor_detail holds what the power "
                        + "sensor reported).");
            }
            if (!figures.hasRequestRecords()) {
                notes.add("Per-request records: not kept (SweepCoordinator.builder(store).keepRecords(true) keeps "
                        + "them), so there is no latency-over-time figure.");
            }
            notes.add("Power samples within a run: the store keeps each run's energy and average power, so the "
                    + "power timeline has one level per run.");
            out.append("<section id=\"not-stored\"><h2>What the store does not hold</h2>\n<ul>\n");
            notes.forEach(n -> out.append("<li>").append(esc(n)).append("</li>\n"));
            out.append("</ul></section>\n");
        }

        private void kv(String k, String v) {
            out.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>\n");
        }

        private void td(String v) {
            out.append("<td>").append(esc(v)).append("</td>");
        }

        private String swatch(String method) {
            return "<span class=\"sw\" style=\"background:" + MethodColors.hex(method) + "\"></span>";
        }
    }

    /**
     * Escapes text for HTML element content and quoted attribute values.
     *
     * @param s the text ({@code null} is empty)
     * @return the escaped text
     */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String num(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "−∞";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static final String CSS = """
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 2em auto;
                   max-width: 1200px; padding: 0 1em; color: #111; background: #fff; }
            h1 { font-size: 1.6em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
            table { border-collapse: collapse; font-size: .85em; margin: .5em 0; }
            th, td { border: 1px solid #ddd; padding: .25em .5em; text-align: left; vertical-align: top; }
            th { background: #f3f3f3; }
            table.kv th { width: 12em; }
            tr.invalid td { background: #fff4e0; } tr.failed td { background: #fde8e0; }
            pre { white-space: pre-wrap; margin: 0; font-size: .95em; }
            figure { margin: 1.5em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { font-size: .9em; color: #333; max-width: 900px; }
            .sw { display: inline-block; width: .9em; height: .9em; margin-right: .4em; vertical-align: middle; border: 1px solid #999; }
            footer { margin-top: 3em; font-size: .8em; color: #555; }
            """;

    /** Records on the html element whether every figure decoded and any script or resource error. */
    private static final String SELF_CHECK = """
            (function () {
              var errors = [];
              window.addEventListener('error', function (e) {
                errors.push(e.message ? String(e.message) : 'failed to load ' + (e.target && e.target.tagName));
              }, true);
              var original = console.error;
              console.error = function () { errors.push(Array.prototype.join.call(arguments, ' ')); original.apply(console, arguments); };
              window.addEventListener('load', function () {
                var imgs = document.querySelectorAll('img.figure'), decoded = 0;
                for (var i = 0; i < imgs.length; i++) {
                  var ok = imgs[i].complete && imgs[i].naturalWidth > 0;
                  imgs[i].setAttribute('data-decoded', ok ? 'yes' : 'no');
                  if (ok) { decoded++; }
                }
                var root = document.documentElement;
                root.setAttribute('data-figures', String(imgs.length));
                root.setAttribute('data-figures-decoded', String(decoded));
                root.setAttribute('data-errors', String(errors.length));
                root.setAttribute('data-error-text', errors.join(' | '));
                root.setAttribute('data-selfcheck', 'done');
              });
            })();
            """;
}
