package io.qmeter.search;

/**
 * Why the search ran a probe.
 *
 * <pre>{@code
 * long repeats = result.probes().stream().filter(p -> p.purpose() == ProbePurpose.REPEAT).count();
 * }</pre>
 */
public enum ProbePurpose {
    /** A burst of all requests at once, to measure the maximum throughput and seed the search. */
    MAX_THROUGHPUT,
    /** Growing or shrinking the rate until one passes and one fails. */
    BRACKET,
    /** Bisecting between the highest passing and the lowest failing rate. */
    BISECT,
    /** A longer repeat of an undecided probe at the same rate; its samples are pooled. */
    REPEAT
}
