package io.qmeter.eval.data;

import io.qmeter.eval.score.Gsm8kScorer;
import java.util.Objects;

/**
 * One GSM8K problem as in {@code grade_school_math/data/test.jsonl}.
 *
 * <pre>{@code
 * Gsm8kProblem p = problems.get(0);
 * String n = p.finalAnswer();   // the number after "#### "
 * }</pre>
 *
 * @param index    its 0-based position in the file
 * @param question the word problem
 * @param answer   the worked solution, ending in {@code #### <number>}
 */
public record Gsm8kProblem(int index, String question, String answer) {

    /** Checks that no field is null. */
    public Gsm8kProblem {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
    }

    /**
     * The final number of the worked solution, normalised as the scorer compares it.
     *
     * @return the final answer
     */
    public String finalAnswer() {
        return Gsm8kScorer.normalize(answer);
    }

    /**
     * An identifier for results, {@code gsm8k/<index>}.
     *
     * @return the id
     */
    public String id() {
        return "gsm8k/" + index;
    }
}
