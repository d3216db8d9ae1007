package io.qmeter.bench;

import java.net.URI;
import java.time.Duration;

/**
 * Capacity: the highest Poisson rate qMeter's load runner and client sustain against the neutral
 * nginx SSE stub, "sustained" meaning achieved ≥ 99 % of the rate the Poisson schedule drew, schedule
 * lag p99 ≤ 1 ms, queue delay (sent − scheduled, any wait for a connection included) p99 ≤ 1 ms and
 * no failed request over the measured window. Searches upward from {@code --start} by ×{@code --step}
 * while trials pass, then bisects between the best pass and the lowest failure. Optionally ends
 * with one overload trial at {@code --overload} × the capacity found, to show how the client
 * degrades (connections opened, the run marked invalid). A trial is cut short (and fails) once a
 * request is handed to the client more than {@code --abort-lag-ms} (200) late.
 *
 * <p>Prints every trial's figures ({@code capacity16.trial3.lag_p99_us=...}) and the result
 * ({@code capacity16.req_per_s=...}).
 *
 * <pre>{@code
 * java -cp "$CP" io.qmeter.bench.CapacityBench --url http://127.0.0.1:8090 --tokens 16 --start 20000
 * }</pre>
 */
public final class CapacityBench {

    private CapacityBench() {
    }

    /**
     * Runs the search.
     *
     * @param args {@code --url --tokens --name --start --step --trials --measure-s --warmup-s
     *             --max-connections --overload --status}
     */
    public static void main(String[] args) {
        Args a = Args.parse(args);
        String url = a.str("url", "http://127.0.0.1:8090");
        int tokens = a.integer("tokens", 16);
        String name = a.str("name", "capacity" + tokens);
        double start = a.dbl("start", tokens <= 16 ? 20_000 : 8_000);
        double step = a.dbl("step", 1.25);
        int maxTrials = a.integer("trials", 6);
        Duration measure = Duration.ofMillis((long) (a.dbl("measure-s", 20) * 1000));
        Duration warmup = Duration.ofMillis((long) (a.dbl("warmup-s", 3) * 1000));
        int maxConnections = a.integer("max-connections", io.qmeter.client.LlmClient.DEFAULT_MAX_CONNECTIONS);
        double overload = a.dbl("overload", 0);
        long abortLagMs = (long) a.dbl("abort-lag-ms", 200);
        String status = a.str("status", URI.create(url).resolve("/stub_status").toString());
        URI base = URI.create(tokens == 16 || url.contains("/n") ? url : url + "/n" + tokens);
        Duration spin = a.str("spin-us", "").isEmpty() ? null : Duration.ofNanos((long) (a.dbl("spin-us", 0) * 1000));
        int ioThreads = a.integer("io-threads", io.qmeter.client.LlmClient.DEFAULT_IO_THREADS);
        boolean lean = a.str("sender", "qmeter").equals("lean");
        Figures f = new Figures(name);
        f.put("sender", lean ? "lean reference transport (not qMeter's client)" : "qmeter LlmClient");
        f.put("spin_us", spin == null ? "default" : String.valueOf(spin.toNanos() / 1000.0));
        f.put("io_threads", ioThreads);
        f.put("connection_keep_alive_s", LoadTrial.KEEP_ALIVE.toMillis() / 1000.0);
        f.put("url", base.toString());
        f.put("measure_s", measure.toMillis() / 1000.0);
        f.put("max_connections", maxConnections);

        // JIT warm-up: C2 keeps compiling Reactor Netty's paths for ~20-30 s (seen with -XX:+PrintCompilation),
        // so the measured trials come after two unmeasured ones
        double warmRate = a.dbl("jit-warmup-rate", Math.min(3000, start / 2));
        Duration warmFor = Duration.ofMillis((long) (a.dbl("jit-warmup-s", 15) * 1000));
        Figures.note("%s: JIT warm-up, %.0f req/s for %s, then %.0f req/s", name, warmRate, warmFor, start / 2);
        new LoadTrial(base, tokens).rate(warmRate).spans(Duration.ofSeconds(1), warmFor, Duration.ofMillis(200))
                .maxConnections(maxConnections).spin(spin).ioThreads(ioThreads).lean(lean).run();
        new LoadTrial(base, tokens).rate(start / 2).spans(Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofMillis(200)).maxConnections(maxConnections).spin(spin).ioThreads(ioThreads).lean(lean)
                .abortWhenLagExceeds(Duration.ofSeconds(1)).run();

        double pass = -1;
        double fail = -1;
        double rate = start;
        LoadTrial.Result best = null;
        double throughput = -1;
        for (int trial = 1; trial <= maxTrials; trial++) {
            Figures.note("%s: trial %d at %.0f req/s", name, trial, rate);
            ProcessStats.heapAfterGc();
            LoadTrial.Result r = new LoadTrial(base, tokens).rate(rate).spans(warmup, measure, Duration.ofMillis(500))
                    .maxConnections(maxConnections).stubStatus(URI.create(status)).spin(spin).ioThreads(ioThreads).lean(lean).seed(trial)
                    .abortWhenLagExceeds(Duration.ofMillis(abortLagMs)).run();
            r.print(f.sub("trial" + trial));
            if (!r.aborted() && r.summary().failedRequests() == 0
                    && r.keptUp()) {
                throughput = Math.max(throughput, rate);
            }
            if (r.sustained()) {
                pass = rate;
                best = r;
            } else {
                fail = fail < 0 ? rate : Math.min(fail, rate);
            }
            if (fail < 0) {
                rate = rate * step;
            } else if (pass < 0) {
                rate = rate * 0.6;
            } else if (fail / pass > 1.06) {
                rate = Math.round((pass + fail) / 2 / 100) * 100.0;
            } else {
                break;
            }
        }
        f.put("req_per_s", pass);
        f.put("lowest_failing_req_per_s", fail);
        // the highest rate whose achieved rate was >= 99 % without failures, whatever the lag
        f.put("throughput_req_per_s", throughput);
        if (best != null) {
            Figures b = f.sub("at_capacity");
            best.print(b);
        }
        if (overload > 0) {
            double over = (pass > 0 ? pass : start) * overload;
            Figures.note("%s: overload trial at %.0f req/s", name, over);
            ProcessStats.heapAfterGc();
            // no abort here: this trial shows what the client does when it is overloaded for the whole
            // (shorter) window: connections opened, failures, and the run marked invalid
            LoadTrial.Result r = new LoadTrial(base, tokens).rate(over)
                    .spans(warmup, Duration.ofMillis(Math.min(measure.toMillis(), 5_000)), Duration.ofMillis(500))
                    .maxConnections(maxConnections).stubStatus(URI.create(status)).spin(spin).ioThreads(ioThreads).lean(lean).seed(99).run();
            r.print(f.sub("overload"));
            f.put("overload.invalid_reasons", String.join(" | ", r.clientCheck().reasons()));
        }
    }
}
