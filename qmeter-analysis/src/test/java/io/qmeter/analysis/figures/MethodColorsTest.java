package io.qmeter.analysis.figures;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MethodColorsTest {

    @Test
    void catalogueMethodsHaveFixedOkabeItoColours() {
        assertThat(MethodColors.of("FP16")).isEqualTo(MethodColors.BLACK);
        assertThat(MethodColors.of("w8a8-fp")).isEqualTo(MethodColors.BLUISH_GREEN);
        assertThat(MethodColors.of("W4A8KV4 TP2")).isEqualTo(MethodColors.VERMILLION);
        assertThat(MethodColors.hex("W8A16-INT")).isEqualTo("#0072b2");
        List<String> catalogue = List.of("FP16", "W8A16-INT", "W4A16-INT", "W8A8-INT", "W8A8-FP", "W4A8KV4", "W4A8", "W4A8KV8");
        assertThat(catalogue.stream().map(MethodColors::of).distinct()).hasSize(catalogue.size());
        assertThat(catalogue.stream().map(MethodColors::of)).allMatch(MethodColors.OKABE_ITO::contains);
    }

    @Test
    void otherNamesGetAStablePaletteColour() {
        // String.hashCode is specified, so this holds in every JVM: floorMod("AWQ".hashCode(), 7) picks it
        assertThat(MethodColors.of("awq")).isEqualTo(MethodColors.of("AWQ")).isEqualTo(MethodColors.of("AWQ TP4"));
        assertThat(MethodColors.OKABE_ITO).contains(MethodColors.of("some-new-method"));
        assertThat(MethodColors.of("some-new-method")).isNotEqualTo(MethodColors.BLACK);
    }
}
