package io.qmeter.engines.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.metrics.Slo;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.RunLength;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepReport;
import io.qmeter.sweep.WorkloadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep whose plan names a launched engine kind ({@code vllm}) runs it through the registered
 * factory, the catalogue's dialect and the stand-in: the engine that crashes mid-sweep is
 * restarted and its point retried; one that keeps crashing leaves failed points with the cause.
 */
class LaunchedSweepIT {

    @TempDir
    Path dir;

    private EngineSettings settings(String... extra) {
        List<String> args = new ArrayList<>(List.of("--binDir=" + StandIns.dir(), "--logDir=" + dir.resolve("logs"),
                "--startTimeout=90s", "--stopGrace=5s"));
        StandIns.env().forEach((k, v) -> args.add("--env." + k + "=" + v));
        args.addAll(List.of(extra));
        return EngineSettings.builder().engine("vllm").model("facebook/opt-125m").quantization("FP16")
                .tensorParallel(1).gpu("0").extraArgs(args.toArray(String[]::new)).build();
    }

    private static Plan plan(String id, EngineSettings s) {
        return Plan.builder(id).configurations(List.of(s)).workload(WorkloadSpec.synthetic(32, 8))
                .slo(Slo.p90(Duration.ofSeconds(2), Duration.ofMillis(500))).rates(20, 10).repetitions(1)
                .runLength(RunLength.requests(20)).seed(7).build();
    }

    private SweepCoordinator.Builder coordinator(ResultStore store) {
        return SweepCoordinator.builder(store).healthInterval(Duration.ofMillis(500))
                .stallTimeout(Duration.ofSeconds(2)).startTimeout(Duration.ofSeconds(90))
                .clientCheck(Duration.ofMillis(500), 0.5);
    }

    @Test
    void anEngineThatCrashesMidSweepIsRestartedAndThePointRetried() {
        Plan plan = plan("launched-crash-once", settings("--env.STANDIN_CRASH_ONCE=" + dir.resolve("crashed"),
                "--env.STANDIN_CRASH_AFTER=10"));
        try (ResultStore store = ResultStore.sqlite(dir.resolve("once.db"));
             SweepCoordinator c = coordinator(store).build()) {
            SweepReport r = c.run(plan);
            assertThat(r.ok()).as("both points after the restart").isEqualTo(2);
            assertThat(r.failed()).isZero();
            assertThat(r.configurations().get(0).restarts()).isEqualTo(1);
            List<StoredRun> runs = store.findByPlan(plan.id());
            assertThat(runs).hasSize(2).allSatisfy(x -> assertThat(x.status()).isEqualTo(RunStatus.OK));
            assertThat(runs.stream().mapToDouble(x -> x.metrics().get("attempts")).sum()).isEqualTo(3.0);
        }
    }

    @Test
    void anEngineThatKeepsCrashingLeavesFailedPointsWithTheCause() {
        Plan plan = plan("launched-crash-always", settings("--env.STANDIN_SIM_ARGS=--crash-after 5"));
        try (ResultStore store = ResultStore.sqlite(dir.resolve("always.db"));
             SweepCoordinator c = coordinator(store).maxAttempts(2).build()) {
            SweepReport r = c.run(plan);
            assertThat(r.failed()).isEqualTo(2);
            assertThat(r.ok()).isZero();
            assertThat(store.findByPlan(plan.id())).hasSize(2).allSatisfy(x -> {
                assertThat(x.status()).isEqualTo(RunStatus.FAILED);
                assertThat(x.cause()).contains("DOWN").contains("status 3");
                assertThat(x.payload().get("logTail").toString()).contains("injected crash");
            });
        }
    }
}
