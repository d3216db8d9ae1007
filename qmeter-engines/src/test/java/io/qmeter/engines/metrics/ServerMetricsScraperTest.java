package io.qmeter.engines.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.engines.ServerMetric;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

class ServerMetricsScraperTest {

    private static final Map<ServerMetric, String> LLAMA = Map.of(
            ServerMetric.PROMPT_TOKENS_TOTAL, "llamacpp:prompt_tokens_total",
            ServerMetric.GENERATION_TOKENS_TOTAL, "llamacpp:tokens_predicted_total",
            ServerMetric.KV_CACHE_USAGE, "llamacpp:kv_cache_usage_ratio",
            ServerMetric.REQUESTS_RUNNING, "llamacpp:requests_processing",
            ServerMetric.REQUESTS_WAITING, "llamacpp:requests_deferred");

    @Test
    void mapsTheRecordedLlamaCppBodyToCanonicalNames() throws IOException {
        PrometheusText.Exposition e = PrometheusText.parse(Files.readString(
                Path.of("/work/shared/fixtures/sse/llamacpp-metrics.txt")));
        assertThat(ServerMetricsScraper.map(e, LLAMA)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "prompt_tokens_total", 44.0, "generation_tokens_total", 23.0, "kv_cache_usage", 0.00769043,
                "requests_running", 0.0, "requests_waiting", 0.0));
    }

    @Test
    void readsHistogramSumAndCountSumsLabelSetsAndFindsCounterFamilies() {
        PrometheusText.Exposition e = PrometheusText.parse(String.join("\n",
                "vllm:num_requests_running{model_name=\"a\"} 2",
                "vllm:num_requests_running{model_name=\"b\"} 3",
                "vllm:prompt_tokens_total{model_name=\"a\"} 100",
                "vllm:time_to_first_token_seconds_bucket{le=\"+Inf\"} 4",
                "vllm:time_to_first_token_seconds_sum 0.5",
                "vllm:time_to_first_token_seconds_count 4",
                "vllm:time_per_output_token_seconds_sum 0.2",
                "vllm:time_per_output_token_seconds_count 40"));
        Map<String, Double> m = ServerMetricsScraper.map(e, Map.of(
                ServerMetric.REQUESTS_RUNNING, "vllm:num_requests_running",
                ServerMetric.PROMPT_TOKENS_TOTAL, "vllm:prompt_tokens", // a counter family: its sample ends in _total
                ServerMetric.TIME_TO_FIRST_TOKEN_SECONDS, "vllm:time_to_first_token_seconds",
                ServerMetric.TIME_PER_OUTPUT_TOKEN_SECONDS, "vllm:time_per_output_token_seconds_sum",
                ServerMetric.REQUESTS_WAITING, "vllm:num_requests_waiting")); // absent from the body
        assertThat(m).containsExactlyInAnyOrderEntriesOf(Map.of("requests_running", 5.0, "prompt_tokens_total", 100.0,
                "ttft_seconds_sum", 0.5, "ttft_seconds_count", 4.0, "tpot_seconds_sum", 0.2,
                "tpot_seconds_count", 40.0));
    }

    @Test
    void scrapesOverHttpAndNeverThrows() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", ex -> {
            byte[] body = "llamacpp:requests_processing 4\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        server.createContext("/broken", ex -> {
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertThat(new ServerMetricsScraper(URI.create(base + "/metrics"), LLAMA, Duration.ofSeconds(2)).scrape())
                    .containsExactlyEntriesOf(Map.of("requests_running", 4.0));
            assertThat(new ServerMetricsScraper(URI.create(base + "/broken"), LLAMA, Duration.ofSeconds(2)).scrape())
                    .isEmpty();
        } finally {
            server.stop(0);
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThat(new ServerMetricsScraper(URI.create("http://127.0.0.1:" + closed + "/metrics"), LLAMA,
                Duration.ofMillis(500)).scrape()).isEmpty();
    }
}
