package io.qmeter.search;

import java.util.Objects;

/**
 * An SLO predicate's answer on one probe: the decision, the decision the point estimate leans to
 * (used when repeats are spent and the search must still choose), a margin and the reason.
 *
 * <pre>{@code
 * Judgement j = slo.judge(result);
 * System.out.println(j.decision() + ": " + j.reason());
 * }</pre>
 *
 * @param decision PASS, FAIL or UNDECIDED
 * @param leaning  PASS or FAIL: what the point estimate says (equals {@code decision} when decided)
 * @param margin   how far the worst metric is from its threshold, as ln(estimate / threshold):
 *                 negative passes, positive fails; NaN when the predicate has no such figure
 * @param reason   a human-readable explanation naming metrics, estimates and thresholds
 */
public record Judgement(Decision decision, Decision leaning, double margin, String reason) {

    /** Validates the judgement. */
    public Judgement {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(leaning, "leaning");
        Objects.requireNonNull(reason, "reason");
        if (leaning == Decision.UNDECIDED) {
            throw new IllegalArgumentException("leaning must be PASS or FAIL, was UNDECIDED");
        }
        if (decision != Decision.UNDECIDED && decision != leaning) {
            throw new IllegalArgumentException("a decided judgement leans its own way: decision " + decision
                    + ", leaning " + leaning);
        }
    }

    /**
     * A passing judgement.
     *
     * @param reason why
     * @return the judgement
     */
    public static Judgement pass(String reason) {
        return new Judgement(Decision.PASS, Decision.PASS, Double.NaN, reason);
    }

    /**
     * A failing judgement.
     *
     * @param reason why
     * @return the judgement
     */
    public static Judgement fail(String reason) {
        return new Judgement(Decision.FAIL, Decision.FAIL, Double.NaN, reason);
    }

    /**
     * Whether the predicate reached a decision.
     *
     * @return false for UNDECIDED
     */
    public boolean isDecided() {
        return decision != Decision.UNDECIDED;
    }
}
