package io.qmeter.testkit.sim;

/**
 * Receives what a {@link ServingBackend} produces for one request. Calls for one request come in
 * order, from the backend's thread; implementations must not block.
 *
 * <pre>{@code
 * TokenSink sink = new TokenSink() {
 *     public void onTokens(int count, long nanoTime) { ... }
 *     public void onFinish(String reason, int prompt, int completion) { ... }
 *     public void onError(String message) { ... }
 * };
 * }</pre>
 */
public interface TokenSink {

    /**
     * New output tokens are ready (one per decode iteration, or the first token after prefill).
     *
     * @param count    how many tokens (usually 1)
     * @param nanoTime when they became ready ({@link System#nanoTime()} in real time, virtual
     *                 nanoseconds in a simulation)
     */
    void onTokens(int count, long nanoTime);

    /**
     * The request finished normally.
     *
     * @param finishReason     {@code "length"} or {@code "stop"}
     * @param promptTokens     prompt tokens processed
     * @param completionTokens output tokens produced
     */
    void onFinish(String finishReason, int promptTokens, int completionTokens);

    /**
     * The request failed (context too long, engine shutting down, cancelled by a fault).
     *
     * @param message what went wrong
     */
    void onError(String message);
}
