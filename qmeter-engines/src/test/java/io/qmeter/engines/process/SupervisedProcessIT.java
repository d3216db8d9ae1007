package io.qmeter.engines.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.engines.FailureKind;
import io.qmeter.engines.FatalPattern;
import io.qmeter.engines.ProcessSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisedProcessIT {

    @TempDir
    Path dir;

    private static ProcessSpec sh(String script) {
        return new ProcessSpec("test", List.of("/bin/sh", "-c", script), Map.of(), Optional.empty());
    }

    @Test
    void everyLineReachesTheFileAndTheRingKeepsTheLast() throws Exception {
        Path log = dir.resolve("sub/out.log");
        try (SupervisedProcess p = SupervisedProcess.start(sh(
                "i=1; while [ $i -le 3000 ]; do echo out $i; echo err $i >&2; i=$((i+1)); done; exit 4"), log, 100,
                List.of())) {
            assertThat(p.waitFor(Duration.ofSeconds(60))).isTrue();
            assertThat(p.awaitOutput(Duration.ofSeconds(10))).isTrue();
            assertThat(p.exitCode()).hasValue(4);
            assertThat(p.tail(1000)).hasSize(100);
            assertThat(p.tail(3)).hasSize(3);
            List<String> lines = Files.readAllLines(log);
            assertThat(lines).hasSize(6000).contains("out 1", "err 1", "out 3000", "err 3000");
            assertThat(p.tail(100)).isEqualTo(lines.subList(5900, 6000));
        }
    }

    @Test
    void environmentAndWorkingDirectoryAreApplied() throws Exception {
        Path log = dir.resolve("env.log");
        ProcessSpec spec = new ProcessSpec("env", List.of("/bin/sh", "-c", "echo \"$QM_TEST_VAR\"; pwd"),
                Map.of("QM_TEST_VAR", "a b $c"), Optional.of(dir));
        try (SupervisedProcess p = SupervisedProcess.start(spec, log, 10, List.of())) {
            p.waitFor(Duration.ofSeconds(30));
            p.awaitOutput(Duration.ofSeconds(5));
            assertThat(p.tail(10)).containsExactly("a b $c", dir.toRealPath().toString());
        }
    }

    @Test
    void argumentsAreNotInterpretedByAShell() throws Exception {
        ProcessSpec spec = new ProcessSpec("echo", List.of("/bin/echo", "$HOME", "; rm -rf /", "`id`"), Map.of(),
                Optional.empty());
        try (SupervisedProcess p = SupervisedProcess.start(spec, dir.resolve("echo.log"), 10, List.of())) {
            p.waitFor(Duration.ofSeconds(30));
            p.awaitOutput(Duration.ofSeconds(5));
            assertThat(p.tail(1)).containsExactly("$HOME ; rm -rf / `id`");
        }
    }

    @Test
    void theFirstMatchingLineWinsAndPatternsAreTriedInOrder() throws Exception {
        List<FatalPattern> patterns = List.of(
                new FatalPattern(Pattern.compile("NCCL error"), FailureKind.NCCL, "nccl"),
                new FatalPattern(Pattern.compile("error"), FailureKind.CRASHED, "any"));
        try (SupervisedProcess p = SupervisedProcess.start(sh(
                "echo starting; echo 'RuntimeError: NCCL error in: x'; echo 'another error'"), dir.resolve("f.log"),
                10, patterns)) {
            p.waitFor(Duration.ofSeconds(30));
            p.awaitOutput(Duration.ofSeconds(5));
            assertThat(p.fatal()).hasValueSatisfying(m -> {
                assertThat(m.pattern().kind()).isEqualTo(FailureKind.NCCL);
                assertThat(m.line()).isEqualTo("RuntimeError: NCCL error in: x");
            });
        }
    }

    @Test
    void stopKillsTheWholeTreeEvenAChildThatIgnoresSigterm() throws Exception {
        // a child that ignores SIGTERM, a grandchild, and a root that ignores SIGTERM too
        String script = "trap '' TERM; (trap '' TERM; sleep 600 & wait) & sleep 600 & echo ready; wait";
        SupervisedProcess p = SupervisedProcess.start(sh(script), dir.resolve("tree.log"), 10, List.of());
        List<ProcessHandle> tree = awaitDescendants(p, 3);
        long t0 = System.nanoTime();
        p.stop(Duration.ofMillis(500));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        assertThat(p.isAlive()).isFalse();
        assertThat(tree).noneMatch(ProcessHandle::isAlive);
        p.stop(Duration.ofSeconds(1)); // idempotent
        assertThat(p.stopped()).isTrue();
    }

    @Test
    void childrenOrphanedByACrashedParentAreStillStopped() throws Exception {
        SupervisedProcess p = SupervisedProcess.start(sh("sleep 600 & sleep 600 & echo ready; wait"),
                dir.resolve("orphan.log"), 10, List.of());
        List<ProcessHandle> kids = awaitDescendants(p, 2).stream().filter(h -> h.pid() != p.pid()).toList();
        assertThat(kids).hasSize(2);
        p.handle().destroyForcibly(); // the parent dies; its children are re-parented and alive
        assertThat(p.waitFor(Duration.ofSeconds(10))).isTrue();
        assertThat(kids).allMatch(ProcessHandle::isAlive);
        p.stop(Duration.ofMillis(500));
        assertThat(kids).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void aProgramThatDoesNotExistFailsToStartNamingIt() {
        ProcessSpec spec = new ProcessSpec("x", List.of("/no/such/program"), Map.of(), Optional.empty());
        assertThatThrownBy(() -> SupervisedProcess.start(spec, dir.resolve("x.log"), 10, List.of()))
                .isInstanceOf(IOException.class).hasMessageContaining("/no/such/program");
    }

    @Test
    void theShutdownHookStopsWhatIsStillRunningWhenTheJvmExits() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ReaperProbeMain.class.getName(), dir.resolve("hook.log").toString()).redirectErrorStream(true).start();
        List<Long> pids = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("pid ")) {
                    pids.add(Long.parseLong(line.substring(4).trim()));
                }
            }
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(pids).hasSizeGreaterThanOrEqualTo(2);
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d", pid).isFalse();
        }
    }

    private static List<ProcessHandle> awaitDescendants(SupervisedProcess p, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> d = p.refreshDescendants();
            if (d.size() >= n && p.tail(5).contains("ready")) {
                List<ProcessHandle> all = new ArrayList<>(d);
                all.add(p.handle());
                return all;
            }
            p.waitFor(Duration.ofMillis(50)); // polls the process tree with a deadline
        }
        throw new AssertionError("expected " + n + " descendants within 30 s, saw " + p.refreshDescendants());
    }
}
