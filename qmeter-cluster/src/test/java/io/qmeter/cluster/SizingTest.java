package io.qmeter.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.RunLength;
import io.qmeter.sweep.WorkloadSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dry run's sizing model and its command line. */
class SizingTest {

    static Plan plan(int... tps) {
        List<EngineSettings> l = new ArrayList<>();
        int i = 0;
        for (int tp : tps) {
            l.add(EngineSettings.builder().engine("vllm").model("m").quantization("fp16").tensorParallel(tp).gpu("H100")
                    .extraArgs("--seed=" + i++).build());
        }
        return Plan.builder("size").configurations(l).workload(WorkloadSpec.synthetic(100, 100))
                .slo(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1)).build()).rates(2, 4)
                .runLength(RunLength.duration(Duration.ofMinutes(2))).seed(1).build();
    }

    static final Sizing.Assumptions A = new Sizing.Assumptions(Duration.ofMinutes(4), Duration.ofSeconds(60), 4,
            Duration.ofSeconds(30), Duration.ofMinutes(10));

    @Test
    void eachConfigurationTakesStartIdleAndItsTimedRunsAndGpuHoursCountItsGpus() {
        Sizing.Estimate e = Sizing.estimate(plan(1, 2, 4), A, 1, 8);
        // 4 min + 1 min + 2 x (2 min + 30 s) = 10 min each, no search (absolute rates)
        assertThat(e.needs()).allSatisfy(n -> assertThat(n.time()).isEqualTo(Duration.ofMinutes(10)));
        assertThat(e.needs()).extracting(Sizing.Need::gpus).containsExactly(1, 2, 4);
        assertThat(e.gpuHours()).isEqualTo((1 + 2 + 4) * 10 / 60.0);
        assertThat(e.serial()).isEqualTo(Duration.ofMinutes(30));
        assertThat(e.wall()).as("1+2+4 GPUs fit one 8-GPU node at once").isEqualTo(Duration.ofMinutes(10));
        assertThat(e.points()).isEqualTo(6);
    }

    @Test
    void theWallTimeQueuesConfigurationsThatDoNotFitAndNeverSplitsOneAcrossNodes() {
        // four TP-4 configurations on 2 nodes of 6 GPUs: one per node at a time, two rounds
        Sizing.Estimate e = Sizing.estimate(plan(4, 4, 4, 4), A, 2, 6);
        assertThat(e.wall()).isEqualTo(Duration.ofMinutes(20));
        Sizing.Estimate wide = Sizing.estimate(plan(4, 4, 4, 4), A, 2, 8);
        assertThat(wide.wall()).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> Sizing.estimate(plan(8), A, 4, 4)).hasMessageContaining("needs 8 GPUs on one node");
    }

    @Test
    void relativeRatesAddTheSearchAndRunAtTheAssumedSaturationRate() {
        Plan p = plan(1).withRates(List.of(io.qmeter.sweep.RatePoint.fractionOfSaturation(0.5)))
                .withRunLength(RunLength.requests(120));
        Sizing.Estimate e = Sizing.estimate(p, A, 1, 8);
        // 5 min + 8 probes x (120 / 4 + 30 s) + (120 / 2 + 30 s)
        assertThat(e.needs().get(0).time()).isEqualTo(Duration.ofSeconds(300 + 8 * 60 + 90));
    }

    @Test
    void theDryRunPrintsEveryConfigurationTheGpuShapesAndTheTotals() {
        Path plan = Path.of("..", "examples", "plans", "cluster-500.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = DryRun.execute(new String[] {"--plan", plan.toString(), "--nodes", "4", "--gpus-per-node", "8"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(rc).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("plan cluster-500-h100: 50 configurations, 500 points")
                .contains("tasks needing H100 x2").contains("tasks needing H100 x4").contains("GPU-hours:")
                .contains("on 4 nodes x 8 GPUs (32 GPUs)").contains("... 30 more configurations");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(DryRun.execute(new String[] {"--nodes"}, System.out, new PrintStream(err, true,
                StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: DryRun");
    }
}
