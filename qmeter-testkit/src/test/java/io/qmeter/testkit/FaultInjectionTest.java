package io.qmeter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.Health;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Every fault is observable from a client. */
class FaultInjectionTest {

    private static HttpRequest streamRequest(EngineHandle h, int maxTokens, Duration timeout) {
        return HttpRequest.newBuilder(h.baseUrl().resolve("/v1/completions")).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(TestHttp.completion(maxTokens, true))).build();
    }

    @Test
    void hangAcceptsAndNeverAnswers() throws Exception {
        try (ScriptedEngine s = ScriptedEngine.builder().faults(FaultPlan.builder().on(0, Fault.hang()).build()).build()) {
            EngineHandle h = s.start();
            assertThatThrownBy(() -> TestHttp.CLIENT.send(streamRequest(h, 4, Duration.ofMillis(300)),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
            assertThat(s.takeRequest(Duration.ofSeconds(1))).isPresent();
            // the next request is served normally
            assertThat(TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(3, true)).done()).isTrue();
        }
    }

    @Test
    void stallSendsSomeTokensThenNothingWithTheConnectionOpen() throws Exception {
        try (ScriptedEngine s = ScriptedEngine.builder()
                .faults(FaultPlan.builder().on(0, Fault.stallAfter(3)).build()).build()) {
            EngineHandle h = s.start();
            HttpResponse<InputStream> r = TestHttp.CLIENT.send(streamRequest(h, 10, Duration.ofSeconds(10)),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                try {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("data: ")) {
                            synchronized (lines) {
                                lines.add(line);
                            }
                        }
                    }
                } catch (IOException e) {
                    // closed by the test
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                synchronized (lines) {
                    return lines.size() == 3;
                }
            });
            assertThatThrownBy(() -> reader.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            synchronized (lines) {
                assertThat(lines).hasSize(3).noneMatch(l -> l.contains("[DONE]"));
            }
            s.close();
            reader.get(5, TimeUnit.SECONDS); // closing the engine ends the stalled stream
        }
    }

    @Test
    void httpStatusFaultsUseTheDialectsErrorFormat() throws Exception {
        for (int status : new int[] {429, 500, 503}) {
            for (Dialect d : Dialect.values()) {
                try (ScriptedEngine s = ScriptedEngine.builder().dialect(d)
                        .faults(FaultPlan.builder().on(0, Fault.httpStatus(status)).build()).build()) {
                    EngineHandle h = s.start();
                    TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(3, true));
                    assertThat(r.status()).isEqualTo(status);
                    JsonNode err = r.json();
                    if (d == Dialect.VLLM) {
                        assertThat(err.path("object").asText()).isEqualTo("error");
                        assertThat(err.path("code").asInt()).isEqualTo(status);
                    } else {
                        assertThat(err.path("error").path("code").asInt()).isEqualTo(status);
                    }
                }
            }
        }
    }

    @Test
    void malformedSseSendsAnEventThatIsNotJson() throws Exception {
        try (ScriptedEngine s = ScriptedEngine.builder()
                .faults(FaultPlan.builder().on(0, Fault.malformedAfter(2)).build()).build()) {
            EngineHandle h = s.start();
            TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(5, true));
            List<String> bad = new ArrayList<>();
            for (TestHttp.Event e : r.events()) {
                if (!e.isDone()) {
                    try {
                        TestHttp.JSON.readTree(e.data());
                    } catch (IOException ex) {
                        bad.add(e.data());
                    }
                }
            }
            assertThat(bad).hasSize(1);
            assertThat(r.events().indexOf(r.events().stream().filter(e -> e.data().equals(bad.get(0))).findFirst()
                    .orElseThrow())).isEqualTo(2);
        }
    }

    @Test
    void cutEndsTheStreamBeforeDone() throws Exception {
        try (ScriptedEngine s = ScriptedEngine.builder()
                .faults(FaultPlan.builder().on(0, Fault.cutAfter(4)).build()).build()) {
            EngineHandle h = s.start();
            TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(10, true));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.done()).isFalse();
            assertThat(r.chunks()).hasSize(4).noneMatch(c -> c.has("usage"));
        }
    }

    @Test
    void slowDripSpacesTokensApart() throws Exception {
        Duration gap = Duration.ofMillis(80);
        try (ScriptedEngine s = ScriptedEngine.builder()
                .faults(FaultPlan.builder().on(0, Fault.slowDrip(gap)).build()).build()) {
            EngineHandle h = s.start();
            TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(4, true));
            assertThat(r.done()).isTrue();
            List<TestHttp.Event> ev = r.events();
            // client-side read times jitter on a loaded box: check each gap loosely and the total tightly
            for (int i = 1; i < 4; i++) {
                assertThat(ev.get(i).nanos() - ev.get(i - 1).nanos()).as("gap %d", i).isGreaterThan(gap.toNanos() / 2);
            }
            assertThat(ev.get(3).nanos() - ev.get(0).nanos()).isGreaterThan(3 * gap.toNanos() - 20_000_000L);
            assertThat(r.chunks().get(r.chunks().size() - 1).path("usage").path("completion_tokens").asInt())
                    .isEqualTo(4);
        }
    }

    @Test
    void crashAfterNRequestsStopsTheServer() throws Exception {
        try (ScriptedEngine s = ScriptedEngine.builder()
                .faults(FaultPlan.builder().crashAfterRequests(2).build()).build()) {
            EngineHandle h = s.start();
            assertThat(TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(3, true)).done()).isTrue();
            assertThat(h.health().isUp()).isTrue();
            assertThat(TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(3, true)).done()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> h.health().status() == Health.Status.DOWN);
            assertThat(h.health().detail()).contains("crash-after 2");
            assertThatThrownBy(() -> TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(3, true)))
                    .isInstanceOf(ConnectException.class);
            assertThat(h.logTail(20)).anyMatch(l -> l.contains("injected crash"));
        }
    }

    @Test
    void crashAtTimeStopsTheServerAndCutsOpenStreams() throws Exception {
        try (ScriptedEngine s = ScriptedEngine.builder()
                .defaultScript(Script.builder().gap(Duration.ofMillis(50)).build())
                .faults(FaultPlan.builder().crashAt(Duration.ofMillis(400)).build()).build()) {
            EngineHandle h = s.start();
            TestHttp.Result r;
            try {
                r = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(1000, true));
                assertThat(r.done()).as("a stream open during the crash must not end with [DONE]").isFalse();
            } catch (IOException expected) {
                // the connection was reset: also a cut stream
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> h.health().status() == Health.Status.DOWN);
            assertThat(h.health().detail()).contains("crash-at");
        }
    }

    @Test
    void probabilisticFaultsAreSeededAndIndependentOfOrder() {
        FaultPlan p = FaultPlan.builder().seed(42).withProbability(0.1, Fault.httpStatus(503))
                .withProbability(0.5, Fault.cutAfter(1)).build();
        int http = 0;
        int cut = 0;
        for (long i = 0; i < 20_000; i++) {
            var f = p.faultFor(i);
            if (f.isPresent()) {
                if (f.get().kind() == Fault.Kind.HTTP_STATUS) {
                    http++;
                } else {
                    cut++;
                }
            }
        }
        assertThat(http).isBetween(1_800, 2_200);            // 10 %
        assertThat(cut).isBetween(8_500, 9_500);             // 50 % of the remaining 90 %
        FaultPlan same = FaultPlan.builder().seed(42).withProbability(0.1, Fault.httpStatus(503))
                .withProbability(0.5, Fault.cutAfter(1)).build();
        for (long i = 19_999; i >= 0; i -= 37) {
            assertThat(same.faultFor(i)).isEqualTo(p.faultFor(i));
        }
        assertThat(p.withSeed(43).faultFor(0).equals(p.faultFor(0)) && p.withSeed(43).faultFor(1).equals(p.faultFor(1))
                && p.withSeed(43).faultFor(2).equals(p.faultFor(2)) && p.withSeed(43).faultFor(3).equals(p.faultFor(3))
                && p.withSeed(43).faultFor(4).equals(p.faultFor(4)) && p.withSeed(43).faultFor(5).equals(p.faultFor(5)))
                .as("another seed draws other faults").isFalse();
    }

    @Test
    void faultsParseFromTheCommandLineSyntax() {
        assertThat(Fault.parse("http:503")).isEqualTo(Fault.httpStatus(503));
        assertThat(Fault.parse("stall:3")).isEqualTo(Fault.stallAfter(3));
        assertThat(Fault.parse("drip:750ms")).isEqualTo(Fault.slowDrip(Duration.ofMillis(750)));
        assertThat(Fault.parse("cut:2")).isEqualTo(Fault.cutAfter(2));
        assertThat(Fault.parse("hang")).isEqualTo(Fault.hang());
        assertThatThrownBy(() -> Fault.parse("explode")).hasMessageContaining("fault must be one of");
        assertThatThrownBy(() -> Fault.httpStatus(200)).hasMessageContaining("httpStatus must be 400..599");
        assertThatThrownBy(() -> FaultPlan.builder().withProbability(1.5, Fault.hang()))
                .hasMessageContaining("probability must be in [0, 1], was 1.5");
    }
}
