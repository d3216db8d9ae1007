package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.qmeter.store.ResultStore;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepReport;
import io.qmeter.testkit.FaultPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The energy windows the GPU study writes for the pynvml cross-check, taken from stored runs of the
 * simulated engine (which brings a power sensor): wall-clock edges of the measured window, joules
 * and tokens, as crosscheck.py reads them.
 */
class GpuLlamaStudyWindowsTest {

    @TempDir
    Path dir;

    @Test
    void eachStoredRunGivesItsEnergyWindowInWallClockTime() {
        Plan plan = TestPlans.plan("windows", List.of(TestPlans.settings("FP16")), 20, 10);
        double before = System.currentTimeMillis() / 1000.0;
        List<StoredRun> runs;
        try (ResultStore store = ResultStore.sqlite(dir.resolve("w.db"));
             SweepCoordinator c = SweepCoordinator.builder(store).engines(s -> TestPlans.engine(FaultPlan.none()))
                     .clientCheck(Duration.ofMillis(500), 0.5).idleSettle(Duration.ofMillis(200)).build()) {
            SweepReport r = c.run(plan);
            assertThat(r.failed()).isZero();
            runs = store.findByPlan(plan.id());
        }
        double after = System.currentTimeMillis() / 1000.0;

        ArrayNode w = GpuLlamaStudy.windows(List.of("FP16"), plan, runs);

        assertThat(w).hasSize(1);
        JsonNode x = w.get(0);
        assertThat(x.get("configuration").asText()).isEqualTo("FP16");
        assertThat(x.get("rate_label").asText()).isEqualTo(runs.get(0).key().rateLabel());
        double start = x.get("start_epoch_s").asDouble();
        double end = x.get("end_epoch_s").asDouble();
        assertThat(start).isBetween(before, after);
        assertThat(end).isBetween(start + 0.5, after);
        assertThat(x.get("joules").asDouble()).isPositive();
        assertThat(x.get("tokens").asDouble()).isPositive();
        assertThat(x.get("joules").asDouble() / (end - start)).as("average watts").isBetween(10.0, 2000.0);
    }
}
