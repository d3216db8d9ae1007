package io.qmeter.analysis.strategy;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One time step of a cluster trace: per request type its arrival rate and the mean output length
 * of the requests drawn for the step.
 *
 * <pre>{@code
 * double chat = step.rates().get("chat-S");
 * }</pre>
 *
 * @param start            offset from the trace's start
 * @param length           the step's duration
 * @param rates            type → req/s
 * @param meanOutputTokens type → mean output tokens of the step's requests
 */
public record TraceStep(Duration start, Duration length, Map<String, Double> rates, Map<String, Double> meanOutputTokens) {

    /** Copies the maps. */
    public TraceStep {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(length, "length");
        rates = Collections.unmodifiableMap(new LinkedHashMap<>(rates));
        meanOutputTokens = Collections.unmodifiableMap(new LinkedHashMap<>(meanOutputTokens));
    }

    /**
     * All types' rates summed.
     *
     * @return req/s
     */
    public double totalRate() {
        return rates.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
