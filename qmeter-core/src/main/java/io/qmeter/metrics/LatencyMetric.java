package io.qmeter.metrics;

/**
 * The latency distributions a run records, as {@link RunHistograms} exports them: those of
 * {@link RunSummary} and the schedule lag of {@link ClientCheck}, each over the same requests as
 * there (see {@link RunHistograms#of}).
 *
 * <pre>{@code
 * LatencyDistribution ttft = RunHistograms.of(result.records(), result.window()).get(LatencyMetric.TTFT);
 * }</pre>
 */
public enum LatencyMetric {
    /** Time to first token from the scheduled time ({@link RunSummary#ttft()}). */
    TTFT,
    /** Time to first token from the send time ({@link RunSummary#serviceTtft()}). */
    SERVICE_TTFT,
    /** Time per output token after the first ({@link RunSummary#tpot()}). */
    TPOT,
    /** Inter-token latency, chunk gaps spread over their tokens ({@link RunSummary#itl()}). */
    ITL,
    /** End-to-end latency from the scheduled time ({@link RunSummary#e2e()}). */
    E2E,
    /** Sent − scheduled ({@link RunSummary#queueDelay()}). */
    QUEUE_DELAY,
    /** The server's own prefill time ({@link RunSummary#serverPromptTime()}). */
    SERVER_PROMPT_TIME,
    /** TTFT − the server's prefill time ({@link RunSummary#clientShareOfTtft()}). */
    CLIENT_SHARE_OF_TTFT,
    /** Dispatch − scheduled over measured requests ({@link ClientCheck#scheduleLag()}). */
    SCHEDULE_LAG
}
