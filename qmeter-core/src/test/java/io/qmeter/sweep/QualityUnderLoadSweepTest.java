package io.qmeter.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.quality.QualityOptions;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scores under load that cannot be taken as asked are stored with their cause (the engines here serve nothing). */
class QualityUnderLoadSweepTest {

    @TempDir
    Path dir;

    private static Plan plan(QualityStep step, List<RatePoint> rates) {
        EngineSettings fp16 = EngineSettings.builder().engine("fake").model("m").quantization("fp16").gpu("H100").build();
        return Plan.builder("uplan").configuration(fp16).workload(WorkloadSpec.synthetic(10, 10))
                .slo(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1)).build())
                .runLength(RunLength.requests(4)).addRates(rates).quality(step).build();
    }

    private static SweepCoordinator.Builder coordinator(ResultStore store, QualitySweepTest.Counting b) {
        return SweepCoordinator.builder(store)
                .engines(s -> new QualitySweepTest.FakeEngine(s.quantization()))
                .healthInterval(Duration.ofMillis(20))
                .idleSettle(Duration.ofMillis(1))
                .restartBackoff(Duration.ZERO, Duration.ZERO)
                .runRequestTimeout(Duration.ofSeconds(2))
                .qualityBenchmarks(name -> name.equals(b.name()) ? Optional.of(b) : Optional.empty());
    }

    @Test
    void withoutASaturationPointAFractionIsStoredAsFailedWithTheSearchsCause() {
        QualityStep step = QualityStep.of("toy", QualityOptions.defaults())
                .withUnderLoad(List.of(RatePoint.fractionOfSaturation(0.5)));
        Plan plan = plan(step, List.of(RatePoint.fractionOfSaturation(1)));
        QualitySweepTest.Counting b = new QualitySweepTest.Counting((h, n) -> QualitySweepTest.score(h, false));
        try (ResultStore store = ResultStore.sqlite(dir.resolve("f.db"));
             SweepCoordinator c = coordinator(store, b).searchProbe((s, realTime) -> req -> {
                 throw new IllegalStateException("no probe today");
             }).build()) {
            c.run(plan);
            Map<String, StoredRun> runs = store.findByPlan("uplan").stream()
                    .collect(Collectors.toMap(s -> s.key().rateLabel(), s -> s));
            assertThat(runs.get("quality.toy").status()).isEqualTo(RunStatus.OK);
            StoredRun loaded = runs.get("quality.toy-under-0.5sat");
            assertThat(loaded.status()).isEqualTo(RunStatus.FAILED);
            assertThat(loaded.cause()).contains("no saturation point for this configuration")
                    .contains("no probe today").contains("0.5sat");
            assertThat(loaded.labels()).containsEntry("under_load", "0.5sat");
            assertThat(b.runs.get()).as("only the idle score was taken").isEqualTo(1);
        }
    }

    @Test
    void aBackgroundWhoseRequestsFailMakesTheScoreInvalidWithTheCause() {
        QualityStep step = QualityStep.of("toy", QualityOptions.defaults())
                .withUnderLoad(List.of(RatePoint.absolute(50)));
        Plan plan = plan(step, List.of());
        QualitySweepTest.Counting b = new QualitySweepTest.Counting((h, n) -> QualitySweepTest.score(h, false));
        try (ResultStore store = ResultStore.sqlite(dir.resolve("i.db"));
             SweepCoordinator c = coordinator(store, b).build()) {
            c.run(plan);
            StoredRun loaded = store.findByPlan("uplan").stream()
                    .filter(s -> s.key().rateLabel().equals("quality.toy-under-50rps")).findFirst().orElseThrow();
            assertThat(loaded.status()).isEqualTo(RunStatus.INVALID);
            assertThat(loaded.cause()).contains("background requests failed");
            assertThat(loaded.metrics()).containsEntry("background_target_rps", 50.0)
                    .containsEntry("answers_differ_fraction", 0.0).containsEntry("quality_delta", 0.0);
            assertThat(loaded.metrics().get("background_failed_requests")).isPositive();
            assertThat(b.runs.get()).isEqualTo(2);
        }
    }
}
