package io.qmeter.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

class TraceArrivalsPropertiesTest {

    @Property(tries = 200)
    void anyNonDecreasingTraceReplaysItsGaps(
            @ForAll @DoubleRange(min = 0, max = 2e9) double start,
            @ForAll @Size(min = 1, max = 200) List<@DoubleRange(min = 0, max = 30) Double> gapsSeconds) {
        List<String> lines = new ArrayList<>();
        double[] t = new double[gapsSeconds.size()];
        double now = start;
        for (int i = 0; i < t.length; i++) {
            now += i == 0 ? 0 : gapsSeconds.get(i);
            t[i] = now;
            lines.add(Double.toString(now));
        }
        TraceArrivals trace = TraceArrivals.fromLines("p", lines);
        assertThat(trace.size()).isEqualTo(t.length);
        PrimitiveIterator.OfLong it = trace.offsetsNanos(0);
        long previous = 0;
        for (double ti : t) {
            long off = it.nextLong();
            assertThat(off).isEqualTo(Math.round((ti - t[0]) * 1e9)).isGreaterThanOrEqualTo(previous);
            previous = off;
        }
        assertThat(it.hasNext()).isFalse();
    }
}
