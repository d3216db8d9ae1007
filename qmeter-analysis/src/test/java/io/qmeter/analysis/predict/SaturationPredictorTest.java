package io.qmeter.analysis.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SaturationPredictorTest {

    @BeforeAll
    static void nativeLibrary() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
            // XGBoost4J ships this platform's library: it must load here (this fails the build if it does not)
            XgboostRuntime.check();
        } else {
            Assumptions.assumeTrue(XgboostRuntime.available(), "XGBoost4J's native library does not load on " + os
                    + " " + arch);
        }
    }

    @Test
    void learnsAKnownFunctionOnARandomSplit() {
        List<SaturationPoint> pts = Points.grid(0.02, 2L);
        PredictionEvaluation.SchemeResult r = PredictionEvaluation.evaluate(pts, SplitScheme.random(0.8, 3L),
                PredictorParams.defaults(), 500, 0.95, 4L);
        System.out.printf(Locale.ROOT, "random 8:2 on the known function: MAPE %.2f %% [%.2f, %.2f]%n", r.mape(),
                r.interval().low(), r.interval().high());
        assertThat(r.mape()).isLessThan(12);
        assertThat(r.interval().low()).isLessThanOrEqualTo(r.mape());
        assertThat(r.interval().high()).isGreaterThanOrEqualTo(r.mape());
        assertThat(r.params().seed()).isEqualTo(42L);
    }

    @Test
    void theSameSeedGivesTheSameModel() {
        List<SaturationPoint> pts = Points.grid(0.05, 2L);
        try (SaturationPredictor a = SaturationPredictor.train(pts, PredictorParams.defaults().withSeed(9));
             SaturationPredictor b = SaturationPredictor.train(pts, PredictorParams.defaults().withSeed(9));
             SaturationPredictor c = SaturationPredictor.train(pts, PredictorParams.defaults().withSeed(10))) {
            assertThat(a.predict(pts)).containsExactly(b.predict(pts));
            assertThat(a.predict(pts)).isNotEqualTo(c.predict(pts));
        }
    }

    @Test
    void featureImportanceListsEveryFeatureAndSumsToOne() {
        List<SaturationPoint> pts = Points.grid(0.0, 2L);
        try (SaturationPredictor p = SaturationPredictor.train(pts, PredictorParams.defaults())) {
            Map<String, Double> imp = p.featureImportance();
            assertThat(imp.keySet()).containsExactlyInAnyOrderElementsOf(Features.NAMES);
            assertThat(imp.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1, within(1e-9));
            // the known function ignores activation and KV bits and the number format
            assertThat(imp.get("kv_bits") + imp.get("activation_bits")).isLessThan(0.05);
            // model size spans 10x, TP 8x, and the GPU 2.2x: size outranks the GPU
            assertThat(imp.get("model_size")).isGreaterThan(imp.get("gpu"));
            assertThat(p.trainingSize()).isEqualTo(pts.size());
        }
    }

    @Test
    void aConstantTargetIsPredictedExactlyAndAClosedModelRefusesWork() {
        List<SaturationPoint> pts = Points.grid(0.0, 2L).stream().map(x -> x.withSaturationRps(5)).toList();
        SaturationPredictor p = SaturationPredictor.train(pts, PredictorParams.defaults().withRounds(20));
        assertThat(Mape.of(pts.stream().mapToDouble(SaturationPoint::saturationRps).toArray(), p.predict(pts)))
                .isLessThan(0.01);
        p.close();
        p.close();
        assertThatThrownBy(() -> p.predict(pts.get(0))).hasMessageContaining("closed");
    }

    @Test
    void anUnknownGpuAndTooLittleDataAreRefused() {
        List<SaturationPoint> pts = Points.grid(0.0, 2L);
        try (SaturationPredictor p = SaturationPredictor.train(pts, PredictorParams.defaults().withRounds(5))) {
            SaturationPoint l40 = SaturationPoint.of(7, "FP16", "L40S", 1, "sharegpt", 331, 231, 1);
            assertThatThrownBy(() -> p.predict(l40)).hasMessageContaining("L40S").hasMessageContaining("Features.over");
        }
        assertThatThrownBy(() -> SaturationPredictor.train(pts.subList(0, 1), PredictorParams.defaults()))
                .hasMessageContaining("at least 2");
    }
}
