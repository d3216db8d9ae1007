package io.qmeter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmeter.engine.EngineHandle;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Both dialects, parsed with Jackson, against the recorded llama.cpp fixtures and vLLM's documented shape. */
class DialectShapeTest {

    private ScriptedEngine server;

    private EngineHandle start(Dialect d) {
        server = ScriptedEngine.builder().dialect(d).model("tiny-q8_0").build();
        return server.start();
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = DialectShapeTest.class.getResourceAsStream("/fixtures/sse/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<JsonNode> fixtureChunks(String name) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : fixture(name).split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                out.add(TestHttp.JSON.readTree(line.substring(6)));
            }
        }
        return out;
    }

    /** Every field path of a JSON value (array elements merged), e.g. choices[].delta.content. */
    private static Set<String> shape(JsonNode n) {
        Set<String> out = new TreeSet<>();
        shape(n, "", out);
        return out;
    }

    private static void shape(JsonNode n, String prefix, Set<String> out) {
        if (n.isObject()) {
            Iterator<String> it = n.fieldNames();
            while (it.hasNext()) {
                String f = it.next();
                String p = prefix.isEmpty() ? f : prefix + "." + f;
                out.add(p);
                shape(n.get(f), p, out);
            }
        } else if (n.isArray()) {
            for (JsonNode e : n) {
                shape(e, prefix + "[]", out);
            }
        }
    }

    private static List<String> fieldOrder(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void llamaCppCompletionStreamHasTheFixtureShape() throws Exception {
        EngineHandle h = start(Dialect.LLAMA_CPP);
        TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(8, true));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/event-stream");
        assertThat(r.done()).isTrue();
        List<JsonNode> ours = r.chunks();
        List<JsonNode> theirs = fixtureChunks("llamacpp-completions-stream.txt");
        assertThat(ours).hasSize(theirs.size());
        assertThat(shape(ours.get(0))).isEqualTo(shape(theirs.get(0)));
        assertThat(fieldOrder(ours.get(0))).isEqualTo(fieldOrder(theirs.get(0)));
        JsonNode last = ours.get(ours.size() - 1);
        assertThat(shape(last)).isEqualTo(shape(theirs.get(theirs.size() - 1)));
        assertThat(fieldOrder(last)).isEqualTo(fieldOrder(theirs.get(theirs.size() - 1)));
        assertThat(last.path("usage").path("completion_tokens").asInt()).isEqualTo(8);
        assertThat(last.path("usage").path("prompt_tokens").asInt()).isEqualTo(7); // 25 chars / 4, rounded up
        assertThat(last.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(last.path("id").asText()).startsWith("chatcmpl-").hasSize(41);
        assertThat(last.path("model").asText()).isEqualTo("m"); // llama.cpp echoes the request's model
        assertThat(r.body()).doesNotContain("\"role\"");
        // every byte of the stream is "data: <json>\n\n"
        assertThat(r.body().replace("\n\n", "\n").lines()).allMatch(l -> l.startsWith("data: "));
    }

    @Test
    void llamaCppChatStreamHasNoRoleChunkAndUsageOnTheLastChunk() throws Exception {
        EngineHandle h = start(Dialect.LLAMA_CPP);
        TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/chat/completions", TestHttp.chat(6, true));
        List<JsonNode> ours = r.chunks();
        List<JsonNode> theirs = fixtureChunks("llamacpp-chat-stream.txt");
        assertThat(ours).hasSize(theirs.size());
        assertThat(shape(ours.get(0))).isEqualTo(shape(theirs.get(0)));
        assertThat(fieldOrder(ours.get(0))).isEqualTo(fieldOrder(theirs.get(0)));
        assertThat(shape(ours.get(ours.size() - 1))).isEqualTo(shape(theirs.get(theirs.size() - 1)));
        assertThat(ours.get(0).path("choices").get(0).path("delta").has("role")).isFalse();
        assertThat(ours.get(ours.size() - 1).path("usage").path("completion_tokens").asInt()).isEqualTo(6);
        assertThat(ours.get(ours.size() - 1).path("timings").path("predicted_n").asInt()).isEqualTo(6);
    }

    @Test
    void llamaCppTokenIdPromptsCountExactly() throws Exception {
        EngineHandle h = start(Dialect.LLAMA_CPP);
        TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions",
                "{\"prompt\":[1,15043,3186],\"max_tokens\":4,\"stream\":true,\"ignore_eos\":true}");
        List<JsonNode> ours = r.chunks();
        List<JsonNode> theirs = fixtureChunks("llamacpp-completions-token-ids-stream.txt");
        assertThat(ours).hasSize(theirs.size());
        JsonNode last = ours.get(ours.size() - 1);
        assertThat(shape(last)).isEqualTo(shape(theirs.get(theirs.size() - 1)));
        assertThat(last.path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(last.path("usage").path("total_tokens").asInt()).isEqualTo(7);
    }

    @Test
    void llamaCppNonStreamingBodyAndErrorsHaveTheFixtureShape() throws Exception {
        EngineHandle h = start(Dialect.LLAMA_CPP);
        TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(5, false));
        JsonNode ours = r.json();
        String fx = fixture("llamacpp-completions-nonstream-logprobs.json");
        JsonNode theirs = TestHttp.JSON.readTree(fx);
        Set<String> expected = new TreeSet<>(shape(theirs));
        expected.removeIf(p -> p.startsWith("choices[].logprobs."));
        assertThat(shape(ours)).isEqualTo(expected);
        assertThat(fieldOrder(ours)).isEqualTo(fieldOrder(theirs));
        assertThat(ours.path("usage").path("completion_tokens").asInt()).isEqualTo(5);
        assertThat(ours.path("choices").get(0).path("text").asText().split(" ")).hasSize(6);

        TestHttp.Result n2 = TestHttp.post(h.baseUrl(), "/v1/completions", "{\"prompt\":\"x\",\"n\":2}");
        assertThat(n2.status()).isEqualTo(500);
        String expectedN2 = fixture("llamacpp-error-n2.txt");
        assertThat(n2.body().trim()).isEqualTo(expectedN2.substring(expectedN2.indexOf("\n{") + 1).trim());

        TestHttp.Result bad = TestHttp.post(h.baseUrl(), "/v1/completions", "{bad");
        assertThat(bad.status()).isEqualTo(500);
        JsonNode err = bad.json();
        String fxBad = fixture("llamacpp-error-badjson.txt");
        assertThat(shape(err)).isEqualTo(shape(TestHttp.JSON.readTree(fxBad.substring(fxBad.indexOf("\n{") + 1))));
        assertThat(err.path("error").path("type").asText()).isEqualTo("server_error");
        assertThat(err.path("error").path("message").asText()).contains("JSON");
    }

    @Test
    void llamaCppModelsAndMetricsHaveTheFixtureShape() throws Exception {
        EngineHandle h = start(Dialect.LLAMA_CPP);
        HttpResponse<String> models = TestHttp.get(h.baseUrl(), "/v1/models");
        assertThat(shape(TestHttp.JSON.readTree(models.body())))
                .isEqualTo(shape(TestHttp.JSON.readTree(fixture("llamacpp-models.json"))));
        HttpResponse<String> metrics = TestHttp.get(h.baseUrl(), "/metrics");
        Set<String> fixtureNames = PrometheusText.parse(fixture("llamacpp-metrics.txt")).keySet();
        Set<String> ours = PrometheusText.parse(metrics.body()).keySet();
        assertThat(fixtureNames).contains("llamacpp:prompt_tokens_total", "llamacpp:tokens_predicted_total",
                "llamacpp:kv_cache_usage_ratio", "llamacpp:requests_processing", "llamacpp:requests_deferred");
        assertThat(ours).contains("llamacpp:prompt_tokens_total", "llamacpp:tokens_predicted_total",
                "llamacpp:kv_cache_usage_ratio", "llamacpp:requests_processing", "llamacpp:requests_deferred");
        assertThat(TestHttp.get(h.baseUrl(), "/health").body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void vllmChatStreamStartsWithARoleChunkAndEndsWithAUsageChunk() throws Exception {
        EngineHandle h = start(Dialect.VLLM);
        TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/chat/completions", TestHttp.chat(5, true));
        assertThat(r.done()).isTrue();
        List<JsonNode> c = r.chunks();
        assertThat(c).hasSize(1 + 5 + 1);
        JsonNode role = c.get(0).path("choices").get(0);
        assertThat(role.path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(role.path("delta").path("content").asText()).isEmpty();
        for (int i = 1; i <= 5; i++) {
            JsonNode ch = c.get(i);
            assertThat(ch.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(ch.path("id").asText()).startsWith("chatcmpl-").isEqualTo(c.get(0).path("id").asText());
            assertThat(ch.path("choices").get(0).path("delta").path("content").asText()).isNotEmpty();
            assertThat(ch.has("usage")).isFalse();
            assertThat(ch.path("choices").get(0).path("finish_reason").isNull()).isEqualTo(i < 5);
        }
        assertThat(c.get(5).path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        JsonNode usage = c.get(6);
        assertThat(usage.path("choices").isArray()).isTrue();
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(5);
        assertThat(usage.path("usage").path("prompt_tokens").asInt()).isEqualTo(7);
        assertThat(usage.path("usage").path("total_tokens").asInt()).isEqualTo(12);
    }

    @Test
    void vllmCompletionStreamWithoutIncludeUsageHasNoUsage() throws Exception {
        EngineHandle h = start(Dialect.VLLM);
        TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions",
                "{\"prompt\":\"hello\",\"max_tokens\":3,\"stream\":true}");
        List<JsonNode> c = r.chunks();
        assertThat(c).hasSize(3);
        assertThat(c).allSatisfy(ch -> {
            assertThat(ch.has("usage")).isFalse();
            assertThat(ch.path("object").asText()).isEqualTo("text_completion");
            assertThat(ch.path("id").asText()).startsWith("cmpl-");
        });
        TestHttp.Result cont = TestHttp.post(h.baseUrl(), "/v1/completions", "{\"prompt\":\"hello\",\"max_tokens\":3,"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true,\"continuous_usage_stats\":true}}");
        List<JsonNode> cc = cont.chunks();
        assertThat(cc.get(1).path("usage").path("completion_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void vllmNonStreamingAndErrors() throws Exception {
        EngineHandle h = start(Dialect.VLLM);
        JsonNode body = TestHttp.post(h.baseUrl(), "/v1/chat/completions", TestHttp.chat(4, false)).json();
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("choices").get(0).path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(body.path("choices").get(0).path("message").path("content").asText().split(" ")).hasSize(5);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(4);

        TestHttp.Result bad = TestHttp.post(h.baseUrl(), "/v1/completions", "{bad");
        assertThat(bad.status()).isEqualTo(400);
        JsonNode err = bad.json();
        assertThat(err.path("object").asText()).isEqualTo("error");
        assertThat(err.path("code").asInt()).isEqualTo(400);
        assertThat(err.path("type").asText()).isEqualTo("BadRequestError");
        assertThat(err.path("message").asText()).contains("JSON");

        TestHttp.Result zero = TestHttp.post(h.baseUrl(), "/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":0}");
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.json().path("message").asText()).contains("max_tokens must be at least 1, got 0");
        assertThat(TestHttp.get(h.baseUrl(), "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void contextOverflowIsRefusedInEachDialect() throws Exception {
        for (Dialect d : Dialect.values()) {
            server = ScriptedEngine.builder().dialect(d).contextLength(100).build();
            EngineHandle h = server.start();
            TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions",
                    "{\"prompt\":[1,2,3,4,5,6,7,8,9,10],\"max_tokens\":95,\"stream\":true}");
            if (d == Dialect.VLLM) {
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.json().path("message").asText()).contains("maximum context length is 100 tokens")
                        .contains("105");
            } else {
                assertThat(r.status()).isEqualTo(500);
                assertThat(r.json().path("error").path("message").asText()).contains("context size")
                        .contains("n_ctx 100");
            }
            server.close();
        }
    }

    @Test
    void stopStringsEndTheOutputBeforeTheStop() throws Exception {
        EngineHandle h = start(Dialect.VLLM);
        String base = "{\"prompt\":\"x\",\"max_tokens\":40,\"seed\":5,\"ignore_eos\":true";
        TestHttp.Result free = TestHttp.post(h.baseUrl(), "/v1/completions", base + "}");
        String text = free.json().path("choices").get(0).path("text").asText();
        String[] words = text.substring(1).split(" ");
        String stop = " " + words[6];
        TestHttp.Result again = TestHttp.post(h.baseUrl(), "/v1/completions", base + "}");
        assertThat(again.json().path("choices").get(0).path("text").asText()).as("same seed, same text").isEqualTo(text);
        TestHttp.Result stopped = TestHttp.post(h.baseUrl(), "/v1/completions",
                base + ",\"stop\":[" + TestHttp.JSON.writeValueAsString(stop) + "],\"stream\":true}");
        assertThat(TestHttp.text(stopped)).isEqualTo(text.substring(0, text.indexOf(stop)));
        List<JsonNode> c = stopped.chunks();
        JsonNode lastContent = c.get(c.size() - 1);
        assertThat(lastContent.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(lastContent.path("choices").get(0).path("stop_reason").asText()).isEqualTo(stop);
    }
}
