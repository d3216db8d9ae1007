package io.qmeter.eval.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PassAtKTest {

    private static BigInteger choose(int n, int k) {
        if (k < 0 || k > n) {
            return BigInteger.ZERO;
        }
        BigInteger r = BigInteger.ONE;
        for (int i = 0; i < k; i++) {
            r = r.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        return r;
    }

    private static double exact(int n, int c, int k) {
        BigDecimal ratio = new BigDecimal(choose(n - c, k)).divide(new BigDecimal(choose(n, k)), MathContext.DECIMAL128);
        return BigDecimal.ONE.subtract(ratio).doubleValue();
    }

    @Property(tries = 2000, seed = "20261201")
    void productFormEqualsExactCombinatorics(@ForAll @IntRange(min = 1, max = 300) int n,
                                             @ForAll @IntRange(min = 0, max = 300) int c,
                                             @ForAll @IntRange(min = 1, max = 300) int k) {
        Assume.that(c <= n && k <= n);
        assertThat(PassAtK.estimate(n, c, k)).isCloseTo(exact(n, c, k), within(1e-12));
    }

    @Test
    void handValues() {
        assertThat(PassAtK.estimate(10, 3, 1)).isCloseTo(0.3, within(1e-15));
        assertThat(PassAtK.estimate(4, 2, 2)).isCloseTo(5.0 / 6, within(1e-15));
        assertThat(PassAtK.estimate(5, 0, 1)).isZero();
        assertThat(PassAtK.estimate(5, 5, 5)).isEqualTo(1.0);
        assertThat(PassAtK.estimate(5, 2, 4)).isEqualTo(1.0);   // n - c < k: some drawn sample must pass
        assertThat(PassAtK.estimate(1, 1, 1)).isEqualTo(1.0);
    }

    @Test
    void refusesImpossibleArguments() {
        assertThatThrownBy(() -> PassAtK.estimate(5, 6, 1)).hasMessageContaining("c (passing samples)");
        assertThatThrownBy(() -> PassAtK.estimate(5, 1, 6)).hasMessageContaining("draw more samples");
        assertThatThrownBy(() -> PassAtK.estimate(0, 0, 1)).hasMessageContaining("n (samples)");
    }
}
