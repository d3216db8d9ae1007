package io.qmeter.cluster.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.qmeter.RunResult;
import io.qmeter.load.LoadShard;
import io.qmeter.metrics.LatencyMetric;
import io.qmeter.metrics.LatencyStats;
import io.qmeter.metrics.MeasurementWindow;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.metrics.RunHistograms;
import io.qmeter.metrics.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merge of shard logs built from a known record set equals what one process that recorded every
 * record reports: histograms identical, percentiles and counts equal, the self-check's counts and
 * schedule lag equal.
 */
class LoadMergeTest {

    private static final MeasurementWindow WINDOW = new MeasurementWindow(500_000_000L, 9_000_000_000L);

    /** Writes each shard's log of {@code all} to {@code dir} and merges them back from the files. */
    static MergedLoad mergeThroughFiles(List<RequestRecord> all, int n, long requests, long scheduleEnd, Path dir) {
        List<Path> logs = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) { // any order
            LoadShard shard = LoadShard.of(i, n);
            RunResult part = Shards.result(Shards.part(all, shard), WINDOW, shard, requests, scheduleEnd,
                    new LatencyStats(100, 0.2, 0.01, 0.1, 0.3 + i, 0.4 + i, 0.9 + i, 1.2 + i, 2 + i));
            Path p = dir.resolve("s" + i + "-of-" + n + ".hlog");
            ShardLog.of(part, java.time.Duration.ofMillis(500)).write(p);
            logs.add(p);
        }
        return LoadMerge.merge(logs);
    }

    @Property(tries = 25)
    void theMergeOfShardLogsIsTheOneProcessResultOfTheUnion(@ForAll long seed,
                                                            @ForAll @IntRange(min = 1, max = 6) int n,
                                                            @ForAll @IntRange(min = 1, max = 260) int requests)
            throws Exception {
        Path dir = Files.createTempDirectory("qmeter-merge");
        List<RequestRecord> all = Shards.records(seed, requests);
        long end = all.get(all.size() - 1).scheduledNanos();
        MergedLoad m = mergeThroughFiles(all, n, requests, end, dir);
        RunResult one = Shards.result(all, WINDOW, LoadShard.whole(), requests, end, null);

        // histograms: identical to those of the union, metric by metric
        RunHistograms union = RunHistograms.of(all, WINDOW);
        for (LatencyMetric metric : LatencyMetric.values()) {
            assertThat(m.histograms().get(metric).histogram()).as(metric.name())
                    .isEqualTo(union.get(metric).histogram());
        }
        // the summary: counts exact, percentiles exact, means to rounding
        RunSummary a = m.result().summary();
        RunSummary b = one.summary();
        assertThat(a.totalRequests()).isEqualTo(b.totalRequests());
        assertThat(a.warmupRequests()).isEqualTo(b.warmupRequests());
        assertThat(a.cooldownRequests()).isEqualTo(b.cooldownRequests());
        assertThat(a.measuredRequests()).isEqualTo(b.measuredRequests());
        assertThat(a.okRequests()).isEqualTo(b.okRequests());
        assertThat(a.outcomes()).isEqualTo(b.outcomes());
        assertThat(a.inputTokens()).isEqualTo(b.inputTokens());
        assertThat(a.outputTokens()).isEqualTo(b.outputTokens());
        assertThat(a.measuredSpanNanos()).isEqualTo(b.measuredSpanNanos());
        assertThat(a.requestThroughputPerSecond()).isEqualTo(b.requestThroughputPerSecond());
        assertThat(a.outputTokenThroughputPerSecond()).isEqualTo(b.outputTokenThroughputPerSecond());
        assertThat(a.windowRequestThroughputPerSecond()).isEqualTo(b.windowRequestThroughputPerSecond());
        assertThat(a.windowOutputTokenThroughputPerSecond()).isCloseTo(b.windowOutputTokenThroughputPerSecond(),
                within(1e-9));
        sameStats(a.ttft(), b.ttft());
        sameStats(a.serviceTtft(), b.serviceTtft());
        sameStats(a.tpot(), b.tpot());
        sameStats(a.itl(), b.itl());
        sameStats(a.e2e(), b.e2e());
        sameStats(a.queueDelay(), b.queueDelay());
        sameStats(a.serverPromptTime(), b.serverPromptTime());
        sameStats(a.clientShareOfTtft(), b.clientShareOfTtft());
        // the self-check: the one-process counts and lag, against the whole load's rate
        sameStats(m.result().clientCheck().scheduleLag(), one.clientCheck().scheduleLag());
        assertThat(m.result().clientCheck().scheduledRatePerSecond()).isEqualTo(one.clientCheck().scheduledRatePerSecond());
        assertThat(m.result().clientCheck().achievedRatePerSecond()).isEqualTo(one.clientCheck().achievedRatePerSecond());
        assertThat(m.result().clientCheck().targetRatePerSecond()).isEqualTo(Shards.RATE);
        assertThat(m.result().config().arrivals()).containsEntry("shards", Integer.toString(n))
                .doesNotContainKey("shard");
        assertThat(m.shards()).extracting(ShardLog.Header::shardIndex)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, n).boxed().toList());
    }

    private static void sameStats(LatencyStats a, LatencyStats b) {
        assertThat(a.count()).isEqualTo(b.count());
        assertThat(Double.valueOf(a.p50Millis())).isEqualTo(Double.valueOf(b.p50Millis()));
        assertThat(Double.valueOf(a.p90Millis())).isEqualTo(Double.valueOf(b.p90Millis()));
        assertThat(Double.valueOf(a.p95Millis())).isEqualTo(Double.valueOf(b.p95Millis()));
        assertThat(Double.valueOf(a.p99Millis())).isEqualTo(Double.valueOf(b.p99Millis()));
        assertThat(Double.valueOf(a.p999Millis())).isEqualTo(Double.valueOf(b.p999Millis()));
        assertThat(Double.valueOf(a.minMillis())).isEqualTo(Double.valueOf(b.minMillis()));
        assertThat(Double.valueOf(a.maxMillis())).isEqualTo(Double.valueOf(b.maxMillis()));
        if (a.count() > 0) {
            assertThat(a.meanMillis()).isCloseTo(b.meanMillis(), within(1e-9 * Math.max(1, Math.abs(b.meanMillis()))));
        }
    }

    @Test
    void aMergeOfSomeShardsOrOfDifferentLoadsIsRefused(@TempDir Path dir) {
        List<RequestRecord> all = Shards.records(3, 90);
        long end = all.get(89).scheduledNanos();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LoadShard shard = LoadShard.of(i, 3);
            Path p = dir.resolve("s" + i + ".hlog");
            ShardLog.of(Shards.result(Shards.part(all, shard), WINDOW, shard, 90, end, null),
                    java.time.Duration.ofSeconds(1)).write(p);
            logs.add(p);
        }
        assertThatThrownBy(() -> LoadMerge.merge(logs.subList(0, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing [2/3]");
        assertThatThrownBy(() -> LoadMerge.merge(List.of(logs.get(0), logs.get(1), logs.get(1))))
                .hasMessageContaining("shard 1/3 was given twice");
        // a shard of another load (another request bound)
        Path other = dir.resolve("other.hlog");
        LoadShard two = LoadShard.of(2, 3);
        ShardLog.of(Shards.result(Shards.part(all, two), WINDOW, two, 91, end, null), java.time.Duration.ofSeconds(1))
                .write(other);
        assertThatThrownBy(() -> LoadMerge.merge(List.of(logs.get(0), logs.get(1), other)))
                .hasMessageContaining("shard 2/3 ran another load").hasMessageContaining("maxRequests 90 vs 91");
        // the three right logs merge; the data's never-sent requests fail the send-rate check, and only that
        RunResult merged = LoadMerge.merge(logs).result();
        assertThat(merged.summary().totalRequests()).isEqualTo(90);
        assertThat(merged.invalidReasons()).allSatisfy(r -> assertThat(r).contains("achieved send rate"));
    }

    @Test
    void aShardThatFellBehindOrWasCutShortMakesTheMergeInvalid(@TempDir Path dir) {
        List<RequestRecord> all = Shards.records(5, 120);
        long end = all.get(119).scheduledNanos();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LoadShard shard = LoadShard.of(i, 3);
            List<RequestRecord> mine = Shards.part(all, shard);
            if (i == 1) {
                mine = mine.subList(0, 30); // cut short: 40 were its share
            }
            // shard 2's event loop ran 9 ms late at p99: its own check fails
            LatencyStats loop = i == 2 ? new LatencyStats(500, 1, 0.01, 0.5, 2, 4, 9, 12, 15) : null;
            Path p = dir.resolve("s" + i + ".hlog");
            ShardLog.of(Shards.result(mine, WINDOW, shard, 120, end, loop), java.time.Duration.ofSeconds(1)).write(p);
            logs.add(p);
        }
        RunResult r = LoadMerge.merge(logs).result();
        assertThat(r.valid()).isFalse();
        assertThat(r.invalidReasons()).anySatisfy(s -> assertThat(s).startsWith("shard 1/3 on ")
                .contains("has 30 requests, its share of the 120 is 40"));
        assertThat(r.invalidReasons()).anySatisfy(s -> assertThat(s).startsWith("shard 2/3 on ")
                .contains("event-loop delay p99 9.000 ms"));
        // the merged loop delay is the bound: the largest p99 of the shards
        assertThat(r.clientCheck().loopDelay().p99Millis()).isEqualTo(9.0);
    }

    @Test
    void theMergedIntervalLogIsTheSumOfTheShardsIntervals(@TempDir Path dir) throws Exception {
        List<RequestRecord> all = Shards.records(17, 150);
        long end = all.get(149).scheduledNanos();
        MergedLoad m = mergeThroughFiles(all, 3, 150, end, dir);
        List<ShardLog> logs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            logs.add(ShardLog.read(dir.resolve("s" + i + "-of-3.hlog")));
        }
        Path merged = dir.resolve("merged.hlog");
        LoadMerge.writeMergedLog(logs, merged);
        // read with HdrHistogram's own reader: per metric, the intervals add up to the merged histogram,
        // and per interval, TTFT counts the measured OK requests due in it (of every shard)
        java.util.Map<LatencyMetric, org.HdrHistogram.Histogram> total = new java.util.EnumMap<>(LatencyMetric.class);
        java.util.Map<Long, Long> ttftPerInterval = new java.util.TreeMap<>();
        long startMillis = java.time.Instant.parse(Shards.START).toEpochMilli();
        try (org.HdrHistogram.HistogramLogReader r = new org.HdrHistogram.HistogramLogReader(merged.toFile())) {
            org.HdrHistogram.EncodableHistogram e;
            while ((e = r.nextIntervalHistogram()) != null) {
                org.HdrHistogram.Histogram h = (org.HdrHistogram.Histogram) e;
                LatencyMetric metric = LatencyMetric.valueOf(h.getTag());
                total.computeIfAbsent(metric, k -> new org.HdrHistogram.Histogram(3)).add(h);
                if (metric == LatencyMetric.TTFT) {
                    ttftPerInterval.merge(Math.round((h.getStartTimeStamp() - startMillis) / 500.0), h.getTotalCount(),
                            Long::sum);
                }
            }
        }
        for (LatencyMetric metric : LatencyMetric.values()) {
            org.HdrHistogram.Histogram expected = m.histograms().get(metric).histogram();
            assertThat(total.getOrDefault(metric, new org.HdrHistogram.Histogram(3)).getTotalCount()).as(metric.name())
                    .isEqualTo(expected.getTotalCount());
            if (expected.getTotalCount() > 0) {
                assertThat(total.get(metric)).as(metric.name()).isEqualTo(expected);
            }
        }
        java.util.Map<Long, Long> due = new java.util.TreeMap<>();
        for (RequestRecord r : all) {
            if (WINDOW.contains(r) && r.isOk()) {
                due.merge(r.scheduledNanos() / 500_000_000L, 1L, Long::sum);
            }
        }
        assertThat(ttftPerInterval).isEqualTo(due);
    }

    @Test
    void theLoopDelayBoundIsNeverBelowTheUnionsPercentile() {
        // shard a: 99 samples at 1 ms and one at 50 ms; shard b: 100 samples at 2 ms
        LatencyStats a = new LatencyStats(100, 1.49, 1, 1, 1, 1, 1, 50, 50);
        LatencyStats b = new LatencyStats(100, 2, 2, 2, 2, 2, 2, 2, 2);
        LatencyStats bound = LoadMerge.loopDelayBound(List.of(a, b));
        // the union's p99 (nearest rank 198 of 200) is 2 ms; the bound is 2 ms, its max the exact 50 ms
        assertThat(bound.p99Millis()).isEqualTo(2.0);
        assertThat(bound.maxMillis()).isEqualTo(50.0);
        assertThat(bound.count()).isEqualTo(200);
        assertThat(bound.meanMillis()).isCloseTo((1.49 * 100 + 200) / 200, within(1e-12));
        assertThat(LoadMerge.loopDelayBound(List.of(LatencyStats.empty()))).isNull();
    }

    @Test
    void theMainMergesPrintsAndSaysWhetherTheResultIsValid(@TempDir Path dir) throws Exception {
        List<RequestRecord> all = Shards.records(11, 60);
        MergedLoad expected = mergeThroughFiles(all, 2, 60, all.get(59).scheduledNanos(), dir);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Path json = dir.resolve("merged.json");
        int status = LoadMerge.run(new String[] {"--json", json.toString(), dir.resolve("s0-of-2.hlog").toString(),
                dir.resolve("s1-of-2.hlog").toString()}, new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
        assertThat(status).as(err.toString()).isEqualTo(expected.result().valid() ? 0 : 1);
        assertThat(out.toString()).contains("merged from 2 shards").contains("shard 0/2 on ").contains("TTFT");
        assertThat(RunResult.readJson(json).summary()).isEqualTo(expected.result().summary());
        assertThat(LoadMerge.run(new String[] {dir.resolve("s0-of-2.hlog").toString()}, new java.io.PrintStream(out),
                new java.io.PrintStream(err, true))).isEqualTo(2);
        assertThat(err.toString()).contains("missing [1/2]");
    }
}
