package io.qmeter.analysis.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.testkit.sim.GpuSpec;
import io.qmeter.testkit.sim.ModelSpec;
import io.qmeter.testkit.sim.QuantMethod;
import io.qmeter.testkit.sim.VirtualSaturationSearch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The predicted bracket on the simulated engine: same saturation point as the plain search, right hint or wrong. */
class HintedSearchTest {

    static final double TOL = 0.05;
    static SimulatedSaturationGrid grid;
    static SimulatedSaturationGrid.Generated data;
    static SimulatedSaturationGrid.Cell heldOut;

    @BeforeAll
    static void generate() {
        List<SimulatedSaturationGrid.Cell> cells = new ArrayList<>();
        for (ModelSpec m : List.of(ModelSpec.LLAMA_2_7B, ModelSpec.LLAMA_2_13B)) {
            for (QuantMethod q : QuantMethod.known()) {
                cells.add(new SimulatedSaturationGrid.Cell(m, q, GpuSpec.H100_80GB, 1, SimulatedSaturationGrid.SHAREGPT));
            }
        }
        grid = SimulatedSaturationGrid.of(cells).requests(400).precision(0.02).seed(7L).threads(2);
        data = grid.generate();
        heldOut = new SimulatedSaturationGrid.Cell(ModelSpec.LLAMA_2_13B, QuantMethod.W8A8KV8_INT, GpuSpec.H100_80GB, 1,
                SimulatedSaturationGrid.SHAREGPT);
    }

    @Test
    void theGridRecordsEveryCellOnceWithTheRealizedLengths() {
        assertThat(data.points().size() + data.skipped().size()).isEqualTo(24);
        assertThat(data.points()).hasSize(24);   // all fit one H100
        assertThat(data.cells()).hasSize(24);
        assertThat(data.points()).allMatch(p -> p.inputTokens() > 300 && p.inputTokens() < 360
                && p.outputTokens() > 200 && p.outputTokens() < 260);
        assertThat(data.runs()).isGreaterThan(24L * 5);
    }

    @Test
    void aPredictedBracketFindsThePlainSearchsPointInFewerProbes() {
        List<SaturationPoint> train = new ArrayList<>();
        for (int i = 0; i < data.points().size(); i++) {
            if (!data.cells().get(i).equals(heldOut)) {
                train.add(data.points().get(i));
            }
        }
        assertThat(train).hasSize(23);
        SaturationPoint query = SaturationPoint.of(13, "W8A8KV8-INT", "H100-80GB", 1, "sharegpt", 330, 229, 1);
        double predicted;
        try (SaturationPredictor p = SaturationPredictor.train(train, PredictorParams.defaults())) {
            predicted = p.predict(query);
        }
        VirtualSaturationSearch.Result plain = grid.searchOf(heldOut).relativePrecision(TOL).build().run();
        SaturationHint h = SaturationHint.of(predicted, TOL);
        VirtualSaturationSearch.Result hinted = grid.searchOf(heldOut).relativePrecision(TOL)
                .startingBracket(h.low(), h.high()).build().run();
        System.out.printf(Locale.ROOT, "held-out 13B W8A8KV8-INT: predicted %.2f, plain %.2f req/s in %d probes, "
                + "hinted %.2f in %d%n", predicted, plain.saturationRate(), plain.runs(), hinted.saturationRate(),
                hinted.runs());
        assertThat(hinted.saturationRate()).isCloseTo(plain.saturationRate(), Percentage.withPercentage(5));
        assertThat(hinted.runs()).isLessThan(plain.runs());
    }

    @Test
    void aBadlyWrongHintCostsProbesButFindsTheSamePoint() {
        VirtualSaturationSearch.Result plain = grid.searchOf(heldOut).relativePrecision(TOL).build().run();
        for (double factor : new double[] {0.1, 0.5, 3, 20}) {
            SaturationHint h = SaturationHint.of(plain.saturationRate() * factor, TOL).clampedTo(0.01, 4096);
            VirtualSaturationSearch.Result hinted = grid.searchOf(heldOut).relativePrecision(TOL)
                    .startingBracket(h.low(), h.high()).build().run();
            assertThat(hinted.saturationRate()).as("hint %.1f x the truth", factor)
                    .isCloseTo(plain.saturationRate(), Percentage.withPercentage(5));
            assertThat(hinted.lowestFailRate() / hinted.saturationRate()).isLessThanOrEqualTo(1 + TOL + 1e-9);
        }
    }

    @Test
    void theHintBracketIsTheFourProbeWidth() {
        SaturationHint h = SaturationHint.of(10, 0.05);
        assertThat(h.high() / h.predicted()).isCloseTo(Math.pow(1.05, 4), Percentage.withPercentage(1e-6));
        assertThat(h.predicted() / h.low()).isCloseTo(Math.pow(1.05, 4), Percentage.withPercentage(1e-6));
        SaturationHint c = SaturationHint.of(5000, 0.05).clampedTo(0.01, 4096);
        assertThat(c.high()).isEqualTo(4096);
        assertThat(c.low()).isLessThan(c.high());
        assertThatThrownBy(() -> SaturationHint.of(0, 0.05)).hasMessageContaining("predicted must be > 0");
    }
}
