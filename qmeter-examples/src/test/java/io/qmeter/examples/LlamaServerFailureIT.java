package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineHandle;
import io.qmeter.engines.FailureKind;
import io.qmeter.engines.launch.EngineLaunchException;
import io.qmeter.engines.launch.LaunchedHandle;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.RunLength;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepEvent;
import io.qmeter.sweep.SweepReport;
import io.qmeter.sweep.WorkloadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real llama-server failing: killed with SIGKILL in the middle of a sweep run (the coordinator
 * restarts it and retries the point), and refusing its command line (a typed BAD_ARGUMENT with the
 * log tail).
 */
@Tag("engine")
class LlamaServerFailureIT {

    @TempDir
    Path dir;

    @Test
    void aServerKilledMidRunIsRestartedAndThePointRetried() throws Exception {
        GpuLlamaStudy.Options o = LlamaCppEnv.options(dir);
        GpuLlamaStudy.Config q4 = LlamaCppEnv.config("Q4_0");
        Plan plan = Plan.builder("llama-kill-9").configuration(GpuLlamaStudy.settings(o, q4))
                .workload(WorkloadSpec.synthetic(o.inputTokens(), o.outputTokens()))
                .slo(GpuLlamaStudy.p90Slo(Duration.ofSeconds(5), Duration.ofSeconds(1))).rates(4).repetitions(1)
                .runLength(RunLength.duration(Duration.ofSeconds(6))).seed(9).build();
        Killer killer = new Killer(LlamaCppEnv.engine(o, q4));
        List<SweepEvent.Failure> failures = new CopyOnWriteArrayList<>();
        SweepReport r;
        try (ResultStore store = ResultStore.sqlite(dir.resolve("kill.db"));
             SweepCoordinator c = SweepCoordinator.builder(store).engines(s -> killer)
                     .healthInterval(Duration.ofMillis(250)).stallTimeout(Duration.ofSeconds(2))
                     .clientCheck(Duration.ofMillis(500), 0.5).maxAttempts(3)
                     .listener(e -> {
                         if (e instanceof SweepEvent.Failure f) {
                             failures.add(f);
                         }
                     }).build()) {
            Thread t = new Thread(killer::killWhenServing, "kill-9");
            t.setDaemon(true);
            t.start();
            r = c.run(plan);
            t.join(Duration.ofSeconds(10).toMillis());
            List<StoredRun> runs = store.findByPlan(plan.id());
            assertThat(killer.killed.get()).as("the server was killed with SIGKILL while serving: %s", killer.note)
                    .isNotNull();
            assertThat(r.ok()).as("the point completed after the restart: %s", runs).isEqualTo(1);
            assertThat(killer.starts).as("started, killed, started again").hasSize(2);
            assertThat(killer.starts.get(1)).as("a new process").isNotEqualTo(killer.killed.get());
            assertThat(r.configurations().get(0).restarts()).isEqualTo(1);
            assertThat(failures).hasSize(1);
            assertThat(failures.get(0).willRetry()).isTrue();
            assertThat(runs).singleElement().satisfies(x -> {
                assertThat(x.status()).isIn(RunStatus.OK);
                assertThat(x.metrics().get("attempts")).as("retried once").isEqualTo(2.0);
                assertThat(x.metrics().get("failed_requests")).as("the retry is clean").isZero();
            });
        }
    }

    @Test
    void aBadFlagFailsTheStartAsBadArgumentWithTheLogTail() {
        GpuLlamaStudy.Options o = LlamaCppEnv.options(dir);
        Map<String, String> settings = new HashMap<>(LlamaCppEnv.settings(o, LlamaCppEnv.config("F16")));
        settings.put("extraArgs", "--no-such-flag-qmeter");
        Engine e = io.qmeter.engine.EngineFactory.find("llama.cpp").create(settings);
        long t0 = System.nanoTime();

        Throwable thrown = catchThrowable(() -> e.start().close());

        assertThat(thrown).as("a typed launch failure").isInstanceOf(EngineLaunchException.class);
        EngineLaunchException ex = (EngineLaunchException) thrown;
        assertThat(ex.kind()).as(ex.getMessage()).isEqualTo(FailureKind.BAD_ARGUMENT);
        assertThat(ex.advice()).isNotBlank();
        assertThat(ex.logTail()).as("the log tail names the flag").anySatisfy(l -> assertThat(l).contains("--no-such-flag-qmeter"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("failed at once, not after a start timeout")
                .isLessThan(Duration.ofSeconds(30));
    }

    /**
     * An engine that remembers the server process of every start and, once asked, kills the
     * first with SIGKILL as soon as its log shows it serving a request of the run.
     */
    private static final class Killer implements Engine {
        private final Engine inner;
        final List<ProcessHandle> starts = new CopyOnWriteArrayList<>();
        final AtomicReference<ProcessHandle> killed = new AtomicReference<>();
        final AtomicReference<EngineHandle> current = new AtomicReference<>();
        volatile String note = "";

        Killer(Engine inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public EngineHandle start() {
            EngineHandle h = inner.start();
            assertThat(h).as("the llama.cpp factory launches a process").isInstanceOf(LaunchedHandle.class);
            starts.add(((LaunchedHandle) h).processHandle());
            current.set(h);
            return h;
        }

        /** Polls the first server's log (every 50 ms, up to 2 minutes) and kills it while it serves. */
        void killWhenServing() {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline && killed.get() == null) {
                EngineHandle h = current.get();
                if (h != null && !starts.isEmpty()) {
                    long serving = h.logTail(400).stream().filter(l -> l.contains("processing task")).count();
                    if (serving >= 3) {
                        ProcessHandle p = starts.get(0);
                        note = "killed pid " + p.pid() + " after " + serving + " requests began";
                        p.destroyForcibly(); // SIGKILL
                        killed.set(p);
                        return;
                    }
                }
                try {
                    Thread.sleep(50); // a poll interval, not a wait for an outcome
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            note = "never saw the server serving within 2 minutes";
        }
    }
}
