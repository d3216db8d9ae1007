package io.qmeter.eval.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Golden ROUGE values worked out by hand from rouge-score's definitions. */
class RougeTest {

    private static final double EPS = 1e-12;

    @Test
    void tokenizerAsRougeScore() {
        assertThat(Rouge.withoutStemmer().tokenize("The cat's  hat—isn't RED!  42x"))
                .containsExactly("the", "cat", "s", "hat", "isn", "t", "red", "42x");
        assertThat(Rouge.withStemmer().tokenize("The cats were running fast"))
                .containsExactly("the", "cat", "were", "run", "fast");
        assertThat(Rouge.withoutStemmer().tokenize("  ...  ")).isEmpty();
    }

    @Test
    void overlapAndLcsOnOneSentence() {
        // t = the cat sat on the mat (6), p = the cat on the mat (5)
        Rouge.Scores s = Rouge.withoutStemmer().score("The cat sat on the mat.", "the cat on the mat");
        // unigrams: the 2, cat, on, mat = 5 -> P 1, R 5/6, F 10/11
        assertThat(s.rouge1().precision()).isCloseTo(1.0, within(EPS));
        assertThat(s.rouge1().recall()).isCloseTo(5.0 / 6, within(EPS));
        assertThat(s.rouge1().fmeasure()).isCloseTo(10.0 / 11, within(EPS));
        // bigrams: the-cat, on-the, the-mat = 3 of p's 4 and t's 5 -> F = 2(3/4)(3/5)/(3/4+3/5) = 2/3
        assertThat(s.rouge2().precision()).isCloseTo(0.75, within(EPS));
        assertThat(s.rouge2().recall()).isCloseTo(0.6, within(EPS));
        assertThat(s.rouge2().fmeasure()).isCloseTo(2.0 / 3, within(EPS));
        // LCS = the cat on the mat = 5
        assertThat(s.rougeL().fmeasure()).isCloseTo(10.0 / 11, within(EPS));
        assertThat(s.rougeLsum().fmeasure()).isCloseTo(10.0 / 11, within(EPS));
    }

    @Test
    void lsumIsTheUnionLcsOfThePaper() {
        // ROUGE paper, section 3.2: r = w1..w5, c1 = w1 w2 w6 w7 w8, c2 = w1 w3 w8 w9 w5
        // union LCS = w1 w2 w3 w5 -> 4 hits; R = 4/5, P = 4/10, F = 8/15
        Rouge.Scores s = Rouge.withoutStemmer().score("w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5");
        assertThat(s.rougeLsum().recall()).isCloseTo(0.8, within(EPS));
        assertThat(s.rougeLsum().precision()).isCloseTo(0.4, within(EPS));
        assertThat(s.rougeLsum().fmeasure()).isCloseTo(8.0 / 15, within(EPS));
    }

    @Test
    void lsumIgnoresSentenceOrderWhereLDoesNot() {
        Rouge.Scores s = Rouge.withoutStemmer().score("x1 x2\ny1 y2", "y1 y2\n\nx1 x2");
        assertThat(s.rougeL().fmeasure()).isCloseTo(0.5, within(EPS));
        assertThat(s.rougeLsum().fmeasure()).isCloseTo(1.0, within(EPS));
        assertThat(s.rouge1().fmeasure()).isCloseTo(1.0, within(EPS));
        assertThat(s.rouge2().fmeasure()).isCloseTo(2.0 / 3, within(EPS));   // x1x2, y1y2 of 3 bigrams each
    }

    @Test
    void lsumCountsATokenNoMoreOftenThanItOccurs() {
        // ref sentences "a b" and "a b"; prediction "a b" once: each ref sentence's LCS is a b, but the
        // prediction has only one a and one b -> 2 hits; R = 2/4, P = 2/2
        Rouge.Scores s = Rouge.withoutStemmer().score("a b\na b", "a b");
        assertThat(s.rougeLsum().recall()).isCloseTo(0.5, within(EPS));
        assertThat(s.rougeLsum().precision()).isCloseTo(1.0, within(EPS));
    }

    @Test
    void stemmingMatchesInflections() {
        // stemmed: t = the cat were run, p = a cat run -> 2 of 3 and of 4 -> F = 4/7
        assertThat(Rouge.withStemmer().score("The cats were running", "a cat runs").rouge1().fmeasure())
                .isCloseTo(4.0 / 7, within(EPS));
        assertThat(Rouge.withoutStemmer().score("The cats were running", "a cat runs").rouge1().fmeasure())
                .isZero();
    }

    @Test
    void emptyTextsScoreZero() {
        Rouge.Scores s = Rouge.withoutStemmer().score("", "something");
        assertThat(s.rouge1().fmeasure()).isZero();
        assertThat(s.rougeL().fmeasure()).isZero();
        assertThat(s.rougeLsum().fmeasure()).isZero();
        assertThat(Rouge.withoutStemmer().score("a", "a").rouge2().fmeasure()).isZero();
    }
}
