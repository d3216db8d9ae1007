package io.qmeter;

import static io.qmeter.QMeter.load;
import static io.qmeter.QMeter.poisson;
import static io.qmeter.QMeter.synthetic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The default path: QMeter.load(url)...run() through LlmClient against a tiny SSE server on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LlmClientRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;
    private ExecutorService pool;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        pool = Executors.newFixedThreadPool(8);
        server.setExecutor(pool);
        server.createContext("/v1/completions", this::complete);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        pool.shutdownNow();
    }

    private void complete(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        JsonNode body = JSON.readTree(ex.getRequestBody());
        int maxTokens = body.path("max_tokens").asInt(1);
        int promptTokens = body.path("prompt").isArray() ? body.path("prompt").size() : 1;
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i < maxTokens; i++) {
                write(out, "{\"choices\":[{\"text\":\"t" + i + "\",\"index\":0,\"finish_reason\":"
                        + (i == maxTokens - 1 ? "\"length\"" : "null") + "}]}");
            }
            write(out, "{\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":"
                    + maxTokens + ",\"total_tokens\":" + (promptTokens + maxTokens) + "}}");
            write(out, "[DONE]");
        }
    }

    private static void write(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void theDefaultHttpPathMeasuresEveryRequest() {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        RunResult r = load(url).model("tiny").workload(synthetic(12, 5)).arrivals(poisson(50)).requests(20)
                .requestTimeout(Duration.ofSeconds(20)).clientCheck(Duration.ofSeconds(10), 0.01).seed(3)
                .build().run();
        assertThat(requests.get()).isEqualTo(20);
        assertThat(r.records()).hasSize(20);
        assertThat(r.records()).allSatisfy(rec -> {
            assertThat(rec.outcome()).as(String.valueOf(rec.error())).isEqualTo(Outcome.OK);
            assertThat(rec.outputTokensServed()).isEqualTo(5);
            assertThat(rec.inputTokensServed()).isEqualTo(12);
            assertThat(rec.dispatchNanos()).isGreaterThanOrEqualTo(rec.scheduledNanos());
        });
        assertThat(r.summary().okRequests()).isEqualTo(20);
        assertThat(r.summary().inputLengthMismatches()).isZero();
        assertThat(r.summary().outputLengthMismatches()).isZero();
        assertThat(r.summary().ttft().count()).isEqualTo(20);
        assertThat(r.config().sender()).isEqualTo("LlmClient");
        assertThat(r.config().baseUrl()).isEqualTo(url);
        assertThat(r.records()).extracting(RequestRecord::index).doesNotHaveDuplicates();
        // the client's event loop was watched over the measured window (20 requests at 50/s: ~0.4 s)
        assertThat(r.clientCheck().loopDelay().count()).as("about one probe a millisecond").isGreaterThan(100);
        assertThat(r.summaryTable()).contains("loop delay").contains(String.format(java.util.Locale.ROOT,
                "loop delay p99 %.3f ms", r.clientCheck().loopDelay().p99Millis()));
        assertThat(RunResult.fromJson(r.toJson()).clientCheck().loopDelay()).isEqualTo(r.clientCheck().loopDelay());
    }
}
