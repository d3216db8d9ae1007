package io.qmeter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.cluster.Sizing;
import io.qmeter.cluster.slurm.CommandRunner;
import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.RunLength;
import io.qmeter.sweep.WorkloadSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The cluster commands without a cluster: parsing, help, the dry run, submit and cancel through a fake Slurm. */
class ClusterCommandTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result exec(CliContext ctx, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Qmeter.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), ctx).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Two GPU shapes (H100 x1, H100 x2) and an A100 x1: three Slurm arrays. */
    static Plan plan(String id) {
        List<EngineSettings> l = List.of(
                EngineSettings.builder().engine("simulated").model("Llama-2-7B").quantization("FP16").tensorParallel(1)
                        .gpu("H100").build(),
                EngineSettings.builder().engine("simulated").model("Llama-2-7B").quantization("FP16").tensorParallel(2)
                        .gpu("H100").build(),
                EngineSettings.builder().engine("simulated").model("Llama-2-7B").quantization("W4A16-INT")
                        .tensorParallel(1).gpu("A100").build());
        return Plan.builder(id).configurations(l).workload(WorkloadSpec.synthetic(64, 8))
                .slo(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1)).build())
                .rates(2, 4).repetitions(1).runLength(RunLength.requests(16)).seed(7).build();
    }

    Path write(Plan p) throws IOException {
        Path f = dir.resolve(p.id() + ".json");
        Files.writeString(f, p.toJson(), StandardCharsets.UTF_8);
        return f;
    }

    @ParameterizedTest
    @CsvSource({"run-point,--index,--password-file", "cluster,dry-run,submit", "cluster dry-run,--gpus-per-node,--nodes",
            "cluster submit,--constraint,--secret", "cluster progress,--watch,--deadline",
            "cluster cancel,--slurm,--config-map", "run,jdbc:postgresql,--password-file"})
    void everyCommandDocumentsItsOptions(String command, String a, String b) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        Result r = exec(CliContext.system(), args.toArray(String[]::new));
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: qmeter " + command).contains(a).contains(b).contains("Exit codes");
    }

    @Test
    void dryRunPrintsTheSizingOfThePlan() throws IOException {
        Path f = write(plan("dry"));
        Result r = exec(CliContext.system(), "cluster", "dry-run", f.toString(), "--nodes", "2", "--gpus-per-node", "4");
        assertThat(r.code()).as(r.err()).isZero();
        String expected = Sizing.estimate(Plan.read(f), Sizing.Assumptions.defaults(), 2, 4).render(20);
        assertThat(r.out()).isEqualTo(expected).contains("plan dry: 3 configurations, 6 points")
                .contains("on 2 nodes x 4 GPUs (8 GPUs)");

        Result slower = exec(CliContext.system(), "cluster", "dry-run", f.toString(), "--nodes", "2", "--gpus-per-node",
                "4", "--saturation-rate", "1", "--engine-start", "10m");
        assertThat(slower.out()).isEqualTo(Sizing.estimate(Plan.read(f), Sizing.Assumptions.defaults()
                .withSaturationRate(1).withEngineStart(Duration.ofMinutes(10)), 2, 4).render(20));
    }

    @Test
    void dryRunBadInputNamesTheOption() throws IOException {
        Path f = write(plan("dry-bad"));
        Result zero = exec(CliContext.system(), "cluster", "dry-run", f.toString(), "--nodes", "0", "--gpus-per-node", "4");
        assertThat(zero.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(zero.err()).contains("--nodes: expected an integer >= 1, was 0").doesNotContain("Exception");
        Result small = exec(CliContext.system(), "cluster", "dry-run", f.toString(), "--nodes", "1", "--gpus-per-node", "1");
        assertThat(small.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(small.err()).contains("--gpus-per-node: configuration 1").contains("needs 2 GPUs");
        Result missing = exec(CliContext.system(), "cluster", "dry-run", f.toString(), "--nodes", "1");
        assertThat(missing.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(missing.err()).contains("--gpus-per-node");
    }

    /** A fake Slurm: records every command, answers sbatch with job ids 4242, 4243, ... */
    static final class FakeSlurm implements CommandRunner {
        final List<List<String>> commands = new ArrayList<>();
        final List<String> scripts = new ArrayList<>();
        int next = 4242;
        int sbatchExit;

        @Override
        public synchronized Result run(List<String> command) {
            commands.add(List.copyOf(command));
            if (command.get(0).equals("sbatch")) {
                try {
                    scripts.add(Files.readString(Path.of(command.get(command.size() - 1))));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return sbatchExit == 0 ? new Result(0, (next++) + ";cluster\n", "")
                        : new Result(sbatchExit, "", "sbatch: error: invalid partition specified: nope");
            }
            return new Result(0, "", "");
        }
    }

    @Test
    void submitToSlurmWritesOneArrayPerGpuShapeWithTheOptionsAndNoPassword() throws IOException {
        Path f = write(plan("sub"));
        FakeSlurm slurm = new FakeSlurm();
        CliContext ctx = CliContext.system().withSlurm(slurm)
                .withEnv(Map.of("QMETER_PG_PASSWORD", "s3cret-pw", "QMETER_PG_USER", "bench"));
        Result r = exec(ctx, "cluster", "submit", f.toString(), "--slurm", "--partition", "gpu", "--partition",
                "A100=a100q", "--constraint", "H100=h100", "--account", "llm-bench", "--work-dir",
                dir.resolve("jobs").toString(), "--class-path", "/shared/qmeter/qmeter-all.jar", "--store",
                "jdbc:postgresql://db:5432/qmeter", "--time-limit", "3h");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(slurm.commands).hasSize(3).allSatisfy(c -> assertThat(c.subList(0, 2))
                .containsExactly("sbatch", "--parsable"));
        assertThat(r.out()).contains("submitted plan sub: 3 configurations in 3 job arrays")
                .contains("array job 4242: H100 x1, plan indices [0]").contains("array job 4243: H100 x2, plan indices [1]")
                .contains("array job 4244: A100 x1, plan indices [2]")
                .contains("cancel:   qmeter cluster cancel --slurm 4242 4243 4244");
        String h100 = slurm.scripts.get(1);
        assertThat(h100).contains("--partition=gpu").contains("--constraint=h100").contains("--account=llm-bench")
                .contains("--gpus=2").contains("--time=03:00:00").contains("/shared/qmeter/qmeter-all.jar")
                .contains("jdbc:postgresql://db:5432/qmeter").contains("bench").contains(f.toAbsolutePath().toString());
        assertThat(slurm.scripts.get(2)).contains("--partition=a100q").doesNotContain("--constraint");
        assertThat(String.join("\n", slurm.scripts)).doesNotContain("s3cret-pw");
        assertThat(r.out() + r.err()).doesNotContain("s3cret-pw");
    }

    @Test
    void submitErrorsNameTheOptionAndSchedulerRefusalsAreFailures() throws IOException {
        Path f = write(plan("sub-bad"));
        FakeSlurm slurm = new FakeSlurm();
        CliContext ctx = CliContext.system().withSlurm(slurm).withEnv(Map.of("QMETER_PG_PASSWORD", "x"));
        Result noStore = exec(ctx, "cluster", "submit", f.toString(), "--slurm");
        assertThat(noStore.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noStore.err()).contains("--store: no store").contains("QMETER_PG_URL");
        Result sqlite = exec(ctx, "cluster", "submit", f.toString(), "--slurm", "--store", "results.db");
        assertThat(sqlite.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(sqlite.err()).contains("--store: a cluster shares one PostgreSQL store");
        Result pwInUrl = exec(ctx, "cluster", "submit", f.toString(), "--slurm", "--store",
                "jdbc:postgresql://db/q?user=a&password=b");
        assertThat(pwInUrl.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(pwInUrl.err()).contains("--store: the URL carries a password");
        Result gpu = exec(ctx, "cluster", "submit", f.toString(), "--slurm", "--store", "jdbc:postgresql://db/q",
                "--constraint", "B200=b200");
        assertThat(gpu.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(gpu.err()).contains("--constraint: GPU type 'B200' is not in the plan");
        Result both = exec(ctx, "cluster", "submit", f.toString(), "--slurm", "--k8s", "--secret", "s", "--image", "i");
        assertThat(both.code()).isEqualTo(ExitCodes.BAD_INPUT);
        Result neither = exec(ctx, "cluster", "submit", f.toString());
        assertThat(neither.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(slurm.commands).isEmpty();

        slurm.sbatchExit = 1;
        Result refused = exec(ctx, "cluster", "submit", f.toString(), "--slurm", "--store", "jdbc:postgresql://db/q",
                "--work-dir", dir.resolve("jobs").toString());
        assertThat(refused.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(refused.err()).contains("sbatch refused").contains("invalid partition");
    }

    @Test
    void submitWarnsWhenTheTasksWouldHaveNoPassword() throws IOException {
        Path f = write(plan("sub-nopw"));
        FakeSlurm slurm = new FakeSlurm();
        Result r = exec(CliContext.system().withSlurm(slurm).withEnv(Map.of()), "cluster", "submit", f.toString(),
                "--slurm", "--store", "jdbc:postgresql://db/q", "--work-dir", dir.resolve("jobs").toString());
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("warning: neither QMETER_PG_PASSWORD nor QMETER_PG_PASSWORD_FILE is set");
    }

    @Test
    void cancelRunsScancelOnTheArrays() {
        FakeSlurm slurm = new FakeSlurm();
        CliContext ctx = CliContext.system().withSlurm(slurm);
        Result r = exec(ctx, "cluster", "cancel", "--slurm", "4242", "4243");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(slurm.commands).containsExactly(List.of("scancel", "4242", "4243"));
        Result bad = exec(ctx, "cluster", "cancel", "--slurm", "42x");
        assertThat(bad.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(bad.err()).contains("JOBID: expected a Slurm job id");
        Result none = exec(ctx, "cluster", "cancel", "4242");
        assertThat(none.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(none.err()).contains("--slurm / --k8s");
        assertThat(slurm.commands).hasSize(1);
    }

    @Test
    void runPointRefusesAPasswordAndNamesBadOptions() {
        CliContext ctx = CliContext.system().withEnv(Map.of("QMETER_PG_PASSWORD", "x"));
        Result pw = exec(ctx, "run-point", "--plan", "p.json", "--index", "0", "--store", "jdbc:postgresql://db/q",
                "--password", "hunter2");
        assertThat(pw.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(pw.err()).contains("--password: not accepted").doesNotContain("hunter2");
        Result renew = exec(ctx, "run-point", "--plan", "p.json", "--index", "0", "--store", "jdbc:postgresql://db/q",
                "--lease", "1m", "--renew", "2m");
        assertThat(renew.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(renew.err()).contains("--renew: expected 0 < --renew < --lease");
        Result failed = exec(ctx, "run-point", "--plan", "p.json", "--index", "0", "--store", "jdbc:postgresql://db/q",
                "--failed", "maybe");
        assertThat(failed.err()).contains("--failed: expected skip or retry, was maybe");
        Result noPassword = exec(CliContext.system().withEnv(Map.of()), "run-point", "--plan", "p.json", "--index", "0",
                "--store", "jdbc:postgresql://db/q");
        assertThat(noPassword.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noPassword.err()).contains("--store: no store password").contains("QMETER_PG_PASSWORD");
        Result indices = exec(ctx, "run-point", "--plan", "p.json", "--index", "2", "--indices", "0,4",
                "--store", "jdbc:postgresql://db/q");
        assertThat(indices.err()).contains("--index: 2 is outside --indices");
    }

    @Test
    void runRefusesAnotherJdbcUrlAndAPostgresUrlWithoutPassword() throws IOException {
        Path f = write(plan("run-pg-bad"));
        Result mysql = exec(CliContext.system().withEnv(Map.of()), "run", f.toString(), "--store", "jdbc:mysql://db/q");
        assertThat(mysql.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(mysql.err()).contains("--store: expected an SQLite file or a jdbc:postgresql://");
        Result nopw = exec(CliContext.system().withEnv(Map.of()), "run", f.toString(), "--store",
                "jdbc:postgresql://127.0.0.1:1/q");
        assertThat(nopw.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(nopw.err()).contains("--store: no store password");
    }
}
