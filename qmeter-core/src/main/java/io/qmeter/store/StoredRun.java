package io.qmeter.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One run as the store keeps it: its key, status and cause, flat string labels (what was run:
 * engine, quantization, rate…), flat numeric metrics (what was measured), and the full JSON
 * payload (the run's complete result).
 *
 * <p>Names of labels and metrics start with a letter and hold letters, digits, '_' and '.'; they
 * become export columns, so a name may not be both a label and a metric, nor one of the fixed
 * columns ({@link #FIXED_COLUMNS}). Metrics may be NaN (missing) or infinite. Times are kept to
 * the millisecond.
 *
 * <pre>{@code
 * StoredRun run = StoredRun.ok(key, Map.of("quantization", "awq"), Map.of("ttft_p90_ms", 412.5), resultJson);
 * StoredRun failed = StoredRun.failed(key, "engine exited with code 137", Map.of(), resultJson);
 * }</pre>
 *
 * @param key         the run's identity
 * @param status      OK, FAILED or INVALID
 * @param cause       why the run failed or is invalid; {@code null} for OK
 * @param labels      flat descriptive values, sorted by name
 * @param metrics     flat numeric measurements, sorted by name
 * @param payloadJson the full result as JSON (an object or any JSON value)
 * @param recordedAt  when the run was recorded, truncated to milliseconds
 */
public record StoredRun(RunKey key, RunStatus status, String cause, Map<String, String> labels,
                        Map<String, Double> metrics, String payloadJson, Instant recordedAt) {

    /** Export columns that come before labels and metrics, in order. */
    public static final java.util.List<String> FIXED_COLUMNS = java.util.List.of("plan_id", "configuration_id",
            "rate_label", "repetition", "status", "cause", "recorded_at");

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.]{0,199}");
    static final ObjectMapper JSON = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .findAndRegisterModules();

    /** Validates and copies the run. */
    public StoredRun {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(payloadJson, "payloadJson");
        Objects.requireNonNull(recordedAt, "recordedAt");
        if (status != RunStatus.OK && (cause == null || cause.isBlank())) {
            throw new IllegalArgumentException("a " + status + " run needs a cause (what went wrong), was "
                    + (cause == null ? "null" : "blank"));
        }
        labels = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(labels, "labels")));
        metrics = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(metrics, "metrics")));
        labels.forEach((k, v) -> {
            checkName("label", k);
            Objects.requireNonNull(v, () -> "label '" + k + "' is null; leave it out instead");
        });
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            checkName("metric", e.getKey());
            Objects.requireNonNull(e.getValue(), () -> "metric '" + e.getKey() + "' is null; use Double.NaN for missing");
            if (labels.containsKey(e.getKey())) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is both a label and a metric; rename one");
            }
        }
        try {
            JSON.readTree(payloadJson);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("payloadJson must be valid JSON: " + ex.getOriginalMessage(), ex);
        }
        recordedAt = recordedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    private static void checkName(String kind, String name) {
        Objects.requireNonNull(name, kind + " name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(kind + " name must match [A-Za-z][A-Za-z0-9_.]*, was '" + name + "'");
        }
        if (FIXED_COLUMNS.contains(name)) {
            throw new IllegalArgumentException(kind + " name '" + name + "' is reserved for a fixed column "
                    + FIXED_COLUMNS + "; rename it");
        }
    }

    /**
     * A successful run recorded now.
     *
     * @param key         the key
     * @param labels      descriptive values
     * @param metrics     measurements
     * @param payloadJson the full result as JSON
     * @return the run
     */
    public static StoredRun ok(RunKey key, Map<String, String> labels, Map<String, Double> metrics,
                               String payloadJson) {
        return new StoredRun(key, RunStatus.OK, null, labels, metrics, payloadJson, Instant.now());
    }

    /**
     * A failed run recorded now, with its cause.
     *
     * @param key         the key
     * @param cause       what went wrong
     * @param labels      descriptive values
     * @param payloadJson whatever result exists, as JSON ({@code "{}"} when none)
     * @return the run
     */
    public static StoredRun failed(RunKey key, String cause, Map<String, String> labels, String payloadJson) {
        return new StoredRun(key, RunStatus.FAILED, cause, labels, Map.of(), payloadJson, Instant.now());
    }

    /**
     * A run built from any JSON-serializable result (for example a {@code RunResult}): the payload is
     * its JSON, and every numeric leaf of the subtree at {@code metricsPointer} becomes a metric named
     * by its dotted path ({@code "ttft.p90Nanos"}). Booleans become 1 or 0; strings, arrays and nulls
     * are skipped (they stay in the payload).
     *
     * <pre>{@code
     * StoredRun run = StoredRun.fromResult(key, RunStatus.OK, null, labels, runResult, "/summary");
     * }</pre>
     *
     * @param key            the key
     * @param status         the status
     * @param cause          the cause, required unless OK
     * @param labels         descriptive values
     * @param result         the result object, serialized with Jackson
     * @param metricsPointer JSON pointer to the subtree to flatten, {@code ""} for the whole result
     * @return the run
     */
    public static StoredRun fromResult(RunKey key, RunStatus status, String cause, Map<String, String> labels,
                                       Object result, String metricsPointer) {
        JsonNode tree = JSON.valueToTree(result);
        Map<String, Double> metrics = new TreeMap<>();
        JsonNode sub = tree.at(metricsPointer);
        flatten("", sub, metrics);
        metrics.keySet().removeAll(labels.keySet());
        try {
            return new StoredRun(key, status, cause, labels, metrics, JSON.writeValueAsString(tree), Instant.now());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("result could not be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Double> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                flatten(name, e.getValue(), out);
            }
        } else if (node.isNumber() && NAME.matcher(prefix).matches() && !FIXED_COLUMNS.contains(prefix)) {
            out.put(prefix, node.doubleValue());
        } else if (node.isBoolean() && NAME.matcher(prefix).matches() && !FIXED_COLUMNS.contains(prefix)) {
            out.put(prefix, node.booleanValue() ? 1.0 : 0.0);
        } else if (node.isTextual() && NAME.matcher(prefix).matches()) {
            String t = node.textValue();
            if ("NaN".equals(t) || "Infinity".equals(t) || "-Infinity".equals(t)) {
                out.put(prefix, Double.parseDouble(t)); // Jackson writes non-finite doubles as strings
            }
        }
    }

    /**
     * A copy recorded at another time.
     *
     * @param time when
     * @return the copy
     */
    public StoredRun withRecordedAt(Instant time) {
        return new StoredRun(key, status, cause, labels, metrics, payloadJson, time);
    }

    /**
     * The payload parsed as a JSON tree.
     *
     * @return the tree
     */
    public JsonNode payload() {
        try {
            return JSON.readTree(payloadJson);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored payload is not JSON", e); // validated on creation
        }
    }

    /**
     * The label and metric names of this run.
     *
     * @return the names, labels first
     */
    Set<String> columnNames() {
        Set<String> s = new java.util.LinkedHashSet<>(labels.keySet());
        s.addAll(metrics.keySet());
        return s;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StoredRun r)) {
            return false;
        }
        if (!key.equals(r.key) || status != r.status || !Objects.equals(cause, r.cause) || !labels.equals(r.labels)
                || !payloadJson.equals(r.payloadJson) || !recordedAt.equals(r.recordedAt)
                || !metrics.keySet().equals(r.metrics.keySet())) {
            return false;
        }
        return metrics.entrySet().stream()
                .allMatch(e -> Double.compare(e.getValue(), r.metrics.get(e.getKey())) == 0);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, status, cause, labels, metrics.keySet(), recordedAt);
    }
}
