package io.qmeter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmeter.engine.EngineException;
import io.qmeter.engine.EngineHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ScriptedEngineTest {

    @Test
    void chunksArriveAtTheScriptedAbsoluteTimes() throws Exception {
        long ttftMs = 60;
        List<Duration> gaps = List.of(Duration.ofMillis(15), Duration.ofMillis(5), Duration.ofMillis(30),
                Duration.ofMillis(10));
        int tokens = 12;
        try (ScriptedEngine server = ScriptedEngine.builder().build()) {
            EngineHandle h = server.start();
            // warm up the connection and the JIT
            for (int i = 0; i < 3; i++) {
                TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(4, true));
                server.takeRequest(Duration.ofSeconds(1)).orElseThrow();
            }
            List<Double> errorsMs = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                server.enqueue(Script.builder().ttft(Duration.ofMillis(ttftMs)).gaps(gaps).tokens(tokens).build());
                TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(tokens, true));
                RecordedRequest rec = server.takeRequest(Duration.ofSeconds(1)).orElseThrow();
                List<TestHttp.Event> content = new ArrayList<>();
                for (TestHttp.Event e : r.events()) {
                    if (!e.isDone() && !e.json().path("choices").isEmpty()
                            && !e.json().path("choices").get(0).path("text").asText().isEmpty()) {
                        content.add(e);
                    }
                }
                assertThat(content).hasSize(tokens);
                long expected = ttftMs * 1_000_000L;
                for (int i = 0; i < tokens; i++) {
                    if (i > 0) {
                        expected += gaps.get(Math.min(i - 1, gaps.size() - 1)).toNanos();
                    }
                    long measured = content.get(i).nanos() - rec.arrivalNanos();
                    double err = (measured - expected) / 1e6;
                    errorsMs.add(err);
                    // a chunk never comes early (lateness is bounded below, on the p90, since a loaded
                    // 2-core box can deschedule a thread for 100+ ms now and then)
                    assertThat(err).as("chunk %d: %.3f ms off", i, err).isGreaterThan(-0.5);
                }
            }
            double[] abs = errorsMs.stream().mapToDouble(Math::abs).sorted().toArray();
            double p50 = abs[abs.length / 2];
            assertThat(abs[(int) Math.ceil(abs.length * 0.9) - 1]).as("p90 of the lateness").isLessThan(150.0);
            System.out.printf(Locale.ROOT, "ScriptedEngine chunk timing error vs script (server arrival -> client read):"
                    + " p50 %.3f ms, p99 %.3f ms, max %.3f ms over %d chunks%n", p50,
                    abs[(int) Math.ceil(abs.length * 0.99) - 1], abs[abs.length - 1], abs.length);
            assertThat(p50).as("median timing error").isLessThan(5.0);
        }
    }

    @Test
    void recordsRequestsAndServesScriptsInOrderThenTheDefault() throws Exception {
        try (ScriptedEngine server = ScriptedEngine.builder()
                .defaultScript(Script.builder().tokens(2).build()).build()) {
            EngineHandle h = server.start();
            server.enqueue(Script.builder().tokens(5).build()).enqueue(Script.builder().tokens(3).build());
            int[] got = new int[3];
            for (int i = 0; i < 3; i++) {
                TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(50, true));
                got[i] = r.chunks().get(r.chunks().size() - 1).path("usage").path("completion_tokens").asInt();
            }
            assertThat(got).containsExactly(5, 3, 2);
            RecordedRequest first = server.takeRequest(Duration.ofSeconds(1)).orElseThrow();
            assertThat(first.path()).isEqualTo("/v1/completions");
            assertThat(first.method()).isEqualTo("POST");
            assertThat(first.json()).containsEntry("max_tokens", 50).containsEntry("stream", true);
            assertThat(first.header("Content-Type")).isEqualTo("application/json");
            assertThat(first.index()).isZero();
            assertThat(server.requestCount()).isEqualTo(3);
            server.takeRequest(Duration.ofSeconds(1)).orElseThrow();
            server.takeRequest(Duration.ofSeconds(1)).orElseThrow();
            assertThat(server.takeRequest(Duration.ofMillis(50))).isEmpty();
        }
    }

    @Test
    void tokensPerChunkAndUsageAreScripted() throws Exception {
        try (ScriptedEngine server = ScriptedEngine.builder().build()) {
            EngineHandle h = server.start();
            server.enqueue(Script.builder().tokens(10).tokensPerChunk(3).build());
            TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(10, true));
            List<JsonNode> chunks = r.chunks();
            long content = chunks.stream().filter(c -> !c.path("choices").isEmpty()
                    && !c.path("choices").get(0).path("text").asText().isEmpty()).count();
            assertThat(content).isEqualTo(4);
            assertThat(TestHttp.text(r).split(" ")).hasSize(11); // leading space: 10 words
            assertThat(chunks.get(chunks.size() - 1).path("usage").path("completion_tokens").asInt()).isEqualTo(10);

            server.enqueue(Script.builder().tokens(4).noUsage().build());
            TestHttp.Result n = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(4, true));
            assertThat(n.chunks()).allSatisfy(c -> assertThat(c.has("usage")).isFalse());
            assertThat(n.done()).isTrue();

            server.enqueue(Script.builder().tokens(4).usage(100, 7).finishReason("stop").build());
            TestHttp.Result o = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(4, true));
            JsonNode usage = o.chunks().get(o.chunks().size() - 1).path("usage");
            assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(100);
            assertThat(usage.path("completion_tokens").asInt()).isEqualTo(7);
            assertThat(o.chunks().get(o.chunks().size() - 2).path("choices").get(0).path("finish_reason").asText())
                    .isEqualTo("stop");
        }
    }

    @Test
    void scriptedHttpErrorComesAfterItsTtft() throws Exception {
        try (ScriptedEngine server = ScriptedEngine.builder().build()) {
            EngineHandle h = server.start();
            server.enqueue(Script.builder().ttft(Duration.ofMillis(40)).status(503, null).build());
            server.enqueue(Script.builder().status(418, "{\"teapot\":true}").build());
            TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(4, true));
            RecordedRequest rec = server.takeRequest(Duration.ofSeconds(1)).orElseThrow();
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().path("object").asText()).isEqualTo("error");
            assertThat(r.json().path("code").asInt()).isEqualTo(503);
            assertThat(System.nanoTime() - rec.arrivalNanos()).isGreaterThanOrEqualTo(40_000_000L);
            TestHttp.Result t = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(4, true));
            assertThat(t.status()).isEqualTo(418);
            assertThat(t.body().trim()).isEqualTo("{\"teapot\":true}");
        }
    }

    @Test
    void startTwiceWithoutCloseIsRefusedAndRestartWorks() throws Exception {
        ScriptedEngine server = ScriptedEngine.builder().build();
        EngineHandle h = server.start();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(server::start).isInstanceOf(EngineException.class)
                    .hasMessageContaining("already running");
        } finally {
            h.close();
        }
        try (EngineHandle again = server.start()) {
            assertThat(TestHttp.get(again.baseUrl(), "/v1/models").statusCode()).isEqualTo(200);
        }
        server.close();
    }

    @Test
    void scriptsValidateTheirFields() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Script.builder().tokensPerChunk(0).build())
                .hasMessageContaining("tokensPerChunk must be >= 1, was 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Script.builder().ttft(Duration.ofMillis(-1)).build())
                .hasMessageContaining("ttft must be >= 0");
        assertThat(Script.builder().gaps(List.of(Duration.ofMillis(1), Duration.ofMillis(2))).build().gapAfter(9))
                .isEqualTo(Duration.ofMillis(2));
        assertThat(Arrays.asList(Script.immediate().gapAfter(0))).containsExactly(Duration.ZERO);
    }
}
