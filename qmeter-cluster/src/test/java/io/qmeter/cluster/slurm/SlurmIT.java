package io.qmeter.cluster.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.cluster.ClusterPlans;
import io.qmeter.cluster.ClusterProgress;
import io.qmeter.cluster.Pg;
import io.qmeter.cluster.RunPoint;
import io.qmeter.cluster.Sizing;
import io.qmeter.cluster.claim.Claim;
import io.qmeter.cluster.claim.ClaimState;
import io.qmeter.cluster.claim.ClaimStore;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.PlanPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan of three simulated configurations through a real Slurm (.ci/slurm.sh starts a one-node
 * cluster) and a real PostgreSQL: one task is killed with SIGKILL ({@code scancel --batch
 * --signal=KILL}) midway, the plan is resubmitted, and every point is run and stored exactly once.
 * Skipped with a reason where Slurm or PostgreSQL is absent.
 */
class SlurmIT {

    @TempDir
    Path dir;

    @BeforeEach
    void needsSlurmAndPostgres() {
        assumeTrue(System.getenv("QMETER_SLURM") != null, "QMETER_SLURM is unset: start a one-node Slurm with "
                + "eval \"$(bash .ci/slurm.sh)\" (.ci/run does)");
        Pg.assume();
    }

    @Test
    void aPlanRunsAsAJobArrayAndAKilledTaskIsTakenOverOnResubmitSoEveryPointIsStoredExactlyOnce() throws Exception {
        long t0 = System.nanoTime();
        int victim = 1;
        Plan plan = ClusterPlans.plan(Pg.uniqueId("slurm"), 3, 16, 8, 6, 5, 4);
        Path planFile = ClusterPlans.write(plan, dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        SlurmOptions o = SlurmOptions.of(cp, dir.resolve("jobs"), Pg.url(), Pg.user()).withoutGpus()
                .withCpusPerTask(1).withTimeLimit(Duration.ofMinutes(10))
                .withJava(java, List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"))
                .withRunPointArgs(List.of("--lease", "PT5S", "--renew", "PT1S", "--wait", "PT60S",
                        "--client-check", "PT0.5S,0.5"));
        String partition = System.getenv("QMETER_SLURM_PARTITION");
        if (partition != null && !partition.isBlank()) {
            o = o.withPartition(partition);
        }
        SlurmExecutor slurm = new SlurmExecutor(o, CommandRunner.processes(), Sizing.Assumptions.defaults());
        String victimKey = RunPoint.claimKey(plan.id(), plan.configurations().get(victim).id());
        List<RunKey> victimPoints = plan.points().stream().map(PlanPoint::key)
                .filter(k -> k.configurationId().equals(plan.configurations().get(victim).id())).toList();

        try (ResultStore store = Pg.store(); ClaimStore claims = Pg.claims(Clock.systemUTC())) {
            SlurmExecutor.Submission first = slurm.submit(plan, planFile);
            assertThat(first.arrays()).hasSize(1);
            // the latch: the victim's configuration is claimed and has stored a point, not all of them
            await("configuration " + victim + " claimed and midway").atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        Optional<Claim> c = claims.find(victimKey);
                        long stored = victimPoints.stream().filter(store::contains).count();
                        return c.isPresent() && c.get().state() == ClaimState.RUNNING && stored >= 1
                                && stored < victimPoints.size();
                    });
            ClusterProgress.Snapshot mid = ClusterProgress.of(plan, store, claims);
            assertThat(mid.total().running()).isGreaterThan(0);
            String node = claims.find(victimKey).orElseThrow().node();
            assertThat(mid.byNode().get(node).running()).isGreaterThan(0);

            slurm.cancelTask(first, victim, Optional.of("KILL"));
            awaitAllEnded(slurm, first);
            assertThat(victimPoints.stream().filter(store::contains).count()).as("killed midway")
                    .isLessThan(victimPoints.size());
            assertThat(claims.find(victimKey).orElseThrow().state()).as("SIGKILL: no release")
                    .isEqualTo(ClaimState.RUNNING);

            SlurmExecutor.Submission second = slurm.submit(plan, planFile);
            awaitAllEnded(slurm, second);

            // every point stored, and run (DONE printed by a task) exactly once over both submissions
            List<String> done = new ArrayList<>();
            try (Stream<Path> outs = Files.list(dir.resolve("jobs"))) {
                for (Path f : outs.filter(p -> p.toString().endsWith(".out")).toList()) {
                    Files.readAllLines(f).stream().filter(l -> l.startsWith("DONE ")).map(l -> l.split(" ")[1])
                            .forEach(done::add);
                }
            }
            List<String> all = plan.points().stream().map(p -> p.key().asString()).toList();
            assertThat(done).as("each point run once").doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(all);
            assertThat(store.keys(plan.id())).hasSize(all.size());
            Map<String, Claim> byKey = new java.util.HashMap<>();
            claims.claims(plan.id()).forEach(c -> byKey.put(c.key(), c));
            assertThat(byKey).hasSize(3);
            assertThat(byKey.values()).allSatisfy(c -> assertThat(c.state()).isEqualTo(ClaimState.DONE));
            assertThat(byKey.get(victimKey).attempt()).as("taken over after the lease").isEqualTo(2);
            assertThat(byKey.values().stream().filter(c -> !c.key().equals(victimKey)))
                    .allSatisfy(c -> assertThat(c.attempt()).isEqualTo(1));
            ClusterProgress.Snapshot end = ClusterProgress.of(plan, store, claims);
            assertThat(end.isComplete()).isTrue();
            assertThat(end.total().done()).isEqualTo(all.size());
        }
        System.out.printf("SlurmIT: plan of 3 configurations x 4 points through sbatch, one task killed and "
                + "resubmitted, took %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static void awaitAllEnded(SlurmExecutor slurm, SlurmExecutor.Submission s) {
        await("every task of " + s.arrays() + " ended").atMost(Duration.ofMinutes(6))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> slurm.states(s).values().stream().allMatch(TaskState::isTerminal));
    }

    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
