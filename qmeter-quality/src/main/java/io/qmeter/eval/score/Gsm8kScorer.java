package io.qmeter.eval.score;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GSM8K exact match exactly as lm-evaluation-harness's {@code gsm8k} task (version 3) scores it.
 *
 * <p>Extraction (the task's filters): <b>strict-match</b> takes the first match of
 * {@code #### (\-?[0-9\.\,]+)}; <b>flexible-extract</b> takes the last match of
 * {@code (-?[$0-9.,]{2,})|(-?[0-9]+)} (its first non-empty group). Either is stripped of surrounding
 * white space; with no match the answer is {@link #INVALID}. Comparison (the task's
 * {@code exact_match} options): in both the extracted answer and the full reference answer, remove
 * every {@code ,}, every {@code $}, everything up to and including the last {@code "#### "}, and one
 * trailing period; then compare ignoring case.
 *
 * <pre>{@code
 * Gsm8kScorer.extractStrict("so she has 1,000 left.\n#### 1,000")       // "1,000"
 * Gsm8kScorer.extractFlexible("The answer is $-5.")                      // "-5."
 * Gsm8kScorer.strictMatch("... #### 1,000", "... #### 1000")            // true
 * }</pre>
 */
public final class Gsm8kScorer {

    /** What an answer with nothing to extract becomes (lm-eval's fallback). */
    public static final String INVALID = "[invalid]";

    /** The strict-match filter's pattern. */
    public static final Pattern STRICT = Pattern.compile("#### (\\-?[0-9\\.\\,]+)");

    /** The flexible-extract filter's pattern. */
    public static final Pattern FLEXIBLE = Pattern.compile("(-?[$0-9.,]{2,})|(-?[0-9]+)");

    private static final Pattern COMMA = Pattern.compile(",");
    private static final Pattern DOLLAR = Pattern.compile("\\$");
    private static final Pattern UP_TO_ANSWER = Pattern.compile("(?s).*#### ");
    // Python's "$" matches at the end or before a final "\n"; UNIX_LINES makes Java's do the same
    private static final Pattern TRAILING_PERIOD = Pattern.compile("\\.$", Pattern.UNIX_LINES);

    private Gsm8kScorer() {
    }

    /**
     * The strict-match extraction: the first {@code #### <number>}.
     *
     * @param response the model's response
     * @return the number as written, or {@link #INVALID}
     */
    public static String extractStrict(String response) {
        Matcher m = STRICT.matcher(Objects.requireNonNull(response, "response"));
        return m.find() ? m.group(1).strip() : INVALID;
    }

    /**
     * The flexible-extract extraction: the last number-like run in the text.
     *
     * @param response the model's response
     * @return the number as written (may keep {@code $}, commas, a trailing period), or {@link #INVALID}
     */
    public static String extractFlexible(String response) {
        Matcher m = FLEXIBLE.matcher(Objects.requireNonNull(response, "response"));
        String last = null;
        while (m.find()) {
            last = m.group(1) != null && !m.group(1).isEmpty() ? m.group(1) : m.group(2);
        }
        return last == null ? INVALID : last.strip();
    }

    /**
     * The normalisation applied to both sides before comparing: remove commas, dollar signs,
     * everything up to the last {@code "#### "} and one trailing period, then lower-case.
     *
     * @param s an extracted answer or a reference answer
     * @return the normalised text
     */
    public static String normalize(String s) {
        String t = COMMA.matcher(s).replaceAll("");
        t = DOLLAR.matcher(t).replaceAll("");
        t = UP_TO_ANSWER.matcher(t).replaceAll("");
        t = TRAILING_PERIOD.matcher(t).replaceAll("");
        return t.toLowerCase(Locale.ROOT);
    }

    /**
     * Whether an extracted answer equals the reference after {@link #normalize(String)}.
     *
     * @param extracted the extracted answer
     * @param reference the dataset's answer (the full solution ending in {@code #### n}, or just n)
     * @return true on an exact match
     */
    public static boolean exactMatch(String extracted, String reference) {
        return normalize(extracted).equals(normalize(reference));
    }

    /**
     * Strict-match scoring of a response.
     *
     * @param response  the model's response
     * @param reference the dataset's answer
     * @return true when correct
     */
    public static boolean strictMatch(String response, String reference) {
        return exactMatch(extractStrict(response), reference);
    }

    /**
     * Flexible-extract scoring of a response.
     *
     * @param response  the model's response
     * @param reference the dataset's answer
     * @return true when correct
     */
    public static boolean flexibleMatch(String response, String reference) {
        return exactMatch(extractFlexible(response), reference);
    }
}
