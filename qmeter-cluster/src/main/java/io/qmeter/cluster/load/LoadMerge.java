package io.qmeter.cluster.load;

import io.qmeter.RunConfig;
import io.qmeter.RunResult;
import io.qmeter.load.LoadShard;
import io.qmeter.metrics.ClientCheck;
import io.qmeter.metrics.LatencyMetric;
import io.qmeter.metrics.LatencyStats;
import io.qmeter.metrics.MeasurementWindow;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RunHistograms;
import io.qmeter.metrics.RunSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Merges the interval logs of every shard of one load into one result, as one process that sent
 * the whole schedule would have reported it.
 *
 * <ul>
 *   <li>Latency distributions: the shards' histograms added up, per metric; each histogram counts
 *       the values of that shard's requests, the shards' requests are disjoint and together the
 *       whole schedule, so the sum is the histogram of every value and its percentiles are exactly
 *       those of one recorder of all values (3 significant digits); mean, min and max come from the
 *       exact sums and extremes in the headers.</li>
 *   <li>Counts and tokens: sums. Throughput: summed successes ÷ the union's measured span (from the
 *       window's start to the latest last token of a measured request of any shard); window
 *       throughput: summed completions and tokens in the window ÷ the window.</li>
 *   <li>Client self-check: the summed requests scheduled and sent in the window, and the union's
 *       schedule lag, judged by {@link ClientCheck}'s one-process rules against the whole load's
 *       rate. The event-loop delay is not a histogram in the logs, so the merged one is a bound: count
 *       and mean are exact, min and max exact, and each percentile is the largest of the shards'
 *       (never below the union's percentile). Each shard's own check counts too: a merged result is
 *       invalid when any shard's result was, with that shard's reasons, because a shard that fell
 *       behind sent its share of the load late even when the union's p99 hides it.</li>
 *   <li>Consistency: the logs must be shards 0 … N−1 of the same N, with one configuration, seed,
 *       start instant and window (else {@link IllegalArgumentException}); each shard must have sent
 *       its exact share ({@link LoadShard#share}) of the requests, else the result is invalid.</li>
 * </ul>
 *
 * <pre>{@code
 * MergedLoad m = LoadMerge.merge(List.of(Path.of("s0.hlog"), Path.of("s1.hlog"), Path.of("s2.hlog")));
 * RunResult one = m.result();
 * }</pre>
 *
 * <p>From the command line: {@code java -cp ... io.qmeter.cluster.load.LoadMerge [--json FILE] [--log FILE] LOG...}
 * prints the table (and writes the merged result as JSON, and the merged interval log); exit status 0 when merged and valid, 1 when
 * merged but invalid, 2 on bad input.
 */
public final class LoadMerge {

    private LoadMerge() {
    }

    /**
     * Reads and merges shard logs.
     *
     * @param logs one log per shard
     * @return the merged load
     * @throws IllegalArgumentException when the logs are not every shard of one load
     */
    public static MergedLoad merge(List<Path> logs) {
        if (logs.isEmpty()) {
            throw new IllegalArgumentException("logs must name one log per shard, was none");
        }
        return mergeLogs(logs.stream().map(ShardLog::read).toList());
    }

    /**
     * Merges shard logs.
     *
     * @param logs one log per shard, in any order
     * @return the merged load
     * @throws IllegalArgumentException when the logs are not every shard of one load
     */
    public static MergedLoad mergeLogs(List<ShardLog> logs) {
        if (logs.isEmpty()) {
            throw new IllegalArgumentException("logs must hold one log per shard, was none");
        }
        List<ShardLog> sorted = new ArrayList<>(logs);
        sorted.sort(Comparator.comparingInt(l -> l.header().shardIndex()));
        ShardLog.Header first = sorted.get(0).header();
        int n = first.shardCount();
        checkShards(sorted, n);
        RunConfig config = unsharded(first.config());
        for (ShardLog l : sorted) {
            ShardLog.Header h = l.header();
            same("seed", first.seed(), h.seed(), h);
            same("start instant", first.startedAt(), h.startedAt(), h);
            same("measurement window", first.window(), h.window(), h);
            same("log interval", first.intervalNanos(), h.intervalNanos(), h);
            RunConfig c = unsharded(h.config());
            if (!c.equals(config)) {
                throw new IllegalArgumentException("shard " + h.shard() + " ran another load than shard "
                        + first.shard() + ": " + differences(config, c) + "; give every shard the same arguments");
            }
        }

        RunHistograms histograms = RunHistograms.empty();
        for (ShardLog l : sorted) {
            histograms = histograms.plus(l.histograms());
        }
        MeasurementWindow window = first.window();
        RunSummary summary = summary(sorted, histograms, window);
        ClientCheck check = check(sorted, histograms, window, config);

        List<String> reasons = new ArrayList<>(check.reasons());
        // the schedule's length: the request bound when it is the only bound, else what the shards sent
        long total = config.maxRequests() > 0 && config.durationNanos() < 0 ? config.maxRequests()
                : summary.totalRequests();
        long scheduleEnd = first.scheduleEndNanos();
        for (ShardLog l : sorted) {
            ShardLog.Header h = l.header();
            for (String r : h.invalidReasons()) {
                if (n == 1 && check.reasons().contains(r)) {
                    continue; // one shard: its check is the merged one, said once
                }
                reasons.add("shard " + h.shard() + " on " + h.host() + ": " + r);
            }
            long share = h.shard().share(total);
            if (h.summary().totalRequests() != share) {
                reasons.add("shard " + h.shard() + " on " + h.host() + " has " + h.summary().totalRequests()
                        + " requests, its share of the " + total + " is " + share
                        + "; the shards did not send one schedule to its end (" + h.endReason() + ")");
            }
            if (h.scheduleEndNanos() != first.scheduleEndNanos()) {
                reasons.add("shard " + h.shard() + "'s schedule ended at " + h.scheduleEndNanos() / 1e9 + " s, shard "
                        + first.shard() + "'s at " + first.scheduleEndNanos() / 1e9 + " s; one was cut short ("
                        + h.endReason() + ")");
                scheduleEnd = Math.max(scheduleEnd, h.scheduleEndNanos());
            }
        }
        if (summary.measuredRequests() == 0 && reasons.stream().noneMatch(r -> r.contains("measured window"))) {
            reasons.add("no request was scheduled in the measured window; lengthen the run or shorten warm-up/cool-down");
        }
        String endReason = endReason(sorted);
        RunResult result = new RunResult(RunResult.SCHEMA_VERSION, first.seed(), first.startedAt(),
                withShards(config, n, first.config()), endReason, scheduleEnd, window, summary, null, check,
                reasons.isEmpty(), reasons, null, List.of());
        return new MergedLoad(result, histograms, sorted.stream().map(ShardLog::header).toList());
    }

    /**
     * Writes the shards' interval histograms added up, per metric and interval, as one plain
     * HdrHistogram interval log (tags are the metric names, values in nanoseconds, intervals by
     * scheduled time from the common start), for HdrHistogram's tools and plotters: the time series
     * of the whole load. The logs must be every shard of one load, as for {@link #mergeLogs}.
     *
     * <pre>{@code
     * LoadMerge.writeMergedLog(logs.stream().map(ShardLog::read).toList(), Path.of("merged.hlog"));
     * }</pre>
     *
     * @param logs one log per shard
     * @param file the merged log (replaced)
     * @throws UncheckedIOException when it cannot be written
     */
    public static void writeMergedLog(List<ShardLog> logs, Path file) {
        MergedLoad m = mergeLogs(logs); // the same checks as a merge
        TreeMap<Long, EnumMap<LatencyMetric, Histogram>> sums = new TreeMap<>();
        for (ShardLog l : logs) {
            for (ShardLog.Interval i : l.intervals()) {
                sums.computeIfAbsent(i.index(), k -> new EnumMap<>(LatencyMetric.class))
                        .computeIfAbsent(i.metric(), k -> new Histogram(3)).add(i.histogram());
            }
        }
        long intervalNanos = logs.get(0).header().intervalNanos();
        long startMillis = m.result().startedAtInstant().toEpochMilli();
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (PrintStream out = new PrintStream(Files.newOutputStream(tmp), false,
                    StandardCharsets.UTF_8)) {
                HistogramLogWriter w = new HistogramLogWriter(out);
                w.outputComment("qMeter merged load: " + logs.size() + " shards, "
                        + m.result().config().arrivals().getOrDefault("name", "?") + ", seed " + m.result().seed()
                        + "; intervals by scheduled time; values in ns");
                w.outputLogFormatVersion();
                w.outputStartTime(startMillis);
                w.setBaseTime(startMillis);
                w.outputBaseTime(startMillis);
                w.outputLegend();
                sums.forEach((k, byMetric) -> byMetric.forEach((metric, h) -> {
                    h.setTag(metric.name());
                    w.outputIntervalHistogram(k * intervalNanos / 1e9, (k + 1) * intervalNanos / 1e9, h, 1e6);
                }));
                out.flush();
                if (out.checkError()) {
                    throw new IOException("writing " + tmp + " failed");
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the merged log " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkShards(List<ShardLog> sorted, int n) {
        TreeSet<Integer> seen = new TreeSet<>();
        for (ShardLog l : sorted) {
            ShardLog.Header h = l.header();
            if (h.shardCount() != n) {
                throw new IllegalArgumentException("every log must be a shard of the same count, was " + n + " and "
                        + h.shardCount() + " (shard " + h.shard() + ")");
            }
            if (!seen.add(h.shardIndex())) {
                throw new IllegalArgumentException("shard " + h.shard() + " was given twice; give each shard's log once");
            }
        }
        if (seen.size() != n) {
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!seen.contains(i)) {
                    missing.add(i + "/" + n);
                }
            }
            throw new IllegalArgumentException("the logs must be every shard of the load, missing " + missing
                    + "; a merge of some shards is not the load (rerun the missing shards' processes, or the load)");
        }
    }

    private static void same(String what, Object expected, Object got, ShardLog.Header h) {
        if (!expected.equals(got)) {
            throw new IllegalArgumentException("every shard must have the same " + what + ", shard " + h.shard()
                    + " had " + got + ", not " + expected);
        }
    }

    /**
     * The configuration without the shard (what every shard shares); the sender is left out too (a
     * shard run through the API and one through {@link LoadShardMain} send the same load).
     */
    private static RunConfig unsharded(RunConfig c) {
        Map<String, String> arrivals = new LinkedHashMap<>(c.arrivals());
        arrivals.remove("shard");
        return new RunConfig(c.baseUrl(), c.model(), c.endpoint(), null, c.workload(), arrivals,
                c.targetRatePerSecond(), c.durationNanos(), c.maxRequests(), c.warmupNanos(), c.cooldownNanos(),
                c.maxInFlight(), c.ignoreEos(), c.temperature(), c.stream(), c.slo(), c.clientCheck(),
                c.drainTimeoutNanos(), c.powerSensor(), c.idleWatts(), c.extraBody(), c.promptCache());
    }

    /** The merged configuration: the arrivals say how many shards sent them. */
    private static RunConfig withShards(RunConfig c, int n, RunConfig firstShard) {
        Map<String, String> arrivals = new LinkedHashMap<>(c.arrivals());
        arrivals.put("shards", Integer.toString(n));
        return new RunConfig(c.baseUrl(), c.model(), c.endpoint(), firstShard.sender(), c.workload(), arrivals,
                c.targetRatePerSecond(), c.durationNanos(), c.maxRequests(), c.warmupNanos(), c.cooldownNanos(),
                c.maxInFlight(), c.ignoreEos(), c.temperature(), c.stream(), c.slo(), c.clientCheck(),
                c.drainTimeoutNanos(), c.powerSensor(), c.idleWatts(), c.extraBody(), c.promptCache());
    }

    /** The components of two configurations that differ, named. */
    private static String differences(RunConfig a, RunConfig b) {
        List<String> out = new ArrayList<>();
        for (RecordComponent rc : RunConfig.class.getRecordComponents()) {
            try {
                Object x = rc.getAccessor().invoke(a);
                Object y = rc.getAccessor().invoke(b);
                if (!java.util.Objects.equals(x, y)) {
                    out.add(rc.getName() + " " + x + " vs " + y);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(", ", out);
    }

    private static RunSummary summary(List<ShardLog> logs, RunHistograms h, MeasurementWindow window) {
        long total = 0;
        long warmup = 0;
        long cooldown = 0;
        long measured = 0;
        long ok = 0;
        long failed = 0;
        long input = 0;
        long output = 0;
        long inMismatch = 0;
        long outMismatch = 0;
        long fromChunks = 0;
        long retried = 0;
        long span = 0;
        long completedInWindow = 0;
        double tokensInWindow = 0;
        EnumMap<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        for (ShardLog l : logs) {
            RunSummary s = l.header().summary();
            total += s.totalRequests();
            warmup += s.warmupRequests();
            cooldown += s.cooldownRequests();
            measured += s.measuredRequests();
            ok += s.okRequests();
            failed += s.failedRequests();
            input += s.inputTokens();
            output += s.outputTokens();
            inMismatch += s.inputLengthMismatches();
            outMismatch += s.outputLengthMismatches();
            fromChunks += s.outputCountedFromChunks();
            retried += s.retriedRequests();
            // every shard's span starts at the window's start: the union's ends at the latest end
            span = Math.max(span, s.measuredSpanNanos());
            s.outcomes().forEach((o, c) -> outcomes.merge(o, c, Long::sum));
            completedInWindow += l.header().completedInWindow();
            tokensInWindow += l.header().tokensInWindow();
        }
        double seconds = span / 1e9;
        double windowSeconds = window.lengthNanos() / 1e9;
        return new RunSummary(total, warmup, cooldown, measured, ok, failed, outcomes, stats(h, LatencyMetric.TTFT),
                stats(h, LatencyMetric.SERVICE_TTFT), stats(h, LatencyMetric.TPOT), stats(h, LatencyMetric.ITL),
                stats(h, LatencyMetric.E2E), stats(h, LatencyMetric.QUEUE_DELAY), span,
                seconds > 0 ? ok / seconds : Double.NaN, seconds > 0 ? output / seconds : Double.NaN,
                windowSeconds > 0 ? completedInWindow / windowSeconds : Double.NaN,
                windowSeconds > 0 ? tokensInWindow / windowSeconds : Double.NaN, input, output, inMismatch,
                outMismatch, fromChunks, retried, stats(h, LatencyMetric.SERVER_PROMPT_TIME),
                stats(h, LatencyMetric.CLIENT_SHARE_OF_TTFT));
    }

    private static LatencyStats stats(RunHistograms h, LatencyMetric m) {
        return h.get(m).stats();
    }

    private static ClientCheck check(List<ShardLog> logs, RunHistograms h, MeasurementWindow window,
                                     RunConfig config) {
        long scheduled = 0;
        long sent = 0;
        List<LatencyStats> loops = new ArrayList<>();
        for (ShardLog l : logs) {
            scheduled += l.header().scheduledInWindow();
            sent += l.header().sentInWindow();
            loops.add(l.header().clientCheck().loopDelay());
        }
        return ClientCheck.of(h.get(LatencyMetric.SCHEDULE_LAG).stats(), scheduled, sent, window.lengthNanos(),
                config.targetRatePerSecond(), config.clientCheck(), loopDelayBound(loops));
    }

    /**
     * The shards' event-loop delays together: exact count, mean, min and max; each percentile the
     * largest of the shards' (at least p % of every shard's samples are at or below it, so at least
     * p % of the union's are: an upper bound of the union's percentile).
     *
     * @param shards each shard's loop delay
     * @return the bound, or {@code null} when no shard sampled its loop
     */
    static LatencyStats loopDelayBound(List<LatencyStats> shards) {
        long count = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double p50 = Double.NEGATIVE_INFINITY;
        double p90 = Double.NEGATIVE_INFINITY;
        double p95 = Double.NEGATIVE_INFINITY;
        double p99 = Double.NEGATIVE_INFINITY;
        double p999 = Double.NEGATIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (LatencyStats s : shards) {
            if (s == null || s.count() == 0) {
                continue;
            }
            count += s.count();
            sum += s.meanMillis() * s.count();
            min = Math.min(min, s.minMillis());
            p50 = Math.max(p50, s.p50Millis());
            p90 = Math.max(p90, s.p90Millis());
            p95 = Math.max(p95, s.p95Millis());
            p99 = Math.max(p99, s.p99Millis());
            p999 = Math.max(p999, s.p999Millis());
            max = Math.max(max, s.maxMillis());
        }
        return count == 0 ? null : new LatencyStats(count, sum / count, min, p50, p90, p95, p99, p999, max);
    }

    private static String endReason(List<ShardLog> logs) {
        TreeSet<String> reasons = new TreeSet<>();
        logs.forEach(l -> reasons.add(l.header().endReason()));
        String why = reasons.size() == 1 ? reasons.first() : String.join(" | ", reasons);
        return why + " (merged from " + logs.size() + " shards)";
    }

    /**
     * Merges shard logs from the command line: {@code [--json FILE] [--log FILE] LOG...}. Prints the table.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * What {@link #main} does, without exiting.
     *
     * @param args the arguments
     * @param out  where the table goes
     * @param err  where errors go
     * @return 0 when merged and valid, 1 when merged but invalid, 2 on bad input
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<Path> logs = new ArrayList<>();
        Path json = null;
        Path mergedLog = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--log")) {
                if (i + 1 >= args.length) {
                    err.println("--log needs a file name");
                    return 2;
                }
                mergedLog = Path.of(args[++i]);
            } else if (args[i].equals("--json")) {
                if (i + 1 >= args.length) {
                    err.println("--json needs a file name");
                    return 2;
                }
                json = Path.of(args[++i]);
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                out.println("usage: LoadMerge [--json FILE] [--log FILE] SHARD_LOG...   (one interval log per shard, from LoadShardMain)");
                return 0;
            } else if (args[i].startsWith("--")) {
                err.println("unknown option " + args[i] + "; usage: LoadMerge [--json FILE] [--log FILE] SHARD_LOG...");
                return 2;
            } else {
                logs.add(Path.of(args[i]));
            }
        }
        if (logs.isEmpty()) {
            err.println("usage: LoadMerge [--json FILE] [--log FILE] SHARD_LOG...   (one interval log per shard, from LoadShardMain)");
            return 2;
        }
        MergedLoad m;
        try {
            List<ShardLog> read = logs.stream().map(ShardLog::read).toList();
            m = mergeLogs(read);
            if (mergedLog != null) {
                writeMergedLog(read, mergedLog);
            }
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("cannot merge: " + e.getMessage());
            return 2;
        }
        out.print(m.summaryTable());
        if (json != null) {
            m.result().writeJson(json);
        }
        return m.result().valid() ? 0 : 1;
    }
}
