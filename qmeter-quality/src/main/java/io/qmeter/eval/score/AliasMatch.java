package io.qmeter.eval.score;

import java.util.Collection;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Exact match against any of an answer's aliases, after the SQuAD normalisation that TriviaQA
 * evaluation uses: lower-case, remove ASCII punctuation, remove the articles a, an, the, and
 * collapse white space.
 *
 * <pre>{@code
 * AliasMatch.normalize("The  Beatles!")                        // "beatles"
 * AliasMatch.matches("the beatles.", List.of("Beatles", "The Fab Four"))   // true
 * }</pre>
 */
public final class AliasMatch {

    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern SPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    private AliasMatch() {
    }

    /**
     * The SQuAD normalisation: lower-case, drop punctuation, drop articles, collapse white space.
     *
     * @param s the text
     * @return the normalised text
     */
    public static String normalize(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                b.append(c);
            }
        }
        String noArticles = ARTICLES.matcher(b).replaceAll(" ");
        return String.join(" ", SPACE.split(noArticles.strip())).strip();
    }

    /**
     * Whether the prediction equals any alias after normalisation.
     *
     * @param prediction the model's answer
     * @param aliases    the accepted answers
     * @return true when one matches
     */
    public static boolean matches(String prediction, Collection<String> aliases) {
        String p = normalize(prediction);
        for (String a : aliases) {
            if (normalize(a).equals(p)) {
                return true;
            }
        }
        return false;
    }
}
