package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.SweepCoordinator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job with {@code --engine llama.cpp}, through its command line
 * ({@link QuantizationStudy#run(String[], PrintStream)}), on the CI llama-server: every method gets a
 * row in the table and a stored saturation search, with a rate or a stored failure with its cause.
 * Skips with the reason where {@code QMETER_LLAMA_SERVER} is unset.
 */
@Tag("engine")
class QuantizationStudyLlamaIT {

    @TempDir
    Path dir;

    @Test
    void theStudyRunsOnARealLlamaServerWithARowPerMethod() {
        Path server = LlamaCppEnv.server();
        Path models = LlamaCppEnv.models();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        QuantizationStudy.run(new String[] {dir.toString(), "--engine", "llama.cpp", "--server", server.toString(),
                "--models", models.toString()}, out);

        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        GpuLlamaStudy.Options o = GpuLlamaStudy.Options.cpu(server, models, dir).withShape("tiny")
                .withConfigurations(LlamaCppStudy.CONFIGS);
        Plan plan = LlamaCppStudy.plan(o);
        List<StoredRun> runs;
        try (ResultStore store = ResultStore.sqlite(dir.resolve(plan.id() + ".db"))) {
            runs = store.findByPlan(plan.id());
        }
        assertThat(plan.configurations()).hasSize(LlamaCppStudy.METHODS.size());
        for (int i = 0; i < LlamaCppStudy.METHODS.size(); i++) {
            String method = LlamaCppStudy.METHODS.get(i);
            String cid = plan.configurations().get(i).id();
            assertThat(plan.configurations().get(i).quantization()).isEqualTo(method);
            assertThat(text).as("a table row for %s", method).containsPattern("(?m)^" + method + " +"
                    + LlamaCppStudy.CONFIGS.get(i).modelFormat() + " ");
            StoredRun search = runs.stream().filter(r -> r.key().configurationId().equals(cid)
                    && r.key().rateLabel().equals(SweepCoordinator.SATURATION_LABEL)).findFirst()
                    .orElseThrow(() -> new AssertionError("no stored search for " + method + ":\n" + text));
            if (search.status() == RunStatus.OK) {
                assertThat(search.metrics().get("saturation_rps")).as("%s saturation", method).isPositive();
            } else {
                assertThat(search.cause()).as("%s: a failed search is stored with its cause", method).isNotBlank();
                assertThat(text).contains("cause: " + method);
            }
        }
        assertThat(text).contains(LlamaCppStudy.QUALITY).contains("prompt cache off")
                .contains("GGUF Q8_0: closest seed method W8A8-INT").contains("W4A8 runs as GGUF Q4_0");
        assertThat(dir.resolve(plan.id() + ".csv")).isNotEmptyFile();
    }
}
