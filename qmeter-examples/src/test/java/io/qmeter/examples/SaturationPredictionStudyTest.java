package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SaturationPredictionStudyTest {

    @Test
    void aSmallStudyPrintsEveryTable() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SaturationPredictionStudy.Outcome o = SaturationPredictionStudy.run(
                SaturationPredictionStudy.Options.parse("--every", "12", "--requests", "300", "--searches", "6"),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(o.grid().points().size()).isGreaterThan(40);
        assertThat(text).contains("| random 8:2 | all |", "31.1 %", "| random 9:1 | all |", "33.0 %",
                "held-out input length", "held-out output length", "cross-GPU", "Feature importance",
                "| from the prediction |");
        assertThat(o.schemes()).isNotEmpty().allMatch(s -> s.mape() >= 0 && s.interval().high() >= s.interval().low());
        assertThat(o.importance().values().stream().mapToDouble(Double::doubleValue).sum()).isBetween(0.999, 1.001);
        SaturationPredictionStudy.ProbeStudy ps = o.probes();
        assertThat(ps.searches()).isEqualTo(6);
        // the hint never costs accuracy: every hinted search lands within 5 % of the 2 %-precision reference
        assertThat(ps.hintedWithin5()).isEqualTo(6);
        assertThat(Arrays.stream(ps.hintedProbes()).sum()).isLessThan(Arrays.stream(ps.plainProbes()).sum());
    }

    @Test
    void badOptionsAreRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> SaturationPredictionStudy.Options.parse("--grid", "1")).hasMessageContaining("--every");
        assertThatThrownBy(() -> SaturationPredictionStudy.Options.parse("--every")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> SaturationPredictionStudy.Options.parse("--every", "0")).hasMessageContaining(">= 1");
    }
}
