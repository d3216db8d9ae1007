package io.qmeter.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.PrimitiveIterator;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrivalProcessTest {

    private static double[] gapsSeconds(ArrivalProcess p, long seed, int n) {
        PrimitiveIterator.OfLong it = p.offsetsNanos(seed);
        long prev = it.nextLong();
        assertThat(prev).isZero();
        double[] gaps = new double[n];
        for (int i = 0; i < n; i++) {
            long next = it.nextLong();
            gaps[i] = (next - prev) / 1e9;
            prev = next;
        }
        return gaps;
    }

    @Test
    void poissonGapsAreExponentialAndRateIsHeld() {
        double rate = 25.0;
        double[] gaps = gapsSeconds(new PoissonArrivals(rate), 42L, 20_000);
        double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(
                new ExponentialDistribution(null, 1.0 / rate), gaps, false);
        assertThat(p).as("KS p-value against Exp(mean 1/rate)").isGreaterThan(0.01);
        double span = 0;
        for (double g : gaps) {
            span += g;
        }
        assertThat(gaps.length / span).as("realised rate").isCloseTo(rate, within(rate * 0.03));
    }

    @Test
    void poissonIsNotAConstantRate() {
        // the KS test must be able to fail: constant gaps are not exponential
        double[] gaps = gapsSeconds(new ConstantArrivals(25), 1L, 2_000);
        double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(
                new ExponentialDistribution(null, 1.0 / 25), gaps, false);
        assertThat(p).isLessThan(1e-6);
    }

    @Test
    void gammaBurstinessSetsTheCoefficientOfVariation() {
        for (double burstiness : new double[] {0.25, 1.0, 4.0}) {
            double[] gaps = gapsSeconds(new GammaArrivals(10, burstiness), 7L, 40_000);
            SummaryStatistics s = new SummaryStatistics();
            for (double g : gaps) {
                s.addValue(g);
            }
            double cv = s.getStandardDeviation() / s.getMean();
            assertThat(cv).as("CV at burstiness " + burstiness).isCloseTo(1 / Math.sqrt(burstiness),
                    within(0.05 / Math.sqrt(burstiness)));
            assertThat(1 / s.getMean()).as("rate at burstiness " + burstiness).isCloseTo(10.0, within(0.3));
        }
    }

    @Test
    void sameSeedSameScheduleOtherSeedOther() {
        double[] a = gapsSeconds(new PoissonArrivals(10), 5L, 100);
        double[] b = gapsSeconds(new PoissonArrivals(10), 5L, 100);
        double[] c = gapsSeconds(new PoissonArrivals(10), 6L, 100);
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
        double[] g1 = gapsSeconds(new GammaArrivals(10, 0.5), 5L, 100);
        assertThat(g1).containsExactly(gapsSeconds(new GammaArrivals(10, 0.5), 5L, 100));
    }

    @Test
    void constantRateIsExactAndDoesNotDrift() {
        PrimitiveIterator.OfLong it = new ConstantArrivals(3).offsetsNanos(0);
        assertThat(it.nextLong()).isZero();
        assertThat(it.nextLong()).isEqualTo(333_333_333L);
        assertThat(it.nextLong()).isEqualTo(666_666_667L);
        for (int i = 3; i < 3_000; i++) {
            it.nextLong();
        }
        assertThat(it.nextLong()).isEqualTo(1_000_000_000_000L);
    }

    @Test
    void traceReplaysTimestampsRelativeToTheFirst(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("trace.txt");
        Files.writeString(f, "# arrivals\n1700000000.0\n1700000000.25\n\n1700000001.5\n1700000001.5\n");
        TraceArrivals t = TraceArrivals.fromFile(f);
        assertThat(t.isFinite()).isTrue();
        assertThat(t.size()).isEqualTo(4);
        PrimitiveIterator.OfLong it = t.offsetsNanos(99);
        assertThat(it.nextLong()).isZero();
        assertThat(it.nextLong()).isEqualTo(250_000_000L);
        assertThat(it.nextLong()).isEqualTo(1_500_000_000L);
        assertThat(it.nextLong()).isEqualTo(1_500_000_000L);
        assertThat(it.hasNext()).isFalse();
        assertThat(t.ratePerSecond()).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void traceErrorsNameTheLine() {
        assertThatThrownBy(() -> TraceArrivals.fromLines("t", List.of("0.0", "abc")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2 of t")
                .hasMessageContaining("'abc'");
        assertThatThrownBy(() -> TraceArrivals.fromLines("t", List.of("2.0", "1.0")))
                .hasMessageContaining("line 2").hasMessageContaining("not decrease");
        assertThatThrownBy(() -> TraceArrivals.fromLines("t", List.of("# only a comment")))
                .hasMessageContaining("at least one arrival");
    }

    @Test
    void invalidRatesNameTheFieldAndValue() {
        assertThatThrownBy(() -> new PoissonArrivals(-1)).hasMessage("rate must be > 0, was -1");
        assertThatThrownBy(() -> new ConstantArrivals(0)).hasMessage("rate must be > 0, was 0");
        assertThatThrownBy(() -> new GammaArrivals(1, 0)).hasMessage("burstiness must be > 0 and finite, was 0.0");
        assertThatThrownBy(() -> new PoissonArrivals(Double.NaN)).hasMessageContaining("rate must be > 0");
    }
}
