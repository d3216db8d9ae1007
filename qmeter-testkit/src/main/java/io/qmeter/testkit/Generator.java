package io.qmeter.testkit;

import io.qmeter.testkit.sim.BackendStats;

/** What produces tokens behind {@link ApiServer}: a script or the simulated backend. Package-private. */
interface Generator {

    /** Receives a request's events; may be called from any thread, in order. */
    interface Events {
        void tokens(int count);

        void finish(String finishReason);

        void error(String message);
    }

    /**
     * Called on the event loop when a request arrived, before any answer; may set the call's
     * script and expected tokens.
     */
    default void prepare(Call call) {
    }

    /** Starts producing tokens; called on the request's event loop. Returns how to cancel. */
    Runnable start(Call call, Events out);

    /** The model's context length. */
    int contextLength();

    /** Running/waiting/KV figures, or {@code null} to let the server count them itself. */
    BackendStats stats();

    /** Stops producing; idempotent. */
    default void close() {
    }
}
