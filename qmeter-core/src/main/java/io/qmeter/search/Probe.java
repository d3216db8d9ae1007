package io.qmeter.search;

/**
 * One short load run at a given rate, as the search sees it: rate, request count and seed in,
 * per-request latency samples (or a verdict) and a summary out.
 *
 * <p>Implement it over a real load run, a virtual-time simulator or, in tests, a synthetic
 * latency function. A probe that cannot measure should throw; the search records the exception as
 * the cause and stops rather than guessing.
 *
 * <pre>{@code
 * Probe probe = request -> {
 *     RunResult run = runLoad(request.ratePerSecond(), request.requestCount(), request.seed());
 *     return ProbeResult.ofSamples(Map.of(SloMetric.TTFT.key(), ttftNanos(run), SloMetric.TPOT.key(), tpotNanos(run)))
 *             .withValidity(run.valid(), run.invalidReason())
 *             .withSummary(run);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Probe {

    /**
     * Runs one probe.
     *
     * @param request rate, number of requests and seed
     * @return what was measured
     * @throws Exception when the probe could not measure (engine down, client error); the search
     *                   stops with {@link StopReason#PROBE_ERROR}
     */
    ProbeResult run(ProbeRequest request) throws Exception;
}
