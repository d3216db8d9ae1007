package io.qmeter.eval.data;

import java.util.Objects;

/**
 * One BIG-Bench Hard item: the task input and its target answer.
 *
 * <pre>{@code
 * BbhItem it = new BbhItem("boolean_expressions/0", "not ( True ) and ( True ) is", "False");
 * }</pre>
 *
 * @param id     the item's id (file name and index)
 * @param input  the input, as lm-eval's {@code bbh} tasks put it after {@code "Q: "}
 * @param target the expected answer
 */
public record BbhItem(String id, String input, String target) {

    /** Checks. */
    public BbhItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(target, "target");
    }

    /**
     * The zero-shot prompt of lm-eval's {@code bbh_zeroshot} tasks.
     *
     * @return {@code "Q: " + input + "\nA:"}
     */
    public String prompt() {
        return "Q: " + input + "\nA:";
    }
}
