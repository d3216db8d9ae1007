package io.qmeter.engines;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuantMethodTest {

    @Test
    void fp16AndTheSeedsElevenMethodsInTheSeedsOrder() {
        assertThat(Arrays.stream(QuantMethod.values()).map(QuantMethod::label)).containsExactly("FP16", "W8A16-INT",
                "W4A16-INT", "W8A8-INT", "W8A8-FP", "W4A8", "W4A8KV4", "W8A16KV8-INT", "W4A16KV8-INT", "W8A8KV8-INT",
                "W8A8KV8-FP", "W4A8KV8");
    }

    @Test
    void bitsAgreeWithTheLabels() {
        for (QuantMethod m : QuantMethod.values()) {
            if (m == QuantMethod.FP16) {
                continue;
            }
            String l = m.label();
            assertThat(l).startsWith("W" + m.weightBits() + "A" + m.activationBits());
            assertThat(l.contains("KV")).isEqualTo(m.quantizesKvCache());
            if (m.quantizesKvCache()) {
                assertThat(l).contains("KV" + m.kvBits());
            }
            if (l.endsWith("-FP")) {
                assertThat(m.weightFormat()).isEqualTo(NumberFormat.FP);
            }
            if (l.endsWith("-INT")) {
                assertThat(m.weightFormat()).isEqualTo(NumberFormat.INT);
            }
        }
        assertThat(QuantMethod.W4A8KV4.activationFormat()).isEqualTo(NumberFormat.INT);
        assertThat(QuantMethod.W4A8.activationFormat()).isEqualTo(NumberFormat.FP);
    }

    @Test
    void theFp8MethodsAreTheFourTheSeedCouldNotRunOnTheA100() {
        // §8.1: "A100 ... 8 non-FP8 quantization methods" out of twelve
        Set<String> fp8 = Arrays.stream(QuantMethod.values()).filter(QuantMethod::needsFp8).map(QuantMethod::label)
                .collect(Collectors.toSet());
        assertThat(fp8).containsExactlyInAnyOrder("W8A8-FP", "W8A8KV8-FP", "W4A8", "W4A8KV8");
    }

    @Test
    void weightOnlyMethods() {
        assertThat(Arrays.stream(QuantMethod.values()).filter(QuantMethod::weightOnly))
                .containsExactly(QuantMethod.W8A16_INT, QuantMethod.W4A16_INT);
    }

    @Test
    void parseIgnoresCaseAndTakesUnderscores() {
        assertThat(QuantMethod.parse("w8a16-int")).isEqualTo(QuantMethod.W8A16_INT);
        assertThat(QuantMethod.parse("W8A8KV8_FP")).isEqualTo(QuantMethod.W8A8KV8_FP);
        assertThat(QuantMethod.parse(" fp16 ")).isEqualTo(QuantMethod.FP16);
        assertThat(QuantMethod.find("Q4_K_M")).isEmpty();
    }

    @Test
    void anUnknownLabelIsRefusedWithTheValidOnes() {
        assertThatThrownBy(() -> QuantMethod.parse("W3A8"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("quantization method must be one of FP16, W8A16-INT, W4A16-INT, W8A8-INT, W8A8-FP, W4A8, "
                        + "W4A8KV4, W8A16KV8-INT, W4A16KV8-INT, W8A8KV8-INT, W8A8KV8-FP, W4A8KV8, was 'W3A8'");
    }

    @Property(seed = "13")
    void anyCasingOfALabelParsesToItsMethod(@ForAll @IntRange(min = 0, max = 11) int index, @ForAll long seed) {
        QuantMethod m = QuantMethod.values()[index];
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder();
        for (char ch : m.label().toCharArray()) {
            String s = String.valueOf(ch);
            b.append(r.nextBoolean() ? s.toLowerCase(Locale.ROOT) : s.toUpperCase(Locale.ROOT));
        }
        assertThat(QuantMethod.parse(b.toString())).isEqualTo(m);
        assertThat(QuantMethod.parse(m.name())).isEqualTo(m);
    }
}
