package io.qmeter.client;

import io.qmeter.workload.PromptSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One request to an OpenAI-compatible server: the endpoint, the prompt and the sampling options.
 * An immutable value; {@code withX} methods return copies.
 *
 * <pre>{@code
 * CompletionRequest r = CompletionRequest.of(Endpoint.COMPLETIONS, "llama-2-13b",
 *         PromptSpec.ofTokens(ids, 128)).withIgnoreEos(true).withTemperature(0.0);
 * }</pre>
 *
 * @param endpoint     which endpoint
 * @param model        the model name
 * @param prompt       the prompt; its {@code outputTokens} become {@code max_tokens}
 * @param minTokens    {@code min_tokens}, or {@code null} to omit
 * @param ignoreEos    {@code ignore_eos} (exact output lengths on vLLM, SGLang, llama.cpp)
 * @param temperature  {@code temperature}, or {@code null} to omit
 * @param stop         {@code stop} strings, empty to omit
 * @param seed         {@code seed}, or {@code null} to omit
 * @param stream       whether to stream (SSE)
 * @param includeUsage {@code stream_options.include_usage} when streaming
 * @param keepText     whether the generated text is kept in the record (quality scoring)
 * @param extraBody    more body fields, merged last (they win over the fields above)
 */
public record CompletionRequest(Endpoint endpoint, String model, PromptSpec prompt, Integer minTokens,
                                boolean ignoreEos, Double temperature, List<String> stop, Long seed,
                                boolean stream, boolean includeUsage, boolean keepText,
                                Map<String, Object> extraBody) {

    /** Validates and copies collections. */
    public CompletionRequest {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(prompt, "prompt");
        if (minTokens != null && minTokens < 0) {
            throw new IllegalArgumentException("minTokens must be >= 0, was " + minTokens);
        }
        if (temperature != null && (temperature < 0 || temperature.isNaN())) {
            throw new IllegalArgumentException("temperature must be >= 0, was " + temperature);
        }
        if (endpoint == Endpoint.CHAT_COMPLETIONS && prompt.isTokens()) {
            throw new IllegalArgumentException("a chat request needs a text prompt, was token ids; "
                    + "use Endpoint.COMPLETIONS for token-id prompts");
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        extraBody = extraBody == null ? Map.of() : Map.copyOf(extraBody);
    }

    /**
     * A streaming request with usage, no sampling options set.
     *
     * @param endpoint the endpoint
     * @param model    the model name
     * @param prompt   the prompt
     * @return the request
     */
    public static CompletionRequest of(Endpoint endpoint, String model, PromptSpec prompt) {
        return new CompletionRequest(endpoint, model, prompt, null, false, null, List.of(), null, true, true,
                false, Map.of());
    }

    /**
     * {@code max_tokens}: the prompt's requested output length.
     *
     * @return max tokens
     */
    public int maxTokens() {
        return prompt.outputTokens();
    }

    /**
     * A copy with another prompt.
     *
     * @param p the prompt
     * @return the copy
     */
    public CompletionRequest withPrompt(PromptSpec p) {
        return new CompletionRequest(endpoint, model, p, minTokens, ignoreEos, temperature, stop, seed, stream,
                includeUsage, keepText, extraBody);
    }

    /**
     * A copy with {@code ignore_eos}.
     *
     * @param v the value
     * @return the copy
     */
    public CompletionRequest withIgnoreEos(boolean v) {
        return new CompletionRequest(endpoint, model, prompt, minTokens, v, temperature, stop, seed, stream,
                includeUsage, keepText, extraBody);
    }

    /**
     * A copy with {@code min_tokens}.
     *
     * @param v the value, or null to omit
     * @return the copy
     */
    public CompletionRequest withMinTokens(Integer v) {
        return new CompletionRequest(endpoint, model, prompt, v, ignoreEos, temperature, stop, seed, stream,
                includeUsage, keepText, extraBody);
    }

    /**
     * A copy with {@code temperature}.
     *
     * @param v the value, or null to omit
     * @return the copy
     */
    public CompletionRequest withTemperature(Double v) {
        return new CompletionRequest(endpoint, model, prompt, minTokens, ignoreEos, v, stop, seed, stream,
                includeUsage, keepText, extraBody);
    }

    /**
     * A copy with {@code stop} strings.
     *
     * @param v the strings
     * @return the copy
     */
    public CompletionRequest withStop(List<String> v) {
        return new CompletionRequest(endpoint, model, prompt, minTokens, ignoreEos, temperature, v, seed, stream,
                includeUsage, keepText, extraBody);
    }

    /**
     * A copy with {@code seed}.
     *
     * @param v the seed, or null to omit
     * @return the copy
     */
    public CompletionRequest withSeed(Long v) {
        return new CompletionRequest(endpoint, model, prompt, minTokens, ignoreEos, temperature, stop, v, stream,
                includeUsage, keepText, extraBody);
    }

    /**
     * A copy that streams or not.
     *
     * @param v true to stream
     * @return the copy
     */
    public CompletionRequest withStream(boolean v) {
        return new CompletionRequest(endpoint, model, prompt, minTokens, ignoreEos, temperature, stop, seed, v,
                includeUsage, keepText, extraBody);
    }

    /**
     * A copy with {@code stream_options.include_usage}.
     *
     * @param v the value
     * @return the copy
     */
    public CompletionRequest withIncludeUsage(boolean v) {
        return new CompletionRequest(endpoint, model, prompt, minTokens, ignoreEos, temperature, stop, seed, stream,
                v, keepText, extraBody);
    }

    /**
     * A copy that keeps (or drops) the generated text in the record.
     *
     * @param v true to keep the text
     * @return the copy
     */
    public CompletionRequest withKeepText(boolean v) {
        return new CompletionRequest(endpoint, model, prompt, minTokens, ignoreEos, temperature, stop, seed, stream,
                includeUsage, v, extraBody);
    }

    /**
     * A copy with extra body fields.
     *
     * @param v the fields
     * @return the copy
     */
    public CompletionRequest withExtraBody(Map<String, Object> v) {
        return new CompletionRequest(endpoint, model, prompt, minTokens, ignoreEos, temperature, stop, seed, stream,
                includeUsage, keepText, v);
    }
}
