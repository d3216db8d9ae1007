package io.qmeter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmeter.engine.EngineHandle;
import io.qmeter.power.EnergyReading;
import io.qmeter.power.EnergyWindow;
import io.qmeter.power.PowerSensor;
import io.qmeter.testkit.sim.BackendStats;
import io.qmeter.testkit.sim.ServingBackend;
import io.qmeter.testkit.sim.SimRequest;
import io.qmeter.testkit.sim.TokenSink;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SimulatedEngineTest {

    private static SimulatedEngine.Builder small() {
        return SimulatedEngine.builder().gpu("H100-80GB").model("llama-2-7b").quantization("W4A16-INT")
                .tensorParallel(1).seed(1).port(0);
    }

    @Test
    void servesExactUsageFromTheSimulatedBackendAndReportsItsConfig() throws Exception {
        SimulatedEngine engine = small().dialect(Dialect.VLLM).build();
        try (EngineHandle h = engine.start()) {
            assertThat(h.health().isUp()).isTrue();
            assertThat(h.model()).isEqualTo("llama-2-7b");
            Map<String, Object> d = h.describe();
            assertThat(d).containsEntry("engine", "simulated").containsEntry("gpu", "H100-80GB")
                    .containsEntry("tensorParallel", 1).containsEntry("dialect", "VLLM").containsKey("quantization")
                    .containsKey("baseUrl").containsKey("contextLength");
            TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions", "{\"model\":\"llama-2-7b\","
                    + "\"prompt\":[" + "1,".repeat(99) + "1],\"max_tokens\":20,\"ignore_eos\":true,\"stream\":true,"
                    + "\"stream_options\":{\"include_usage\":true}}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.done()).isTrue();
            List<JsonNode> chunks = r.chunks();
            JsonNode usage = chunks.get(chunks.size() - 1).path("usage");
            assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(100);
            assertThat(usage.path("completion_tokens").asInt()).isEqualTo(20);
            assertThat(TestHttp.text(r).split(" ")).hasSize(21);
            assertThat(r.events()).as("one SSE event per token, then usage and [DONE]").hasSize(22);

            Map<String, Double> m = PrometheusText.parse(TestHttp.get(h.baseUrl(), "/metrics").body());
            assertThat(m).containsKeys("vllm:num_requests_running", "vllm:num_requests_waiting",
                    "vllm:gpu_cache_usage_perc", "vllm:prompt_tokens_total", "vllm:generation_tokens_total");
            assertThat(m.get("vllm:generation_tokens_total")).isGreaterThanOrEqualTo(20.0);
            assertThat(m.get("vllm:prompt_tokens_total")).isGreaterThanOrEqualTo(100.0);

            TestHttp.Result wrong = TestHttp.post(h.baseUrl(), "/v1/completions",
                    "{\"model\":\"gpt-4\",\"prompt\":\"x\",\"max_tokens\":2}");
            assertThat(wrong.status()).isEqualTo(404);
            assertThat(wrong.json().path("message").asText()).contains("gpt-4").contains("llama-2-7b");
        }
    }

    @Test
    void contextLengthComesFromTheModelAndOverflowIsRefused() throws Exception {
        try (EngineHandle h = small().dialect(Dialect.LLAMA_CPP).build().start()) {
            int ctx = ((Number) h.describe().get("contextLength")).intValue();
            TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions",
                    "{\"prompt\":[1,2,3],\"max_tokens\":" + ctx + "}");
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.json().path("error").path("message").asText()).contains("n_ctx " + ctx);
        }
    }

    @Test
    void powerSensorIsTheBackendsAndSeesEnergy() throws Exception {
        try (EngineHandle h = small().build().start()) {
            PowerSensor sensor = h.powerSensor().orElseThrow();
            assertThat(sensor.capability().quality()).isEqualTo(io.qmeter.power.EnergyQuality.ESTIMATED);
            EnergyReading reading;
            try (EnergyWindow w = sensor.open()) {
                TestHttp.post(h.baseUrl(), "/v1/completions", "{\"prompt\":\"hello\",\"max_tokens\":16,\"ignore_eos\":true}");
                reading = w.end();
            }
            assertThat(reading.isAvailable()).isTrue();
            assertThat(reading.joules()).isGreaterThan(0);
        }
    }

    @Test
    void naturalEndOfSequenceFinishesWithStopAndExactUsage() throws Exception {
        try (EngineHandle h = small().build().start()) {
            int stops = 0;
            for (int i = 0; i < 5; i++) {
                JsonNode body = TestHttp.post(h.baseUrl(), "/v1/completions",
                        "{\"prompt\":\"hello\",\"max_tokens\":400,\"seed\":" + i + "}").json();
                int completion = body.path("usage").path("completion_tokens").asInt();
                String text = body.path("choices").get(0).path("text").asText();
                assertThat(text.isEmpty() ? 0 : text.substring(1).split(" ").length).isEqualTo(completion);
                if ("stop".equals(body.path("choices").get(0).path("finish_reason").asText())) {
                    stops++;
                    assertThat(completion).isLessThan(400);
                }
            }
            assertThat(stops).as("without ignore_eos some requests end early").isPositive();
        }
    }

    /** A backend that emits one token per millisecond on its own thread, for lifecycle checks. */
    static final class TestBackend implements ServingBackend {
        final AtomicInteger cancelled = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final List<SimRequest> submitted = new CopyOnWriteArrayList<>();

        @Override
        public Submission submit(SimRequest request, TokenSink sink) {
            submitted.add(request);
            Thread t = new Thread(() -> {
                for (int i = 0; i < request.maxTokens(); i++) {
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                    sink.onTokens(1, System.nanoTime());
                }
                sink.onFinish("length", request.promptTokens(), request.maxTokens());
            });
            t.setDaemon(true);
            t.start();
            return () -> {
                cancelled.incrementAndGet();
                t.interrupt();
            };
        }

        @Override
        public BackendStats stats() {
            return new BackendStats(0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public int contextLength() {
            return 4096;
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    @Test
    void clientDisconnectCancelsTheBackendSubmission() throws Exception {
        TestBackend backend = new TestBackend();
        try (EngineHandle h = small().backendFactory(c -> backend).build().start()) {
            assertThat(h.powerSensor()).isEmpty();
            String body = "{\"prompt\":\"x\",\"max_tokens\":4000,\"stream\":true,\"ignore_eos\":true}";
            try (Socket socket = new Socket("127.0.0.1", h.baseUrl().getPort())) {
                socket.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                        + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                String seen = "";
                byte[] buf = new byte[4096];
                while (!seen.contains("data: ")) {
                    int n = in.read(buf);
                    assertThat(n).isPositive();
                    seen += new String(buf, 0, n, StandardCharsets.UTF_8);
                }
            } // the client goes away mid-stream
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.cancelled.get() == 1);
            assertThat(backend.submitted).hasSize(1);
            assertThat(backend.submitted.get(0).ignoreEos()).isTrue();
        }
        assertThat(backend.closed.get()).as("closing the handle closes the backend").isEqualTo(1);
    }

    @Test
    void restartOnAFixedPortRebindsIt() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        SimulatedEngine engine = small().port(port).dialect(Dialect.LLAMA_CPP).build();
        for (int i = 0; i < 2; i++) {
            try (EngineHandle h = engine.start()) {
                assertThat(h.baseUrl().getPort()).isEqualTo(port);
                TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/chat/completions", TestHttp.chat(3, true));
                assertThat(r.done()).isTrue();
            }
        }
    }

    @Test
    void builderRejectsBadValuesWithTheirNames() {
        assertThatThrownBy(() -> SimulatedEngine.builder().port(70000)).hasMessageContaining("port must be 0..65535, was 70000");
        assertThatThrownBy(() -> SimulatedEngine.builder().tensorParallel(3).build())
                .hasMessageContaining("tensorParallel");
        assertThatThrownBy(() -> SimulatedEngine.builder().servedModelName(" ")).hasMessageContaining("servedModelName");
    }
}
