package io.qmeter.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

class QuantileIntervalPropertiesTest {

    @Property(tries = 300, seed = "20261127")
    void theIntervalHoldsTheEstimateAndWidensWithConfidence(
            @ForAll @Size(min = 1, max = 400) List<@DoubleRange(min = 0, max = 1e10) Double> values,
            @ForAll @DoubleRange(min = 0.01, max = 0.99) double q) {
        double[] x = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        SloJudge.QuantileInterval narrow = SloJudge.QuantileInterval.of(x, q, 0.8);
        SloJudge.QuantileInterval wide = SloJudge.QuantileInterval.of(x, q, 0.99);
        assertThat(narrow.lower()).isLessThanOrEqualTo(narrow.estimate());
        assertThat(narrow.upper()).isGreaterThanOrEqualTo(narrow.estimate());
        assertThat(wide.lower()).isLessThanOrEqualTo(narrow.lower());
        assertThat(wide.upper()).isGreaterThanOrEqualTo(narrow.upper());
        assertThat(Arrays.binarySearch(x, narrow.estimate())).isGreaterThanOrEqualTo(0);
    }
}
