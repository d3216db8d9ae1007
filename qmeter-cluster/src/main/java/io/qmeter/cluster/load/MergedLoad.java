package io.qmeter.cluster.load;

import io.qmeter.RunResult;
import io.qmeter.metrics.LatencyMetric;
import io.qmeter.metrics.RunHistograms;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The merge of the logs of every shard of one load ({@link LoadMerge}): one {@link RunResult} as
 * one process sending the whole schedule would have reported it (without records: the logs carry
 * histograms, not requests), the merged histograms, and each shard's header.
 *
 * <p>The result's latency percentiles are those of the union of the values the shards recorded
 * (the histograms add up exactly, so they equal the percentiles one recorder of every value would
 * answer), its counts and token totals are sums, its throughput divides the summed successes by the
 * union's measured span, and its client self-check judges the summed schedule and send counts and
 * the union's schedule lag by the one-process rules, with each shard's own check beside it (see
 * {@link LoadMerge}).
 *
 * <pre>{@code
 * MergedLoad m = LoadMerge.merge(List.of(Path.of("shard-0.hlog"), Path.of("shard-1.hlog")));
 * System.out.println(m.summaryTable());
 * double p99 = m.histograms().get(LatencyMetric.TTFT).valueAtNanos(99) / 1e6;
 * }</pre>
 *
 * @param result     the merged result (no records; the arrivals in its config carry {@code shards})
 * @param histograms the merged histograms (all percentiles, not only the summary's)
 * @param shards     the shards' headers, by shard index
 */
public record MergedLoad(RunResult result, RunHistograms histograms, List<ShardLog.Header> shards) {

    /** Checks and copies. */
    public MergedLoad {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(histograms, "histograms");
        shards = List.copyOf(shards);
    }

    /**
     * The merged result's table, then one line per shard (host, requests, its own self-check).
     *
     * @return the text
     */
    public String summaryTable() {
        StringBuilder sb = new StringBuilder(result.summaryTable());
        int n = shards.size();
        sb.append(n == 1 ? String.format(Locale.ROOT, "merged from 1 shard (one process sent every arrival):%n")
                : String.format(Locale.ROOT, "merged from %d shards (shard i sent arrivals i, i+%d, i+%d, ...):%n", n,
                n, 2 * n));
        for (ShardLog.Header h : shards) {
            sb.append(String.format(Locale.ROOT,
                    "  shard %s on %s: %d requests (%d measured), sent %.2f/s of %.2f/s scheduled, lag p99 %.3f ms, "
                            + "loop delay p99 %.3f ms -- %s%n",
                    h.shard(), h.host(), h.summary().totalRequests(), h.summary().measuredRequests(),
                    h.clientCheck().achievedRatePerSecond(), h.clientCheck().scheduledRatePerSecond(),
                    h.clientCheck().scheduleLag().p99Millis(), h.clientCheck().loopDelay().p99Millis(),
                    h.valid() ? "valid" : "INVALID: " + String.join("; ", h.invalidReasons())));
        }
        return sb.toString();
    }

    /**
     * A percentile of a merged metric.
     *
     * @param metric     the metric
     * @param percentile 0 to 100
     * @return milliseconds, NaN when the metric has no values
     */
    public double percentileMillis(LatencyMetric metric, double percentile) {
        return histograms.get(metric).valueAtNanos(percentile) / 1e6;
    }
}
