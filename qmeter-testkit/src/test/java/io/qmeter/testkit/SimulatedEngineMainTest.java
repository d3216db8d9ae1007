package io.qmeter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The standalone main as a real child process. */
class SimulatedEngineMainTest {

    private static Process launch(String... flags) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Xmx256m");
        cmd.add(SimulatedEngineMain.class.getName());
        cmd.addAll(List.of(flags));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static URI awaitReady(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(60, TimeUnit.SECONDS);
        assertThat(line).as("the ready line").isNotNull().startsWith(SimulatedEngineMain.READY_PREFIX);
        return URI.create(line.substring(SimulatedEngineMain.READY_PREFIX.length()));
    }

    @Test
    void startsPrintsItsPortServesAndExitsOnCrashAfter() throws Exception {
        Process p = launch("--model", "llama-2-7b", "--quantization", "W4A16-INT", "--port", "0", "--dialect", "llama.cpp",
                "--seed", "3", "--crash-after", "2");
        try {
            URI base = awaitReady(p);
            assertThat(base.getHost()).isEqualTo("127.0.0.1");
            assertThat(base.getPort()).isPositive();
            for (int i = 0; i < 2; i++) {
                TestHttp.Result r = TestHttp.post(base, "/v1/completions", TestHttp.completion(4, true));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.done()).isTrue();
                assertThat(r.chunks().get(r.chunks().size() - 1).path("usage").path("completion_tokens").asInt())
                        .isEqualTo(4);
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the process exits after 2 requests").isTrue();
            assertThat(p.exitValue()).isEqualTo(SimulatedEngineMain.CRASH_EXIT_CODE);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void sigtermStopsItCleanly() throws Exception {
        Process p = launch("--port", "0", "--model", "llama-2-7b");
        try {
            URI base = awaitReady(p);
            assertThat(TestHttp.get(base, "/v1/models").statusCode()).isEqualTo(200);
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isIn(0, 143);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void badFlagsExitWithUsage() throws Exception {
        Process p = launch("--tp", "three");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(SimulatedEngineMain.USAGE_EXIT_CODE);
    }

    @Test
    void flagsParseIntoTheEngine() {
        SimulatedEngine e = SimulatedEngineMain.parse(new String[] {"--gpu", "H100-80GB", "--model", "llama-2-13b",
            "--quantization", "W4A16-INT", "--tp", "2", "--seed", "9", "--dialect", "llama.cpp",
            "--fault", "http:503@0.5", "--fault", "hang#4", "--crash-at-seconds", "1.5"}).build();
        assertThat(e.config().tensorParallel()).isEqualTo(2);
        assertThat(e.config().seed()).isEqualTo(9);
        assertThat(e.describe()).containsEntry("dialect", "LLAMA_CPP").containsKey("faults");
        assertThatThrownBy(() -> SimulatedEngineMain.parse(new String[] {"--nope", "1"}))
                .hasMessageContaining("unknown flag --nope");
        assertThatThrownBy(() -> SimulatedEngineMain.parse(new String[] {"--port"})).hasMessageContaining("needs a value");
    }
}
