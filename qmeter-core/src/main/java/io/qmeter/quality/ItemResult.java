package io.qmeter.quality;

import java.util.Map;
import java.util.Objects;

/**
 * One scored item of a quality benchmark: what was asked, what came back and the verdict. Kept in
 * every {@link QualityScore} so a score can be audited item by item.
 *
 * <pre>{@code
 * ItemResult r = new ItemResult("gsm8k/17", "Question: ...\nAnswer:", "... #### 18", 1.0,
 *         "correct: 18 = 18", Map.of("exact_match,flexible-extract", 1.0), null);
 * }</pre>
 *
 * @param id       the item's identifier in its dataset (e.g. {@code HumanEval/0})
 * @param request  the request as sent (the prompt; for several samples, the shared prompt)
 * @param response the response text (for several samples, the first one), or {@code null} when none came
 * @param score    the item's score on the benchmark's primary metric, 0 to 1
 * @param verdict  a short human-readable verdict ("passed", "failed: AssertionError", "timed out after 3 s")
 * @param metrics  the item's scores on secondary metrics, 0 to 1, by metric name
 * @param error    why the item could not be scored (request failed, sandbox error), or {@code null}
 */
public record ItemResult(String id, String request, String response, double score, String verdict,
                         Map<String, Double> metrics, String error) {

    /** Validates and copies. */
    public ItemResult {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(verdict, "verdict");
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("score must be in [0, 1], was " + score + " for item " + id);
        }
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }

    /**
     * Whether the item scored full marks on the primary metric.
     *
     * @return true when {@code score == 1}
     */
    public boolean correct() {
        return score == 1.0;
    }
}
