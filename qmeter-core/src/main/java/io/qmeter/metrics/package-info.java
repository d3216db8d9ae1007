/**
 * Metrics: per-request {@link io.qmeter.metrics.RequestRecord}s and what is computed from them —
 * the run summary ({@link io.qmeter.metrics.RunSummary}: TTFT, service TTFT, TPOT, ITL, E2E, queue
 * delay, throughput, outcome counts), SLOs ({@link io.qmeter.metrics.Slo} and
 * {@link io.qmeter.metrics.SloReport}: per-threshold pass/fail, attainment, goodput) and the
 * client's self-check ({@link io.qmeter.metrics.ClientCheck}: schedule lag, achieved rate).
 * Definitions are normative and written out in {@code docs/metrics.md}.
 */
package io.qmeter.metrics;
