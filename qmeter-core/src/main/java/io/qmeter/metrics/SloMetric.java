package io.qmeter.metrics;

/**
 * The per-request latencies an SLO can bound.
 *
 * <pre>{@code
 * double ms = SloMetric.TTFT.valueNanos(record) / 1e6;
 * }</pre>
 */
public enum SloMetric {
    /** Time to first token, from the scheduled time. */
    TTFT,
    /** Time per output token after the first; requests with fewer than 2 output tokens have none. */
    TPOT,
    /** End-to-end latency, from the scheduled time to the last token. */
    E2E;

    /**
     * This metric for one successful request.
     *
     * @param r the record
     * @return nanoseconds, or a negative value when the request has none
     */
    public double valueNanos(RequestRecord r) {
        return switch (this) {
            case TTFT -> r.ttftNanos();
            case TPOT -> r.tpotNanos();
            case E2E -> r.e2eNanos();
        };
    }

    /**
     * The metric's key in per-request samples (a saturation probe's {@code ProbeResult}): its name
     * in lower case, {@code "ttft"}, {@code "tpot"} or {@code "e2e"}.
     *
     * <pre>{@code
     * ProbeResult r = ProbeResult.ofSamples(Map.of(SloMetric.TTFT.key(), ttftNanos));
     * }</pre>
     *
     * @return the key
     */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
