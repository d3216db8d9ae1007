package io.qmeter.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.qmeter.cluster.claim.Claim;
import io.qmeter.cluster.claim.ClaimState;
import io.qmeter.cluster.claim.ClaimStore;
import io.qmeter.cluster.claim.Lease;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.PlanPoint;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RunPoint against a real PostgreSQL and the simulated engine (skipped with a reason without PostgreSQL). */
class RunPointTest {

    @TempDir
    Path dir;

    @BeforeEach
    void needsPostgres() {
        Pg.assume();
    }

    private static RunPoint.Options options(Path planFile, int index) {
        return RunPoint.Options.of(planFile, index).withNode("test-node").withClientCheck(Duration.ofMillis(500), 0.5)
                .withLease(Duration.ofSeconds(30), Duration.ofSeconds(5));
    }

    @Test
    void runsOneConfigurationIntoTheStoreThenFindsItCompleteAndLeavesTheOtherConfigurationAlone() {
        Plan plan = ClusterPlans.plan(Pg.uniqueId("runpoint"), 2, 10, 20, 10);
        Path file = ClusterPlans.write(plan, dir);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        try (ResultStore store = Pg.store(); ClaimStore claims = Pg.claims(Clock.systemUTC())) {
            RunPoint.Result r = new RunPoint(options(file, 1), store, claims, out).run();
            assertThat(r.outcome()).isEqualTo(RunPoint.Outcome.RAN);
            assertThat(r.attempt()).isEqualTo(1);
            String cid = plan.configurations().get(1).id();
            List<StoredRun> runs = store.findByPlan(plan.id());
            assertThat(runs).hasSize(2).allSatisfy(s -> assertThat(s.key().configurationId()).isEqualTo(cid));
            assertThat(runs).allSatisfy(s -> assertThat(s.status()).isEqualTo(RunStatus.OK));
            Claim c = claims.find(RunPoint.claimKey(plan.id(), cid)).orElseThrow();
            assertThat(c.state()).isEqualTo(ClaimState.DONE);
            assertThat(c.node()).isEqualTo("test-node");
            assertThat(buf.toString(StandardCharsets.UTF_8)).contains("CLAIMED " + plan.id() + "/" + cid)
                    .contains("RELEASED " + plan.id() + "/" + cid + " DONE");

            RunPoint.Result again = new RunPoint(options(file, 1), store, claims, out).run();
            assertThat(again.outcome()).isEqualTo(RunPoint.Outcome.ALREADY_COMPLETE);
            assertThat(store.count(plan.id())).isEqualTo(2);

            ClusterProgress.Snapshot p = ClusterProgress.of(plan, store, claims);
            assertThat(p.total()).isEqualTo(new ClusterProgress.Counts(4, 2, 0, 0, 0, 2));
            assertThat(p.byNode()).containsEntry("test-node", new ClusterProgress.Counts(2, 2, 0, 0, 0, 0));
            assertThat(p.isComplete()).isFalse();
            assertThat(p.render()).contains("4 points, 2 done").contains("test-node");
        }
    }

    @Test
    void aConfigurationHeldByALiveTaskIsLeftToItAndShowsAsRunning() {
        Plan plan = ClusterPlans.plan(Pg.uniqueId("held"), 1, 10, 20);
        Path file = ClusterPlans.write(plan, dir);
        String key = RunPoint.claimKey(plan.id(), plan.configurations().get(0).id());
        try (ResultStore store = Pg.store(); ClaimStore claims = Pg.claims(Clock.systemUTC())) {
            Lease other = claims.tryClaim(plan.id(), key, "other", "node-x", Duration.ofMinutes(5)).orElseThrow();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            RunPoint.Result r = new RunPoint(options(file, 0), store, claims,
                    new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
            assertThat(r.outcome()).isEqualTo(RunPoint.Outcome.HELD_ELSEWHERE);
            assertThat(store.count(plan.id())).isZero();
            assertThat(buf.toString(StandardCharsets.UTF_8)).contains("HELD " + key + " by other");
            ClusterProgress.Snapshot p = ClusterProgress.of(plan, store, claims);
            assertThat(p.byNode()).containsEntry("node-x", new ClusterProgress.Counts(1, 0, 0, 0, 1, 0));
            claims.release(other, ClaimState.DONE, "");
        }
    }

    @Test
    void withRetryAStoredFailedPointRunsAgainAndWithSkipItDoesNot() {
        Plan plan = ClusterPlans.plan(Pg.uniqueId("retry"), 1, 10, 20);
        Path file = ClusterPlans.write(plan, dir);
        PlanPoint p = plan.points().get(0);
        try (ResultStore store = Pg.store(); ClaimStore claims = Pg.claims(Clock.systemUTC())) {
            store.put(StoredRun.failed(p.key(), "engine crashed", Map.of(), "{}"));
            PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            assertThat(new RunPoint(options(file, 0), store, claims, out).run().outcome())
                    .isEqualTo(RunPoint.Outcome.ALREADY_COMPLETE);
            assertThat(store.find(p.key()).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
            RunPoint.Result r = new RunPoint(options(file, 0).withFailedPoints(FailedPoints.RETRY), store, claims, out)
                    .run();
            assertThat(r.outcome()).isEqualTo(RunPoint.Outcome.RAN);
            assertThat(store.find(p.key()).orElseThrow().status()).isEqualTo(RunStatus.OK);
            assertThat(store.count(plan.id())).isEqualTo(1);
        }
    }

    @Test
    void theCommandLineRefusesAPasswordArgumentAndSaysWhereItGoes() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = RunPoint.execute(new String[] {"--plan", "p.json", "--index", "0", "--password", "secret"}, Map.of(),
                System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(RunPoint.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("QMETER_PG_PASSWORD").doesNotContain("secret");
        err.reset();
        rc = RunPoint.execute(new String[] {"--plan", "p.json", "--index", "0", "--store",
                "jdbc:postgresql://h/db?password=secret"}, Map.of(), System.out, new PrintStream(err, true,
                StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(RunPoint.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("carries a password");
        err.reset();
        rc = RunPoint.execute(new String[] {"--plan", "p.json", "--index", "2", "--indices", "0,3"}, Map.of(),
                System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(RunPoint.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--index 2 is outside --indices 0,3");
        err.reset();
        rc = RunPoint.execute(new String[] {"--plan", dir.resolve("absent.json").toString(), "--index", "0", "--store",
                Pg.url(), "--user", Pg.user()}, Map.of("QMETER_PG_PASSWORD", Pg.password()), System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).as("a missing plan file is an error, not a crash").isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("absent.json");
        assertThatThrownBy(() -> StoreAccess.resolve(java.util.Optional.of("jdbc:postgresql://h/db"),
                java.util.Optional.empty(), java.util.Optional.empty(), Map.of()))
                .hasMessageContaining("QMETER_PG_PASSWORD");
        Path pw = dir.resolve("pgpass");
        StoreAccess a = StoreAccess.resolve(java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), Map.of("QMETER_PG_URL", "jdbc:postgresql://h/db",
                        "QMETER_PG_PASSWORD_FILE", write(pw, "s3cret\n").toString()));
        assertThat(a.password()).isEqualTo("s3cret");
        assertThat(a.toString()).doesNotContain("s3cret");
    }

    private static Path write(Path f, String s) {
        try {
            return Files.writeString(f, s);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The kill -9 guarantee across processes: a RunPoint process killed with SIGKILL midway leaves its
     * configuration claimed until the lease runs out; a second process waits for that, takes it over
     * (attempt 2), runs only the missing points, and every point is stored exactly once.
     */
    @Test
    void aTaskKilledMidPointIsTakenOverAfterItsLeaseAndEveryPointIsStoredExactlyOnce() throws Exception {
        Plan plan = ClusterPlans.plan(Pg.uniqueId("kill"), 1, 12, 30, 24, 20, 16, 12);
        Path file = ClusterPlans.write(plan, dir);
        String key = RunPoint.claimKey(plan.id(), plan.configurations().get(0).id());
        Process first = start(file, "PT0S");
        List<String> done = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(first.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while (done.size() < 2 && (line = r.readLine()) != null) {
                    if (line.startsWith("DONE ")) {
                        done.add(line.split(" ")[1]);
                    }
                }
                first.destroyForcibly(); // SIGKILL: no shutdown hook, the claim stays RUNNING
                assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        });
        assertThat(done).hasSize(2);
        assertThat(first.exitValue()).isEqualTo(137);
        try (ResultStore store = Pg.store(); ClaimStore claims = Pg.claims(Clock.systemUTC())) {
            Claim c = claims.find(key).orElseThrow();
            assertThat(c.state()).as("killed: not released").isEqualTo(ClaimState.RUNNING);
            assertThat(c.attempt()).isEqualTo(1);
            long before = store.count(plan.id());
            assertThat(before).isGreaterThanOrEqualTo(2).isLessThan(plan.points().size());

            Process second = start(file, "PT60S");
            List<String> lines = new ArrayList<>();
            assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(second.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                }
                assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            });
            assertThat(second.exitValue()).as(String.join("\n", lines)).isZero();
            // (it may print WAITING first, when it started before the dead lease ran out)
            assertThat(lines).anyMatch(l -> l.startsWith("CLAIMED " + key + " attempt=2"));
            long reran = lines.stream().filter(l -> l.startsWith("DONE ")).count();
            assertThat(reran).as("only the missing points ran").isEqualTo(plan.points().size() - before);
            Map<RunKey, Integer> times = new HashMap<>();
            store.findByPlan(plan.id()).forEach(s -> times.merge(s.key(), 1, Integer::sum));
            assertThat(times.keySet()).containsExactlyInAnyOrderElementsOf(plan.points().stream().map(PlanPoint::key)
                    .toList());
            assertThat(times.values()).allMatch(n -> n == 1);
            assertThat(claims.find(key).orElseThrow().state()).isEqualTo(ClaimState.DONE);
        }
    }

    private Process start(Path planFile, String wait) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", cp,
                RunPoint.class.getName(), "--plan", planFile.toString(), "--index", "0", "--store", Pg.url(),
                "--user", Pg.user(), "--lease", "PT4S", "--renew", "PT1S", "--wait", wait, "--node", "child",
                "--client-check", "PT0.5S,0.5");
        pb.environment().put("QMETER_PG_PASSWORD", Pg.password());
        pb.redirectError(dir.resolve("child-" + System.nanoTime() + ".err").toFile());
        return pb.start();
    }
}
