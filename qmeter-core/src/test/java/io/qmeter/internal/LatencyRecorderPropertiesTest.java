package io.qmeter.internal;

import io.qmeter.metrics.LatencyStats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class LatencyRecorderPropertiesTest {

    @Property(tries = 300)
    void percentilesMatchTheExactRankValueWithinHistogramPrecision(
            @ForAll @Size(min = 1, max = 400) List<@LongRange(min = 0, max = 600_000_000_000L) Long> values,
            @ForAll @DoubleRange(min = 0.1, max = 99.99) double percentile) {
        LatencyRecorder r = new LatencyRecorder();
        long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
        for (long v : sorted) {
            r.record(v);
        }
        Arrays.sort(sorted);
        // nearest rank: ceil(p/100 * n), allowing for floating-point rounding of p/100 * n
        double x = percentile / 100.0 * sorted.length;
        long low = sorted[(int) Math.max(1, Math.ceil(x - 1e-9)) - 1];
        long high = sorted[(int) Math.max(1, Math.ceil(x + 1e-9)) - 1];
        double got = r.valueAtNanos(percentile);
        assertThat(got).isBetween(low - 1.0, high * 1.001 + 1.0);
        assertThat(got).isLessThanOrEqualTo(sorted[sorted.length - 1]);
        LatencyStats s = r.stats();
        assertThat(s.count()).isEqualTo(sorted.length);
        assertThat(s.maxMillis()).isEqualTo(sorted[sorted.length - 1] / 1e6);
        assertThat(s.minMillis()).isEqualTo(sorted[0] / 1e6);
        assertThat(s.meanMillis() * 1e6).isCloseTo(Arrays.stream(sorted).average().orElseThrow(),
                org.assertj.core.api.Assertions.within(1e-3 * Math.max(1, sorted[sorted.length - 1])));
    }
}
