package io.qmeter.engines.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.Endpoint;
import io.qmeter.client.LlmClient;
import io.qmeter.engine.Health;
import io.qmeter.engines.FailureKind;
import io.qmeter.engines.ServerConfig;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.workload.PromptSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Launches the stand-in programs (which exec the testkit's simulated engine) through
 * {@link LaunchedEngine}: the supervisor sees real child processes, real flags, real exits.
 */
class LaunchedEngineIT {

    @TempDir
    Path logs;

    private LaunchedEngine vllm(ServerConfig c, LaunchOptions o) {
        return LaunchedEngine.of(TestDialects.vllm(), c, o);
    }

    private static ServerConfig config() {
        return ServerConfig.of("facebook/opt-125m", "FP16").withServedModelName("opt");
    }

    @Test
    void startsServesAReportsMetricsAndCloseLeavesNoProcess() throws Exception {
        LaunchedEngine e = vllm(config().withGpus(List.of(2, 3)).withTensorParallel(2),
                StandIns.options(logs).withEnvironment(StandIns.env(Map.of("STANDIN_CHILD", "1"))));
        List<ProcessHandle> tree;
        ProcessHandle server;
        try (LaunchedHandle h = e.start()) {
            server = h.processHandle();
            assertThat(h.health().isUp()).isTrue();
            assertThat(h.model()).isEqualTo("opt");
            assertThat(h.gpuIndices()).containsExactly(2, 3);
            assertThat(h.config().port()).isEqualTo(h.baseUrl().getPort());
            try (LlmClient client = LlmClient.create(h.baseUrl())) {
                RequestRecord r = client.send(CompletionRequest.of(Endpoint.COMPLETIONS, h.model(),
                        PromptSpec.ofText("Hello there", 3, 8)).withIgnoreEos(true), 0, System.nanoTime())
                        .get(60, TimeUnit.SECONDS);
                assertThat(r.outcome()).as(r.error()).isEqualTo(Outcome.OK);
                assertThat(r.outputTokensServed()).isEqualTo(8);
            }
            Map<String, Double> m = h.serverMetrics();
            assertThat(m).containsKeys("requests_running", "requests_waiting", "kv_cache_usage",
                    "prompt_tokens_total", "generation_tokens_total");
            assertThat(m.get("generation_tokens_total")).isGreaterThanOrEqualTo(8.0);
            Map<String, Object> d = h.describe();
            assertThat(d).containsEntry("engine", "vllm").containsEntry("tensorParallel", 2)
                    .containsEntry("gpus", "2,3").containsEntry("pid", h.pid());
            assertThat((String) d.get("command")).contains("serve facebook/opt-125m").contains("--port "
                    + h.baseUrl().getPort());
            assertThat((String) d.get("environment")).contains("CUDA_VISIBLE_DEVICES=2,3");
            assertThat(h.logFile()).exists();
            tree = h.descendants();
            assertThat(tree).as("the stand-in's child process").isNotEmpty();
            assertThat(h.failure()).isEmpty();
        }
        assertThat(server.isAlive()).isFalse();
        assertThat(tree).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void aBadFlagIsATypedBadArgumentWithTheLogTail() {
        LaunchedEngine e = vllm(config().withExtraArgs(List.of("--no-such-flag")), StandIns.options(logs));
        EngineLaunchException x = catchThrowableOfType(e::start, EngineLaunchException.class);
        assertThat(x.kind()).isEqualTo(FailureKind.BAD_ARGUMENT);
        assertThat(x.failure().exitCode()).hasValue(2);
        assertThat(x.logTail()).anyMatch(l -> l.contains("unrecognized arguments: --no-such-flag"));
        assertThat(x.getMessage()).contains("status 2").contains("unrecognized arguments").contains("fix the flags");
        assertThat(x.failure().logFile()).isPresent();
    }

    @Test
    void anExitDuringStartFailsAtOnceNotAtTheDeadline() {
        LaunchedEngine e = vllm(config(), StandIns.options(logs).withStartTimeout(Duration.ofMinutes(5))
                .withEnvironment(StandIns.env(Map.of("STANDIN_EXIT_AT_START", "7"))));
        long t0 = System.nanoTime();
        EngineLaunchException x = catchThrowableOfType(e::start, EngineLaunchException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(60));
        assertThat(x.kind()).isEqualTo(FailureKind.CRASHED);
        assertThat(x.failure().exitCode()).hasValue(7);
        assertThat(x.logTail()).anyMatch(l -> l.contains("loading model"));
    }

    @Test
    void aFatalLogLineNamesTheCause() {
        LaunchedEngine e = vllm(config(), StandIns.options(logs).withEnvironment(StandIns.env(Map.of(
                "STANDIN_LOG", "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
                "STANDIN_EXIT_AT_START", "1"))));
        EngineLaunchException x = catchThrowableOfType(e::start, EngineLaunchException.class);
        assertThat(x.kind()).isEqualTo(FailureKind.OUT_OF_MEMORY);
        assertThat(x.advice()).isEqualTo("use fewer tokens");
    }

    @Test
    void aMissingModelIsModelNotFound() {
        LaunchedEngine e = LaunchedEngine.of(TestDialects.llamaCpp(),
                ServerConfig.of(logs.resolve("absent.gguf").toString(), "Q8_0"), StandIns.options(logs));
        EngineLaunchException x = catchThrowableOfType(e::start, EngineLaunchException.class);
        assertThat(x.kind()).isEqualTo(FailureKind.MODEL_NOT_FOUND);
        assertThat(x.failure().exitCode()).hasValue(1);
    }

    @Test
    void aBusyPortIsAddressInUseBeforeAnythingStarts() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            LaunchedEngine e = vllm(config().withPort(busy.getLocalPort()), StandIns.options(logs).withFreePort(false));
            EngineLaunchException x = catchThrowableOfType(e::start, EngineLaunchException.class);
            assertThat(x.kind()).isEqualTo(FailureKind.ADDRESS_IN_USE);
            assertThat(x.getMessage()).contains(Integer.toString(busy.getLocalPort()));
        }
    }

    @Test
    void aProgramThatCannotRunIsNotExecutable() {
        LaunchedEngine e = vllm(config(), StandIns.options(logs).withExecutable(logs.resolve("no-such-program")));
        EngineLaunchException x = catchThrowableOfType(e::start, EngineLaunchException.class);
        assertThat(x.kind()).isEqualTo(FailureKind.NOT_EXECUTABLE);
        assertThat(x.getMessage()).contains("no-such-program");
    }

    @Test
    void aServerThatNeverAnswersTimesOutAndIsStopped() {
        LaunchedEngine e = LaunchedEngine.of(TestDialects.neverReady(), config(),
                StandIns.options(logs).withStartTimeout(Duration.ofSeconds(8)));
        EngineLaunchException x = catchThrowableOfType(e::start, EngineLaunchException.class);
        assertThat(x.kind()).isEqualTo(FailureKind.START_TIMEOUT);
        assertThat(x.getMessage()).contains("/never-there");
    }

    @Test
    void aFailingPreparationStepIsPreparationFailedWithItsLog() throws IOException {
        Path work = Files.createDirectories(logs.resolve("work"));
        LaunchedEngine e = LaunchedEngine.of(TestDialects.trtllm(work), config(), StandIns.options(logs)
                .withEnvironment(StandIns.env(Map.of("STANDIN_PREP_FAIL", "engine build ran out of patience"))));
        EngineLaunchException x = catchThrowableOfType(e::start, EngineLaunchException.class);
        assertThat(x.kind()).isEqualTo(FailureKind.PREPARATION_FAILED);
        assertThat(x.failure().exitCode()).hasValue(1);
        assertThat(x.logTail()).anyMatch(l -> l.contains("engine build ran out of patience"));
        assertThat(x.getMessage()).contains("'build'");
    }

    @Test
    void preparationRunsOnceThenTheServerStartsAndRestarts() throws IOException {
        Path work = Files.createDirectories(logs.resolve("work"));
        LaunchedEngine e = LaunchedEngine.of(TestDialects.trtllm(work), config(), StandIns.options(logs));
        long firstPid;
        try (LaunchedHandle h = e.start()) {
            assertThat(work.resolve("engine/rank0.engine")).exists();
            assertThat(h.health().isUp()).isTrue();
            firstPid = h.pid();
        }
        Files.delete(work.resolve("engine/rank0.engine"));
        try (LaunchedHandle h = e.start()) {
            assertThat(h.pid()).isNotEqualTo(firstPid);
            assertThat(h.describe()).containsEntry("start", 2);
            assertThat(work.resolve("engine/rank0.engine")).as("not built again").doesNotExist();
        }
        try (var files = Files.list(logs)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")))
                    .anyMatch(n -> n.contains("-s1-build.log")).anyMatch(n -> n.contains("-s1-server.log"))
                    .anyMatch(n -> n.contains("-s2-server.log"));
        }
    }

    @Test
    void aKilledServerIsNoticedByTheWatchdogAndHealth() {
        LaunchedEngine e = vllm(config(), StandIns.options(logs));
        try (LaunchedHandle h = e.start()) {
            h.processHandle().destroyForcibly();
            LaunchFailure f = h.awaitFailure(Duration.ofSeconds(30)).orElseThrow();
            assertThat(f.kind()).isEqualTo(FailureKind.CRASHED);
            assertThat(f.exitCode()).hasValue(137);
            assertThat(f.message()).contains("signal 9").contains("while serving");
            Health health = h.health();
            assertThat(health.status()).isEqualTo(Health.Status.DOWN);
            assertThat(health.detail()).contains("137");
            assertThat(h.serverMetrics()).isEmpty();
        }
    }

    @Test
    void anInjectedCrashDuringARunIsCrashedWithTheSimulatorsExitStatus() throws Exception {
        LaunchedEngine e = vllm(config(), StandIns.options(logs)
                .withEnvironment(StandIns.env(Map.of("STANDIN_SIM_ARGS", "--crash-after 1"))));
        try (LaunchedHandle h = e.start(); LlmClient client = LlmClient.create(h.baseUrl())) {
            for (int i = 0; i < 2; i++) {
                client.send(CompletionRequest.of(Endpoint.COMPLETIONS, h.model(), PromptSpec.ofText("Hi", 1, 4)), i,
                        System.nanoTime()).get(60, TimeUnit.SECONDS);
            }
            LaunchFailure f = h.awaitFailure(Duration.ofSeconds(30)).orElseThrow();
            assertThat(f.kind()).isEqualTo(FailureKind.CRASHED);
            assertThat(f.exitCode()).hasValue(3);
            assertThat(f.logTail()).anyMatch(l -> l.contains("injected crash"));
        }
    }

    @Test
    void aStoppedServerIsHungWhileItsProcessStaysAlive() throws Exception {
        LaunchedEngine e = vllm(config(), StandIns.options(logs).withProbeTimeout(Duration.ofMillis(500)));
        try (LaunchedHandle h = e.start()) {
            signal("STOP", h.pid()); // alive, but answers nothing: a hang
            LaunchFailure f = h.awaitFailure(Duration.ofSeconds(30)).orElseThrow();
            assertThat(f.kind()).isEqualTo(FailureKind.HUNG);
            assertThat(f.message()).contains("is alive").contains("health probes");
            assertThat(h.processHandle().isAlive()).isTrue();
            assertThat(h.health().status()).isEqualTo(Health.Status.UNRESPONSIVE);
        }
    }

    @Test
    void aConfigurationTheDialectRefusesIsUnsupported() {
        LaunchedEngine e = vllm(ServerConfig.of("m", "W4A8KV4"), StandIns.options(logs));
        assertThatThrownBy(e::start).isInstanceOfSatisfying(EngineLaunchException.class,
                x -> assertThat(x.kind()).isEqualTo(FailureKind.UNSUPPORTED_QUANTIZATION));
    }

    private static void signal(String sig, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
