package io.qmeter.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The search's settings are one record; its withX copies are checked as the builder's setters are. */
class SaturationSpecTest {

    @Test
    void theBuilderHoldsOneSpecAndEverySetterReturnsANewOne() {
        SaturationSearch.Builder a = SaturationSearch.builder();
        SaturationSearch.Builder b = a.tolerance(0.02).maxProbes(5).seed(9).rateRange(0.5, 50).initialRate(4)
                .maxWallTime(Duration.ofMinutes(1));
        assertThat(a.spec()).isEqualTo(SaturationSearch.Spec.defaults());
        assertThat(b.spec().tolerance()).isEqualTo(0.02);
        assertThat(b.spec().maxProbes()).isEqualTo(5);
        assertThat(b.spec().seed()).isEqualTo(9);
        assertThat(b.spec().initialRate()).isEqualTo(4);
        assertThat(b.spec().maxWallTime()).isEqualTo(Duration.ofMinutes(1));
        assertThat(b.spec().maxLoadTime()).isNull();
        assertThat(b.startFromMaxThroughput(0.5).spec().initialRate()).isNaN();
    }

    @Test
    void withCopiesCannotSkipTheChecks() {
        SaturationSearch.Spec s = SaturationSearch.Spec.defaults();
        assertThatThrownBy(() -> s.withTolerance(1.5)).hasMessageContaining("tolerance").hasMessageContaining("1.5");
        assertThatThrownBy(() -> s.withMaxProbes(0)).hasMessageContaining("maxProbes must be >= 1, was 0");
        assertThatThrownBy(() -> s.withRateRange(5, 1)).hasMessageContaining("max rate");
        assertThatThrownBy(() -> s.withStart(-1, 0.75)).hasMessageContaining("initialRate");
        assertThatThrownBy(() -> s.withBudgets(Duration.ZERO, null)).hasMessageContaining("maxLoadTime");
        assertThatThrownBy(() -> s.withRepeats(1, 0.5)).hasMessageContaining("lengthenFactor");
        assertThatThrownBy(() -> SaturationSearch.builder().growthFactor(1)).hasMessageContaining("growthFactor");
    }

    @Test
    void aBuiltSearchShowsItsSpec() {
        SloPredicate judge = SaturationSearchTest.SLO;
        SaturationSearch search = SaturationSearch.builder().judge(judge).maxProbes(3).build();
        assertThat(search.spec().maxProbes()).isEqualTo(3);
        assertThat(search.judge()).isSameAs(judge);
        assertThatThrownBy(() -> SaturationSearch.builder().initialRate(500).rateRange(1, 10).judge(judge).build())
                .hasMessageContaining("outside rateRange");
    }
}
