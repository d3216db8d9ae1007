package io.qmeter.cluster.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.qmeter.RunConfig;
import io.qmeter.RunResult;
import io.qmeter.load.LoadShard;
import io.qmeter.metrics.ClientCheck;
import io.qmeter.metrics.LatencyDistribution;
import io.qmeter.metrics.LatencyMetric;
import io.qmeter.metrics.MeasurementWindow;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.metrics.RunHistograms;
import io.qmeter.metrics.RunSummary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

/**
 * What one load process of a {@linkplain ShardedLoad sharded load} measured, as an HdrHistogram
 * interval log: for each interval of the schedule (by scheduled time, {@link Header#intervalNanos()}
 * long, from the common start instant) and each {@link LatencyMetric}, the histogram of the measured
 * requests scheduled in that interval, tagged with the metric's name; and one header comment line
 * ({@code #qmeter-header {json}}) with what a merge needs besides histograms: the shard, the run's
 * configuration, window and counts, the exact sum and extremes of each metric, and the shard's own
 * client self-check. The file is a standard log: {@code HistogramLogProcessor} and other HdrHistogram
 * tools read it (the header is a comment to them). Immutable.
 *
 * <pre>{@code
 * RunResult part = load.run(LoadShard.of(1, 3), start).run();
 * ShardLog log = ShardLog.of(part, Duration.ofSeconds(1));
 * log.write(Path.of("shard-1.hlog"));
 * ShardLog back = ShardLog.read(Path.of("shard-1.hlog"));   // back.histograms() equals log.histograms()
 * }</pre>
 */
public final class ShardLog {

    /** The format written in {@link Header#format()}. */
    public static final String FORMAT = "qmeter-shard-log/1";
    /** The comment prefix of the header line. */
    static final String HEADER_PREFIX = "qmeter-header ";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Header header;
    private final List<Interval> intervals;
    private final RunHistograms histograms;

    private ShardLog(Header header, List<Interval> intervals, RunHistograms histograms) {
        this.header = header;
        this.intervals = List.copyOf(intervals);
        this.histograms = histograms;
    }

    /**
     * The exact count, sum and extremes of one metric's values (the histograms round to 3 digits).
     *
     * @param count    how many values
     * @param sumNanos their sum
     * @param minNanos the smallest
     * @param maxNanos the largest
     */
    public record Exact(long count, double sumNanos, double minNanos, double maxNanos) {
    }

    /**
     * The header of a shard log: everything of a shard's {@link RunResult} but its records and its
     * histograms.
     *
     * @param format            {@link #FORMAT}
     * @param shardIndex        this process's shard
     * @param shardCount        how many processes shared the schedule
     * @param host              the host the process ran on
     * @param seed              the schedule's and the workload's seed
     * @param startedAt         the common start instant (ISO-8601)
     * @param config            the run's configuration (its arrivals carry {@code shard} and {@code startAt})
     * @param endReason         why this process's dispatching stopped
     * @param scheduleEndNanos  the end of the whole schedule
     * @param window            the measurement window (the same in every shard)
     * @param intervalNanos     the length of one log interval
     * @param summary           this shard's summary
     * @param clientCheck       this shard's client self-check
     * @param valid             whether this shard's result was valid
     * @param invalidReasons    why not
     * @param scheduledInWindow requests of this shard scheduled in the window {@code [start, end)}
     * @param sentInWindow      requests of this shard sent in the window {@code [start, end)}
     * @param completedInWindow successful requests of this shard whose last token arrived in the window
     * @param tokensInWindow    output tokens of this shard that arrived in the window
     * @param exact             per metric, the exact count, sum and extremes (metrics with values only)
     */
    public record Header(String format, int shardIndex, int shardCount, String host, long seed, String startedAt,
                         RunConfig config, String endReason, long scheduleEndNanos, MeasurementWindow window,
                         long intervalNanos, RunSummary summary, ClientCheck clientCheck, boolean valid,
                         List<String> invalidReasons, long scheduledInWindow, long sentInWindow,
                         long completedInWindow, double tokensInWindow, Map<LatencyMetric, Exact> exact) {

        /** Checks the essentials and copies the collections. */
        public Header {
            if (!FORMAT.equals(format)) {
                throw new IllegalArgumentException("format must be " + FORMAT + ", was " + format
                        + "; read it with the qMeter version that wrote it");
            }
            LoadShard.of(shardIndex, shardCount);
            Objects.requireNonNull(startedAt, "startedAt");
            Instant.parse(startedAt);
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(summary, "summary");
            Objects.requireNonNull(clientCheck, "clientCheck");
            if (intervalNanos < 1_000_000L || intervalNanos % 1_000_000L != 0) {
                throw new IllegalArgumentException("intervalNanos must be whole milliseconds, >= 1 ms, was "
                        + intervalNanos);
            }
            invalidReasons = List.copyOf(invalidReasons == null ? List.of() : invalidReasons);
            EnumMap<LatencyMetric, Exact> m = new EnumMap<>(LatencyMetric.class);
            if (exact != null) {
                m.putAll(exact);
            }
            exact = Collections.unmodifiableMap(m);
        }

        /**
         * The shard.
         *
         * @return shard {@code shardIndex} of {@code shardCount}
         */
        public LoadShard shard() {
            return LoadShard.of(shardIndex, shardCount);
        }
    }

    /**
     * One interval's histogram of one metric.
     *
     * @param metric           the metric (the log's tag)
     * @param index            the interval's number from the start
     * @param startOffsetNanos the first scheduled offset it covers
     * @param endOffsetNanos   the end of the scheduled offsets it covers (exclusive)
     * @param histogram        the values, in nanoseconds (a copy of the log's; the caller's to change)
     */
    public record Interval(LatencyMetric metric, long index, long startOffsetNanos, long endOffsetNanos,
                           Histogram histogram) {
    }

    /**
     * The log of a shard's result.
     *
     * @param result   what the shard's run returned (with its records)
     * @param interval the log's interval, whole milliseconds
     * @return the log
     * @throws IllegalArgumentException when the result's records do not belong to its shard, or the
     *                                  interval is not whole milliseconds
     */
    public static ShardLog of(RunResult result, Duration interval) {
        Objects.requireNonNull(result, "result");
        long intervalNanos = interval.toNanos();
        LoadShard shard = LoadShard.parse(result.config().arrivals().getOrDefault("shard", "0/1"));
        for (RequestRecord r : result.records()) {
            if (!shard.takes(r.index())) {
                throw new IllegalArgumentException("record " + r.index() + " is not one of shard " + shard
                        + "'s arrivals; the result is not a shard's");
            }
        }
        MeasurementWindow w = result.window();
        TreeMap<Long, List<RequestRecord>> byInterval = new TreeMap<>();
        if (intervalNanos >= 1_000_000L) {
            for (RequestRecord r : result.records()) {
                if (w.contains(r)) {
                    byInterval.computeIfAbsent(r.scheduledNanos() / intervalNanos, k -> new ArrayList<>()).add(r);
                }
            }
        }
        List<Interval> intervals = new ArrayList<>();
        for (Map.Entry<Long, List<RequestRecord>> e : byInterval.entrySet()) {
            RunHistograms h = RunHistograms.of(e.getValue(), w);
            for (LatencyMetric m : LatencyMetric.values()) {
                if (h.get(m).count() > 0) {
                    long k = e.getKey();
                    intervals.add(new Interval(m, k, k * intervalNanos, (k + 1) * intervalNanos, h.get(m).histogram()));
                }
            }
        }
        RunHistograms all = RunHistograms.of(result.records(), w);
        Map<LatencyMetric, Exact> exact = new EnumMap<>(LatencyMetric.class);
        all.asMap().forEach((m, d) -> {
            if (d.count() > 0) {
                exact.put(m, new Exact(d.count(), d.sumNanos(), d.minNanos(), d.maxNanos()));
            }
        });
        double windowSeconds = w.lengthNanos() / 1e9;
        ClientCheck c = result.clientCheck();
        RunSummary s = result.summary();
        Header h = new Header(FORMAT, shard.index(), shard.count(), hostName(), result.seed(), result.startedAt(),
                result.config(), result.endReason(), result.scheduleEndNanos(), w, intervalNanos, s, c,
                result.valid(), result.invalidReasons(), count(c.scheduledRatePerSecond(), windowSeconds),
                count(c.achievedRatePerSecond(), windowSeconds), count(s.windowRequestThroughputPerSecond(),
                windowSeconds), windowSeconds > 0 ? s.windowOutputTokenThroughputPerSecond() * windowSeconds : 0,
                exact);
        return new ShardLog(h, intervals, all);
    }

    /** A count back from a rate over the window (exact: counts are far below 2^52). */
    private static long count(double ratePerSecond, double seconds) {
        return seconds > 0 && Double.isFinite(ratePerSecond) ? Math.round(ratePerSecond * seconds) : 0;
    }

    private static String hostName() {
        return HostName.NAME;
    }

    /** This host's name, looked up once. */
    private static final class HostName {
        static final String NAME = lookUp();

        private static String lookUp() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "unknown";
            }
        }
    }

    /**
     * The header.
     *
     * @return the header
     */
    public Header header() {
        return header;
    }

    /**
     * The interval histograms, by interval then metric.
     *
     * @return the intervals (each histogram a fresh copy)
     */
    public List<Interval> intervals() {
        List<Interval> out = new ArrayList<>(intervals.size());
        for (Interval i : intervals) {
            out.add(new Interval(i.metric(), i.index(), i.startOffsetNanos(), i.endOffsetNanos(), i.histogram().copy()));
        }
        return out;
    }

    /**
     * The whole run's histograms (the sum of the intervals, with the header's exact sums and extremes).
     *
     * @return the histograms
     */
    public RunHistograms histograms() {
        return histograms;
    }

    /**
     * Writes the log, replacing the file atomically (a merge never reads half a log).
     *
     * @param file the file
     * @throws UncheckedIOException when it cannot be written
     */
    public void write(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (PrintStream out = new PrintStream(Files.newOutputStream(tmp), false, StandardCharsets.UTF_8)) {
                HistogramLogWriter w = new HistogramLogWriter(out);
                long startMillis = Instant.parse(header.startedAt()).toEpochMilli();
                w.outputComment("qMeter shard log: shard " + header.shard() + " of one load, " + header.config()
                        .arrivals().getOrDefault("name", "?") + ", seed " + header.seed() + ", host " + header.host()
                        + "; intervals by scheduled time; values in ns; merge the shards with LoadMerge");
                w.outputComment(HEADER_PREFIX + JSON.writeValueAsString(header));
                w.outputLogFormatVersion();
                w.outputStartTime(startMillis);
                w.setBaseTime(startMillis);
                w.outputBaseTime(startMillis);
                w.outputLegend();
                for (Interval i : intervals) {
                    Histogram h = i.histogram().copy();
                    h.setTag(i.metric().name());
                    w.outputIntervalHistogram(i.startOffsetNanos() / 1e9, i.endOffsetNanos() / 1e9, h, 1e6);
                }
                out.flush();
                if (out.checkError()) {
                    throw new IOException("writing " + tmp + " failed");
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the shard log " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a log written by {@link #write}.
     *
     * @param file the file
     * @return the log
     * @throws IllegalArgumentException when the file is not a qMeter shard log or is inconsistent
     *                                  (truncated, edited)
     * @throws UncheckedIOException     when it cannot be read
     */
    public static ShardLog read(Path file) {
        Header header = null;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#" + HEADER_PREFIX)) {
                    header = JSON.readValue(line.substring(1 + HEADER_PREFIX.length()), Header.class);
                    break;
                }
                if (!line.startsWith("#") && !line.startsWith("\"")) {
                    break; // the header comes before the first histogram
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " has a broken qMeter header: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shard log " + file + ": " + e.getMessage(), e);
        }
        if (header == null) {
            throw new IllegalArgumentException(file + " is not a qMeter shard log (no '#" + HEADER_PREFIX.trim()
                    + "' line before the histograms); write it with LoadShardMain or ShardLog.write");
        }
        long startMillis = Instant.parse(header.startedAt()).toEpochMilli();
        long intervalMillis = header.intervalNanos() / 1_000_000L;
        List<Interval> intervals = new ArrayList<>();
        EnumMap<LatencyMetric, Histogram> sums = new EnumMap<>(LatencyMetric.class);
        try (InputStream in = Files.newInputStream(file); HistogramLogReader reader = new HistogramLogReader(in)) {
            EncodableHistogram e;
            while ((e = reader.nextIntervalHistogram()) != null) {
                if (!(e instanceof Histogram h)) {
                    throw new IllegalArgumentException(file + " holds a " + e.getClass().getSimpleName()
                            + "; qMeter logs hold integer nanosecond histograms");
                }
                LatencyMetric m;
                try {
                    m = LatencyMetric.valueOf(String.valueOf(h.getTag()));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(file + " has a histogram tagged '" + h.getTag()
                            + "', not a qMeter latency metric", ex);
                }
                long k = Math.round((h.getStartTimeStamp() - startMillis) / (double) intervalMillis);
                intervals.add(new Interval(m, k, k * header.intervalNanos(), (k + 1) * header.intervalNanos(), h));
                sums.computeIfAbsent(m, x -> new Histogram(LatencyDistribution.SIGNIFICANT_DIGITS)).add(h);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shard log " + file + ": " + e.getMessage(), e);
        }
        Map<LatencyMetric, LatencyDistribution> all = new LinkedHashMap<>();
        for (LatencyMetric m : LatencyMetric.values()) {
            Exact x = header.exact().get(m);
            Histogram h = sums.getOrDefault(m, new Histogram(LatencyDistribution.SIGNIFICANT_DIGITS));
            long expected = x == null ? 0 : x.count();
            if (h.getTotalCount() != expected) {
                throw new IllegalArgumentException(file + ": " + m + " has " + h.getTotalCount()
                        + " values in its intervals but the header says " + expected
                        + "; the log is truncated or was edited");
            }
            all.put(m, x == null ? LatencyDistribution.empty()
                    : LatencyDistribution.of(h, x.sumNanos(), x.minNanos(), x.maxNanos()));
        }
        return new ShardLog(header, intervals, RunHistograms.of(all));
    }

    @Override
    public String toString() {
        return "ShardLog[shard " + header.shard() + ", host " + header.host() + ", " + header.summary().measuredRequests()
                + " measured requests, " + intervals.size() + " interval histograms]";
    }
}
