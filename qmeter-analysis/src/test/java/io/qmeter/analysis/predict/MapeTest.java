package io.qmeter.analysis.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MapeTest {

    @Test
    void mapeOfAHandComputedCase() {
        // |10-11|/10 = 10 %, |20-15|/20 = 25 %, |40-40|/40 = 0 % -> 35 / 3
        assertThat(Mape.of(new double[] {10, 20, 40}, new double[] {11, 15, 40})).isCloseTo(35.0 / 3, within(1e-12));
        assertThat(Mape.percentageErrors(new double[] {4, 2}, new double[] {2, 5})).containsExactly(50.0, 150.0);
        // over-prediction is not capped: predicting 30 for 10 is 200 %
        assertThat(Mape.of(new double[] {10}, new double[] {30})).isCloseTo(200, within(1e-12));
    }

    @Test
    void badInputIsRefusedWithTheRemedy() {
        assertThatThrownBy(() -> Mape.of(new double[] {0}, new double[] {1})).hasMessageContaining("actual values > 0");
        assertThatThrownBy(() -> Mape.of(new double[] {1, 2}, new double[] {1})).hasMessageContaining("same length");
        assertThatThrownBy(() -> Mape.mean(new double[0])).hasMessageContaining("test set is empty");
        assertThatThrownBy(() -> Mape.bootstrap(new double[] {1}, 10, 0.95, 1)).hasMessageContaining(">= 100");
    }

    @Test
    void theBootstrapIntervalIsReproducibleBySeedAndBracketsTheMean() {
        double[] errors = new double[60];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < errors.length; i++) {
            errors[i] = 40 * r.nextDouble();
        }
        Mape.Interval a = Mape.bootstrap(errors, 2000, 0.95, 11L);
        Mape.Interval b = Mape.bootstrap(errors, 2000, 0.95, 11L);
        Mape.Interval c = Mape.bootstrap(errors, 2000, 0.95, 12L);
        assertThat(a).isEqualTo(b);
        assertThat(c.low()).isNotEqualTo(a.low());
        double mean = Mape.mean(errors);
        assertThat(a.low()).isLessThan(mean);
        assertThat(a.high()).isGreaterThan(mean);
        // the standard error of a mean of U(0, 40) over 60 points is 40/sqrt(12*60) = 1.49: a 95 % interval is about ±2.9
        assertThat(a.high() - a.low()).isBetween(4.0, 8.0);
        Mape.Interval narrow = Mape.bootstrap(errors, 2000, 0.5, 11L);
        assertThat(narrow.high() - narrow.low()).isLessThan(a.high() - a.low());
        assertThat(a.seed()).isEqualTo(11L);
        assertThat(a.resamples()).isEqualTo(2000);
    }

    @Test
    void identicalErrorsGiveAZeroWidthInterval() {
        Mape.Interval i = Mape.bootstrap(new double[] {7, 7, 7, 7}, 500, 0.9, 1L);
        assertThat(i.low()).isEqualTo(7);
        assertThat(i.high()).isEqualTo(7);
    }
}
