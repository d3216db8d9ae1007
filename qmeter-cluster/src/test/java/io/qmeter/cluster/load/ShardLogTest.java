package io.qmeter.cluster.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.RunResult;
import io.qmeter.load.LoadShard;
import io.qmeter.metrics.LatencyMetric;
import io.qmeter.metrics.MeasurementWindow;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.metrics.RunHistograms;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardLogTest {

    private static final MeasurementWindow WINDOW = new MeasurementWindow(300_000_000L, 6_000_000_000L);

    private static ShardLog log(int i, int n, List<RequestRecord> all) {
        LoadShard shard = LoadShard.of(i, n);
        RunResult r = Shards.result(Shards.part(all, shard), WINDOW, shard, all.size(),
                all.get(all.size() - 1).scheduledNanos(), null);
        return ShardLog.of(r, Duration.ofMillis(250));
    }

    @Test
    void aLogReadsBackAsWrittenAndItsIntervalsAddUpToTheRun(@TempDir Path dir) {
        List<RequestRecord> all = Shards.records(21, 200);
        ShardLog written = log(1, 3, all);
        Path file = dir.resolve("s1.hlog");
        written.write(file);
        ShardLog read = ShardLog.read(file);
        assertThat(read.header()).isEqualTo(written.header());
        assertThat(read.histograms()).isEqualTo(written.histograms());
        assertThat(read.intervals()).hasSameSizeAs(written.intervals());
        for (int k = 0; k < read.intervals().size(); k++) {
            ShardLog.Interval a = read.intervals().get(k);
            ShardLog.Interval b = written.intervals().get(k);
            assertThat(a.metric()).isEqualTo(b.metric());
            assertThat(a.index()).isEqualTo(b.index());
            assertThat(a.histogram()).isEqualTo(b.histogram());
        }
        // the intervals are by scheduled time: TTFT's counts per interval are the measured OK requests due then
        Map<Long, Long> due = new HashMap<>();
        for (RequestRecord r : Shards.part(all, LoadShard.of(1, 3))) {
            if (WINDOW.contains(r) && r.isOk()) {
                due.merge(r.scheduledNanos() / 250_000_000L, 1L, Long::sum);
            }
        }
        Map<Long, Long> logged = new HashMap<>();
        read.intervals().stream().filter(i -> i.metric() == LatencyMetric.TTFT)
                .forEach(i -> logged.put(i.index(), i.histogram().getTotalCount()));
        assertThat(logged).isEqualTo(due);
        assertThat(read.header().summary().totalRequests()).isEqualTo(LoadShard.of(1, 3).share(200));
        assertThat(RunHistograms.of(Shards.part(all, LoadShard.of(1, 3)), WINDOW)).isEqualTo(read.histograms());
    }

    @Test
    void hdrHistogramsOwnReaderReadsTheLogWithItsTagsAndTimes(@TempDir Path dir) throws Exception {
        List<RequestRecord> all = Shards.records(8, 120);
        Path file = dir.resolve("s0.hlog");
        log(0, 2, all).write(file);
        List<String> tags = new ArrayList<>();
        long startMillis = java.time.Instant.parse(Shards.START).toEpochMilli();
        try (HistogramLogReader r = new HistogramLogReader(file.toFile())) {
            EncodableHistogram h;
            while ((h = r.nextIntervalHistogram()) != null) {
                tags.add(h.getTag());
                assertThat(h.getStartTimeStamp()).isGreaterThanOrEqualTo(startMillis);
                assertThat(h.getEndTimeStamp() - h.getStartTimeStamp()).isEqualTo(250);
                assertThat(h).isInstanceOf(Histogram.class);
            }
        }
        assertThat(tags).contains("TTFT", "E2E", "ITL", "TPOT", "SCHEDULE_LAG", "QUEUE_DELAY");
    }

    @Test
    void aTruncatedOrForeignFileIsRefusedSayingWhy(@TempDir Path dir) throws Exception {
        List<RequestRecord> all = Shards.records(9, 150);
        Path file = dir.resolve("s0.hlog");
        log(0, 1, all).write(file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Path cut = dir.resolve("cut.hlog");
        Files.write(cut, lines.subList(0, lines.size() - 1), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ShardLog.read(cut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated or was edited");
        Path foreign = dir.resolve("foreign.hlog");
        Files.write(foreign, lines.stream().filter(l -> !l.startsWith("#qmeter-header")).toList(),
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ShardLog.read(foreign)).hasMessageContaining("is not a qMeter shard log");
    }

    @Test
    void aResultWhoseRecordsAreNotItsShardsIsRefused() {
        List<RequestRecord> all = Shards.records(4, 30);
        RunResult wrong = Shards.result(all, WINDOW, LoadShard.of(0, 2), 30, 0, null);
        assertThatThrownBy(() -> ShardLog.of(wrong, Duration.ofSeconds(1)))
                .hasMessageContaining("is not one of shard 0/2's arrivals");
    }
}
