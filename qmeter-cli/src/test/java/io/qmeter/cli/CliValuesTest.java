package io.qmeter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.metrics.Slo;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** SLO and duration options parse as documented and name the option when they cannot. */
class CliValuesTest {

    @Test
    void durationsTakeUnitsAndIso() {
        assertThat(CliValues.duration("--d", "200ms")).isEqualTo(Duration.ofMillis(200));
        assertThat(CliValues.duration("--d", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(CliValues.duration("--d", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(CliValues.duration("--d", "PT1S")).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> CliValues.duration("--duration", "two")).isInstanceOf(UserError.class)
                .hasMessage("--duration: expected a duration such as 200ms, 1.5s, 2m or PT1S, was 'two'");
    }

    @Test
    void sloClausesBecomeThresholds() {
        Slo slo = CliValues.slo("--slo", "ttft:p90<1s, tpot:p90<200ms,e2el:p99<=30s");
        assertThat(slo.thresholds()).hasSize(3);
        assertThat(slo.thresholds().get(0).metric().name()).isEqualTo("TTFT");
        assertThat(slo.thresholds().get(0).threshold()).isEqualTo(Duration.ofSeconds(1));
        assertThat(slo.thresholds().get(1).threshold()).isEqualTo(Duration.ofMillis(200));
        assertThat(slo.thresholds().get(2).metric().name()).isEqualTo("E2E");
    }

    @Test
    void badSloClausesNameTheClause() {
        assertThatThrownBy(() -> CliValues.slo("--slo", "ttft:p90<1s,itl:p90<1s")).isInstanceOf(UserError.class)
                .hasMessageContaining("was 'itl:p90<1s'");
        assertThatThrownBy(() -> CliValues.slo("--slo", "ttft:p100<1s")).hasMessageContaining("(0, 100)");
        assertThatThrownBy(() -> CliValues.slo("--slo", " , ")).hasMessageContaining("at least one clause");
    }
}
