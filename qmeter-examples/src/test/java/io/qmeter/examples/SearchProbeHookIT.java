package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.search.Probe;
import io.qmeter.search.ProbeResult;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.search.LoadProbe;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.RunLength;
import io.qmeter.sweep.SearchSettings;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepReport;
import io.qmeter.sweep.WorkloadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator searches with the probe a SearchProbeFactory supplies, then runs the plan for real. */
class SearchProbeHookIT {

    @TempDir
    Path dir;

    @Test
    void theSuppliedProbeFindsTheSaturationPointAndTheRunsGoToTheEngine() {
        EngineSettings fp16 = TestPlans.settings("FP16");
        Plan plan = Plan.builder("hook").configuration(fp16).workload(WorkloadSpec.synthetic(64, 8))
                .slo(io.qmeter.metrics.Slo.builder().ttft(io.qmeter.metrics.Percentile.of(90), Duration.ofSeconds(1)).tpot(io.qmeter.metrics.Percentile.of(90), Duration.ofMillis(200)).build())
                .saturationFractions(1.0).runLength(RunLength.requests(20)).seed(7)
                .search(new SearchSettings(0.05, 20, 1.0)).build();
        double truth = 6.0;
        List<Probe> defaults = new CopyOnWriteArrayList<>();
        List<EngineSettings> asked = new CopyOnWriteArrayList<>();
        Probe model = new Probe() {
            @Override
            public ProbeResult run(io.qmeter.search.ProbeRequest req) {
                double[] v = new double[req.requestCount()];
                Arrays.fill(v, req.ratePerSecond() <= truth ? 1e6 : Double.POSITIVE_INFINITY);
                return ProbeResult.ofSamples(Map.of("ttft", v, "tpot", v));
            }

            @Override
            public String toString() {
                return "step model";
            }
        };
        try (ResultStore store = ResultStore.sqlite(dir.resolve("hook.db"));
             SweepCoordinator c = SweepCoordinator.builder(store).clientCheck(Duration.ofMillis(500), 0.5)
                     .searchProbe((settings, realTime) -> {
                         asked.add(settings);
                         defaults.add(realTime);
                         return model;
                     }).build()) {
            SweepReport r = c.run(plan);

            assertThat(asked).containsExactly(fp16);
            assertThat(defaults).singleElement().isInstanceOf(LoadProbe.class);
            assertThat(r.ok()).isEqualTo(1);
            StoredRun search = store.find(new io.qmeter.store.RunKey("hook", fp16.id(),
                    SweepCoordinator.SATURATION_LABEL, 0)).orElseThrow();
            assertThat(search.labels()).containsEntry("search_probe", "step model");
            double sat = search.metrics().get("saturation_rps");
            assertThat(sat).isBetween(truth / 1.05, truth);
            StoredRun run = store.find(new io.qmeter.store.RunKey("hook", fp16.id(), "1sat", 0)).orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.OK);
            assertThat(run.metrics().get("target_rps")).isEqualTo(sat);
            assertThat(run.metrics().get("ok_requests")).isEqualTo(20.0); // served over HTTP by the engine
        }
    }

    @Test
    void aFailingFactoryIsRecordedAsAFailedSearchAndThePlanGoesOn() {
        EngineSettings fp16 = TestPlans.settings("FP16");
        Plan plan = Plan.builder("hook-fails").configuration(fp16).workload(WorkloadSpec.synthetic(64, 8))
                .slo(io.qmeter.metrics.Slo.builder().ttft(io.qmeter.metrics.Percentile.of(90), Duration.ofSeconds(1)).tpot(io.qmeter.metrics.Percentile.of(90), Duration.ofMillis(200)).build())
                .saturationFractions(1.0).runLength(RunLength.requests(20)).seed(7)
                .search(new SearchSettings(0.05, 20, 1.0)).build();
        try (ResultStore store = ResultStore.sqlite(dir.resolve("fails.db"));
             SweepCoordinator c = SweepCoordinator.builder(store).maxAttempts(1)
                     .searchProbe((settings, realTime) -> {
                         throw new IllegalArgumentException("no model for " + settings.quantization());
                     }).build()) {
            SweepReport r = c.run(plan);

            assertThat(r.failed()).isEqualTo(1);
            StoredRun search = store.find(new io.qmeter.store.RunKey("hook-fails", fp16.id(),
                    SweepCoordinator.SATURATION_LABEL, 0)).orElseThrow();
            assertThat(search.status()).isEqualTo(RunStatus.FAILED);
            assertThat(search.cause()).contains("searchProbe factory failed").contains("no model for FP16");
            StoredRun run = store.find(new io.qmeter.store.RunKey("hook-fails", fp16.id(), "1sat", 0)).orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.cause()).contains("no saturation point");
        }
    }
}
