package io.qmeter.bench.jmh;

import java.nio.charset.StandardCharsets;

/**
 * The exact bytes the neutral nginx stub sends (shared/bench/sse-stub): {@code n} vLLM completion
 * chunks, a usage chunk with empty choices, and {@code [DONE]}.
 *
 * <pre>{@code
 * byte[] body = StubStream.body(16);
 * }</pre>
 */
public final class StubStream {

    private StubStream() {
    }

    /**
     * The stream body.
     *
     * @param n content chunks
     * @return the bytes
     */
    public static byte[] body(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append("data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":0,\"model\":\"m\",")
                    .append("\"choices\":[{\"index\":0,\"text\":\" tok\",\"logprobs\":null,\"finish_reason\":")
                    .append(i == n - 1 ? "\"length\"" : "null").append("}]}\n\n");
        }
        s.append("data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":0,\"model\":\"m\",")
                .append("\"choices\":[],\"usage\":{\"prompt_tokens\":16,\"completion_tokens\":").append(n)
                .append(",\"total_tokens\":").append(16 + n).append("}}\n\ndata: [DONE]\n\n");
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }
}
