package io.qmeter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.qmeter.metrics.ClientCheck;
import io.qmeter.metrics.EnergyReport;
import io.qmeter.metrics.LatencyStats;
import io.qmeter.metrics.MeasurementWindow;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.metrics.RunSummary;
import io.qmeter.metrics.SloCheck;
import io.qmeter.metrics.SloReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one load run produced, immutable: the seed, the configuration echoed, why dispatching
 * stopped, the measurement window, the summary, the SLO report, the client self-check, validity
 * with its reasons, energy, and every raw record (times relative to the run's start, warm-up and
 * cool-down included). Serializes to JSON ({@link #toJson()}, {@link #writeJson(Path)}) and reads
 * back ({@link #fromJson(String)}, {@link #readJson(Path)}).
 *
 * <pre>{@code
 * RunResult r = run.run();
 * System.out.println(r.summaryTable());
 * r.writeJson(Path.of("run-42.json"));
 * RunResult again = RunResult.readJson(Path.of("run-42.json"));
 * }</pre>
 *
 * @param schemaVersion    the JSON schema version ({@link #SCHEMA_VERSION})
 * @param seed             the seed of workload and arrivals
 * @param startedAt        wall-clock time of the run's start (ISO-8601)
 * @param config           the configuration
 * @param endReason        why dispatching stopped
 * @param scheduleEndNanos end of the schedule, relative to the start
 * @param window           the measured part of the schedule
 * @param summary          the summary over measured requests
 * @param slo              the SLO report, or {@code null} without an SLO
 * @param clientCheck      the client self-check
 * @param valid            whether the run's numbers can be trusted
 * @param invalidReasons   why not (empty when valid)
 * @param energy           energy over the measured interval, or {@code null} without a sensor
 * @param records          every request's record, relative to the start, in schedule order
 */
public record RunResult(int schemaVersion, long seed, String startedAt, RunConfig config, String endReason,
                        long scheduleEndNanos, MeasurementWindow window, RunSummary summary, SloReport slo,
                        ClientCheck clientCheck, boolean valid, List<String> invalidReasons, EnergyReport energy,
                        List<RequestRecord> records) {

    /** The current JSON schema version. */
    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** Validates and copies. */
    public RunResult {
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schemaVersion must be >= 1, was " + schemaVersion);
        }
        Objects.requireNonNull(startedAt, "startedAt");
        Instant.parse(startedAt);
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(clientCheck, "clientCheck");
        invalidReasons = List.copyOf(invalidReasons);
        records = List.copyOf(records);
        if (valid != invalidReasons.isEmpty()) {
            throw new IllegalArgumentException("valid must be true exactly when there are no invalid reasons, was "
                    + valid + " with " + invalidReasons);
        }
    }

    /**
     * The records of the measured requests (scheduled inside the window), in schedule order.
     *
     * @return the measured records
     */
    public List<RequestRecord> measuredRecords() {
        return records.stream().filter(window::contains).toList();
    }

    /**
     * The start as an instant.
     *
     * @return the wall-clock start
     */
    public Instant startedAtInstant() {
        return Instant.parse(startedAt);
    }

    /**
     * The result as JSON (indented).
     *
     * @return the JSON text
     */
    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the run result: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a result from JSON written by {@link #toJson()}.
     *
     * @param json the JSON text
     * @return the result
     * @throws IllegalArgumentException when the text is not a run result of a known schema version
     */
    public static RunResult fromJson(String json) {
        RunResult r;
        try {
            r = MAPPER.readValue(json, RunResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a qMeter run result: " + e.getOriginalMessage(), e);
        }
        if (r.schemaVersion() > SCHEMA_VERSION) {
            throw new IllegalArgumentException("schemaVersion must be <= " + SCHEMA_VERSION + ", was "
                    + r.schemaVersion() + "; read it with a newer qMeter");
        }
        return r;
    }

    /**
     * Writes the JSON to a file (replacing it).
     *
     * @param file the file
     * @throws UncheckedIOException when it cannot be written
     */
    public void writeJson(Path file) {
        try {
            Files.writeString(file, toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run result to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a result from a JSON file.
     *
     * @param file the file
     * @return the result
     */
    public static RunResult readJson(Path file) {
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run result " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A readable plain-text table of the summary, SLO report, client check and energy.
     *
     * @return the table (several lines)
     */
    public String summaryTable() {
        StringBuilder sb = new StringBuilder();
        RunSummary s = summary;
        sb.append(String.format(Locale.ROOT, "qMeter run: %s x %s, model %s, seed %d -- %s%n",
                config.arrivals().getOrDefault("name", "?"), config.workload().getOrDefault("name", "?"),
                config.model(), seed, valid ? "VALID" : "INVALID"));
        sb.append(String.format(Locale.ROOT, "schedule: %s; prompt cache: %s%s%n",
                config.arrivals().getOrDefault("schedule", config.arrivals().getOrDefault("name", "?")),
                config.promptCache(), config.extraBody().isEmpty() ? "" : "; extra body " + config.extraBody()));
        for (String reason : invalidReasons) {
            sb.append("  invalid: ").append(reason).append(System.lineSeparator());
        }
        sb.append(String.format(Locale.ROOT,
                "requests: %d measured (%d ok, %d failed%s), %d warm-up, %d cool-down; %s%n", s.measuredRequests(), s.okRequests(), s.failedRequests(), failures(s), s.warmupRequests(),
                s.cooldownRequests(), endReason));
        sb.append(String.format(Locale.ROOT, "throughput: %.3f req/s, %.1f output tok/s over %.3f s "
                        + "(%d input, %d output tokens); in-window %.3f req/s, %.1f output tok/s over %.3f s%n",
                s.requestThroughputPerSecond(), s.outputTokenThroughputPerSecond(), s.measuredSpanNanos() / 1e9,
                s.inputTokens(), s.outputTokens(), s.windowRequestThroughputPerSecond(),
                s.windowOutputTokenThroughputPerSecond(), window.lengthNanos() / 1e9));
        if (s.retriedRequests() > 0) {
            sb.append(String.format(Locale.ROOT, "retried: %d requests sent again on a fresh connection (the server "
                    + "had closed the pooled one before responding)%n", s.retriedRequests()));
        }
        if (s.inputLengthMismatches() > 0 || s.outputLengthMismatches() > 0 || s.outputCountedFromChunks() > 0) {
            sb.append(String.format(Locale.ROOT, "lengths: %d input and %d output mismatches; %d outputs counted "
                    + "from chunks%n", s.inputLengthMismatches(), s.outputLengthMismatches(),
                    s.outputCountedFromChunks()));
        }
        sb.append(String.format(Locale.ROOT, "%-13s %8s %10s %10s %10s %10s %10s %10s %10s %10s%n", "(ms)", "count",
                "mean", "min", "p50", "p90", "p95", "p99", "p99.9", "max"));
        row(sb, "TTFT", s.ttft());
        row(sb, "service TTFT", s.serviceTtft());
        row(sb, "TPOT", s.tpot());
        row(sb, "ITL", s.itl());
        row(sb, "E2E", s.e2e());
        if (s.serverPromptTime().count() > 0) {
            row(sb, "server prompt", s.serverPromptTime());
            row(sb, "TTFT - prompt", s.clientShareOfTtft());
        }
        row(sb, "queue delay", s.queueDelay());
        row(sb, "schedule lag", clientCheck.scheduleLag());
        if (clientCheck.loopDelay().count() > 0) {
            row(sb, "loop delay", clientCheck.loopDelay());
        }
        sb.append(String.format(Locale.ROOT, "client: rate %.3f/s achieved vs %.3f/s scheduled (target %.3f/s), "
                        + "lag p99 %.3f ms%s -- %s%n", clientCheck.achievedRatePerSecond(),
                clientCheck.scheduledRatePerSecond(), clientCheck.targetRatePerSecond(),
                clientCheck.scheduleLag().p99Millis(), clientCheck.loopDelay().count() == 0 ? ""
                        : String.format(Locale.ROOT, ", loop delay p99 %.3f ms", clientCheck.loopDelay().p99Millis()),
                clientCheck.valid() ? "kept up" : "FELL BEHIND"));
        if (slo != null) {
            sb.append(String.format(Locale.ROOT, "SLO: %s; attainment %.1f %%, goodput %.3f req/s%n",
                    slo.passed() ? "PASS" : "FAIL", slo.attainment() * 100, slo.goodputPerSecond()));
            for (SloCheck c : slo.checks()) {
                sb.append(String.format(Locale.ROOT, "  %-4s p%s %10.3f ms <= %10.3f ms  %s%n", c.metric(),
                        trim(c.percentile()), c.observedMillis(), c.thresholdMillis(), c.passed() ? "pass" : "FAIL"));
            }
        }
        if (energy != null) {
            if (energy.available()) {
                sb.append(String.format(Locale.ROOT, "energy (%s, %s): %.1f J over %.3f s, %.1f W avg, %.1f tokens: "
                                + "%.4f J/token gross, %.4f J/token net%n", energy.sensor(), energy.quality(),
                        energy.joules(), (energy.windowEndNanos() - energy.windowStartNanos()) / 1e9,
                        energy.averageWatts(), energy.outputTokens(), energy.joulesPerToken(),
                        energy.netJoulesPerToken()));
            } else {
                sb.append("energy (").append(energy.sensor()).append("): unavailable -- ").append(energy.detail())
                        .append(System.lineSeparator());
            }
        }
        return sb.toString();
    }

    private static String failures(RunSummary s) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Outcome, Long> e : s.outcomes().entrySet()) {
            if (e.getKey() != Outcome.OK && e.getValue() > 0) {
                sb.append(sb.length() == 0 ? ": " : ", ").append(e.getKey()).append(' ').append(e.getValue());
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, LatencyStats l) {
        sb.append(String.format(Locale.ROOT, "%-13s %8d %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f%n",
                name, l.count(), l.meanMillis(), l.minMillis(), l.p50Millis(), l.p90Millis(), l.p95Millis(),
                l.p99Millis(), l.p999Millis(), l.maxMillis()));
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
