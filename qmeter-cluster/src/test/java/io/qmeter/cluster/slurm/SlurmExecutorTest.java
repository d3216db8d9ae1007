package io.qmeter.cluster.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.RunLength;
import io.qmeter.sweep.WorkloadSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated sbatch scripts and Slurm commands, checked without a cluster through a recording runner. */
class SlurmExecutorTest {

    @TempDir
    Path dir;

    /** Records every command and answers from a script of replies. */
    static final class Recorder implements CommandRunner {
        final List<List<String>> commands = new ArrayList<>();
        final Map<String, Result> replies;

        Recorder(Map<String, Result> replies) {
            this.replies = replies;
        }

        @Override
        public Result run(List<String> command) {
            commands.add(List.copyOf(command));
            return replies.getOrDefault(command.get(0), new Result(0, "", ""));
        }
    }

    static EngineSettings vllm(String q, int tp, String gpu) {
        return EngineSettings.builder().engine("vllm").model("meta-llama/Llama-2-13b-chat-hf").quantization(q)
                .tensorParallel(tp).gpu(gpu).build();
    }

    static Plan plan() {
        return Plan.builder("quant-13b").configurations(List.of(vllm("fp16", 1, "H100"), vllm("awq", 1, "H100"),
                        vllm("fp16", 2, "H100"), vllm("fp16", 1, "A100"), vllm("gptq", 1, "H100")))
                .workload(WorkloadSpec.synthetic(331, 231))
                .slo(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(2)).build())
                .saturationFractions(0.5, 0.8, 1.0).runLength(RunLength.requests(200)).seed(1).build();
    }

    SlurmOptions options() {
        return SlurmOptions.of("/shared/qmeter/lib/*", Path.of("/shared/qmeter/jobs"),
                        "jdbc:postgresql://db.cluster:5432/qmeter", "bench")
                .withPartition("gpu").withPartition("A100", "a100").withConstraint("H100", "h100")
                .withAccount("llm").withMaxParallel(4).withRunPointArgs(List.of("--lease", "PT5M"));
    }

    static String golden(String name) throws IOException {
        try (InputStream in = SlurmExecutorTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void assertGolden(String actual, String name) throws IOException {
        Path out = Path.of("target", "golden-actual", name);
        Files.createDirectories(out.getParent());
        Files.writeString(out, actual); // for review when it differs
        assertThat(actual).as("differs from src/test/resources/golden/%s; the actual text is in %s", name, out)
                .isEqualTo(golden(name));
    }

    @Test
    void configurationsAreGroupedByGpuTypeAndTensorParallelDegreeInPlanOrder() {
        assertThat(SlurmExecutor.groups(plan())).containsExactly(
                new SlurmExecutor.ArrayGroup("H100", 1, List.of(0, 1, 4)),
                new SlurmExecutor.ArrayGroup("H100", 2, List.of(2)),
                new SlurmExecutor.ArrayGroup("A100", 1, List.of(3)));
    }

    @Test
    void theScriptOfEachGroupMatchesItsGoldenFile() throws IOException {
        SlurmExecutor s = new SlurmExecutor(options());
        List<SlurmExecutor.ArrayGroup> g = SlurmExecutor.groups(plan());
        Path planFile = Path.of("/shared/qmeter/plans/quant-13b.json");
        String a = s.script(plan(), g.get(0), planFile);
        String b = s.script(plan(), g.get(1), planFile);
        String c = new SlurmExecutor(options().withGres(true).withTimeLimit(Duration.ofHours(30)))
                .script(plan(), g.get(2), planFile);
        org.junit.jupiter.api.Assertions.assertAll(() -> assertGolden(a, "h100-tp1.sbatch"),
                () -> assertGolden(b, "h100-tp2.sbatch"), () -> assertGolden(c, "a100-tp1-gres.sbatch"));
    }

    @Test
    void theTimeLimitIsTwiceTheEstimateOfOneConfigurationRoundedUpToMinutes() {
        SlurmExecutor s = new SlurmExecutor(options());
        // 5 min start + 5 s idle + 8 probes x (200 req / 4 req/s + 30 s) + (200/2 + 200/3.2 + 200/4) s + 3 x 30 s
        double seconds = 300 + 5 + 8 * (50 + 30) + (100 + 62.5 + 50) + 90;
        assertThat(s.timeLimit(plan())).isEqualTo(Duration.ofMinutes((long) Math.ceil(seconds * 2 / 60)));
        assertThat(SlurmExecutor.slurmTime(Duration.ofHours(30).plusSeconds(61))).isEqualTo("1-06:01:01");
    }

    @Test
    void submitWritesTheScriptsAndPassesThemToSbatchParsable() {
        Recorder r = new Recorder(Map.of("sbatch", new CommandRunner.Result(0, "4242;qmeter\n", "")));
        SlurmOptions o = options();
        o = new SlurmOptions(o.classPath(), dir, o.storeUrl(), o.storeUser(), o.java(), o.jvmArgs(), o.runPointArgs(),
                o.partition(), o.partitionByGpu(), o.constraintByGpu(), o.account(), o.qos(), o.gres(), o.requestGpus(),
                o.cpusPerTask(), o.timeLimit(), o.timeFactor(), o.maxParallel());
        SlurmExecutor s = new SlurmExecutor(o, r, io.qmeter.cluster.Sizing.Assumptions.defaults());
        SlurmExecutor.Submission sub = s.submit(plan(), Path.of("/shared/plan.json"));
        assertThat(r.commands).containsExactly(
                List.of("sbatch", "--parsable", dir.resolve("qmeter-quant-13b-h100-tp1.sbatch").toString()),
                List.of("sbatch", "--parsable", dir.resolve("qmeter-quant-13b-h100-tp2.sbatch").toString()),
                List.of("sbatch", "--parsable", dir.resolve("qmeter-quant-13b-a100-tp1.sbatch").toString()));
        assertThat(Files.exists(dir.resolve("qmeter-quant-13b-h100-tp2.sbatch"))).isTrue();
        assertThat(sub.arrays()).extracting(SlurmExecutor.SubmittedArray::jobId).containsOnly("4242");
        assertThat(sub.taskId(4)).isEqualTo("4242_4");
    }

    @Test
    void sbatchRefusingAScriptIsAnErrorWithItsMessage() {
        Recorder r = new Recorder(Map.of("sbatch", new CommandRunner.Result(1, "",
                "sbatch: error: Invalid generic resource (gres) specification\n")));
        SlurmOptions o = SlurmOptions.of("cp", dir, "jdbc:postgresql://h/db", "u");
        SlurmExecutor s = new SlurmExecutor(o, r, io.qmeter.cluster.Sizing.Assumptions.defaults());
        assertThatThrownBy(() -> s.submit(plan(), Path.of("/p.json"))).isInstanceOf(SlurmException.class)
                .hasMessageContaining("Invalid generic resource").hasMessageContaining("withGres(true)");
    }

    @Test
    void statesComeFromSqueueThenSacctAndTasksKnownToNeitherAreEnded() {
        Recorder r = new Recorder(Map.of(
                "squeue", new CommandRunner.Result(0, "77_[1,4%4]|PENDING\n77_0|RUNNING\n", ""),
                "sacct", new CommandRunner.Result(0, "78_2|CANCELLED by 0\n", "")));
        SlurmExecutor s = new SlurmExecutor(options(), r, io.qmeter.cluster.Sizing.Assumptions.defaults());
        List<SlurmExecutor.ArrayGroup> g = SlurmExecutor.groups(plan());
        SlurmExecutor.Submission sub = new SlurmExecutor.Submission("quant-13b", List.of(
                new SlurmExecutor.SubmittedArray("77", g.get(0), Path.of("a")),
                new SlurmExecutor.SubmittedArray("78", g.get(1), Path.of("b")),
                new SlurmExecutor.SubmittedArray("79", g.get(2), Path.of("c"))));
        assertThat(s.states(sub)).containsExactlyInAnyOrderEntriesOf(Map.of(0, TaskState.RUNNING, 1, TaskState.PENDING,
                4, TaskState.PENDING, 2, TaskState.CANCELLED, 3, TaskState.ENDED));
        assertThat(r.commands).containsExactly(
                List.of("squeue", "-h", "-r", "-j", "77,78,79", "-o", "%i|%T"),
                List.of("sacct", "-n", "-P", "-X", "-j", "77,78,79", "-o", "JobID,State"));

        r.commands.clear();
        s.cancelTask(sub, 4, Optional.of("KILL"));
        s.cancelTask(sub, 2, Optional.empty());
        s.cancel(sub);
        assertThat(r.commands).containsExactly(List.of("scancel", "--batch", "--signal=KILL", "77_4"),
                List.of("scancel", "78_2"), List.of("scancel", "77", "78", "79"));
    }

    @Test
    void slurmStatesParseAndUnknownOnesAreRefused() {
        assertThat(TaskState.parse("CANCELLED by 1000")).isEqualTo(TaskState.CANCELLED);
        assertThat(TaskState.parse("OUT_OF_MEMORY")).isEqualTo(TaskState.OUT_OF_MEMORY);
        assertThat(TaskState.parse("COMPLETING")).isEqualTo(TaskState.RUNNING);
        assertThat(TaskState.parse("NODE_FAIL").isTerminal()).isTrue();
        assertThatThrownBy(() -> TaskState.parse("BOGUS")).hasMessageContaining("BOGUS");
    }

    @Test
    void aPasswordNeverGetsIntoAScript() {
        assertThatThrownBy(() -> SlurmOptions.of("cp", dir, "jdbc:postgresql://h/db?user=u&password=x", "u"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("QMETER_PG_PASSWORD");
        assertThatThrownBy(() -> options().withRunPointArgs(List.of("--password", "x")))
                .isInstanceOf(IllegalArgumentException.class);
        String script = new SlurmExecutor(options()).script(plan(), SlurmExecutor.groups(plan()).get(0),
                Path.of("/p.json"));
        assertThat(script).doesNotContain("password=").contains("QMETER_PG_PASSWORD");
    }
}
