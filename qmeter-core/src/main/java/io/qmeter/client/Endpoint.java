package io.qmeter.client;

/**
 * The OpenAI-compatible endpoints qMeter drives.
 *
 * <pre>{@code
 * CompletionRequest r = CompletionRequest.of(Endpoint.CHAT_COMPLETIONS, "m", prompt);
 * }</pre>
 */
public enum Endpoint {
    /** {@code POST /v1/completions}: a text or token-id prompt. */
    COMPLETIONS("/v1/completions"),
    /** {@code POST /v1/chat/completions}: the prompt becomes one user message. */
    CHAT_COMPLETIONS("/v1/chat/completions");

    private final String path;

    Endpoint(String path) {
        this.path = path;
    }

    /**
     * The request path.
     *
     * @return for example {@code /v1/completions}
     */
    public String path() {
        return path;
    }
}
