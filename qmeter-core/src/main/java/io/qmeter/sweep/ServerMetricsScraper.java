package io.qmeter.sweep;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmeter.engine.EngineHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes an engine's own metrics ({@link EngineHandle#serverMetrics()}) from a background thread
 * at a fixed interval while a point's load runs — never on a request's path — and sums the series
 * up beside the client's numbers: for a gauge its mean and maximum ({@code server_<name>_mean},
 * {@code server_<name>_max}), for a counter (a name ending in {@code _total}, {@code _sum} or
 * {@code _count}) its increase over the run ({@code server_<name>_delta}), and where the engine
 * exports TTFT / TPOT sums and counts, the server's own mean over the run
 * ({@code server_ttft_mean_ms}, {@code server_tpot_mean_ms}). The raw series goes to the payload.
 */
final class ServerMetricsScraper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerMetricsScraper.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** One scrape: when (ns after the scraper started) and what. */
    record Sample(long atNanos, Map<String, Double> values) {
    }

    private final EngineHandle handle;
    private final Duration interval;
    private final LongSupplier clock;
    private final List<Sample> samples = new ArrayList<>();
    private final long t0;
    private final Thread thread;
    private volatile boolean stopped;

    private ServerMetricsScraper(EngineHandle handle, Duration interval, LongSupplier clock) {
        this.handle = handle;
        this.interval = interval;
        this.clock = clock;
        this.t0 = clock.getAsLong();
        this.thread = new Thread(this::loop, "qmeter-server-metrics-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
    }

    /**
     * Starts scraping {@code handle} now and then every {@code interval}.
     *
     * @return the running scraper; {@link #close()} stops it after one last scrape
     */
    static ServerMetricsScraper start(EngineHandle handle, Duration interval) {
        ServerMetricsScraper s = new ServerMetricsScraper(handle, interval, System::nanoTime);
        s.thread.start();
        return s;
    }

    private void loop() {
        long next = clock.getAsLong();
        while (!stopped) {
            scrape();
            next += interval.toNanos();
            long wait = next - clock.getAsLong();
            if (wait > 0) {
                synchronized (this) {
                    try {
                        if (!stopped) {
                            wait(Math.max(1, wait / 1_000_000)); // woken early by close()
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    private void scrape() {
        Map<String, Double> v;
        try {
            v = handle.serverMetrics();
        } catch (RuntimeException e) {
            // the contract says never throws; a broken implementation must not end the run
            LOG.debug("serverMetrics() threw; sample skipped", e);
            return;
        }
        if (v == null || v.isEmpty()) {
            return;
        }
        Sample s = new Sample(clock.getAsLong() - t0, new TreeMap<>(v));
        synchronized (samples) {
            samples.add(s);
        }
    }

    /** Stops the thread after one last scrape (so a counter's delta covers the whole run). */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        synchronized (this) {
            notifyAll();
        }
        try {
            thread.join(Math.max(1000, 2 * interval.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scrape();
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    static boolean isCounter(String name) {
        return name.endsWith("_total") || name.endsWith("_sum") || name.endsWith("_count");
    }

    /** The summary metrics of {@code samples} (see the class comment); empty without samples. */
    static Map<String, Double> summarize(List<Sample> samples) {
        Map<String, Double> m = new TreeMap<>();
        if (samples.isEmpty()) {
            return m;
        }
        TreeSet<String> names = new TreeSet<>();
        samples.forEach(s -> names.addAll(s.values().keySet()));
        for (String n : names) {
            List<Double> xs = new ArrayList<>();
            for (Sample s : samples) {
                Double x = s.values().get(n);
                if (x != null && !x.isNaN()) {
                    xs.add(x);
                }
            }
            if (xs.isEmpty()) {
                continue;
            }
            if (isCounter(n)) {
                m.put("server_" + n + "_delta", xs.get(xs.size() - 1) - xs.get(0));
            } else {
                m.put("server_" + n + "_mean", xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
                m.put("server_" + n + "_max", xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
            }
        }
        meanOf(m, "ttft_seconds", "server_ttft_mean_ms");
        meanOf(m, "tpot_seconds", "server_tpot_mean_ms");
        m.put("server_metric_samples", (double) samples.size());
        return m;
    }

    private static void meanOf(Map<String, Double> m, String base, String key) {
        Double sum = m.get("server_" + base + "_sum_delta");
        Double count = m.get("server_" + base + "_count_delta");
        if (sum != null && count != null && count > 0) {
            m.put(key, sum / count * 1000.0);
        }
    }

    /** The raw series as JSON: the interval and one object per sample. */
    static ObjectNode toJson(List<Sample> samples, Duration interval) {
        ObjectNode n = ResultMapping.JSON.createObjectNode();
        n.put("intervalMs", interval.toMillis());
        ArrayNode arr = n.putArray("samples");
        for (Sample s : samples) {
            ObjectNode o = arr.addObject();
            o.put("tMs", s.atNanos() / 1e6);
            ObjectNode v = o.putObject("values");
            s.values().forEach(v::put);
        }
        return n;
    }
}
