package io.qmeter.eval.score;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The Porter stemmer in the two variants NLTK offers: {@link Mode#NLTK_EXTENSIONS}, NLTK's default
 * and therefore what Google's {@code rouge-score} uses ({@code porter.PorterStemmer()}), and
 * {@link Mode#ORIGINAL_ALGORITHM}, Porter's 1980 paper as published. Written from the algorithm's
 * description and NLTK's documented departures from it; checked word for word against NLTK in the
 * tests where NLTK is installed.
 *
 * <p>NLTK's extensions: a small table of irregular forms (skies → sky, dying → die...), words of
 * one or two letters left alone, {@code ies}/{@code ied} of four letters kept as {@code ie},
 * {@code y → i} only after a consonant that is not the first letter, {@code bli → ble} instead of
 * {@code abli → able}, {@code alli → al} applied repeatedly, {@code fulli → ful},
 * {@code logi → log}, and a two-letter vowel-consonant stem counting as "cvc".
 *
 * <pre>{@code
 * PorterStemmer.nltk().stem("generalizations")   // "gener"
 * PorterStemmer.original().stem("happy")          // "happi"
 * }</pre>
 */
public final class PorterStemmer {

    /** Which variant of the algorithm. */
    public enum Mode {
        /** NLTK's default, used by rouge-score. */
        NLTK_EXTENSIONS,
        /** The algorithm exactly as published in 1980. */
        ORIGINAL_ALGORITHM
    }

    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"),
            Map.entry("dying", "die"), Map.entry("lying", "lie"), Map.entry("tying", "tie"),
            Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"),
            Map.entry("outings", "outing"), Map.entry("outing", "outing"),
            Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"), Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"),
            Map.entry("succeed", "succeed"));

    private final Mode mode;

    private PorterStemmer(Mode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /**
     * NLTK's default variant (what rouge-score uses).
     *
     * @return the stemmer
     */
    public static PorterStemmer nltk() {
        return new PorterStemmer(Mode.NLTK_EXTENSIONS);
    }

    /**
     * The original 1980 algorithm.
     *
     * @return the stemmer
     */
    public static PorterStemmer original() {
        return new PorterStemmer(Mode.ORIGINAL_ALGORITHM);
    }

    /**
     * This stemmer's variant.
     *
     * @return the mode
     */
    public Mode mode() {
        return mode;
    }

    /**
     * Stems one word (lower-cased first).
     *
     * @param word the word
     * @return its stem
     */
    public String stem(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        boolean nltk = mode == Mode.NLTK_EXTENSIONS;
        if (nltk && IRREGULAR.containsKey(word)) {
            return IRREGULAR.get(w);
        }
        if (nltk && word.length() <= 2) {
            return w;
        }
        w = step1a(w);
        w = step1b(w);
        w = step1c(w);
        w = step2(w);
        w = step3(w);
        w = step4(w);
        w = step5a(w);
        w = step5b(w);
        return w;
    }

    // ---- letters and measure ----

    private static boolean isVowelLetter(char c) {
        return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
    }

    private static boolean consonant(String w, int i) {
        char c = w.charAt(i);
        if (isVowelLetter(c)) {
            return false;
        }
        if (c == 'y') {
            return i == 0 || !consonant(w, i - 1);
        }
        return true;
    }

    /** Porter's m: the number of vowel-consonant sequences. */
    static int measure(String stem) {
        int m = 0;
        for (int i = 1; i < stem.length(); i++) {
            if (!consonant(stem, i - 1) && consonant(stem, i)) {
                m++;
            }
        }
        return m;
    }

    private static boolean containsVowel(String stem) {
        for (int i = 0; i < stem.length(); i++) {
            if (!consonant(stem, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsDoubleConsonant(String w) {
        int n = w.length();
        return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && consonant(w, n - 1);
    }

    private boolean endsCvc(String w) {
        int n = w.length();
        if (n >= 3 && consonant(w, n - 3) && !consonant(w, n - 2) && consonant(w, n - 1)) {
            char last = w.charAt(n - 1);
            if (last != 'w' && last != 'x' && last != 'y') {
                return true;
            }
        }
        return mode == Mode.NLTK_EXTENSIONS && n == 2 && !consonant(w, 0) && consonant(w, 1);
    }

    private static boolean positive(String stem) {
        return measure(stem) > 0;
    }

    private static boolean gt1(String stem) {
        return measure(stem) > 1;
    }

    // ---- rule lists: the first rule whose suffix matches decides, whether its condition holds or not ----

    private record Rule(String suffix, String replacement, Predicate<String> condition) {
    }

    private static String applyFirst(String w, Rule... rules) {
        for (Rule r : rules) {
            if (w.endsWith(r.suffix)) {
                String stem = w.substring(0, w.length() - r.suffix.length());
                return r.condition == null || r.condition.test(stem) ? stem + r.replacement : w;
            }
        }
        return w;
    }

    private String step1a(String w) {
        if (mode == Mode.NLTK_EXTENSIONS && w.endsWith("ies") && w.length() == 4) {
            return w.substring(0, 1) + "ie";
        }
        return applyFirst(w, new Rule("sses", "ss", null), new Rule("ies", "i", null), new Rule("ss", "ss", null),
                new Rule("s", "", null));
    }

    private String step1b(String w) {
        if (mode == Mode.NLTK_EXTENSIONS && w.endsWith("ied")) {
            return w.length() == 4 ? w.substring(0, 1) + "ie" : w.substring(0, w.length() - 3) + "i";
        }
        if (w.endsWith("eed")) {
            String stem = w.substring(0, w.length() - 3);
            return measure(stem) > 0 ? stem + "ee" : w;
        }
        String s = null;
        if (w.endsWith("ed") && containsVowel(w.substring(0, w.length() - 2))) {
            s = w.substring(0, w.length() - 2);
        } else if (w.endsWith("ing") && containsVowel(w.substring(0, w.length() - 3))) {
            s = w.substring(0, w.length() - 3);
        }
        if (s == null) {
            return w;
        }
        if (s.endsWith("at") || s.endsWith("bl") || s.endsWith("iz")) {
            return s + "e";
        }
        if (endsDoubleConsonant(s)) {
            char last = s.charAt(s.length() - 1);
            return last != 'l' && last != 's' && last != 'z' ? s.substring(0, s.length() - 1) : s;
        }
        return measure(s) == 1 && endsCvc(s) ? s + "e" : s;
    }

    private String step1c(String w) {
        if (!w.endsWith("y")) {
            return w;
        }
        String stem = w.substring(0, w.length() - 1);
        boolean ok = mode == Mode.NLTK_EXTENSIONS
                ? stem.length() > 1 && consonant(stem, stem.length() - 1)
                : containsVowel(stem);
        return ok ? stem + "i" : w;
    }

    private String step2(String w) {
        boolean nltk = mode == Mode.NLTK_EXTENSIONS;
        if (nltk && w.endsWith("alli") && positive(w.substring(0, w.length() - 4))) {
            return step2(w.substring(0, w.length() - 4) + "al");
        }
        Predicate<String> p = PorterStemmer::positive;
        Rule bli = nltk ? new Rule("bli", "ble", p) : new Rule("abli", "able", p);
        Rule[] common = {
            new Rule("ational", "ate", p), new Rule("tional", "tion", p), new Rule("enci", "ence", p),
            new Rule("anci", "ance", p), new Rule("izer", "ize", p), bli, new Rule("alli", "al", p),
            new Rule("entli", "ent", p), new Rule("eli", "e", p), new Rule("ousli", "ous", p),
            new Rule("ization", "ize", p), new Rule("ation", "ate", p), new Rule("ator", "ate", p),
            new Rule("alism", "al", p), new Rule("iveness", "ive", p), new Rule("fulness", "ful", p),
            new Rule("ousness", "ous", p), new Rule("aliti", "al", p), new Rule("iviti", "ive", p),
            new Rule("biliti", "ble", p),
        };
        if (!nltk) {
            return applyFirst(w, common);
        }
        Rule[] all = java.util.Arrays.copyOf(common, common.length + 2);
        all[common.length] = new Rule("fulli", "ful", p);
        // NLTK tests the measure of the word minus its last three letters ("ogi"), not of the stem
        String minus3 = w.length() >= 3 ? w.substring(0, w.length() - 3) : "";
        all[common.length + 1] = new Rule("logi", "log", stem -> positive(minus3));
        return applyFirst(w, all);
    }

    private static String step3(String w) {
        Predicate<String> p = PorterStemmer::positive;
        return applyFirst(w, new Rule("icate", "ic", p), new Rule("ative", "", p), new Rule("alize", "al", p),
                new Rule("iciti", "ic", p), new Rule("ical", "ic", p), new Rule("ful", "", p),
                new Rule("ness", "", p));
    }

    private static String step4(String w) {
        Predicate<String> g = PorterStemmer::gt1;
        return applyFirst(w, new Rule("al", "", g), new Rule("ance", "", g), new Rule("ence", "", g),
                new Rule("er", "", g), new Rule("ic", "", g), new Rule("able", "", g), new Rule("ible", "", g),
                new Rule("ant", "", g), new Rule("ement", "", g), new Rule("ment", "", g), new Rule("ent", "", g),
                new Rule("ion", "", s -> gt1(s) && !s.isEmpty()
                        && (s.charAt(s.length() - 1) == 's' || s.charAt(s.length() - 1) == 't')),
                new Rule("ou", "", g), new Rule("ism", "", g), new Rule("ate", "", g), new Rule("iti", "", g),
                new Rule("ous", "", g), new Rule("ive", "", g), new Rule("ize", "", g));
    }

    private String step5a(String w) {
        if (w.endsWith("e")) {
            String stem = w.substring(0, w.length() - 1);
            int m = measure(stem);
            if (m > 1 || (m == 1 && !endsCvc(stem))) {
                return stem;
            }
        }
        return w;
    }

    private static String step5b(String w) {
        if (w.endsWith("ll") && measure(w.substring(0, w.length() - 1)) > 1) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }
}
