/**
 * Saturation search: the highest request rate whose run meets an SLO, found by bracketing and
 * bisection over short probes.
 *
 * <p>The search talks to the system under test only through {@link io.qmeter.search.Probe}, so it
 * runs the same against a real load run, a virtual-time simulator or a synthetic function in a
 * test. The verdict on each probe comes from an {@link io.qmeter.search.SloPredicate}; the
 * built-in {@link io.qmeter.search.SloJudge} judges the percentiles of an
 * {@link io.qmeter.metrics.Slo} (the SLO a load run reports against) with distribution-free confidence
 * intervals from order statistics and answers {@code UNDECIDED} rather than guessing.
 *
 * <p>Against one running server, start from {@link io.qmeter.QMeter#saturation} (a
 * {@link io.qmeter.search.Saturation} over real load runs, {@link io.qmeter.search.LoadProbe}) and
 * {@link io.qmeter.QMeter#rateSweep} (a {@link io.qmeter.search.RateSweep} of rates or fractions of
 * the saturation point); both keep the load builder's arrival process family.
 *
 * <pre>{@code
 * SearchResult r = SaturationSearch.builder()
 *         .slo(Slo.builder().ttft(p90, Duration.ofSeconds(1)).tpot(p90, Duration.ofMillis(200)).build())
 *         .initialRate(4.0)
 *         .build()
 *         .run(probe);
 * System.out.println(r.saturationRate() + " req/s, stopped: " + r.stopReason());
 * }</pre>
 */
package io.qmeter.search;
