package io.qmeter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.PlanPoint;
import io.qmeter.sweep.RunLength;
import io.qmeter.sweep.WorkloadSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that talk to a PostgreSQL store: cluster progress (its rendering, --watch and its deadline
 * on a moved clock, no sleeps), run-point (a simulated configuration, and a cancelled point run again),
 * run --store jdbc:postgresql:. Skipped with a reason when QMETER_PG_URL is unset.
 */
class ClusterStoreTest {

    @TempDir
    Path dir;

    String url;
    Map<String, String> env;

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void pg() {
        url = System.getenv("QMETER_PG_URL");
        assumeTrue(url != null, "QMETER_PG_URL is unset: start PostgreSQL with eval \"$(bash .ci/postgres.sh)\" "
                + "(.ci/run does)");
        env = Map.of("QMETER_PG_USER", System.getenv().getOrDefault("QMETER_PG_USER", "qmeter"),
                "QMETER_PG_PASSWORD", System.getenv().getOrDefault("QMETER_PG_PASSWORD", "qmeter"));
    }

    ResultStore store() {
        return ResultStore.postgres(url, env.get("QMETER_PG_USER"), env.get("QMETER_PG_PASSWORD"));
    }

    static Result exec(CliContext ctx, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Qmeter.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), ctx).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static String unique(String name) {
        return name + "-" + Long.toString(System.nanoTime(), 36);
    }

    /** {@code configs} simulated configurations (engine seeds differ), rates 2 and 4, 8 requests per run. */
    static Plan plan(String id, int configs) {
        List<EngineSettings> l = new ArrayList<>();
        for (int i = 0; i < configs; i++) {
            l.add(EngineSettings.builder().engine("simulated").model("Llama-2-7B").quantization("FP16").tensorParallel(1)
                    .gpu("H100-80GB").extraArgs("--seed=" + (i + 1)).build());
        }
        return Plan.builder(id).configurations(l).workload(WorkloadSpec.synthetic(64, 8))
                .slo(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1)).build())
                .rates(2, 4).repetitions(1).runLength(RunLength.requests(8)).seed(7).build();
    }

    Path write(Plan p) throws IOException {
        Path f = dir.resolve(p.id() + ".json");
        Files.writeString(f, p.toJson(), StandardCharsets.UTF_8);
        return f;
    }

    static StoredRun stored(RunKey k, RunStatus s) {
        return new StoredRun(k, s, s == RunStatus.OK ? null : s + " in the test", Map.of(), Map.of("target_rps", 2.0),
                "{}", Instant.now());
    }

    /** A clock the pauser moves: virtual time, no sleeps. */
    static final class MovedClock extends Clock {
        Instant now = Instant.parse("2026-12-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void progressShowsDoneFailedWaitingAndCancelledPoints() throws IOException {
        Plan p = plan(unique("cli-progress"), 3);
        Path f = write(p);
        List<PlanPoint> pts = p.points();
        try (ResultStore s = store()) {
            s.put(stored(pts.get(0).key(), RunStatus.OK));
            s.put(stored(pts.get(1).key(), RunStatus.OK));
            s.put(stored(pts.get(2).key(), RunStatus.FAILED));
            s.put(stored(pts.get(3).key(), RunStatus.CANCELLED));
        }
        Result r = exec(CliContext.system().withEnv(env), "cluster", "progress", "--plan", f.toString(), "--store", url);
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.out()).contains("plan " + p.id() + ": 6 points, 2 done, 0 invalid, 1 failed, 0 running, "
                + "2 waiting, 1 cancelled (run again when the plan is resubmitted)");
        assertThat(r.out()).contains("-  ").contains("cancelled 1");
    }

    @Test
    void watchRendersUntilThePlanIsCompleteWithoutSleeping() throws IOException {
        Plan p = plan(unique("cli-watch"), 1);
        Path f = write(p);
        MovedClock clock = new MovedClock();
        List<Duration> pauses = new ArrayList<>();
        CliContext ctx = CliContext.system().withEnv(env).withTime(clock, d -> {
            pauses.add(d);
            clock.now = clock.now.plus(d);
            try (ResultStore s = store()) {
                // one point finishes per pause
                s.put(stored(p.points().get(pauses.size() - 1).key(), RunStatus.OK));
            }
        });
        Result r = exec(ctx, "cluster", "progress", "--plan", f.toString(), "--store", url, "--watch", "--interval", "30s");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(pauses).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(30));
        assertThat(r.out()).contains("2 points, 0 done").contains("2 points, 1 done").contains("2 points, 2 done")
                .contains("plan " + p.id() + " complete");
    }

    @Test
    void watchStopsAtItsDeadline() throws IOException {
        Plan p = plan(unique("cli-deadline"), 1);
        Path f = write(p);
        MovedClock clock = new MovedClock();
        List<Duration> pauses = new ArrayList<>();
        CliContext ctx = CliContext.system().withEnv(env).withTime(clock, d -> {
            pauses.add(d);
            clock.now = clock.now.plus(d);
        });
        Result r = exec(ctx, "cluster", "progress", "--plan", f.toString(), "--store", url, "--watch", "--interval", "10s",
                "--deadline", "25s");
        assertThat(r.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(pauses).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5));
        assertThat(r.err()).contains("--deadline 25s passed with 2 points not done");
    }

    @Test
    void runPointRunsAConfigurationOnceAndRunsACancelledPointAgain() throws IOException {
        Plan p = plan(unique("cli-runpoint"), 1);
        Path f = write(p);
        CliContext ctx = CliContext.system().withEnv(env);
        String[] args = {"run-point", "--plan", f.toString(), "--index", "0", "--store", url, "--node", "node-a",
                "--client-check", "1s,0.5"};
        Result first = exec(ctx, args);
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("CLAIMED").contains("DONE " + p.points().get(0).key().asString())
                .contains("DONE " + p.points().get(1).key().asString()).contains("RELEASED");
        Result again = exec(ctx, args);
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("COMPLETE").doesNotContain("DONE");

        RunKey k = p.points().get(1).key();
        try (ResultStore s = store()) {
            s.put(stored(k, RunStatus.CANCELLED));
        }
        Result resumed = exec(ctx, args);
        assertThat(resumed.code()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.out()).contains("CLAIMED").contains("DONE " + k.asString())
                .doesNotContain("DONE " + p.points().get(0).key().asString());
        try (ResultStore s = store()) {
            assertThat(s.find(k)).hasValueSatisfying(r -> assertThat(r.status()).isNotEqualTo(RunStatus.CANCELLED));
        }
        Result progress = exec(ctx, "cluster", "progress", "--plan", f.toString(), "--store", url);
        assertThat(progress.out()).contains("2 points").contains("0 running, 0 waiting").contains("node-a");
    }

    @Test
    void runStoresAPlanInPostgres() throws IOException {
        Plan p = plan(unique("cli-run-pg"), 1);
        Path f = write(p);
        Result r = exec(CliContext.system().withEnv(env), "run", f.toString(), "--store", url, "--progress", "none",
                "--max-client-lag", "1s", "--min-rate-fraction", "0.5", "--idle-settle", "100ms");
        assertThat(r.code()).as(r.out() + r.err()).isIn(ExitCodes.OK, ExitCodes.FAILED);
        try (ResultStore s = store()) {
            List<StoredRun> runs = s.findByPlan(p.id());
            assertThat(runs).extracting(StoredRun::key).containsExactlyInAnyOrderElementsOf(
                    p.points().stream().map(PlanPoint::key).toList());
            assertThat(r.code()).isEqualTo(runs.stream().allMatch(x -> x.status() == RunStatus.OK) ? ExitCodes.OK
                    : ExitCodes.FAILED);
        }
        assertThat(r.out()).contains("plan " + p.id() + ": 2 points");
    }
}
