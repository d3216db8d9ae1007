package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The study of {@link GpuLlamaStudy} on a real llama-server on the CPU: for F16, Q8_0, Q4_0 and
 * Q4_0 with a q8_0 KV cache, qmeter-engines launches the server, the sweep coordinator finds its
 * saturation point and runs 50 % and 100 % of it, and without NVML the energy is reported
 * unavailable, never zero.
 */
@Tag("engine")
class LlamaServerStudyIT {

    @TempDir
    Path dir;

    @Test
    void everyConfigurationIsLaunchedSearchedAndSweptOnARealServer() {
        GpuLlamaStudy.Options o = LlamaCppEnv.options(dir);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(printed, System.out), true, StandardCharsets.UTF_8);

        SweepReport report = GpuLlamaStudy.run(o, out);

        Plan plan = GpuLlamaStudy.plan(o);
        assertThat(report.failed()).as("no point failed: %s", printed).isZero();
        assertThat(report.remaining()).isZero();
        List<StoredRun> runs;
        try (ResultStore store = ResultStore.sqlite(dir.resolve(GpuLlamaStudy.NAME + ".db"))) {
            runs = store.findByPlan(plan.id());
        }
        for (EngineSettings s : plan.configurations()) {
            List<StoredRun> mine = runs.stream().filter(r -> r.key().configurationId().equals(s.id())).toList();
            assertThat(mine).as("%s: the search and a run per fraction", s.id()).hasSize(1 + o.fractions().size());
            StoredRun search = mine.stream()
                    .filter(r -> r.key().rateLabel().equals(SweepCoordinator.SATURATION_LABEL)).findFirst().orElseThrow();
            assertThat(search.metrics().get("saturation_rps")).as("%s saturation", s.id()).isPositive();
            for (StoredRun r : mine) {
                assertThat(r.labels().get("engine_version")).as("%s %s: the server's build_info from GET /props",
                        s.id(), r.key().rateLabel()).isNotBlank();
                assertThat(r.labels().get("engine_command")).as("the command line as run").contains("llama-server");
                assertThat(r.status()).as("%s %s: %s", s.id(), r.key().rateLabel(), r.cause())
                        .isIn(RunStatus.OK, RunStatus.INVALID);
                if (r != search) {
                    assertThat(r.metrics().get("ok_requests")).as("%s %s", s.id(), r.key().rateLabel()).isPositive();
                    assertThat(r.metrics().get("failed_requests")).as("%s %s", s.id(), r.key().rateLabel()).isZero();
                    assertThat(r.metrics().getOrDefault("j_per_token", Double.NaN))
                            .as("without NVML there is no energy figure, and never a zero").isNaN();
                }
            }
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("energy unavailable").contains("Q4_0+KVq8_0").contains("n/a");
        assertThat(dir.resolve(GpuLlamaStudy.NAME + ".csv")).isNotEmptyFile();
        assertThat(dir.resolve(GpuLlamaStudy.NAME + ".json")).isNotEmptyFile();
    }

    /** Writes to two streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
