package io.qmeter.cluster.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.cluster.Sizing;
import io.qmeter.sweep.PlacementJob;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.RunHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Core's Placement seam over Slurm: a submitted configuration becomes a one-task array its handle follows. */
class SlurmPlacementTest {

    @TempDir
    Path dir;

    @Test
    void aSubmittedConfigurationIsAOneTaskArrayFollowedThroughSqueueAndSacct() throws Exception {
        Plan plan = SlurmExecutorTest.plan();
        List<List<String>> commands = new ArrayList<>();
        Deque<CommandRunner.Result> squeue = new ArrayDeque<>(List.of(
                new CommandRunner.Result(0, "91_2|PENDING\n", ""),
                new CommandRunner.Result(0, "91_2|RUNNING\n", ""),
                new CommandRunner.Result(0, "", "")));
        CommandRunner runner = cmd -> {
            commands.add(List.copyOf(cmd));
            return switch (cmd.get(0)) {
                case "sbatch" -> new CommandRunner.Result(0, "91\n", "");
                case "squeue" -> squeue.pop();
                case "sacct" -> new CommandRunner.Result(0, "91_2|FAILED\n", "");
                default -> new CommandRunner.Result(0, "", "");
            };
        };
        SlurmExecutor slurm = new SlurmExecutor(SlurmOptions.of("cp", dir, "jdbc:postgresql://h/db", "u"), runner,
                Sizing.Assumptions.defaults());
        try (SlurmPlacement p = new SlurmPlacement(slurm, plan, Path.of("/shared/plan.json"), Duration.ofMillis(1))) {
            RunHandle h = p.submit(new PlacementJob(plan.id(), plan.configurations().get(2), List.of(), () -> { }));
            assertThat(commands.get(0)).containsExactly("sbatch", "--parsable",
                    dir.resolve("qmeter-quant-13b-h100-tp2-2.sbatch").toString());
            assertThat(java.nio.file.Files.readString(dir.resolve("qmeter-quant-13b-h100-tp2-2.sbatch")))
                    .contains("#SBATCH --array=2\n").contains("#SBATCH --gpus=2\n");
            assertThat(h.poll()).isEqualTo(RunHandle.State.PENDING);
            assertThat(h.poll()).isEqualTo(RunHandle.State.RUNNING);
            assertThat(h.poll()).isEqualTo(RunHandle.State.FAILED);
            assertThat(h.failure().orElseThrow()).hasMessageContaining("91_2 ended FAILED");
            p.awaitChange(Duration.ofMillis(1));
        }
        assertThat(commands).noneMatch(c -> c.get(0).equals("scancel"));
    }

    @Test
    void closingCancelsWhatIsStillQueuedAndRefusesNewWork() {
        Plan plan = SlurmExecutorTest.plan();
        List<List<String>> commands = new ArrayList<>();
        CommandRunner runner = cmd -> {
            commands.add(List.copyOf(cmd));
            return cmd.get(0).equals("sbatch") ? new CommandRunner.Result(0, "92\n", "")
                    : new CommandRunner.Result(0, "", "");
        };
        SlurmExecutor slurm = new SlurmExecutor(SlurmOptions.of("cp", dir, "jdbc:postgresql://h/db", "u"), runner,
                Sizing.Assumptions.defaults());
        SlurmPlacement p = new SlurmPlacement(slurm, plan, Path.of("/p.json"), Duration.ofMillis(1));
        p.submit(new PlacementJob(plan.id(), plan.configurations().get(0), List.of(), () -> { }));
        p.close();
        assertThat(commands.get(commands.size() - 1)).containsExactly("scancel", "92");
        assertThatThrownBy(() -> p.submit(new PlacementJob(plan.id(), plan.configurations().get(1), List.of(),
                () -> { }))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SlurmPlacement(slurm, plan, Path.of("/p.json"), Duration.ofMillis(1))
                .submit(new PlacementJob("other-plan", plan.configurations().get(1), List.of(), () -> { })))
                .hasMessageContaining("is not in plan");
    }
}
