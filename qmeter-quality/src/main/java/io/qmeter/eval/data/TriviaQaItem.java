package io.qmeter.eval.data;

import java.util.List;
import java.util.Objects;

/**
 * One TriviaQA question with every accepted answer.
 *
 * <pre>{@code
 * TriviaQaItem q = TriviaQaLoader.load(Path.of("triviaqa-validation.jsonl")).get(0);
 * boolean ok = AliasMatch.matches("Paris", q.aliases());
 * }</pre>
 *
 * @param id       the {@code question_id}, or {@code <file name>/<index>} when absent
 * @param question the question
 * @param aliases  the accepted answers (the answer's value and its aliases), never empty
 */
public record TriviaQaItem(String id, String question, List<String> aliases) {

    /** Checks and copies. */
    public TriviaQaItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        aliases = List.copyOf(aliases);
        if (aliases.isEmpty()) {
            throw new IllegalArgumentException("a TriviaQA item needs at least one accepted answer: " + id);
        }
    }
}
