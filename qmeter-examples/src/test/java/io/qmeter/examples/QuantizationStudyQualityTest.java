package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepReport;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantizationStudyQualityTest {

    @TempDir
    Path dir;

    private static Path realGsm8k() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path f = p.resolve("shared/datasets/gsm8k-test.jsonl");
            if (Files.isRegularFile(f)) {
                return f;
            }
            p = p.getParent();
        }
        return null;
    }

    @Test
    void theBundledSubsetIsTheSeededSubsetOfTheRealTestFile() throws Exception {
        Path real = realGsm8k();
        assumeTrue(real != null, "shared/datasets/gsm8k-test.jsonl not found above " + Path.of("").toAbsolutePath());
        List<String> expected = QuantizationStudy.seededSubset(Files.readAllLines(real), QuantizationStudy.GSM8K_ITEMS,
                QuantizationStudy.GSM8K_SEED);
        assertThat(expected).hasSize(50).doesNotHaveDuplicates();
        try (InputStream in = QuantizationStudy.class.getResourceAsStream(QuantizationStudy.GSM8K_FIXTURE)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()).isEqualTo(expected);
        }
        assertThat(Files.readAllLines(QuantizationStudy.gsm8kSubset(dir))).isEqualTo(expected);
        assertThat(QuantizationStudy.seededSubset(Files.readAllLines(real), 50, 43)).isNotEqualTo(expected);
    }

    @Test
    void theStudysQualityStepScoresEveryMethodOnTheSimulatedEngineAsSimulated() {
        Plan full = QuantizationStudy.plan(QuantizationStudy.SearchMode.VIRTUAL, QuantizationStudy.gsm8kSubset(dir));
        assertThat(full.quality()).hasSize(1);
        assertThat(Plan.fromJson(full.toJson())).isEqualTo(full);
        // quality only, FP16 and the most lossy method of the study
        Plan plan = full.withRates(List.of()).withConfigurations(List.of(full.configurations().get(0),
                full.configurations().get(4)));
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try (ResultStore store = ResultStore.sqlite(dir.resolve("q.db"));
             SweepCoordinator c = QuantizationStudy.coordinator(store, new PrintStream(progress, true,
                     StandardCharsets.UTF_8), QuantizationStudy.SearchMode.VIRTUAL)) {
            SweepReport r = c.run(plan);
            assertThat(r.ok()).as(progress.toString(StandardCharsets.UTF_8)).isEqualTo(2);
            List<StoredRun> runs = store.findByPlan(plan.id());
            assertThat(runs).hasSize(2).allSatisfy(s -> {
                assertThat(s.status()).isEqualTo(RunStatus.OK);
                assertThat(s.labels()).containsEntry("simulated", "true").containsEntry("benchmark", "gsm8k");
                assertThat(s.metrics().get("quality_n")).isEqualTo(50.0);
            });
            double fp16 = runs.stream().filter(s -> s.labels().get("quantization").equals("FP16")).findFirst()
                    .orElseThrow().metrics().get("quality");
            double kv4 = runs.stream().filter(s -> s.labels().get("quantization").equals("W4A8KV4")).findFirst()
                    .orElseThrow().metrics().get("quality");
            assertThat(fp16).isGreaterThan(kv4).isGreaterThan(10);
        }
    }
}
