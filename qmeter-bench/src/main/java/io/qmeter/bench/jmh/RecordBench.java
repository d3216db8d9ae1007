package io.qmeter.bench.jmh;

import io.qmeter.internal.RecordLog;
import io.qmeter.metrics.ClientCheck;
import io.qmeter.metrics.ClientCheckThresholds;
import io.qmeter.metrics.MeasurementWindow;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.metrics.RunSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Recording a request into the metrics, ns per request. qMeter keeps every {@link RequestRecord} of a
 * run and summarizes at the end, so recording has two parts:
 * <ul>
 *   <li>{@code complete}: what the load runner does on each completion (append the record's fields,
 *       with the dispatch time, to the run's {@link RecordLog});</li>
 *   <li>{@code summarize}: {@link RunSummary#of} + {@link ClientCheck#of} over the run, per
 *       request (TTFT, service TTFT, TPOT, E2E, queue delay and every ITL gap into HdrHistograms,
 *       schedule lag, rates).</li>
 * </ul>
 *
 * <pre>{@code
 * java -cp "$CP" org.openjdk.jmh.Main RecordBench -f 1 -wi 3 -w 2s -i 5 -r 2s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordBench {

    private static final int N = 10_000;

    /** Content chunks per request. */
    @Param({"16", "256"})
    public int tokens;

    private List<RequestRecord> records;
    private MeasurementWindow window;
    private RecordLog log;
    private int next;

    /** Builds a run of realistic records (Poisson-spaced, 50 µs apart on average). */
    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(7);
        records = new ArrayList<>(N);
        long t = 0;
        for (int i = 0; i < N; i++) {
            t += (long) (-Math.log(1 - rnd.nextDouble()) * 50_000);
            long sent = t + 20_000 + rnd.nextInt(10_000);
            long first = sent + 200_000 + rnd.nextInt(100_000);
            long[] chunks = new long[tokens];
            long c = first;
            for (int k = 0; k < tokens; k++) {
                chunks[k] = c;
                c += 10_000 + rnd.nextInt(5_000);
            }
            records.add(new RequestRecord(i, t, sent, first, chunks[tokens - 1], chunks, null, 16, 16, tokens,
                    tokens, false, "length", Outcome.OK, 200, null, null, t + rnd.nextInt(5_000)));
        }
        window = new MeasurementWindow(0, t);
        log = new RecordLog();
    }

    /**
     * Per-completion work of the load runner.
     *
     * @return the position in the run
     */
    @Benchmark
    public int complete() {
        RequestRecord r = records.get(next);
        next = next + 1 == N ? 0 : next + 1;
        log.add(r, r.scheduledNanos() + 1_000);
        if (next == 0) {
            log = new RecordLog(); // a run of N requests
        }
        return next;
    }

    /**
     * Summarizes a run of {@code N} requests.
     *
     * @return a checksum
     */
    @Benchmark
    @OperationsPerInvocation(N)
    public double summarize() {
        RunSummary s = RunSummary.of(records, window, true);
        ClientCheck c = ClientCheck.of(records, window, 20_000, ClientCheckThresholds.defaults());
        return s.ttft().p99Millis() + c.achievedRatePerSecond();
    }
}
