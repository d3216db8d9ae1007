package io.qmeter.testkit;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request a test engine received, for assertions.
 *
 * <pre>{@code
 * RecordedRequest r = server.takeRequest(Duration.ofSeconds(1)).orElseThrow();
 * assertThat(r.path()).isEqualTo("/v1/completions");
 * assertThat(r.json()).containsEntry("stream", true);
 * }</pre>
 *
 * @param index        arrival index among completion requests (0-based)
 * @param method       HTTP method
 * @param path         request path (with query)
 * @param headers      headers, names lower-cased
 * @param body         body text (UTF-8)
 * @param json         the body parsed as a JSON object (nested maps and lists), empty when not JSON
 * @param arrivalNanos {@link System#nanoTime()} when the whole body had arrived
 */
public record RecordedRequest(long index, String method, String path, Map<String, List<String>> headers, String body,
                              Map<String, Object> json, long arrivalNanos) {

    /** Copies. */
    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        headers = Map.copyOf(headers);
        body = body == null ? "" : body;
        json = json == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(json));
    }

    /**
     * The first value of a header.
     *
     * @param name header name, any case
     * @return the value or {@code null}
     */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
