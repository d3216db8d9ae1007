package io.qmeter.testkit.sim;

/**
 * What produces tokens behind the simulated engine's HTTP front: the iteration-level scheduler and
 * roofline model running in real time. The HTTP layer submits requests and streams what the sink
 * receives.
 *
 * <pre>{@code
 * try (ServingBackend b = ...) {
 *     Submission s = b.submit(new SimRequest(331, 231, true, 1L), sink);
 * }
 * }</pre>
 */
public interface ServingBackend extends AutoCloseable {

    /**
     * Queues a request. A request that can never fit (prompt + max tokens beyond the context
     * length) is rejected at once through {@link TokenSink#onError(String)}.
     *
     * @param request the request
     * @param sink    where its tokens go
     * @return a handle to cancel it (a client that disconnected)
     */
    Submission submit(SimRequest request, TokenSink sink);

    /**
     * The current state.
     *
     * @return a snapshot
     */
    BackendStats stats();

    /**
     * The model's context length in tokens.
     *
     * @return max prompt + output tokens of one request
     */
    int contextLength();

    /** Stops the backend; requests in flight get {@link TokenSink#onError(String)}; idempotent. */
    @Override
    void close();

    /** A submitted request. */
    interface Submission {
        /** Removes the request from the batch and frees its KV blocks; idempotent. */
        void cancel();
    }
}
