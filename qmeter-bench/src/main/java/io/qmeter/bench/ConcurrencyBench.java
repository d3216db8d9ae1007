package io.qmeter.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Concurrency: {@code --streams} slow streams (one token a second from the scripted stub run by
 * {@link ScriptedStubMain}) held open at once by one client. The requests are dispatched within the
 * first {@code --ramp-s} seconds; in the middle of the plateau, when all are open and none has
 * ended, the heap after full GC is compared with the heap before the run (per-stream heap), and
 * threads, open sockets and direct memory are read.
 *
 * <pre>{@code
 * java -cp "$CP" io.qmeter.bench.ConcurrencyBench --url http://127.0.0.1:8092 --streams 10000 --tokens 20
 * }</pre>
 */
public final class ConcurrencyBench {

    private ConcurrencyBench() {
    }

    /**
     * Runs the plateau.
     *
     * @param args {@code --url --streams --tokens --ramp-s} (stub: ttft 1 s, gap 1 s)
     */
    public static void main(String[] args) {
        Args a = Args.parse(args);
        URI url = URI.create(a.str("url", "http://127.0.0.1:8092"));
        int streams = a.integer("streams", 10_000);
        int tokens = a.integer("tokens", 20);
        double rampS = a.dbl("ramp-s", 5);
        double streamS = a.dbl("stream-s", tokens); // ttft 1 s + (tokens - 1) gaps of 1 s
        Figures f = new Figures(a.str("name", "concurrency"));
        // warm the code paths (JIT, pool) with a short run, then measure the idle baseline
        new LoadTrial(url, 2).rate(200).spans(Duration.ofMillis(100), Duration.ofSeconds(3), Duration.ofMillis(100))
                .run();
        long baseHeap = ProcessStats.heapAfterGc();
        ProcessStats base = ProcessStats.now();
        long[] plateau = new long[4];
        ProcessStats[] at = new ProcessStats[1];
        // all streams are open from the end of the ramp until the first one ends (about stream-s later)
        Duration plateauMiddle = Duration.ofMillis((long) ((rampS + (streamS - rampS) / 2) * 1000));
        LoadTrial.Result r = new LoadTrial(url, tokens).rate(streams / rampS)
                .spans(Duration.ZERO, Duration.ofMillis((long) ((rampS + streamS) * 1000)), Duration.ofMillis(1))
                .maxRequests(streams).maxConnections(20_000)
                .callbackAt(plateauMiddle, () -> {
                    plateau[0] = ProcessStats.heapAfterGc();
                    at[0] = ProcessStats.now();
                    plateau[1] = openSockets();
                })
                .inspect(o -> {
                    long open = 0;
                    for (var rec : o.records()) {
                        if (rec.isOk()) {
                            open++;
                        }
                    }
                    plateau[2] = open;
                })
                .run();
        f.put("streams", streams);
        f.put("completed_ok", plateau[2]);
        f.put("failed", r.summary().failedRequests());
        f.put("open_sockets_at_plateau", plateau[1]);
        f.put("heap_baseline_mib", baseHeap / 1048576.0);
        f.put("heap_at_plateau_mib", plateau[0] / 1048576.0);
        f.put("heap_per_stream_kib", (plateau[0] - baseHeap) / 1024.0 / streams);
        if (at[0] != null) {
            f.put("threads_baseline", base.threads());
            f.put("threads_at_plateau", at[0].threads());
            f.put("direct_mib_at_plateau", at[0].directBytes() / 1048576.0);
        }
        f.put("heap_peak_mib", r.heapPeakBytes() / 1048576.0);
        f.put("ttft_p99_us", r.summary().ttft().p99Millis() * 1000);
        f.put("itl_p99_us", r.summary().itl().p99Millis() * 1000);
        f.put("lag_p99_us", r.clientCheck().scheduleLag().p99Millis() * 1000);
    }

    private static long openSockets() {
        File[] fds = new File("/proc/self/fd").listFiles();
        if (fds == null) {
            return -1;
        }
        long n = 0;
        for (File fd : fds) {
            try {
                if (Files.readSymbolicLink(Path.of(fd.getPath())).toString().startsWith("socket:")) {
                    n++;
                }
            } catch (IOException | UnsupportedOperationException e) {
                // the fd closed meanwhile
            }
        }
        return n;
    }
}
