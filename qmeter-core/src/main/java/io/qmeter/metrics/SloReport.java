package io.qmeter.metrics;

import io.qmeter.internal.LatencyRecorder;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How a run did against an {@link Slo}: each clause with its observed value, the fraction of
 * measured requests that met every per-request threshold (attainment; failed requests count as
 * missing it), and goodput — successful measured requests per second that met every threshold at
 * once (DistServe), over the same span as the run's throughput.
 *
 * <pre>{@code
 * SloReport r = SloReport.of(slo, records, window);
 * if (!r.passed()) System.out.println(r.checks());
 * }</pre>
 *
 * @param checks               every clause, in the SLO's order
 * @param passed               whether every clause passed
 * @param measuredRequests     requests scheduled in the window
 * @param requestsMeetingSlo   successful measured requests meeting every threshold
 * @param attainment           {@code requestsMeetingSlo / measuredRequests} (NaN with none measured)
 * @param goodputPerSecond     {@code requestsMeetingSlo} ÷ the measured span in seconds
 */
public record SloReport(List<SloCheck> checks, boolean passed, long measuredRequests, long requestsMeetingSlo,
                        double attainment, double goodputPerSecond) {

    /** Copies the checks. */
    public SloReport {
        checks = List.copyOf(checks);
    }

    /**
     * Evaluates an SLO on a run's records.
     *
     * @param slo     the SLO
     * @param records every record, times relative to the run's start
     * @param window  which records are measured
     * @return the report
     */
    public static SloReport of(Slo slo, List<RequestRecord> records, MeasurementWindow window) {
        Map<SloMetric, LatencyRecorder> recorders = new EnumMap<>(SloMetric.class);
        for (SloMetric m : SloMetric.values()) {
            recorders.put(m, new LatencyRecorder());
        }
        long measured = 0;
        long meeting = 0;
        long failed = 0;
        for (RequestRecord r : records) {
            if (!window.contains(r)) {
                continue;
            }
            measured++;
            if (!r.isOk()) {
                failed++;
                continue;
            }
            for (SloMetric m : SloMetric.values()) {
                double v = m.valueNanos(r);
                if (v >= 0) {
                    recorders.get(m).record(v);
                }
            }
            if (slo.isMetBy(r)) {
                meeting++;
            }
        }
        final long failedMeasured = failed;
        List<SloCheck> checks = slo.thresholds().stream().map(t -> {
            double observed = observedMillis(recorders.get(t.metric()), failedMeasured, t.percentile().value());
            double threshold = t.threshold().toNanos() / 1e6;
            return new SloCheck(t.metric(), t.percentile().value(), threshold, observed,
                    !Double.isNaN(observed) && observed <= threshold);
        }).toList();
        boolean passed = checks.stream().allMatch(SloCheck::passed);
        double seconds = RunSummary.measuredSpanNanos(records, window) / 1e9;
        return new SloReport(checks, passed, measured, meeting,
                measured == 0 ? Double.NaN : (double) meeting / measured,
                seconds > 0 ? meeting / seconds : Double.NaN);
    }

    /**
     * The p-th percentile (nearest rank) over the successful values and the failed requests, a
     * failed request counting as +infinity (as the search's {@code SloJudge} counts it): when more
     * than (100 − p) % of the requests failed, the clause cannot pass.
     */
    private static double observedMillis(LatencyRecorder ok, long failed, double percentile) {
        long okCount = ok.count();
        long total = okCount + failed;
        if (total == 0 || okCount == 0) {
            return failed > 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
        if (rank > okCount) {
            return Double.POSITIVE_INFINITY;
        }
        return ok.valueAtNanos(100.0 * rank / okCount) / 1e6;
    }
}
