package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepEvent;
import io.qmeter.sweep.SweepReport;
import io.qmeter.testkit.Fault;
import io.qmeter.testkit.FaultPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator supervises engines: crash → restart and retry; repeated crash → FAILED; hang → detected. */
class EngineRecoveryIT {

    @TempDir
    Path dir;

    private final List<SweepEvent> events = new CopyOnWriteArrayList<>();
    private final List<Long> eventNanos = new CopyOnWriteArrayList<>();

    private SweepCoordinator.Builder coordinator(ResultStore store, TestPlans.Sequence engine) {
        return SweepCoordinator.builder(store).engines(s -> engine).listener(e -> {
            events.add(e);
            eventNanos.add(System.nanoTime());
        }).healthInterval(Duration.ofMillis(500)).stallTimeout(Duration.ofSeconds(1))
                .clientCheck(Duration.ofMillis(500), 0.5);
    }

    @Test
    void anEngineThatCrashesMidSweepIsRestartedAndThePointRetried() {
        Plan plan = TestPlans.plan("crash-once", List.of(TestPlans.settings("FP16")), 20, 20, 10);
        TestPlans.Sequence engine = new TestPlans.Sequence(
                TestPlans.engine(FaultPlan.builder().crashAfterRequests(10).build()),
                TestPlans.engine(FaultPlan.none()));
        try (ResultStore store = ResultStore.sqlite(dir.resolve("crash.db"));
             SweepCoordinator c = coordinator(store, engine).build()) {
            SweepReport r = c.run(plan);

            assertThat(r.ok()).as("both points completed after the restart").isEqualTo(2);
            assertThat(r.failed()).isZero();
            assertThat(engine.starts.get()).as("started once, restarted once").isEqualTo(2);
            assertThat(r.configurations().get(0).restarts()).isEqualTo(1);
            List<SweepEvent.Failure> failures = events.stream().filter(SweepEvent.Failure.class::isInstance)
                    .map(SweepEvent.Failure.class::cast).toList();
            assertThat(failures).hasSize(1);
            assertThat(failures.get(0).willRetry()).isTrue();
            assertThat(failures.get(0).cause()).contains("DOWN").contains("crash");
            assertThat(failures.get(0).logTail()).anySatisfy(l -> assertThat(l).contains("crash"));
            List<StoredRun> runs = store.findByPlan(plan.id());
            assertThat(runs).hasSize(2).allSatisfy(x -> assertThat(x.status()).isEqualTo(RunStatus.OK));
            assertThat(runs.stream().mapToDouble(x -> x.metrics().get("attempts")).sum())
                    .as("one point took two attempts, the other one").isEqualTo(3.0);
            assertThat(runs).allSatisfy(x -> assertThat(x.metrics().get("ok_requests")).isEqualTo(20.0));
        }
    }

    @Test
    void anEngineThatKeepsCrashingLeavesFailedPointsWithTheCauseAndTheSweepGoesOn() {
        Plan plan = TestPlans.plan("crash-always", List.of(TestPlans.settings("FP16")), 20, 20, 10);
        TestPlans.Sequence engine = new TestPlans.Sequence(
                TestPlans.engine(FaultPlan.builder().crashAfterRequests(5).build()));
        try (ResultStore store = ResultStore.sqlite(dir.resolve("crash-always.db"));
             SweepCoordinator c = coordinator(store, engine).maxAttempts(2).build()) {
            SweepReport r = c.run(plan);

            assertThat(r.failed()).isEqualTo(2);
            assertThat(r.ok()).isZero();
            assertThat(r.remaining()).as("nothing left undone").isZero();
            List<StoredRun> runs = store.findByPlan(plan.id());
            assertThat(runs).hasSize(2).allSatisfy(x -> {
                assertThat(x.status()).isEqualTo(RunStatus.FAILED);
                assertThat(x.cause()).contains("failed after 2 attempts").contains("DOWN").contains("crash-after 5");
                assertThat(x.payload().get("logTail").size()).isPositive();
                assertThat(x.payload().get("causes").size()).isEqualTo(2);
            });
        }
    }

    @Test
    void anEngineThatCannotStartIsNotRetriedAndItsPointsAreStoredFailedWithTheCause() {
        Plan plan = TestPlans.plan("bad-flag", List.of(TestPlans.settings("FP16")), 20, 20);
        java.util.concurrent.atomic.AtomicInteger starts = new java.util.concurrent.atomic.AtomicInteger();
        io.qmeter.engine.Engine refused = new io.qmeter.engine.Engine() {
            @Override
            public String name() {
                return "refused";
            }

            @Override
            public io.qmeter.engine.EngineHandle start() {
                starts.incrementAndGet();
                throw new io.qmeter.engine.EngineException("error: invalid argument: --bogus", List.of("bogus flag"),
                        null) {
                    @Override
                    public boolean retryable() {
                        return false;
                    }
                };
            }
        };
        try (ResultStore store = ResultStore.sqlite(dir.resolve("bad-flag.db"));
             SweepCoordinator c = SweepCoordinator.builder(store).engines(s -> refused).maxAttempts(3)
                     .restartBackoff(Duration.ofMinutes(1), Duration.ofMinutes(1)).build()) {
            SweepReport r = c.run(plan);

            assertThat(starts.get()).as("a start that cannot succeed is not repeated").isEqualTo(1);
            assertThat(r.failed()).isEqualTo(1);
            assertThat(r.remaining()).isZero();
            assertThat(store.findByPlan(plan.id())).hasSize(1).allSatisfy(x -> {
                assertThat(x.status()).isEqualTo(RunStatus.FAILED);
                assertThat(x.cause()).contains("not retried").contains("invalid argument: --bogus");
            });
        }
    }

    @Test
    void aHungEngineIsDetectedWithinSecondsAndThePointRetriedOnARestartedEngine() {
        Plan plan = TestPlans.plan("hang-once", List.of(TestPlans.settings("FP16")), 20, 20);
        TestPlans.Sequence engine = new TestPlans.Sequence(
                TestPlans.engine(FaultPlan.builder().withProbability(1.0, Fault.hang()).build()),
                TestPlans.engine(FaultPlan.none()));
        try (ResultStore store = ResultStore.sqlite(dir.resolve("hang.db"));
             SweepCoordinator c = coordinator(store, engine).build()) {
            SweepReport r = c.run(plan);

            assertThat(r.ok()).isEqualTo(1);
            int started = indexOf(SweepEvent.ConfigurationStarted.class);
            int failed = indexOf(SweepEvent.Failure.class);
            assertThat(failed).as("a failure was reported").isPositive();
            SweepEvent.Failure f = (SweepEvent.Failure) events.get(failed);
            assertThat(f.cause()).contains("hangs");
            assertThat(f.willRetry()).isTrue();
            double seconds = (eventNanos.get(failed) - eventNanos.get(started)) / 1e9;
            // 1 s of arrivals, 1 s without progress, 1 s for the liveness request, 0.5 s polls: about 3 s;
            // the bound is generous for a loaded machine but far below the client's 2-minute timeouts
            assertThat(seconds).as("hang detected after %.1f s", seconds).isLessThan(20);
            assertThat(store.findByPlan(plan.id()).get(0).metrics().get("attempts")).isEqualTo(2.0);
        }
    }

    private int indexOf(Class<?> type) {
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
