package io.qmeter.eval.score;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Golden cases derived by hand from lm-eval's gsm8k.yaml (v3) filters and exact_match options. */
class Gsm8kScorerTest {

    private static final String REF_72 = "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n"
            + "Natalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72";

    @Test
    void strictTakesTheFirstHashMarkedNumber() {
        assertThat(Gsm8kScorer.extractStrict("so 24 + 48 = 72.\n#### 72")).isEqualTo("72");
        assertThat(Gsm8kScorer.extractStrict("#### 5 and later #### 6")).isEqualTo("5");
        assertThat(Gsm8kScorer.extractStrict("#### -3 apples")).isEqualTo("-3");
        assertThat(Gsm8kScorer.extractStrict("#### 1,000.")).isEqualTo("1,000.");
        // "$" is not in the strict class, and "####5" lacks the space
        assertThat(Gsm8kScorer.extractStrict("#### $5")).isEqualTo(Gsm8kScorer.INVALID);
        assertThat(Gsm8kScorer.extractStrict("####5")).isEqualTo(Gsm8kScorer.INVALID);
        assertThat(Gsm8kScorer.extractStrict("The answer is 72")).isEqualTo(Gsm8kScorer.INVALID);
    }

    @Test
    void flexibleTakesTheLastNumberLikeRun() {
        assertThat(Gsm8kScorer.extractFlexible("I have 3 apples and 5 pears")).isEqualTo("5");
        assertThat(Gsm8kScorer.extractFlexible("The answer is $1,234.56.")).isEqualTo("$1,234.56.");
        assertThat(Gsm8kScorer.extractFlexible("it is 7.")).isEqualTo("7.");
        assertThat(Gsm8kScorer.extractFlexible("down to -5")).isEqualTo("-5");
        assertThat(Gsm8kScorer.extractFlexible("Wait...")).isEqualTo("...");
        assertThat(Gsm8kScorer.extractFlexible("no numbers here")).isEqualTo(Gsm8kScorer.INVALID);
    }

    @Test
    void normalisationRemovesCommasDollarsPrefixAndOneTrailingPeriod() {
        assertThat(Gsm8kScorer.normalize("$1,000.")).isEqualTo("1000");
        assertThat(Gsm8kScorer.normalize("a #### b #### 7")).isEqualTo("7");
        assertThat(Gsm8kScorer.normalize("5..")).isEqualTo("5.");
        assertThat(Gsm8kScorer.normalize("12.\n")).isEqualTo("12\n");   // Python's "$" before a final newline
        assertThat(Gsm8kScorer.normalize("1.5")).isEqualTo("1.5");
        assertThat(Gsm8kScorer.normalize("[INVALID]")).isEqualTo("[invalid]");
        assertThat(Gsm8kScorer.normalize(REF_72)).isEqualTo("72");
    }

    @Test
    void matchesAsLmEvalScoresThem() {
        assertThat(Gsm8kScorer.strictMatch("48+24=72.\n#### 72", REF_72)).isTrue();
        assertThat(Gsm8kScorer.strictMatch("#### 72.", REF_72)).isTrue();
        assertThat(Gsm8kScorer.strictMatch("#### 72.0", REF_72)).isFalse();
        assertThat(Gsm8kScorer.strictMatch("The answer is 72.", REF_72)).isFalse();
        assertThat(Gsm8kScorer.flexibleMatch("The answer is 72.", REF_72)).isTrue();
        assertThat(Gsm8kScorer.flexibleMatch("The answer is $72", REF_72)).isTrue();
        assertThat(Gsm8kScorer.flexibleMatch("72 clips, or 73", REF_72)).isFalse();
        assertThat(Gsm8kScorer.flexibleMatch("-5", "#### -5")).isTrue();
        assertThat(Gsm8kScorer.flexibleMatch("5", "#### -5")).isFalse();
        assertThat(Gsm8kScorer.strictMatch("#### 1,234", "#### 1234")).isTrue();
    }
}
