package io.qmeter.engines;

/**
 * The engine-side metrics qMeter scrapes from an engine's Prometheus {@code /metrics} during a run,
 * under one name whatever the engine calls them.
 */
public enum ServerMetric {
    /** Requests waiting in the engine's queue (gauge). */
    REQUESTS_WAITING,
    /** Requests being processed (gauge). */
    REQUESTS_RUNNING,
    /** KV-cache use, 0–1 (gauge). */
    KV_CACHE_USAGE,
    /** Prompt tokens processed so far (counter). */
    PROMPT_TOKENS_TOTAL,
    /** Generated tokens so far (counter). */
    GENERATION_TOKENS_TOTAL,
    /** The engine's own time-to-first-token histogram, seconds (sum and count). */
    TIME_TO_FIRST_TOKEN_SECONDS,
    /** The engine's own time-per-output-token histogram, seconds (sum and count). */
    TIME_PER_OUTPUT_TOKEN_SECONDS
}
