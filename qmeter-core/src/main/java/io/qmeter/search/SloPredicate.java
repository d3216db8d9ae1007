package io.qmeter.search;

/**
 * Judges one probe against a service-level objective. Implement it to search with your own SLO
 * (a goodput fraction, an error budget, energy per token…); {@link SloJudge} is the built-in
 * percentile-based one.
 *
 * <pre>{@code
 * SloPredicate noErrors = r -> r.samples(SloMetric.TTFT.key()).length > 0
 *         && java.util.Arrays.stream(r.samples(SloMetric.TTFT.key())).allMatch(Double::isFinite)
 *         ? Judgement.pass("no failed request") : Judgement.fail("a request failed");
 * }</pre>
 */
@FunctionalInterface
public interface SloPredicate {

    /**
     * Judges one probe result.
     *
     * @param result what the probe measured (possibly pooled over repeats at the same rate)
     * @return the judgement; UNDECIDED asks the search for a longer probe
     */
    Judgement judge(ProbeResult result);

    /**
     * How many requests a probe needs to judge well. The search uses this for the first probe at
     * each rate; repeats are longer.
     *
     * @return a request count, at least 1
     */
    default int recommendedRequestCount() {
        return 200;
    }
}
