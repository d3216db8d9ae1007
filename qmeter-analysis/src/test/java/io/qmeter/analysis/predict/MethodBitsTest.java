package io.qmeter.analysis.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MethodBitsTest {

    @Test
    void theSeedsTwelveMethodsParse() {
        assertThat(MethodBits.parse("FP16")).isEqualTo(new MethodBits(16, 16, 16, false));
        assertThat(MethodBits.parse("W8A16-INT")).isEqualTo(new MethodBits(8, 16, 16, true));
        assertThat(MethodBits.parse("W4A16-INT")).isEqualTo(new MethodBits(4, 16, 16, true));
        assertThat(MethodBits.parse("W8A8-INT")).isEqualTo(new MethodBits(8, 8, 16, true));
        assertThat(MethodBits.parse("W8A8-FP")).isEqualTo(new MethodBits(8, 8, 16, false));
        assertThat(MethodBits.parse("W4A8")).isEqualTo(new MethodBits(4, 8, 16, false));
        assertThat(MethodBits.parse("W4A8KV4")).isEqualTo(new MethodBits(4, 8, 4, true));
        assertThat(MethodBits.parse("W8A16KV8-INT")).isEqualTo(new MethodBits(8, 16, 8, true));
        assertThat(MethodBits.parse("w4a16kv8_int")).isEqualTo(new MethodBits(4, 16, 8, true));
        assertThat(MethodBits.parse("W8A8KV8-INT")).isEqualTo(new MethodBits(8, 8, 8, true));
        assertThat(MethodBits.parse("W8A8KV8-FP")).isEqualTo(new MethodBits(8, 8, 8, false));
        assertThat(MethodBits.parse("W4A8KV8")).isEqualTo(new MethodBits(4, 8, 8, false));
    }

    @Test
    void anUnknownNameSaysWhatShapeIsExpected() {
        assertThatThrownBy(() -> MethodBits.parse("GPTQ")).hasMessageContaining("W<bits>A<bits>[KV<bits>]");
        assertThatThrownBy(() -> MethodBits.parse(" ")).hasMessageContaining("must not be blank");
    }
}
