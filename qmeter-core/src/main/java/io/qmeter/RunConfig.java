package io.qmeter;

import io.qmeter.client.Endpoint;
import io.qmeter.metrics.ClientCheckThresholds;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The configuration of a load run, echoed into its {@link RunResult} (so a result says what was
 * asked). Durations are nanoseconds; -1 means "not set".
 *
 * <pre>{@code
 * RunConfig c = result.config();
 * System.out.println(c.arrivals().get("name") + " for " + c.durationNanos() / 1e9 + " s");
 * }</pre>
 *
 * @param baseUrl             the server's base URL, or {@code null} with a custom sender
 * @param model               the model name
 * @param endpoint            the endpoint
 * @param sender              which sender ran the requests ({@code LlmClient} or a class name)
 * @param workload            the workload's description
 * @param arrivals            the arrival process's description
 * @param targetRatePerSecond the arrival process's nominal rate
 * @param durationNanos       schedule length, or -1
 * @param maxRequests         request bound, or -1
 * @param warmupNanos         warm-up excluded from the statistics
 * @param cooldownNanos       cool-down excluded from the statistics
 * @param maxInFlight         in-flight cap, or 0 for none
 * @param ignoreEos           whether {@code ignore_eos} was sent
 * @param temperature         the temperature sent, or {@code null}
 * @param stream              whether responses were streamed
 * @param slo                 the SLO clauses, as text (empty without an SLO)
 * @param clientCheck         the client self-check thresholds
 * @param drainTimeoutNanos   how long outstanding requests were waited for after the schedule
 * @param powerSensor         the power sensor's name, or {@code null}
 * @param idleWatts           the idle baseline given, or NaN
 * @param extraBody           extra request-body fields sent with every request, as text (empty when none)
 * @param promptCache         the server's prompt cache as the run set it: {@code "on"}, {@code "off"},
 *                            or {@code "engine default"} when the run did not say
 */
public record RunConfig(String baseUrl, String model, Endpoint endpoint, String sender, Map<String, String> workload,
                        Map<String, String> arrivals, double targetRatePerSecond, long durationNanos,
                        long maxRequests, long warmupNanos, long cooldownNanos, int maxInFlight, boolean ignoreEos,
                        Double temperature, boolean stream, List<String> slo, ClientCheckThresholds clientCheck,
                        long drainTimeoutNanos, String powerSensor, double idleWatts, Map<String, String> extraBody,
                        String promptCache) {

    /** Copies the collections. */
    public RunConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(endpoint, "endpoint");
        workload = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(workload));
        arrivals = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arrivals));
        slo = List.copyOf(slo);
        extraBody = extraBody == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extraBody));
        promptCache = promptCache == null ? "engine default" : promptCache;
        Objects.requireNonNull(clientCheck, "clientCheck");
    }
}
