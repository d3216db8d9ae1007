package io.qmeter.eval.data;

import java.util.List;
import java.util.Objects;

/**
 * One multiple-choice item in the shape lm-eval's {@code multiple_choice} output type scores: for
 * each choice {@code i} one log-likelihood request {@code (context(i), continuation(i))}, and the
 * choice strings ({@code doc_to_choice}) whose lengths {@code acc_norm} divides by. Most tasks have
 * one context and one continuation per choice ({@code " " + choice}); Winogrande has one context per
 * choice and one shared continuation. {@code question} and {@code options} are what the
 * generate-and-match fallback shows the model.
 *
 * <pre>{@code
 * MultipleChoiceItem it = MultipleChoiceItem.ofChoices("arc/1", "", "Question: 2+2?\nAnswer:",
 *         List.of("3", "4"), 1, "2+2?");
 * }</pre>
 *
 * @param id            the item's id in its file
 * @param description   text put before everything (MMLU's per-subject sentence); empty for none
 * @param contexts      one context, or one per choice
 * @param continuations one continuation per choice, or one shared
 * @param choices       the choice strings, {@code doc_to_choice}, at least two
 * @param gold          the index of the right choice
 * @param question      the question as the generative fallback asks it
 * @param options       the options as the generative fallback lists them, one per choice
 */
public record MultipleChoiceItem(String id, String description, List<String> contexts, List<String> continuations,
                                 List<String> choices, int gold, String question, List<String> options) {

    /** Validates and copies. */
    public MultipleChoiceItem {
        Objects.requireNonNull(id, "id");
        description = description == null ? "" : description;
        contexts = List.copyOf(contexts);
        continuations = List.copyOf(continuations);
        choices = List.copyOf(choices);
        options = List.copyOf(options);
        Objects.requireNonNull(question, "question");
        int n = choices.size();
        if (n < 2) {
            throw new IllegalArgumentException("item " + id + " has " + n + " choice(s); multiple choice needs at least 2");
        }
        if (contexts.size() != 1 && contexts.size() != n) {
            throw new IllegalArgumentException("item " + id + ": " + contexts.size() + " contexts for " + n
                    + " choices; give one, or one per choice");
        }
        if (continuations.size() != 1 && continuations.size() != n) {
            throw new IllegalArgumentException("item " + id + ": " + continuations.size() + " continuations for " + n
                    + " choices; give one, or one per choice");
        }
        if (options.size() != n) {
            throw new IllegalArgumentException("item " + id + ": " + options.size() + " options for " + n + " choices");
        }
        if (gold < 0 || gold >= n) {
            throw new IllegalArgumentException("item " + id + ": gold " + gold + " is not a choice index 0.." + (n - 1));
        }
    }

    /**
     * The common shape: one context, continuation {@code " " + choice} per choice.
     *
     * @param id          the id
     * @param description text before everything, or empty
     * @param context     the context ({@code doc_to_text})
     * @param choices     the choices
     * @param gold        the right choice's index
     * @param question    the question for the generative fallback
     * @return the item
     */
    public static MultipleChoiceItem ofChoices(String id, String description, String context, List<String> choices,
                                               int gold, String question) {
        return new MultipleChoiceItem(id, description, List.of(context),
                choices.stream().map(c -> " " + c).toList(), choices, gold, question, choices);
    }

    /**
     * How many choices.
     *
     * @return the count
     */
    public int size() {
        return choices.size();
    }

    /**
     * Choice {@code i}'s context.
     *
     * @param i the choice
     * @return its context
     */
    public String context(int i) {
        return contexts.get(contexts.size() == 1 ? 0 : i);
    }

    /**
     * Choice {@code i}'s continuation.
     *
     * @param i the choice
     * @return its continuation
     */
    public String continuation(int i) {
        return continuations.get(continuations.size() == 1 ? 0 : i);
    }
}
