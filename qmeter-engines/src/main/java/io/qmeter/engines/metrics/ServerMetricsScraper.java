package io.qmeter.engines.metrics;

import io.qmeter.engines.ServerMetric;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an engine's Prometheus {@code /metrics} and names the values the qMeter way, as documented
 * on {@link io.qmeter.engine.EngineHandle#serverMetrics()}: {@code requests_waiting},
 * {@code requests_running}, {@code kv_cache_usage}, {@code prompt_tokens_total},
 * {@code generation_tokens_total}, {@code ttft_seconds_sum} / {@code ttft_seconds_count} and
 * {@code tpot_seconds_sum} / {@code tpot_seconds_count}.
 *
 * <p>The engine's names come from its dialect ({@link io.qmeter.engines.EngineDialect#metricNames()}).
 * A gauge or counter name is looked up as given, then with {@code _total} added (Prometheus
 * clients write a counter family {@code x} as the sample {@code x_total}); a histogram name is the
 * family name, whose {@code _sum} and {@code _count} samples are read. Values are summed over label
 * sets (one engine may label by model). Never throws: a failed scrape gives an empty map.
 *
 * <pre>{@code
 * ServerMetricsScraper s = new ServerMetricsScraper(URI.create("http://127.0.0.1:8000/metrics"),
 *         Map.of(ServerMetric.REQUESTS_RUNNING, "vllm:num_requests_running"), Duration.ofSeconds(1));
 * Map<String, Double> now = s.scrape(); // {requests_running=3.0}
 * }</pre>
 */
public final class ServerMetricsScraper {

    private static final Logger LOG = LoggerFactory.getLogger(ServerMetricsScraper.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final URI url;
    private final Map<ServerMetric, String> names;
    private final Duration timeout;

    /**
     * Creates a scraper.
     *
     * @param url     the metrics URL, e.g. {@code http://127.0.0.1:8000/metrics}
     * @param names   canonical metric to the engine's name
     * @param timeout the most one scrape may take
     */
    public ServerMetricsScraper(URI url, Map<ServerMetric, String> names, Duration timeout) {
        this.url = Objects.requireNonNull(url, "url");
        Objects.requireNonNull(names, "names");
        this.names = names.isEmpty() ? Map.of() : new EnumMap<>(names);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * The canonical name (or, for the histograms, the prefix of the {@code _sum}/{@code _count}
     * names) of each metric.
     *
     * @param m the metric
     * @return e.g. {@code requests_waiting} or {@code ttft_seconds}
     */
    public static String canonicalName(ServerMetric m) {
        switch (m) {
            case REQUESTS_WAITING:
                return "requests_waiting";
            case REQUESTS_RUNNING:
                return "requests_running";
            case KV_CACHE_USAGE:
                return "kv_cache_usage";
            case PROMPT_TOKENS_TOTAL:
                return "prompt_tokens_total";
            case GENERATION_TOKENS_TOTAL:
                return "generation_tokens_total";
            case TIME_TO_FIRST_TOKEN_SECONDS:
                return "ttft_seconds";
            case TIME_PER_OUTPUT_TOKEN_SECONDS:
                return "tpot_seconds";
            default:
                throw new IllegalArgumentException("no canonical name for " + m);
        }
    }

    /**
     * Scrapes now.
     *
     * @return canonical name to value; empty when the scrape failed or the engine exports none of them
     */
    public Map<String, Double> scrape() {
        if (names.isEmpty()) {
            return Map.of();
        }
        try {
            HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
            HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (resp.statusCode() != 200) {
                LOG.debug("GET {} answered HTTP {}", url, resp.statusCode());
                return Map.of();
            }
            return map(PrometheusText.parse(resp.body()), names);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        } catch (Exception e) {
            LOG.debug("GET {} failed: {}", url, e.toString());
            return Map.of();
        }
    }

    /**
     * Maps a parsed body to canonical names (the pure part of {@link #scrape()}).
     *
     * @param e     the parsed body
     * @param names canonical metric to the engine's name
     * @return canonical name to value
     */
    public static Map<String, Double> map(PrometheusText.Exposition e, Map<ServerMetric, String> names) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<ServerMetric, String> n : names.entrySet()) {
            String canonical = canonicalName(n.getKey());
            String engineName = n.getValue();
            if (n.getKey() == ServerMetric.TIME_TO_FIRST_TOKEN_SECONDS
                    || n.getKey() == ServerMetric.TIME_PER_OUTPUT_TOKEN_SECONDS) {
                String family = engineName.replaceFirst("_(sum|count|bucket)$", "");
                put(out, canonical + "_sum", e.sum(family + "_sum"));
                put(out, canonical + "_count", e.sum(family + "_count"));
            } else {
                OptionalDouble v = e.sum(engineName);
                put(out, canonical, v.isPresent() ? v : e.sum(engineName + "_total"));
            }
        }
        return out;
    }

    private static void put(Map<String, Double> out, String name, OptionalDouble v) {
        if (v.isPresent()) {
            out.put(name, v.getAsDouble());
        }
    }
}
