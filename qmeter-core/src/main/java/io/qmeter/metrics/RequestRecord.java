package io.qmeter.metrics;

import java.util.Arrays;
import java.util.Objects;

/**
 * Everything measured about one request. Times are {@link System#nanoTime()} values relative to
 * the run's origin (so they serialize readably); {@code -1} means "did not happen".
 *
 * <p>Definitions (normative, see docs/metrics.md): queue delay = sent − scheduled;
 * TTFT = first content token − scheduled; service TTFT = first content token − sent;
 * E2E = last token − scheduled; TPOT = (E2E − TTFT) / (output tokens − 1).
 *
 * <pre>{@code
 * RequestRecord r = result.records().get(0);
 * if (r.isOk()) System.out.printf("TTFT %.1f ms%n", r.ttftNanos() / 1e6);
 * }</pre>
 *
 * @param index                   position of the request in the run's schedule (0-based)
 * @param scheduledNanos          when the open-loop schedule said the request was due
 * @param sentNanos               when its bytes were handed to the connection, or -1
 * @param firstTokenNanos         arrival of the first chunk carrying content, or -1
 * @param lastTokenNanos          arrival of the last chunk carrying content, or -1
 * @param chunkNanos              arrival time of every content chunk, in order
 * @param chunkTokens             tokens carried by each content chunk when the server said so
 *                                (continuous usage); {@code null} means one token per chunk
 * @param inputTokensRequested    prompt length the workload asked for
 * @param inputTokensServed       {@code usage.prompt_tokens}, or -1 when not reported
 * @param outputTokensRequested   {@code max_tokens} asked for
 * @param outputTokensServed      {@code usage.completion_tokens}, or the number of content chunks
 *                                when the server gave no usage (then {@code outputCountedFromChunks})
 * @param outputCountedFromChunks true when {@code outputTokensServed} was counted from chunks
 * @param finishReason            the server's finish reason, or {@code null}
 * @param outcome                 how the request ended
 * @param httpStatus              the HTTP status, or 0 when none was received
 * @param error                   the server's or the client's message for a failure, else {@code null}
 * @param text                    the generated text when the run keeps it (quality), else {@code null}
 * @param dispatchNanos           when the load runner's dispatcher took the request off its schedule
 *                                (schedule lag = dispatch − scheduled), or -1 when the record was made
 *                                outside a load run; a {@link io.qmeter.client.RequestSender} uses the
 *                                17-argument constructor, which leaves it -1
 * @param retried                 true when the request was sent a second time, on a fresh connection,
 *                                because the pooled connection it was first written to had been closed
 *                                by the server before any byte of the response arrived; its times are
 *                                those of the second attempt ({@code sent} after the retry, so the
 *                                retry's cost shows as queue delay and in TTFT)
 * @param serverTimings           what the server said it spent (llama.cpp's {@code timings}), or
 *                                {@code null} when it said nothing
 */
public record RequestRecord(long index, long scheduledNanos, long sentNanos, long firstTokenNanos,
                            long lastTokenNanos, long[] chunkNanos, int[] chunkTokens,
                            int inputTokensRequested, int inputTokensServed, int outputTokensRequested,
                            int outputTokensServed, boolean outputCountedFromChunks, String finishReason,
                            Outcome outcome, int httpStatus, String error, String text, long dispatchNanos,
                            boolean retried, ServerTimings serverTimings) {

    private static final long[] NO_CHUNKS = new long[0];

    /**
     * A record without a dispatch time (what a {@link io.qmeter.client.RequestSender} builds; the load
     * runner adds the dispatch time with {@link #withDispatchNanos(long)}).
     *
     * @param index                   position in the schedule
     * @param scheduledNanos          scheduled time
     * @param sentNanos               send time, or -1
     * @param firstTokenNanos         first content token, or -1
     * @param lastTokenNanos          last content token, or -1
     * @param chunkNanos              content chunk arrival times
     * @param chunkTokens             tokens per chunk, or null for one per chunk
     * @param inputTokensRequested    requested prompt length
     * @param inputTokensServed       served prompt length, or -1
     * @param outputTokensRequested   requested output length
     * @param outputTokensServed      served output length
     * @param outputCountedFromChunks whether the output length was counted from chunks
     * @param finishReason            finish reason, or null
     * @param outcome                 the outcome
     * @param httpStatus              HTTP status, or 0
     * @param error                   error message, or null
     * @param text                    generated text, or null
     */
    public RequestRecord(long index, long scheduledNanos, long sentNanos, long firstTokenNanos,
                         long lastTokenNanos, long[] chunkNanos, int[] chunkTokens,
                         int inputTokensRequested, int inputTokensServed, int outputTokensRequested,
                         int outputTokensServed, boolean outputCountedFromChunks, String finishReason,
                         Outcome outcome, int httpStatus, String error, String text) {
        this(index, scheduledNanos, sentNanos, firstTokenNanos, lastTokenNanos, chunkNanos, chunkTokens,
                inputTokensRequested, inputTokensServed, outputTokensRequested, outputTokensServed,
                outputCountedFromChunks, finishReason, outcome, httpStatus, error, text, -1);
    }

    /**
     * A record without retry and server timings.
     *
     * @param index                   position in the schedule
     * @param scheduledNanos          scheduled time
     * @param sentNanos               send time, or -1
     * @param firstTokenNanos         first content token, or -1
     * @param lastTokenNanos          last content token, or -1
     * @param chunkNanos              content chunk arrival times
     * @param chunkTokens             tokens per chunk, or null for one per chunk
     * @param inputTokensRequested    requested prompt length
     * @param inputTokensServed       served prompt length, or -1
     * @param outputTokensRequested   requested output length
     * @param outputTokensServed      served output length
     * @param outputCountedFromChunks whether the output length was counted from chunks
     * @param finishReason            finish reason, or null
     * @param outcome                 the outcome
     * @param httpStatus              HTTP status, or 0
     * @param error                   error message, or null
     * @param text                    generated text, or null
     * @param dispatchNanos           dispatch time, or -1
     */
    public RequestRecord(long index, long scheduledNanos, long sentNanos, long firstTokenNanos,
                         long lastTokenNanos, long[] chunkNanos, int[] chunkTokens,
                         int inputTokensRequested, int inputTokensServed, int outputTokensRequested,
                         int outputTokensServed, boolean outputCountedFromChunks, String finishReason,
                         Outcome outcome, int httpStatus, String error, String text, long dispatchNanos) {
        this(index, scheduledNanos, sentNanos, firstTokenNanos, lastTokenNanos, chunkNanos, chunkTokens,
                inputTokensRequested, inputTokensServed, outputTokensRequested, outputTokensServed,
                outputCountedFromChunks, finishReason, outcome, httpStatus, error, text, dispatchNanos, false, null);
    }

    /** Validates the record. */
    public RequestRecord {
        Objects.requireNonNull(outcome, "outcome");
        chunkNanos = chunkNanos == null ? NO_CHUNKS : chunkNanos;
        if (chunkTokens != null && chunkTokens.length != chunkNanos.length) {
            throw new IllegalArgumentException("chunkTokens has " + chunkTokens.length
                    + " entries but chunkNanos has " + chunkNanos.length);
        }
    }

    /**
     * Whether the request succeeded.
     *
     * @return true for {@link Outcome#OK}
     */
    public boolean isOk() {
        return outcome == Outcome.OK;
    }

    /**
     * Queue delay: sent − scheduled.
     *
     * @return nanos, or -1 when never sent
     */
    public long queueDelayNanos() {
        return sentNanos < 0 ? -1 : sentNanos - scheduledNanos;
    }

    /**
     * TTFT from the scheduled time (no coordinated omission).
     *
     * @return nanos, or -1 when no token arrived
     */
    public long ttftNanos() {
        return firstTokenNanos < 0 ? -1 : firstTokenNanos - scheduledNanos;
    }

    /**
     * TTFT from the send time (service only).
     *
     * @return nanos, or -1 when no token arrived
     */
    public long serviceTtftNanos() {
        return firstTokenNanos < 0 || sentNanos < 0 ? -1 : firstTokenNanos - sentNanos;
    }

    /**
     * End-to-end latency from the scheduled time to the last token.
     *
     * @return nanos, or -1 when no token arrived
     */
    public long e2eNanos() {
        return lastTokenNanos < 0 ? -1 : lastTokenNanos - scheduledNanos;
    }

    /**
     * Time per output token after the first: (E2E − TTFT) / (output tokens − 1), vLLM's definition.
     *
     * @return nanos, or -1 when fewer than 2 output tokens were served
     */
    public double tpotNanos() {
        if (firstTokenNanos < 0 || lastTokenNanos < 0 || outputTokensServed < 2) {
            return -1;
        }
        return (double) (lastTokenNanos - firstTokenNanos) / (outputTokensServed - 1);
    }

    /**
     * The client's share of TTFT: TTFT − the server's own prefill time ({@link ServerTimings#promptMillis()}),
     * i.e. queueing in the server, the network and the client; compare it with TTFT to see what a
     * slow first token is made of.
     *
     * @return nanos, or -1 when there was no first token or the server reported no prompt time
     */
    public long clientShareOfTtftNanos() {
        long prompt = serverTimings == null ? -1 : serverTimings.promptNanos();
        long ttft = ttftNanos();
        return prompt < 0 || ttft < 0 ? -1 : ttft - prompt;
    }

    /**
     * Schedule lag: when the dispatcher took the request off its schedule − scheduled. It excludes
     * waiting for an in-flight cap (that is queue delay).
     *
     * @return nanos, or -1 when the dispatch time is unknown
     */
    public long scheduleLagNanos() {
        return dispatchNanos < 0 ? -1 : dispatchNanos - scheduledNanos;
    }

    /**
     * A copy carrying the dispatch time.
     *
     * @param dispatchNanos when the dispatcher took the request off its schedule
     * @return the copy
     */
    public RequestRecord withDispatchNanos(long dispatchNanos) {
        return new RequestRecord(index, scheduledNanos, sentNanos, firstTokenNanos, lastTokenNanos, chunkNanos,
                chunkTokens, inputTokensRequested, inputTokensServed, outputTokensRequested, outputTokensServed,
                outputCountedFromChunks, finishReason, outcome, httpStatus, error, text, dispatchNanos, retried,
                serverTimings);
    }

    /**
     * A copy with all times shifted so that {@code originNanos} becomes 0.
     *
     * @param originNanos the new zero
     * @return the rebased copy
     */
    public RequestRecord relativeTo(long originNanos) {
        long[] chunks = new long[chunkNanos.length];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = chunkNanos[i] - originNanos;
        }
        return new RequestRecord(index, scheduledNanos - originNanos, shift(sentNanos, originNanos),
                shift(firstTokenNanos, originNanos), shift(lastTokenNanos, originNanos), chunks, chunkTokens,
                inputTokensRequested, inputTokensServed, outputTokensRequested, outputTokensServed,
                outputCountedFromChunks, finishReason, outcome, httpStatus, error, text,
                shift(dispatchNanos, originNanos), retried, serverTimings);
    }

    private static long shift(long t, long origin) {
        return t < 0 ? t : t - origin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestRecord r && index == r.index && scheduledNanos == r.scheduledNanos
                && sentNanos == r.sentNanos && firstTokenNanos == r.firstTokenNanos
                && lastTokenNanos == r.lastTokenNanos && Arrays.equals(chunkNanos, r.chunkNanos)
                && Arrays.equals(chunkTokens, r.chunkTokens) && inputTokensRequested == r.inputTokensRequested
                && inputTokensServed == r.inputTokensServed && outputTokensRequested == r.outputTokensRequested
                && outputTokensServed == r.outputTokensServed
                && outputCountedFromChunks == r.outputCountedFromChunks
                && Objects.equals(finishReason, r.finishReason) && outcome == r.outcome
                && httpStatus == r.httpStatus && Objects.equals(error, r.error) && Objects.equals(text, r.text)
                && dispatchNanos == r.dispatchNanos && retried == r.retried
                && Objects.equals(serverTimings, r.serverTimings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, scheduledNanos, sentNanos, firstTokenNanos, lastTokenNanos,
                Arrays.hashCode(chunkNanos), outcome);
    }

    @Override
    public String toString() {
        return "RequestRecord[#" + index + " " + outcome + (error != null ? " (" + error + ")" : "")
                + ", ttft=" + ttftNanos() + "ns, e2e=" + e2eNanos() + "ns, out=" + outputTokensServed + "]";
    }
}
