/**
 * Saturation search: the highest request rate whose run meets an SLO, found by bracketing and
 * bisection over short probes.
 *
 * <p>The search talks to the system under test only through {@link io.qmeter.search.Probe}, so it
 * runs the same against a real load run, a virtual-time simulator or a synthetic function in a
 * test. The verdict on each probe comes from an {@link io.qmeter.search.SloPredicate}; the
 * built-in {@link io.qmeter.search.Slo} judges percentiles with distribution-free confidence
 * intervals from order statistics and answers {@code UNDECIDED} rather than guessing.
 *
 * <pre>{@code
 * SearchResult r = SaturationSearch.builder()
 *         .slo(Slo.builder().p90Ttft(Duration.ofSeconds(1)).p90Tpot(Duration.ofMillis(200)).build())
 *         .initialRate(4.0)
 *         .build()
 *         .run(probe);
 * System.out.println(r.saturationRate() + " req/s, stopped: " + r.stopReason());
 * }</pre>
 */
package io.qmeter.search;
