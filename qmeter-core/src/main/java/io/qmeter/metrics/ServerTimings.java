package io.qmeter.metrics;

/**
 * What the server says it spent on one request, as llama.cpp's {@code llama-server} reports it in
 * the {@code timings} object of a stream's last chunk. Compared with the client's TTFT it splits
 * the time to first token into the server's prefill ({@link #promptMillis()}) and everything else
 * (queueing in the server, the network, the client), see
 * {@link RequestRecord#clientShareOfTtftNanos()}.
 *
 * <pre>{@code
 * ServerTimings t = record.serverTimings();
 * if (t != null) System.out.printf("prefill %.1f ms of %d tokens (%d cached)%n",
 *         t.promptMillis(), t.promptTokens(), t.cachedTokens());
 * }</pre>
 *
 * @param promptTokens            {@code prompt_n}: prompt tokens the server evaluated (cached ones
 *                                excluded), or -1 when not reported
 * @param promptMillis            {@code prompt_ms}: the server's prefill time, or NaN when not reported
 * @param predictedTokens         {@code predicted_n}: tokens generated, or -1
 * @param predictedPerTokenMillis {@code predicted_per_token_ms}: the server's time per generated
 *                                token, or NaN
 * @param cachedTokens            {@code cache_n}: prompt tokens taken from the server's prompt cache,
 *                                or -1 when the server did not say
 */
public record ServerTimings(int promptTokens, double promptMillis, int predictedTokens,
                            double predictedPerTokenMillis, int cachedTokens) {

    /**
     * The server's prefill time in nanoseconds.
     *
     * @return nanos, or -1 when not reported
     */
    public long promptNanos() {
        return Double.isNaN(promptMillis) || promptMillis < 0 ? -1 : Math.round(promptMillis * 1e6);
    }
}
