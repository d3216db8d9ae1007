package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.PlanPoint;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep process killed with SIGKILL midway resumes on the same store; every point exists exactly once. */
class SweepKillIT {

    static final int KILL_AFTER = 3;

    @TempDir
    Path dir;

    private Process start(Path db) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", cp,
                SmallSweepMain.class.getName(), db.toString());
        pb.redirectError(dir.resolve("child-" + System.nanoTime() + ".err").toFile());
        return pb.start();
    }

    @Test
    void aSweepKilledMidwayResumesAndStoresEveryPointExactlyOnce() throws Exception {
        Path db = dir.resolve("sweep.db");
        List<String> done = new ArrayList<>();
        Process first = start(db);
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(first.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while (done.size() < KILL_AFTER && (line = r.readLine()) != null) {
                    if (line.startsWith("DONE ")) {
                        done.add(line.split(" ")[1]);
                    }
                }
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
                assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        });
        assertThat(done).hasSize(KILL_AFTER);
        assertThat(first.exitValue()).as("killed, not finished").isEqualTo(137);
        List<RunKey> planKeys = SmallSweepMain.plan().points().stream().map(PlanPoint::key).toList();
        try (ResultStore store = ResultStore.sqlite(db)) {
            Set<String> stored = store.keys("kill-resume").stream().map(RunKey::asString).collect(Collectors.toSet());
            assertThat(stored).containsAll(done);
            assertThat(stored.size()).as("the kill came before the end").isLessThan(planKeys.size());
        }

        Process second = start(db);
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
        String report = lines.stream().filter(l -> l.startsWith("REPORT ")).findFirst().orElseThrow();
        assertThat(report).contains("remaining=0").contains("failed=0");
        List<String> resumedDone = lines.stream().filter(l -> l.startsWith("DONE ")).map(l -> l.split(" ")[1]).toList();
        assertThat(resumedDone).as("the resumed run does not redo stored points").doesNotContainAnyElementsOf(done);

        try (ResultStore store = ResultStore.sqlite(db)) {
            List<StoredRun> runs = store.findByPlan("kill-resume");
            List<RunKey> keys = runs.stream().map(StoredRun::key).toList();
            assertThat(keys).as("every point exactly once").containsExactlyInAnyOrderElementsOf(planKeys);
            assertThat(keys).doesNotHaveDuplicates();
            assertThat(store.count("kill-resume")).isEqualTo(planKeys.size());
        }
    }
}
