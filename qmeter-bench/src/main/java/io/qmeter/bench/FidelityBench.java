package io.qmeter.bench;

import io.qmeter.internal.load.LoadOutcome;
import io.qmeter.metrics.RequestRecord;
import java.net.URI;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * Fidelity: how far the latencies qMeter measures are from the truth, against the testkit's
 * scripted stub (run by {@link ScriptedStubMain} in another JVM) whose TTFT and inter-token gap are
 * known exactly. For each level of concurrent streams, the Poisson rate is chosen so that
 * {@code rate × stream duration = streams} (Little's law), and for every measured request the
 * absolute errors |TTFT − script TTFT|, |TPOT − gap| and, per chunk, |ITL − gap| are recorded.
 * TTFT is measured from the scheduled time, so its error includes the client's schedule lag,
 * sending, the loopback, and the stub's own event-loop scheduling on the same machine: an upper
 * bound on the client's error.
 *
 * <p>With {@code --stamped true} the stub is {@link TimestampStubMain}, which writes into every token
 * the {@code System.nanoTime()} at which it sent it (one monotonic clock for all processes of the
 * machine). Then {@code token_ts_err} is, per token, the client's recorded arrival time minus the
 * stub's send time (the client's own timestamping error: loopback, waiting for the event loop,
 * decoding); {@code ttft_err}, {@code itl_err} and {@code tpot_err} compare the client's TTFT (from
 * its own send time), gaps and TPOT with the stub's actual ones; the errors against the nominal
 * script are printed as {@code nominal_*}.
 *
 * <pre>{@code
 * java -cp "$CP" io.qmeter.bench.FidelityBench --url http://127.0.0.1:8091 --ttft-ms 200 --gap-ms 100 \
 *     --tokens 16 --streams 100,1000,5000
 * }</pre>
 */
public final class FidelityBench {

    private FidelityBench() {
    }

    /**
     * Runs the fidelity levels.
     *
     * @param args {@code --url --ttft-ms --gap-ms --tokens --streams --measure-s}
     */
    public static void main(String[] args) {
        Args a = Args.parse(args);
        URI url = URI.create(a.str("url", "http://127.0.0.1:8091"));
        long ttftNanos = (long) (a.dbl("ttft-ms", 200) * 1e6);
        long gapNanos = (long) (a.dbl("gap-ms", 100) * 1e6);
        int tokens = a.integer("tokens", 16);
        double measureS = a.dbl("measure-s", 10);
        boolean stamped = Boolean.parseBoolean(a.str("stamped", "false"));
        long streamNanos = ttftNanos + (tokens - 1) * gapNanos;
        Figures root = new Figures(a.str("name", "fidelity"));
        root.put("script_ttft_us", ttftNanos / 1e3);
        root.put("script_gap_us", gapNanos / 1e3);
        root.put("script_tokens", tokens);
        root.put("stamped", stamped ? 1 : 0);
        // JIT warm-up (unmeasured): 10 s at the 5,000-stream rate (about 30,000 requests, so that
        // the code run once per request reaches C2 too), on the same code paths as the measured
        // trials (keeping the text when stamped). Before, C2 was still compiling during the measured
        // window and its threads took the CPU from the event loop.
        int warmStreams = a.integer("jit-warmup-streams", 5000);
        new LoadTrial(url, tokens).rate(warmStreams / (streamNanos / 1e9)).maxConnections(20_000)
                .spans(Duration.ofSeconds(1),
                Duration.ofMillis((long) (a.dbl("jit-warmup-s", 10) * 1000)), Duration.ofMillis(100))
                .keepText(stamped).run();
        for (String level : a.str("streams", "100,1000,5000").split(",")) {
            int streams = Integer.parseInt(level.trim());
            double rate = streams / (streamNanos / 1e9);
            Figures f = root.sub("streams" + streams);
            Figures.note("fidelity: %d concurrent streams = %.1f req/s", streams, rate);
            Histogram ttft = new Histogram(3);
            Histogram serviceTtft = new Histogram(3);
            Histogram tpot = new Histogram(3);
            Histogram itl = new Histogram(3);
            Stamped st = new Stamped();
            long[] concurrency = new long[2];
            ProcessStats.heapAfterGc();
            // the trial's own unmeasured lead-in: streams up to the level, plus time for the burst of
            // recompilation a new trial sets off (hundreds of methods; C2 took the CPU from the event
            // loop in the first seconds)
            Duration warm = Duration.ofNanos(streamNanos + (long) (a.dbl("lead-in-s", 8) * 1e9));
            LoadTrial[] trial = new LoadTrial[1];
            trial[0] = new LoadTrial(url, tokens).rate(rate)
                    .spans(warm, Duration.ofMillis((long) (measureS * 1000)), Duration.ofMillis(100))
                    .maxConnections(20_000).seed(streams).keepText(stamped)
                    .inspect(o -> {
                        collect(o, ttftNanos, gapNanos, ttft, serviceTtft, tpot, itl, concurrency);
                        if (stamped) {
                            st.collect(o, trial[0].originNanos());
                        }
                    });
            LoadTrial.Result r = trial[0].run();
            f.put("rate_req_per_s", rate);
            f.put("mean_concurrent_streams", concurrency[0] / (double) Math.max(1, concurrency[1]));
            f.put("requests", ttft.getTotalCount());
            f.put("failed", r.summary().failedRequests());
            String nominal = stamped ? "nominal_" : "";
            print(f, nominal + "ttft_err", ttft);
            print(f, nominal + "service_ttft_err", serviceTtft);
            print(f, nominal + "tpot_err", tpot);
            print(f, nominal + "itl_err", itl);
            if (stamped) {
                f.put("stamped_tokens", st.tokenTs.getTotalCount());
                f.put("stamped_mismatched_requests", st.mismatched);
                f.put("stamped_negative_tokens", st.negative);
                print(f, "token_ts_err", st.tokenTs);
                print(f, "ttft_err", st.ttft);
                print(f, "itl_err", st.itl);
                print(f, "tpot_err", st.tpot);
            }
            f.put("lag_p99_us", r.clientCheck().scheduleLag().p99Millis() * 1000);
            // the client's own view of the same error: how late its event loop ran over the window
            r.printLoopDelay(f);
            f.put("cpu_cores_used", r.cpuNanosWindow() / 1e9 / r.windowSeconds());
        }
    }

    private static void collect(LoadOutcome o, long ttftNanos, long gapNanos, Histogram ttft, Histogram serviceTtft,
                                Histogram tpot, Histogram itl, long[] concurrency) {
        long busyNanos = 0;
        for (RequestRecord r : o.records()) {
            if (!r.isOk() || !o.window().contains(r)) {
                continue;
            }
            ttft.recordValue(Math.abs(r.ttftNanos() - ttftNanos));
            serviceTtft.recordValue(Math.abs(r.serviceTtftNanos() - ttftNanos));
            double t = r.tpotNanos();
            if (t >= 0) {
                tpot.recordValue(Math.round(Math.abs(t - gapNanos)));
            }
            long[] c = r.chunkNanos();
            for (int i = 1; i < c.length; i++) {
                itl.recordValue(Math.abs(c[i] - c[i - 1] - gapNanos));
            }
            busyNanos += r.e2eNanos();
        }
        concurrency[0] = busyNanos;
        concurrency[1] = o.window().lengthNanos();
    }

    /** Errors against the send times the timestamping stub wrote into each token. */
    private static final class Stamped {
        final Histogram tokenTs = new Histogram(3);
        final Histogram ttft = new Histogram(3);
        final Histogram itl = new Histogram(3);
        final Histogram tpot = new Histogram(3);
        long mismatched;
        long negative;

        void collect(LoadOutcome o, long origin) {
            for (RequestRecord r : o.records()) {
                if (!r.isOk() || !o.window().contains(r) || r.text() == null) {
                    continue;
                }
                long[] c = r.chunkNanos();
                String[] parts = r.text().split(";");
                if (parts.length != c.length || c.length == 0) {
                    mismatched++;
                    continue;
                }
                long[] sent = new long[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    sent[i] = Long.parseLong(parts[i].trim());
                }
                long prevDelay = 0;
                for (int i = 0; i < c.length; i++) {
                    long delay = origin + c[i] - sent[i];
                    if (delay < 0) {
                        negative++; // would mean the clocks differ: reported, never hidden
                    }
                    tokenTs.recordValue(Math.abs(delay));
                    if (i > 0) {
                        itl.recordValue(Math.abs(delay - prevDelay));
                    }
                    prevDelay = delay;
                }
                // TTFT from the client's own send time: the server's first-token time is known, the
                // request's arrival at the server is not, so this is the first token's delay
                ttft.recordValue(Math.abs(origin + c[0] - sent[0]));
                if (c.length > 1) {
                    double measured = (c[c.length - 1] - c[0]) / (double) (c.length - 1);
                    double actual = (sent[sent.length - 1] - sent[0]) / (double) (sent.length - 1);
                    tpot.recordValue(Math.round(Math.abs(measured - actual)));
                }
            }
        }
    }

    private static void print(Figures f, String name, Histogram h) {
        f.put(name + "_p50_us", h.getValueAtPercentile(50) / 1e3);
        f.put(name + "_p99_us", h.getValueAtPercentile(99) / 1e3);
        f.put(name + "_max_us", h.getMaxValue() / 1e3);
    }
}
