package io.qmeter.eval.score;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum computed as Google's {@code rouge-score} package
 * ({@code rouge_scorer.RougeScorer}) computes them, so the numbers can be compared with papers that
 * used it.
 *
 * <ul>
 *   <li>Tokens: lower-case; every run of characters other than {@code a-z0-9} becomes a space;
 *       split on white space; with the stemmer, tokens longer than 3 characters are stemmed by
 *       NLTK's default Porter stemmer; empty tokens are dropped.</li>
 *   <li>ROUGE-N: clipped n-gram overlap; precision = overlap / max(prediction n-grams, 1), recall =
 *       overlap / max(target n-grams, 1).</li>
 *   <li>ROUGE-L: longest common subsequence over the whole texts; 0 when either has no tokens.</li>
 *   <li>ROUGE-Lsum: texts split into sentences on {@code "\n"} (empty lines dropped); for each
 *       target sentence the union of its LCS with every prediction sentence (each LCS read back as
 *       rouge-score's backtracking reads it), hits counted without using a token more often than it
 *       occurs on either side.</li>
 *   <li>F-measure = 2PR / (P + R), 0 when P + R = 0.</li>
 * </ul>
 *
 * <pre>{@code
 * Rouge.Scores s = Rouge.withStemmer().score("The cat sat on the mat.", "A cat was sitting on a mat");
 * double f1 = s.rouge1().fmeasure() * 100;
 * }</pre>
 */
public final class Rouge {

    private static final Pattern NON_ALNUM = Pattern.compile("[^a-z0-9]+");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern VALID = Pattern.compile("^[a-z0-9]+$");

    private final PorterStemmer stemmer;

    private Rouge(PorterStemmer stemmer) {
        this.stemmer = stemmer;
    }

    /**
     * ROUGE without stemming ({@code use_stemmer=False}).
     *
     * @return the scorer
     */
    public static Rouge withoutStemmer() {
        return new Rouge(null);
    }

    /**
     * ROUGE with NLTK's default Porter stemmer ({@code use_stemmer=True}).
     *
     * @return the scorer
     */
    public static Rouge withStemmer() {
        return new Rouge(PorterStemmer.nltk());
    }

    /**
     * One ROUGE measure, each part from 0 to 1.
     *
     * @param precision the precision
     * @param recall    the recall
     * @param fmeasure  the F1 measure
     */
    public record Score(double precision, double recall, double fmeasure) {

        static Score of(double p, double r) {
            return new Score(p, r, p + r > 0 ? 2 * p * r / (p + r) : 0.0);
        }
    }

    /**
     * The four measures of one (target, prediction) pair.
     *
     * @param rouge1    unigram overlap
     * @param rouge2    bigram overlap
     * @param rougeL    sentence-level LCS over the whole text
     * @param rougeLsum summary-level union LCS over newline-separated sentences
     */
    public record Scores(Score rouge1, Score rouge2, Score rougeL, Score rougeLsum) {
    }

    /**
     * rouge-score's tokenizer.
     *
     * @param text the text
     * @return its tokens
     */
    public List<String> tokenize(String text) {
        String t = NON_ALNUM.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
        List<String> out = new ArrayList<>();
        for (String tok : SPACES.split(t)) {
            String s = stemmer != null && tok.length() > 3 ? stemmer.stem(tok) : tok;
            if (VALID.matcher(s).matches()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Scores a prediction against a target (argument order as rouge-score's {@code score}).
     *
     * @param target     the reference text
     * @param prediction the generated text
     * @return the four measures
     */
    public Scores score(String target, String prediction) {
        List<String> t = tokenize(target);
        List<String> p = tokenize(prediction);
        return new Scores(ngrams(t, p, 1), ngrams(t, p, 2), lcs(t, p),
                summaryLcs(sentences(target), sentences(prediction)));
    }

    private List<List<String>> sentences(String text) {
        List<List<String>> out = new ArrayList<>();
        for (String s : text.split("\n", -1)) {
            if (!s.isEmpty()) {
                out.add(tokenize(s));
            }
        }
        return out;
    }

    static Score ngrams(List<String> target, List<String> prediction, int n) {
        Map<List<String>, Integer> tc = count(target, n);
        Map<List<String>, Integer> pc = count(prediction, n);
        int overlap = 0;
        for (Map.Entry<List<String>, Integer> e : tc.entrySet()) {
            overlap += Math.min(e.getValue(), pc.getOrDefault(e.getKey(), 0));
        }
        int tn = Math.max(target.size() - n + 1, 0);
        int pn = Math.max(prediction.size() - n + 1, 0);
        return Score.of((double) overlap / Math.max(pn, 1), (double) overlap / Math.max(tn, 1));
    }

    private static Map<List<String>, Integer> count(List<String> tokens, int n) {
        Map<List<String>, Integer> m = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            m.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
        }
        return m;
    }

    private static int[][] table(List<String> ref, List<String> can) {
        int[][] t = new int[ref.size() + 1][can.size() + 1];
        for (int i = 1; i <= ref.size(); i++) {
            for (int j = 1; j <= can.size(); j++) {
                t[i][j] = ref.get(i - 1).equals(can.get(j - 1)) ? t[i - 1][j - 1] + 1
                        : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        return t;
    }

    static Score lcs(List<String> target, List<String> prediction) {
        if (target.isEmpty() || prediction.isEmpty()) {
            return new Score(0, 0, 0);
        }
        int l = table(target, prediction)[target.size()][prediction.size()];
        return Score.of((double) l / prediction.size(), (double) l / target.size());
    }

    /** Indices into {@code ref} of one LCS, read back the way rouge-score's backtracking does. */
    static List<Integer> lcsIndices(List<String> ref, List<String> can) {
        int[][] t = table(ref, can);
        int i = ref.size();
        int j = can.size();
        List<Integer> out = new ArrayList<>();
        while (i > 0 && j > 0) {
            if (ref.get(i - 1).equals(can.get(j - 1))) {
                out.add(0, i - 1);
                i--;
                j--;
            } else if (t[i][j - 1] > t[i - 1][j]) {
                j--;
            } else {
                i--;
            }
        }
        return out;
    }

    static Score summaryLcs(List<List<String>> refSents, List<List<String>> canSents) {
        if (refSents.isEmpty() || canSents.isEmpty()) {
            return new Score(0, 0, 0);
        }
        int m = refSents.stream().mapToInt(List::size).sum();
        int n = canSents.stream().mapToInt(List::size).sum();
        if (m == 0 || n == 0) {
            return new Score(0, 0, 0);
        }
        Map<String, Integer> refCounts = new HashMap<>();
        Map<String, Integer> canCounts = new HashMap<>();
        refSents.forEach(s -> s.forEach(tok -> refCounts.merge(tok, 1, Integer::sum)));
        canSents.forEach(s -> s.forEach(tok -> canCounts.merge(tok, 1, Integer::sum)));
        int hits = 0;
        for (List<String> r : refSents) {
            TreeSet<Integer> union = new TreeSet<>();
            for (List<String> c : canSents) {
                union.addAll(lcsIndices(r, c));
            }
            for (int idx : union) {
                String tok = r.get(idx);
                if (canCounts.getOrDefault(tok, 0) > 0 && refCounts.getOrDefault(tok, 0) > 0) {
                    hits++;
                    canCounts.merge(tok, -1, Integer::sum);
                    refCounts.merge(tok, -1, Integer::sum);
                }
            }
        }
        return Score.of((double) hits / n, (double) hits / m);
    }
}
