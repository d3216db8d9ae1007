package io.qmeter.testkit.sim;

/**
 * One request of an {@link ArrivalTrace}: when it arrives (relative to the trace's start) and how
 * long it is. It produces exactly {@code maxTokens} tokens (ignore-EOS benchmarking).
 *
 * <pre>{@code
 * TraceRequest r = new TraceRequest(250_000_000L, 331, 231);   // at 0.25 s
 * }</pre>
 *
 * @param arrivalNanos nanoseconds after the trace's start, at least 0
 * @param promptTokens prompt length, at least 1
 * @param maxTokens    output length, at least 1
 */
public record TraceRequest(long arrivalNanos, int promptTokens, int maxTokens) {

    /** Validates the fields. */
    public TraceRequest {
        if (arrivalNanos < 0) {
            throw new IllegalArgumentException("arrivalNanos must be >= 0, was " + arrivalNanos);
        }
        if (promptTokens < 1) {
            throw new IllegalArgumentException("promptTokens must be >= 1, was " + promptTokens);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
        }
    }
}
