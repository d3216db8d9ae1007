package io.qmeter.search;

/**
 * The verdict on one probe.
 *
 * <pre>{@code
 * if (judgement.decision() == Decision.UNDECIDED) { probeAgainLonger(); }
 * }</pre>
 */
public enum Decision {
    /** The SLO is met (with the requested confidence). */
    PASS,
    /** The SLO is missed (with the requested confidence), or the run was invalid. */
    FAIL,
    /** Too close to the threshold to call: the confidence interval straddles it. */
    UNDECIDED
}
