package io.qmeter.eval.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxTest {

    private static Sandbox box;

    @BeforeAll
    static void needsBubblewrap() {
        assumeTrue(Sandbox.isBubblewrapOnPath(),
                "bubblewrap is not installed (apt-get install -y bubblewrap; .ci/quality.sh does it in CI)");
        box = Sandbox.bubblewrap().withTimeout(Duration.ofSeconds(3));
    }

    @Test
    void passingAndFailingPrograms() {
        List<ExecutionResult> rs = box.runAll(List.of("assert sum([1, 2]) == 3\n",
                "def f():\n    return 1\nassert f() == 2, 'f is wrong'\n", "raise SystemExit(3)\n",
                "def broken(:\n"));
        assertThat(rs.get(0).status()).isEqualTo(ExecutionResult.Status.PASSED);
        assertThat(rs.get(1).status()).isEqualTo(ExecutionResult.Status.FAILED);
        assertThat(rs.get(1).output()).contains("AssertionError: f is wrong");
        assertThat(rs.get(1).verdict()).startsWith("failed (exit 1): AssertionError");
        assertThat(rs.get(2).exitCode()).isEqualTo(3);
        assertThat(rs.get(3).output()).contains("SyntaxError");
    }

    @Test
    void anInfiniteLoopIsCutAtTheLimitWithItsChildren() throws Exception {
        Sandbox quick = box.withTimeout(Duration.ofMillis(1500));
        String marker = "31337" + System.nanoTime() % 1000;
        ExecutionResult r = quick.run("import subprocess\nsubprocess.Popen(['sleep', '" + marker + "'])\n"
                + "while True:\n    pass\n");
        assertThat(r.status()).isEqualTo(ExecutionResult.Status.TIMED_OUT);
        assertThat(r.elapsed()).isBetween(Duration.ofMillis(1500), Duration.ofMillis(1500 + 2_000));
        assertThat(r.verdict()).startsWith("timed out after");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (leftover(marker) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(leftover(marker)).as("the sandboxed child 'sleep " + marker + "' was killed too").isFalse();
    }

    private static boolean leftover(String marker) {
        return ProcessHandle.allProcesses().anyMatch(h -> h.info().arguments()
                .map(a -> List.of(a).contains(marker)).orElse(false));
    }

    @Test
    void theNetworkIsUnreachable() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String program = "import socket\nsocket.create_connection(('127.0.0.1', " + server.getLocalPort()
                    + "), timeout=1).close()\n";
            ExecutionResult inside = box.run(program);
            assertThat(inside.status()).isEqualTo(ExecutionResult.Status.FAILED);
            assertThat(inside.output()).containsAnyOf("ConnectionRefused", "Network is unreachable", "OSError");
            // the same program reaches the port without the sandbox: the test can fail
            assertThat(Sandbox.unsandboxed().run(program).status()).isEqualTo(ExecutionResult.Status.PASSED);
        }
    }

    @Test
    void writesOutsideTheSandboxFailWithoutEffect(@TempDir Path tmp) throws IOException {
        Path outside = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "sandbox-write-");
        Path target = outside.resolve("pwned.txt");
        ExecutionResult r = box.run("open('" + target + "', 'w').write('x')\n");
        assertThat(r.status()).isEqualTo(ExecutionResult.Status.FAILED);
        // read-only where the checkout is under the read-only root; absent where it is under /tmp,
        // which the sandbox replaces with its own (CI may clone there): either way nothing is written
        assertThat(r.output()).containsAnyOf("Read-only file system", "No such file or directory");
        assertThat(target).doesNotExist();
        // /tmp inside is private: a write there succeeds but never reaches the host's /tmp
        Path hostTmp = tmp.resolve("also-pwned.txt");
        assertThat(box.run("open('" + hostTmp + "', 'w').write('x')\n").status())
                .isNotEqualTo(ExecutionResult.Status.ERROR);
        assertThat(hostTmp).doesNotExist();
        // the same write without the sandbox lands: the test can fail
        Sandbox.unsandboxed().run("open('" + target + "', 'w').write('x')\n");
        assertThat(target).exists();
    }

    @Test
    void memoryIsLimited() {
        ExecutionResult r = box.withMemoryLimitBytes(128L << 20).run("b = bytearray(200 << 20)\n");
        assertThat(r.status()).isEqualTo(ExecutionResult.Status.FAILED);
        assertThat(r.output()).contains("MemoryError");
        assertThat(box.run("b = bytearray(200 << 20)\n").status()).isEqualTo(ExecutionResult.Status.PASSED);
    }

    @Test
    void refusesWithAnInstallHintWhenBubblewrapIsMissingOrBroken() {
        assertThatThrownBy(() -> Sandbox.bubblewrapAt(null)).isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("apt-get install -y bubblewrap")
                .hasMessageContaining("Sandbox.unsandboxed()");
        assertThatThrownBy(() -> Sandbox.bubblewrapAt("/bin/false")).isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("cannot create a sandbox here");
        assertThat(Sandbox.unsandboxed().isSandboxed()).isFalse();
        assertThat(box.isSandboxed()).isTrue();
    }
}
