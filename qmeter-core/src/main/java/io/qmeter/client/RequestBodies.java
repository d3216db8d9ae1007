package io.qmeter.client;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.workload.PromptSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes the JSON body of a {@link CompletionRequest} (package-private helper of {@link LlmClient}).
 *
 * <p>Fields, in order: {@code model}; {@code prompt} (text or token-id array) for completions or
 * {@code messages=[{role:user,content}]} for chat; {@code max_tokens}; {@code min_tokens},
 * {@code ignore_eos} (only when true), {@code temperature}, {@code stop}, {@code seed} when set;
 * {@code stream}; {@code stream_options.include_usage} when streaming with usage; then every
 * {@code extraBody} entry. An {@code extraBody} key replaces the field of the same name, except
 * {@code stream_options}, whose map is merged into ours (so {@code continuous_usage_stats} can be
 * added without losing {@code include_usage}).
 */
final class RequestBodies {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RequestBodies() {
    }

    /**
     * The UTF-8 JSON body.
     *
     * @param r the request
     * @return the body bytes
     * @throws IllegalArgumentException when an {@code extraBody} value cannot be written as JSON
     */
    static byte[] write(CompletionRequest r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        Map<String, Object> extra = r.extraBody();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            if (!extra.containsKey("model")) {
                g.writeStringField("model", r.model());
            }
            PromptSpec p = r.prompt();
            if (r.endpoint() == Endpoint.CHAT_COMPLETIONS) {
                if (!extra.containsKey("messages")) {
                    g.writeArrayFieldStart("messages");
                    g.writeStartObject();
                    g.writeStringField("role", "user");
                    g.writeStringField("content", p.text());
                    g.writeEndObject();
                    g.writeEndArray();
                }
            } else if (!extra.containsKey("prompt")) {
                if (p.isTokens()) {
                    int[] ids = p.tokenIds();
                    g.writeFieldName("prompt");
                    g.writeArray(ids, 0, ids.length);
                } else {
                    g.writeStringField("prompt", p.text());
                }
            }
            if (!extra.containsKey("max_tokens")) {
                g.writeNumberField("max_tokens", r.maxTokens());
            }
            if (r.minTokens() != null && !extra.containsKey("min_tokens")) {
                g.writeNumberField("min_tokens", r.minTokens());
            }
            if (r.ignoreEos() && !extra.containsKey("ignore_eos")) {
                g.writeBooleanField("ignore_eos", true);
            }
            if (r.temperature() != null && !extra.containsKey("temperature")) {
                g.writeNumberField("temperature", r.temperature());
            }
            if (!r.stop().isEmpty() && !extra.containsKey("stop")) {
                g.writeArrayFieldStart("stop");
                for (String s : r.stop()) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            if (r.seed() != null && !extra.containsKey("seed")) {
                g.writeNumberField("seed", r.seed());
            }
            if (!extra.containsKey("stream")) {
                g.writeBooleanField("stream", r.stream());
            }
            Object extraOptions = extra.get("stream_options");
            if (r.stream() && r.includeUsage() && (extraOptions == null || extraOptions instanceof Map)) {
                g.writeObjectFieldStart("stream_options");
                Map<?, ?> more = extraOptions == null ? Map.of() : (Map<?, ?>) extraOptions;
                if (!more.containsKey("include_usage")) {
                    g.writeBooleanField("include_usage", true);
                }
                for (Map.Entry<?, ?> e : more.entrySet()) {
                    g.writeObjectField(String.valueOf(e.getKey()), e.getValue());
                }
                g.writeEndObject();
                extraOptions = null;
            }
            for (Map.Entry<String, Object> e : extra.entrySet()) {
                if ("stream_options".equals(e.getKey()) && extraOptions == null) {
                    continue;
                }
                g.writeObjectField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalArgumentException("the request body could not be written as JSON (check extraBody "
                    + "values: maps, lists, strings, numbers, booleans): " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("the request body could not be written as JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
