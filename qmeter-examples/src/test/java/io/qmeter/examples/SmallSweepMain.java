package io.qmeter.examples;

import io.qmeter.store.ResultStore;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepEvent;
import io.qmeter.sweep.SweepReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The child process of {@link SweepKillIT}: runs a small plan (2 simulated configurations × 4 rates)
 * on an SQLite store and prints {@code DONE key} after each stored point and {@code REPORT ...} at the end.
 */
public final class SmallSweepMain {

    private SmallSweepMain() {
    }

    static Plan plan() {
        return TestPlans.plan("kill-resume", List.of(TestPlans.settings("FP16"), TestPlans.settings("W4A16-INT")), 15,
                30, 20, 15, 10);
    }

    /**
     * Runs the plan.
     *
     * @param args the SQLite file
     */
    public static void main(String[] args) {
        try (ResultStore store = ResultStore.sqlite(Path.of(args[0]));
             SweepCoordinator c = SweepCoordinator.builder(store).clientCheck(Duration.ofMillis(500), 0.5)
                     .listener(e -> {
                         if (e instanceof SweepEvent.RunDone d) {
                             System.out.println("DONE " + d.key().asString() + " " + d.status());
                             System.out.flush();
                         }
                     }).build()) {
            SweepReport r = c.run(plan());
            System.out.println("REPORT skipped=" + r.skipped() + " ok=" + r.ok() + " invalid=" + r.invalid()
                    + " failed=" + r.failed() + " remaining=" + r.remaining());
            System.out.flush();
        }
    }
}
