package io.qmeter.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.Health;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class SweepServerMetricsTest {

    /** A handle whose metrics change on every scrape: a counter +10, a gauge 1,2,3,1,2,3..., TTFT 50 ms each. */
    static final class ChangingHandle implements EngineHandle {
        final AtomicInteger calls = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final boolean throwSometimes;

        ChangingHandle(boolean throwSometimes) {
            this.throwSometimes = throwSometimes;
        }

        @Override
        public URI baseUrl() {
            return URI.create("http://127.0.0.1:1");
        }

        @Override
        public String model() {
            return "m";
        }

        @Override
        public Health health() {
            return Health.up();
        }

        @Override
        public List<String> logTail(int maxLines) {
            return List.of();
        }

        @Override
        public Map<String, Double> serverMetrics() {
            int i = calls.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            if (throwSometimes && i % 2 == 0) {
                throw new IllegalStateException("a broken scrape");
            }
            return Map.of("generation_tokens_total", 10.0 * i, "requests_running", (double) (1 + (i - 1) % 3),
                    "ttft_seconds_sum", 0.05 * i, "ttft_seconds_count", (double) i);
        }

        @Override
        public void close() {
        }
    }

    private static void awaitCalls(ChangingHandle h, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (h.calls.get() < n && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000); // polling interval, bounded by the deadline
        }
        assertThat(h.calls.get()).as("scrapes within 20 s").isGreaterThanOrEqualTo(n);
    }

    @Test
    void scrapesInTheBackgroundAndSumsGaugesAndCountersUp() throws InterruptedException {
        ChangingHandle h = new ChangingHandle(false);
        List<ServerMetricsScraper.Sample> samples;
        try (ServerMetricsScraper s = ServerMetricsScraper.start(h, Duration.ofMillis(5))) {
            awaitCalls(h, 4);
            s.close();
            samples = s.samples();
        }
        // scraped from the scraper's own thread (its last scrape at close() runs on the caller's)
        assertThat(h.threads).anyMatch(t -> t.startsWith("qmeter-server-metrics-"));
        assertThat(samples.size()).isGreaterThanOrEqualTo(4);
        assertThat(samples).extracting(ServerMetricsScraper.Sample::atNanos).isSorted();
        Map<String, Double> m = ServerMetricsScraper.summarize(samples);
        double first = samples.get(0).values().get("generation_tokens_total");
        double last = samples.get(samples.size() - 1).values().get("generation_tokens_total");
        assertThat(m.get("server_generation_tokens_total_delta")).isEqualTo(last - first).isPositive();
        assertThat(m.get("server_requests_running_max")).isEqualTo(3.0);
        double mean = samples.stream().mapToDouble(x -> x.values().get("requests_running")).average().orElseThrow();
        assertThat(m.get("server_requests_running_mean")).isCloseTo(mean, within(1e-9));
        assertThat(m.get("server_ttft_mean_ms")).isCloseTo(50.0, within(1e-6));
        assertThat(m.get("server_metric_samples")).isEqualTo((double) samples.size());
        assertThat(m).doesNotContainKey("server_generation_tokens_total_mean");
        var json = ServerMetricsScraper.toJson(samples, Duration.ofMillis(5));
        assertThat(json.get("samples").size()).isEqualTo(samples.size());
        assertThat(json.get("samples").get(0).get("values").get("requests_running").asDouble()).isEqualTo(1.0);
    }

    @Test
    void aScrapeThatThrowsIsSkippedAndScrapingGoesOn() throws InterruptedException {
        ChangingHandle h = new ChangingHandle(true);
        try (ServerMetricsScraper s = ServerMetricsScraper.start(h, Duration.ofMillis(5))) {
            awaitCalls(h, 6);
            s.close();
            assertThat(s.samples()).isNotEmpty().hasSizeLessThan(h.calls.get());
        }
    }

    @Test
    void noSamplesGiveNoMetrics() {
        assertThat(ServerMetricsScraper.summarize(List.of())).isEmpty();
    }
}
