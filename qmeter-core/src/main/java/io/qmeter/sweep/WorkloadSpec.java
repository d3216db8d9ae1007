package io.qmeter.sweep;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The workload a plan runs, as data: a kind and its parameters. The coordinator turns it into a
 * {@link io.qmeter.workload.Workload}; this value only describes it, so it can live in a JSON plan.
 *
 * <pre>{@code
 * WorkloadSpec w = WorkloadSpec.synthetic(331, 231);                       // fixed lengths
 * WorkloadSpec d = WorkloadSpec.of("sharegpt", Map.of("path", "data/sharegpt.json", "maxPrompts", 1000L));
 * }</pre>
 *
 * @param kind       workload kind, e.g. {@code synthetic}, {@code sharegpt}, {@code dataset}
 * @param parameters parameter name to value; values are String, Long, Double or Boolean; sorted
 */
public record WorkloadSpec(String kind, Map<String, Object> parameters) {

    /** Validates the spec. */
    public WorkloadSpec {
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("workload kind: expected a non-empty string, was "
                    + (kind == null ? "null" : "\"" + kind + "\""));
        }
        Map<String, Object> copy = new TreeMap<>();
        Objects.requireNonNull(parameters, "parameters").forEach((k, v) -> {
            Objects.requireNonNull(k, "parameter name");
            if ("kind".equals(k)) {
                throw new IllegalArgumentException("workload parameter 'kind' is reserved for the kind");
            }
            Object n = v instanceof Integer i ? Long.valueOf(i) : v instanceof Float f ? Double.valueOf(f) : v;
            if (!(n instanceof String || n instanceof Long || n instanceof Double || n instanceof Boolean)) {
                throw new IllegalArgumentException("workload parameter '" + k + "': expected a string, number or "
                        + "boolean, was " + (v == null ? "null" : v.getClass().getSimpleName()));
            }
            copy.put(k, n);
        });
        parameters = Collections.unmodifiableMap(copy);
    }

    /**
     * A workload kind with parameters.
     *
     * @param kind       the kind
     * @param parameters its parameters
     * @return the spec
     */
    public static WorkloadSpec of(String kind, Map<String, ?> parameters) {
        return new WorkloadSpec(kind, new TreeMap<>(parameters));
    }

    /**
     * Synthetic prompts of fixed lengths.
     *
     * @param inputTokens  prompt length
     * @param outputTokens output tokens to request
     * @return the spec
     */
    public static WorkloadSpec synthetic(int inputTokens, int outputTokens) {
        if (inputTokens < 1 || outputTokens < 1) {
            throw new IllegalArgumentException("synthetic workload lengths must be >= 1, was " + inputTokens + "/"
                    + outputTokens);
        }
        return new WorkloadSpec("synthetic", Map.of("inputTokens", (long) inputTokens,
                "outputTokens", (long) outputTokens));
    }

    /**
     * A label such as {@code synthetic(inputTokens=331, outputTokens=231)}.
     *
     * @return the label
     */
    public String label() {
        return kind + parameters.toString().replace('{', '(').replace('}', ')');
    }
}
