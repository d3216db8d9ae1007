package io.qmeter.metrics;

/**
 * The outcome of one SLO clause on a run.
 *
 * <pre>{@code
 * for (SloCheck c : report.checks()) System.out.println(c.metric() + " " + c.observedMillis() + " " + c.passed());
 * }</pre>
 *
 * @param metric          the metric
 * @param percentile      the percentile, for example 90
 * @param thresholdMillis the threshold
 * @param observedMillis  the observed value at that percentile over successful measured requests
 *                        (NaN when there were none)
 * @param passed          whether observed ≤ threshold (false when nothing was observed)
 */
public record SloCheck(SloMetric metric, double percentile, double thresholdMillis, double observedMillis,
                       boolean passed) {
}
