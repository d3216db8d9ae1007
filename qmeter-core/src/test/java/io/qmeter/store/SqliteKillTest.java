package io.qmeter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writer process with SIGKILL in the middle of its puts, resumes with a second process,
 * and checks that every run exists exactly once and that every acknowledged run survived.
 */
class SqliteKillTest {

    static final int TOTAL = 300;
    static final int KILL_AFTER = 40;

    @TempDir
    Path dir;

    private Process start(Path db, String plan) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", cp, KillWriterMain.class.getName(), db.toString(), plan,
                Integer.toString(TOTAL));
        pb.redirectError(dir.resolve("child-" + System.nanoTime() + ".err").toFile());
        return pb.start();
    }

    @Test
    void aWriterKilledMidwayLosesNothingItAcknowledgedAndAResumeCompletesWithoutDuplicates() throws Exception {
        Path db = dir.resolve("kill.db");
        String plan = "kill-plan";
        List<String> acked = new ArrayList<>();

        Process first = start(db, plan);
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(first.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while (acked.size() < KILL_AFTER && (line = r.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        acked.add(line.substring(4));
                    }
                }
                first.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
                assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        });
        assertThat(acked).as("the writer must have acknowledged puts before the kill").hasSize(KILL_AFTER);
        assertThat(first.exitValue()).as("the writer must have been killed, not have finished").isEqualTo(137);

        Set<String> afterKill;
        try (ResultStore store = ResultStore.sqlite(db)) {
            afterKill = new HashSet<>();
            store.keys(plan).forEach(k -> afterKill.add(k.asString()));
            assertThat(afterKill).containsAll(acked);
            // puts after the 40th acknowledgement (in flight, or acknowledged into the pipe unread) may have landed
            assertThat(afterKill.size()).isLessThan(TOTAL);
        }

        Process second = start(db, plan);
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
        assertThat(second.exitValue()).isZero();
        assertThat(lines).last().isEqualTo("DONE");
        assertThat(lines.stream().filter(l -> l.startsWith("SKIP ")).map(l -> l.substring(5)))
                .containsExactlyInAnyOrderElementsOf(afterKill);
        assertThat(lines.stream().filter(l -> l.startsWith("ACK "))).hasSize(TOTAL - afterKill.size());

        try (ResultStore store = ResultStore.sqlite(db)) {
            assertThat(store.count(plan)).isEqualTo(TOTAL);
            List<StoredRun> runs = store.findByPlan(plan);
            assertThat(runs).hasSize(TOTAL);
            Set<RunKey> expected = new HashSet<>();
            for (int i = 0; i < TOTAL; i++) {
                expected.add(KillWriterMain.keyOf(plan, i));
            }
            assertThat(runs).extracting(StoredRun::key).containsExactlyInAnyOrderElementsOf(expected);
            for (StoredRun run : runs) {
                int index = run.payload().get("index").asInt();
                assertThat(run.key()).isEqualTo(KillWriterMain.keyOf(plan, index));
                assertThat(run.metrics()).containsEntry("index", (double) index).hasSize(2);
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM qmeter_run_metric")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2 * TOTAL); // no orphaned or doubled metric rows
            }
        }
    }
}
