package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepEvent;
import io.qmeter.sweep.SweepReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configurations of independent engines run in parallel; cancel stops cleanly and a re-run resumes. */
class CancelAndParallelIT {

    @TempDir
    Path dir;

    @Test
    void independentSimulatedEnginesRunInParallelThroughTheServiceLoaderFactory() {
        Plan plan = TestPlans.plan("parallel", List.of(TestPlans.settings("FP16"), TestPlans.settings("W4A16-INT")),
                20, 20, 10);
        List<SweepEvent> events = new CopyOnWriteArrayList<>();
        try (ResultStore store = ResultStore.sqlite(dir.resolve("parallel.db"));
             SweepCoordinator c = SweepCoordinator.builder(store).parallelism(2).clientCheck(Duration.ofMillis(500), 0.5)
                     .listener(events::add).build()) {
            SweepReport r = c.run(plan);

            assertThat(r.ok()).isEqualTo(4);
            // the client's event-loop delay is sampled through the sweep's sender and stored with each run
            assertThat(store.findByPlan(plan.id())).hasSize(4).allSatisfy(run -> assertThat(run.metrics())
                    .hasEntrySatisfying("loop_delay_p99_ms", v -> assertThat(v).isFinite().isNotNegative()));
            int secondStart = -1;
            int firstDone = -1;
            int starts = 0;
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i) instanceof SweepEvent.ConfigurationStarted && ++starts == 2) {
                    secondStart = i;
                }
                if (events.get(i) instanceof SweepEvent.RunDone && firstDone < 0) {
                    firstDone = i;
                }
            }
            assertThat(secondStart).as("the second configuration started before any point of the first was done")
                    .isLessThan(firstDone);
        }
    }

    @Test
    void cancelStopsCleanlyKeepsWhatWasDoneAndAReRunResumes() {
        Plan plan = TestPlans.plan("cancel", List.of(TestPlans.settings("FP16")), 20, 20, 18, 16, 14, 12, 10);
        Path db = dir.resolve("cancel.db");
        AtomicReference<SweepCoordinator> self = new AtomicReference<>();
        SweepReport first;
        try (ResultStore store = ResultStore.sqlite(db);
             SweepCoordinator c = SweepCoordinator.builder(store).clientCheck(Duration.ofMillis(500), 0.5)
                     .listener(e -> {
                         if (e instanceof SweepEvent.RunDone) {
                             self.get().cancel();
                         }
                     }).build()) {
            self.set(c);
            first = c.run(plan);
            assertThat(first.cancelled()).isTrue();
            assertThat(first.ok()).isEqualTo(1);
            assertThat(first.remaining()).isEqualTo(5);
            assertThat(store.count(plan.id())).as("what was done is kept, nothing half-done is stored").isEqualTo(1);
        }
        try (ResultStore store = ResultStore.sqlite(db);
             SweepCoordinator c = SweepCoordinator.builder(store).clientCheck(Duration.ofMillis(500), 0.5).build()) {
            SweepReport second = c.run(plan);
            assertThat(second.cancelled()).isFalse();
            assertThat(second.skipped()).isEqualTo(1);
            assertThat(second.ok()).isEqualTo(5);
            assertThat(store.findByPlan(plan.id())).hasSize(6)
                    .allSatisfy(x -> assertThat(x.status()).isEqualTo(RunStatus.OK));
        }
    }
}
