package io.qmeter.bench;

import java.net.URI;
import java.time.Duration;

/**
 * Schedule fidelity at fixed rates: runs qMeter's open-loop Poisson load at each of
 * {@code --rates} against the nginx stub for {@code --measure-s} and prints schedule lag
 * (dispatch − scheduled) p50/p99/max, TTFT on the zero-delay stub, and the client's achieved rate
 * beside nginx's own count of the requests it served over the same window.
 *
 * <pre>{@code
 * java -cp "$CP" io.qmeter.bench.LagBench --url http://127.0.0.1:8090 --rates 100,1000 --measure-s 20
 * }</pre>
 */
public final class LagBench {

    private LagBench() {
    }

    /**
     * Runs the rates.
     *
     * @param args {@code --url --tokens --rates --measure-s --warmup-s}
     */
    public static void main(String[] args) {
        Args a = Args.parse(args);
        String url = a.str("url", "http://127.0.0.1:8090");
        int tokens = a.integer("tokens", 16);
        Duration measure = Duration.ofMillis((long) (a.dbl("measure-s", 20) * 1000));
        Duration warmup = Duration.ofMillis((long) (a.dbl("warmup-s", 3) * 1000));
        URI status = URI.create(url).resolve("/stub_status");
        Duration spin = a.str("spin-us", "").isEmpty() ? null : Duration.ofNanos((long) (a.dbl("spin-us", 0) * 1000));
        int ioThreads = a.integer("io-threads", io.qmeter.client.LlmClient.DEFAULT_IO_THREADS);
        Figures root = new Figures(a.str("name", "lag"));
        root.put("spin_us", spin == null ? "default" : String.valueOf(spin.toNanos() / 1000.0));
        root.put("io_threads", ioThreads);
        root.put("connection_keep_alive_s", LoadTrial.KEEP_ALIVE.toMillis() / 1000.0);
        // JIT warm-up
        new LoadTrial(URI.create(url), tokens).rate(2000).spans(Duration.ofSeconds(1),
                Duration.ofMillis((long) (a.dbl("jit-warmup-s", 15) * 1000)),
                Duration.ofMillis(100)).spin(spin).ioThreads(ioThreads).run();
        for (String s : a.str("rates", "100,1000").split(",")) {
            double rate = Double.parseDouble(s.trim());
            Figures.note("lag: %.0f req/s for %s", rate, measure);
            ProcessStats.heapAfterGc();
            LoadTrial.Result r = new LoadTrial(URI.create(url), tokens).rate(rate)
                    .spans(warmup, measure, Duration.ofMillis(200)).stubStatus(status).spin(spin).ioThreads(ioThreads).seed((long) rate).run();
            r.print(root.sub("rate" + (long) rate));
        }
    }
}
