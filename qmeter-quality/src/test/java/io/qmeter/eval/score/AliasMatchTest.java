package io.qmeter.eval.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AliasMatchTest {

    @Test
    void squadNormalisation() {
        assertThat(AliasMatch.normalize("The  Beatles!")).isEqualTo("beatles");
        assertThat(AliasMatch.normalize("A.B.C.")).isEqualTo("abc");
        assertThat(AliasMatch.normalize("an apple a day")).isEqualTo("apple day");
        assertThat(AliasMatch.normalize("  Theatre\tAnd\nthe ANT ")).isEqualTo("theatre and ant");
        assertThat(AliasMatch.normalize("Rock 'n' Roll")).isEqualTo("rock n roll");
        assertThat(AliasMatch.normalize("")).isEmpty();
    }

    @Test
    void anyAliasMatches() {
        List<String> aliases = List.of("The Beatles", "Fab Four");
        assertThat(AliasMatch.matches("beatles.", aliases)).isTrue();
        assertThat(AliasMatch.matches("the fab four!", aliases)).isTrue();
        assertThat(AliasMatch.matches("The Rolling Stones", aliases)).isFalse();
        assertThat(AliasMatch.matches("Beatles band", aliases)).isFalse();
    }
}
