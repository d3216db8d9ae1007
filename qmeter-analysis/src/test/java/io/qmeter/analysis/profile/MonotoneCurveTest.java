package io.qmeter.analysis.profile;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MonotoneCurveTest {

    /** Strictly increasing x, y monotone (decreasing or increasing, with flat stretches). */
    @Provide
    Arbitrary<double[][]> monotoneData() {
        Arbitrary<List<Double>> steps = Arbitraries.doubles().between(0.01, 10).list().ofMinSize(2).ofMaxSize(12);
        Arbitrary<List<Double>> drops = Arbitraries.doubles().between(0, 5).list().ofMinSize(12).ofMaxSize(12);
        return Combinators.combine(steps, drops, Arbitraries.of(true, false)).as((s, d, up) -> {
            double[] x = new double[s.size()];
            double[] y = new double[s.size()];
            double xv = 0.5;
            double yv = 20;
            for (int i = 0; i < s.size(); i++) {
                xv += s.get(i);
                yv += (up ? 1 : -1) * (i % 3 == 2 ? 0 : d.get(i));
                x[i] = xv;
                y[i] = yv;
            }
            return new double[][] {x, y};
        });
    }

    @Property(tries = 300, seed = "20261202")
    void interpolationIsMonotoneAndStaysBetweenNeighbours(@ForAll("monotoneData") double[][] data) {
        double[] x = data[0];
        double[] y = data[1];
        MonotoneCurve c = MonotoneCurve.through(x, y);
        boolean up = y[y.length - 1] >= y[0];
        double prev = c.valueAt(x[0]);
        for (int k = 0; k < x.length - 1; k++) {
            double lo = Math.min(y[k], y[k + 1]);
            double hi = Math.max(y[k], y[k + 1]);
            for (int j = 1; j <= 20; j++) {
                double at = x[k] + (x[k + 1] - x[k]) * j / 20.0;
                double v = c.valueAt(Math.min(at, x[k + 1]));
                assertThat(v).isBetween(lo - 1e-9, hi + 1e-9);
                if (up) {
                    assertThat(v).isGreaterThanOrEqualTo(prev - 1e-9);
                } else {
                    assertThat(v).isLessThanOrEqualTo(prev + 1e-9);
                }
                prev = v;
            }
        }
        for (int k = 0; k < x.length; k++) {
            assertThat(c.valueAt(x[k])).isEqualTo(y[k]);
        }
    }

    @Test
    void twoPointsAreLinearAndNothingIsExtrapolated() {
        MonotoneCurve c = MonotoneCurve.through(new double[] {20, 40}, new double[] {0.4, 0.3});
        assertThat(c.valueAt(30)).isCloseTo(0.35, org.assertj.core.data.Offset.offset(1e-12));
        assertThatThrownBy(() -> c.valueAt(40.5)).hasMessageContaining("does not extrapolate");
        assertThatThrownBy(() -> c.valueAt(19)).hasMessageContaining("outside the measured range");
        assertThatThrownBy(() -> MonotoneCurve.through(new double[] {1, 1}, new double[] {2, 3}))
                .hasMessageContaining("strictly increasing");
    }

    @Test
    void convexDecreasingDataStaysBelowTheChords() {
        // y = 1/x sampled: Fritsch–Carlson follows the curvature, linear interpolation would lie above
        double[] x = {1, 2, 4, 8};
        double[] y = {1, 0.5, 0.25, 0.125};
        MonotoneCurve c = MonotoneCurve.through(x, y);
        assertThat(c.valueAt(3)).isLessThan(0.375).isGreaterThan(0.25);
    }
}
