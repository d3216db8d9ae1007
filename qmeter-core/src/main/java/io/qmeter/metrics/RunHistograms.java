package io.qmeter.metrics;

import io.qmeter.internal.LatencyRecorder;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The latency distributions of a run as mergeable histograms, one per {@link LatencyMetric}, over
 * the same requests as {@link RunSummary} and {@link ClientCheck} use: TTFT, TPOT, ITL, E2E and the
 * server timings over successful measured requests, queue delay over measured requests that were
 * sent, schedule lag over measured requests that were dispatched. Each
 * {@link LatencyDistribution#stats()} equals the matching field of the run's summary (or check).
 * Every metric is a sum over requests, so the histograms of disjoint sets of records add up
 * ({@link #plus}) to the histograms of their union: what several load processes that shared one
 * schedule recorded merges into what one process recording every request would hold.
 *
 * <pre>{@code
 * RunHistograms h = RunHistograms.of(result.records(), result.window());
 * Histogram ttft = h.get(LatencyMetric.TTFT).histogram();   // e.g. for a HistogramLogWriter
 * }</pre>
 */
public final class RunHistograms {

    private static final RunHistograms EMPTY = new RunHistograms(new EnumMap<>(LatencyMetric.class));

    private final Map<LatencyMetric, LatencyDistribution> byMetric;

    private RunHistograms(EnumMap<LatencyMetric, LatencyDistribution> byMetric) {
        for (LatencyMetric m : LatencyMetric.values()) {
            byMetric.putIfAbsent(m, LatencyDistribution.empty());
        }
        this.byMetric = Collections.unmodifiableMap(byMetric);
    }

    /**
     * No values for any metric.
     *
     * @return the empty histograms
     */
    public static RunHistograms empty() {
        return EMPTY;
    }

    /**
     * Histograms from distributions read back (a metric not given is empty).
     *
     * @param byMetric the distributions
     * @return the histograms
     */
    public static RunHistograms of(Map<LatencyMetric, LatencyDistribution> byMetric) {
        EnumMap<LatencyMetric, LatencyDistribution> m = new EnumMap<>(LatencyMetric.class);
        byMetric.forEach((k, v) -> m.put(Objects.requireNonNull(k, "metric"), Objects.requireNonNull(v, "distribution")));
        return new RunHistograms(m);
    }

    /**
     * The histograms of a run's records (times relative to the run's start).
     *
     * @param records the records (any subset of a run's records: the histograms of a partition add up)
     * @param window  which records are measured
     * @return the histograms
     */
    public static RunHistograms of(List<RequestRecord> records, MeasurementWindow window) {
        EnumMap<LatencyMetric, LatencyRecorder> rec = new EnumMap<>(LatencyMetric.class);
        for (LatencyMetric m : LatencyMetric.values()) {
            rec.put(m, new LatencyRecorder());
        }
        for (RequestRecord r : records) {
            // the same selection as RunSummary.of and ClientCheck.of (RunHistogramsTest holds them together)
            if (!window.contains(r)) {
                continue;
            }
            if (r.dispatchNanos() >= 0) {
                rec.get(LatencyMetric.SCHEDULE_LAG).record(r.scheduleLagNanos());
            }
            if (r.sentNanos() >= 0) {
                rec.get(LatencyMetric.QUEUE_DELAY).record(r.queueDelayNanos());
            }
            if (!r.isOk()) {
                continue;
            }
            long prompt = r.serverTimings() == null ? -1 : r.serverTimings().promptNanos();
            if (prompt >= 0 && r.firstTokenNanos() >= 0) {
                rec.get(LatencyMetric.SERVER_PROMPT_TIME).record(prompt);
                rec.get(LatencyMetric.CLIENT_SHARE_OF_TTFT).record(Math.max(0, r.clientShareOfTtftNanos()));
            }
            if (r.firstTokenNanos() >= 0) {
                rec.get(LatencyMetric.TTFT).record(r.ttftNanos());
                if (r.sentNanos() >= 0) {
                    rec.get(LatencyMetric.SERVICE_TTFT).record(r.serviceTtftNanos());
                }
            }
            if (r.lastTokenNanos() >= 0) {
                rec.get(LatencyMetric.E2E).record(r.e2eNanos());
            }
            double t = r.tpotNanos();
            if (t >= 0) {
                rec.get(LatencyMetric.TPOT).record(t);
            }
            RunSummary.recordItl(r, rec.get(LatencyMetric.ITL));
        }
        EnumMap<LatencyMetric, LatencyDistribution> out = new EnumMap<>(LatencyMetric.class);
        rec.forEach((m, r) -> out.put(m, LatencyDistribution.of(r)));
        return new RunHistograms(out);
    }

    /**
     * One metric's distribution.
     *
     * @param metric the metric
     * @return the distribution (empty when nothing was recorded)
     */
    public LatencyDistribution get(LatencyMetric metric) {
        return byMetric.get(Objects.requireNonNull(metric, "metric"));
    }

    /**
     * Every metric's distribution.
     *
     * @return an unmodifiable map with every metric
     */
    public Map<LatencyMetric, LatencyDistribution> asMap() {
        return byMetric;
    }

    /**
     * The histograms of both record sets together (per metric, {@link LatencyDistribution#plus}).
     *
     * @param other the other histograms
     * @return the union
     */
    public RunHistograms plus(RunHistograms other) {
        EnumMap<LatencyMetric, LatencyDistribution> m = new EnumMap<>(LatencyMetric.class);
        for (LatencyMetric k : LatencyMetric.values()) {
            m.put(k, get(k).plus(other.get(k)));
        }
        return new RunHistograms(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunHistograms h && byMetric.equals(h.byMetric);
    }

    @Override
    public int hashCode() {
        return byMetric.hashCode();
    }

    @Override
    public String toString() {
        return "RunHistograms" + byMetric;
    }
}
