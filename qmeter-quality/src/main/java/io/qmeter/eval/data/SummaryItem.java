package io.qmeter.eval.data;

import java.util.Objects;

/**
 * One item of a summarisation or reading-comprehension file in the NewsQA / CNN-DailyMail style: a
 * document, an optional question, and the reference text the answer is compared with.
 *
 * <pre>{@code
 * SummaryItem i = SummaryLoader.load(Path.of("newsqa.jsonl")).get(0);
 * String ref = i.reference();
 * }</pre>
 *
 * @param id        the item's {@code id} field, or {@code <file name>/<index>} when it has none
 * @param document  the story or article
 * @param question  the question asked about it, or {@code null} for plain summarisation
 * @param reference the reference answer or summary
 */
public record SummaryItem(String id, String document, String question, String reference) {

    /** Checks the required fields. */
    public SummaryItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(reference, "reference");
    }
}
