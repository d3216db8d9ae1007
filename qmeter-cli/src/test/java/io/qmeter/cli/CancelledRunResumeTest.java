package io.qmeter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A point stored as CANCELLED (Ctrl-C) is run again when the plan is run again; other stored points are skipped. */
class CancelledRunResumeTest {

    @TempDir
    Path dir;

    @Test
    void aCancelledPointIsRunAgainAndReplaced() {
        Plan plan = Plan.fromJson("""
                {"id": "resume", "seed": 3,
                 "configurations": [{"engine": "simulated", "model": "Llama-2-7B", "quantization": "FP16",
                                     "gpu": "H100-80GB"}],
                 "workload": {"kind": "synthetic", "inputTokens": 16, "outputTokens": 4},
                 "slo": {"targets": [{"metric": "ttft", "percentile": 90, "max": "1s"}]},
                 "rates": {"absolute": [10, 20]},
                 "runLength": {"requests": 6}}
                """);
        RunKey cancelled = plan.points().get(0).key();
        RunKey done = plan.points().get(1).key();
        try (ResultStore store = ResultStore.sqlite(dir.resolve("r.db"))) {
            store.put(new StoredRun(cancelled, RunStatus.CANCELLED, "cancelled after 0:03", Map.of(), Map.of(), "{}",
                    Instant.now()));
            store.put(StoredRun.ok(done, Map.of(), Map.of(), "{\"kept\": true}"));
            SweepReport r;
            try (SweepCoordinator c = SweepCoordinator.builder(store).idleSettle(Duration.ofMillis(100))
                    .clientCheck(Duration.ofSeconds(2), 0.3).build()) {
                r = c.run(plan);
            }
            assertThat(r.skipped()).as("only the completed point is resumed").isEqualTo(1);
            assertThat(r.ok() + r.invalid() + r.failed()).isEqualTo(1);
            assertThat(store.find(cancelled).orElseThrow().status()).isNotEqualTo(RunStatus.CANCELLED);
            assertThat(store.find(done).orElseThrow().payloadJson()).contains("kept");
            assertThat(store.count(plan.id())).isEqualTo(2);
        }
    }
}
