package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Core's saturation search lands within 5 % of the brute-force saturation point in at most 8 probes. */
class SearchAccuracyTest {

    @ParameterizedTest
    @ValueSource(strings = {"FP16", "W4A16-INT"})
    void theSearchFindsTheSaturationPointWithin5PercentIn8Probes(String method) {
        SearchAccuracy.Accuracy a = SearchAccuracy.measure(method);

        assertThat(a.trueRate()).as("brute force found a passing rate").isPositive();
        assertThat(a.probes()).as("probes used").isLessThanOrEqualTo(8);
        assertThat(Math.abs(a.errorPercent())).as("error of %s: found %.2f, true %.2f req/s", method, a.foundRate(),
                a.trueRate()).isLessThanOrEqualTo(5.0);
    }
}
