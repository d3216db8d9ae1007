package io.qmeter.bench;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.Endpoint;
import io.qmeter.client.LlmClient;
import io.qmeter.client.RequestSender;
import io.qmeter.internal.load.LoadOutcome;
import io.qmeter.load.LoadPlan;
import io.qmeter.internal.load.LoadRunner;
import io.qmeter.load.PoissonArrivals;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.workload.PromptSpec;
import io.qmeter.workload.SyntheticWorkload;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where late requests come from: runs the same Poisson load several times in one JVM (the first
 * rounds warm the JIT) and, per round, prints how many requests were dispatched more than 1 ms
 * late, how many of those the load runner handed to the client after their due time (the
 * dispatcher was late) rather than the client's event loop, in how many 100 ms stretches they
 * fell (clustered = stalls), and for each busy thread its CPU, split into user and kernel time,
 * and the time it was runnable but waiting for a CPU ({@code /proc/self/task/N/schedstat}). Linux
 * only.
 *
 * <pre>{@code
 * java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -cp "$CP" io.qmeter.bench.StallBench \
 *     --url http://127.0.0.1:18090 --rate 8000 --seconds 8 --rounds 3
 * }</pre>
 */
public final class StallBench {

    private StallBench() {
    }

    /**
     * Runs the rounds.
     *
     * @param args {@code --url --rate --seconds --rounds --io-threads --name}
     * @throws IOException when {@code /proc} cannot be read
     */
    public static void main(String[] args) throws IOException {
        Args a = Args.parse(args);
        URI url = URI.create(a.str("url", "http://127.0.0.1:18090"));
        double rate = a.dbl("rate", 8000);
        long seconds = (long) a.dbl("seconds", 8);
        int rounds = a.integer("rounds", 3);
        int io = a.integer("io-threads", LlmClient.DEFAULT_IO_THREADS);
        Figures root = new Figures(a.str("name", "stall"));
        root.put("rate_req_per_s", rate);
        root.put("seconds_per_round", seconds);
        CompletionRequest template = CompletionRequest.of(Endpoint.COMPLETIONS, "m",
                PromptSpec.ofTokens(new int[] {1}, 16)).withIgnoreEos(true);
        try (LlmClient client = LoadTrial.withKeepAlive(LlmClient.create(url).ioThreads(io))) {
            for (int round = 0; round < rounds; round++) {
                LoadPlan plan = LoadPlan.of(new PoissonArrivals(rate), SyntheticWorkload.fixed(16, 16), template,
                        100 + round, Duration.ofSeconds(seconds), -1);
                long[] handedLate = new long[(int) (rate * seconds * 1.2) + 1000];
                RequestSender watched = new HandOverWatch(client, (i, due, ahead, at, f) -> {
                    if (ahead && i < handedLate.length) {
                        handedLate[(int) i] = at - due;
                    }
                });
                Map<String, long[]> before = threads();
                LoadOutcome o = new LoadRunner(plan, watched, null).run();
                Map<String, long[]> after = threads();
                Figures f = root.sub("round" + round);
                long[] lags = o.records().stream().filter(r -> r.dispatchNanos() >= 0)
                        .mapToLong(RequestRecord::scheduleLagNanos).sorted().toArray();
                long late = 0;
                long lateHandedLate = 0;
                TreeMap<Long, Integer> stretches = new TreeMap<>();
                for (RequestRecord r : o.records()) {
                    if (r.dispatchNanos() >= 0 && r.scheduleLagNanos() > 1_000_000) {
                        late++;
                        if (r.index() < handedLate.length && handedLate[(int) r.index()] > 0) {
                            lateHandedLate++;
                        }
                        stretches.merge(r.scheduledNanos() / 100_000_000, 1, Integer::sum);
                    }
                }
                f.put("requests", o.records().size());
                f.put("late_over_1ms", late);
                f.put("late_handed_over_after_due", lateHandedLate);
                f.put("late_100ms_stretches", stretches.size());
                f.put("late_in_worst_stretch", stretches.values().stream().mapToInt(Integer::intValue).max().orElse(0));
                if (lags.length > 0) {
                    f.put("lag_p50_us", lags[lags.length / 2] / 1e3);
                    f.put("lag_p99_us", lags[(int) (lags.length * 0.99)] / 1e3);
                    f.put("lag_max_us", lags[lags.length - 1] / 1e3);
                }
                for (Map.Entry<String, long[]> e : after.entrySet()) {
                    long[] x = e.getValue();
                    long[] y = before.getOrDefault(e.getKey(), new long[5]);
                    if (x[0] - y[0] < 50_000_000L) {
                        continue; // threads that used less than 50 ms of CPU
                    }
                    String t = e.getKey().replaceAll("[^A-Za-z0-9]+", "_");
                    f.put("thread." + t + ".cpu_ms", (x[0] - y[0]) / 1e6);
                    f.put("thread." + t + ".user_ms", (x[3] - y[3]) * 10.0);
                    f.put("thread." + t + ".kernel_ms", (x[4] - y[4]) * 10.0);
                    f.put("thread." + t + ".runqueue_wait_ms", (x[1] - y[1]) / 1e6);
                }
            }
        }
    }

    /**
     * Per thread name (threads of one name summed): CPU ns, runqueue wait ns, time slices (from
     * schedstat), user and kernel clock ticks (from stat; 100 per second on Linux).
     */
    private static Map<String, long[]> threads() throws IOException {
        Map<String, long[]> m = new TreeMap<>();
        File[] tasks = new File("/proc/self/task").listFiles();
        if (tasks == null) {
            throw new IOException("no /proc/self/task: StallBench needs Linux");
        }
        for (File t : tasks) {
            try {
                String name = Files.readString(Path.of(t.getPath(), "comm")).trim();
                String[] sched = Files.readString(Path.of(t.getPath(), "schedstat")).trim().split(" ");
                String stat = Files.readString(Path.of(t.getPath(), "stat"));
                String[] g = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long[] v = {Long.parseLong(sched[0]), Long.parseLong(sched[1]), Long.parseLong(sched[2]),
                        Long.parseLong(g[11]), Long.parseLong(g[12])};
                m.merge(name, v, (x, y) -> {
                    long[] s = Arrays.copyOf(x, x.length);
                    for (int i = 0; i < s.length; i++) {
                        s[i] += y[i];
                    }
                    return s;
                });
            } catch (IOException | RuntimeException e) {
                // the thread ended meanwhile
            }
        }
        return m;
    }
}
