package io.qmeter.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.Health;
import io.qmeter.power.EnergyQuality;
import io.qmeter.power.EnergyReading;
import io.qmeter.power.EnergyWindow;
import io.qmeter.power.PowerSensor;
import io.qmeter.power.SensorCapability;
import io.qmeter.testkit.ScriptedEngine;
import io.qmeter.client.CompletionRequest;
import io.qmeter.client.LlmClient;
import io.qmeter.client.RequestSender;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.StoredRun;
import io.qmeter.workload.PromptSpec;
import io.qmeter.workload.Workload;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** The kits are worth something only if they fail for a broken implementation: run them against some. */
class KitsCanFailTest {

    private static final String SELF_CHECK = "qmeter.testkit.kitSelfCheck";

    /** Runs a kit class and returns the names of the tests that failed. */
    private static synchronized Set<String> failures(Class<?> kit) {
        Set<String> failed = new TreeSet<>();
        System.setProperty(SELF_CHECK, "true");
        try {
            run(kit, failed);
        } finally {
            System.clearProperty(SELF_CHECK);
        }
        return failed;
    }

    private static void run(Class<?> kit, Set<String> failed) {
        Launcher launcher = LauncherFactory.create();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(kit)).build(),
                new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult r) {
                        if (id.isTest() && r.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                            failed.add(id.getDisplayName());
                        }
                    }
                });
    }

    /** A sensor that reports a silent zero, forgets its readings and shrinks time. */
    static final class SilentZeroSensor implements PowerSensor {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public SensorCapability capability() {
            return new SensorCapability(EnergyQuality.UNAVAILABLE, "", List.of());
        }

        @Override
        public EnergyWindow open() {
            return () -> new EnergyReading(0.0, 0, EnergyQuality.UNAVAILABLE, List.of(), null);
        }

        @Override
        public double measureIdleWatts(Duration settle) {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    @EnabledIfSystemProperty(named = SELF_CHECK, matches = "true", disabledReason = "run only by KitsCanFailTest")
    static class BrokenSensorKit extends PowerSensorCompatibilityKit {
        @Override
        protected PowerSensor createSensor() {
            return new SilentZeroSensor();
        }

        @Override
        protected Duration windowLength() {
            return Duration.ofMillis(20);
        }

        @Override
        protected Duration durationTolerance() {
            return Duration.ofMillis(1);
        }
    }

    /** An engine whose handle still says UP after close and whose log tail throws. */
    @EnabledIfSystemProperty(named = SELF_CHECK, matches = "true", disabledReason = "run only by KitsCanFailTest")
    static class BrokenEngineKit extends EngineCompatibilityKit {
        @Override
        protected Engine createEngine() {
            ScriptedEngine real = ScriptedEngine.builder().build();
            return new Engine() {
                @Override
                public String name() {
                    return "broken";
                }

                @Override
                public EngineHandle start() {
                    EngineHandle h = real.start();
                    return new EngineHandle() {
                        @Override
                        public URI baseUrl() {
                            return h.baseUrl();
                        }

                        @Override
                        public String model() {
                            return h.model();
                        }

                        @Override
                        public Health health() {
                            return Health.up();
                        }

                        @Override
                        public List<String> logTail(int maxLines) {
                            throw new IllegalStateException("no log");
                        }

                        @Override
                        public void close() {
                            h.close();
                        }
                    };
                }
            };
        }
    }

    @Test
    void powerSensorKitFailsASilentZeroSensor() {
        assertThat(failures(BrokenSensorKit.class)).contains(
                "capability is never null and never a silent zero",
                "a reading is available with the capability's quality, or unavailable with a reason",
                "end() is idempotent and close() after end() keeps the reading",
                "a reading's duration covers the window",
                "idle power is NaN when unavailable, else >= 0");
    }

    @Test
    void engineKitFailsAnEngineThatStaysUpAfterClose() {
        assertThat(failures(BrokenEngineKit.class)).contains(
                "owning engines: close() stops the server, health is DOWN and nothing answers",
                "logTail never throws and respects its limit").doesNotContain("start() returns a healthy handle");
    }

    /** A store that appends instead of replacing, never says "replaced", and keeps working after close. */
    static final class AppendingStore implements ResultStore {
        private final List<StoredRun> runs = new ArrayList<>();

        @Override
        public synchronized boolean put(StoredRun run) {
            runs.add(run);
            return true;
        }

        @Override
        public synchronized Optional<StoredRun> find(RunKey key) {
            return runs.stream().filter(r -> r.key().equals(key)).findFirst();
        }

        @Override
        public synchronized List<StoredRun> findByPlan(String planId) {
            return runs.stream().filter(r -> r.key().planId().equals(planId)).collect(Collectors.toList());
        }

        @Override
        public synchronized Set<RunKey> keys(String planId) {
            return findByPlan(planId).stream().map(StoredRun::key).collect(Collectors.toSet());
        }

        @Override
        public synchronized List<StoredRun> list() {
            return new ArrayList<>(runs);
        }

        @Override
        public synchronized long count() {
            return runs.size();
        }

        @Override
        public synchronized long count(String planId) {
            return findByPlan(planId).size();
        }

        @Override
        public int schemaVersion() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    @EnabledIfSystemProperty(named = SELF_CHECK, matches = "true", disabledReason = "run only by KitsCanFailTest")
    static class BrokenStoreKit extends ResultStoreCompatibilityKit {
        @Override
        protected ResultStore createStore() {
            return new AppendingStore();
        }
    }

    /** A workload whose prompts ignore the seed and whose sequences share one counter. */
    @EnabledIfSystemProperty(named = SELF_CHECK, matches = "true", disabledReason = "run only by KitsCanFailTest")
    static class BrokenWorkloadKit extends WorkloadCompatibilityKit {
        private static final AtomicInteger SHARED = new AtomicInteger();

        @Override
        protected Workload createWorkload() {
            return new Workload() {
                @Override
                public String name() {
                    return " ";
                }

                @Override
                public Iterator<PromptSpec> prompts(long seed) {
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return true;
                        }

                        @Override
                        public PromptSpec next() {
                            return PromptSpec.ofText("prompt " + SHARED.incrementAndGet(), 2, 8);
                        }
                    };
                }
            };
        }
    }

    /** A sender that lets failures escape as exceptions and stamps its own schedule. */
    @EnabledIfSystemProperty(named = SELF_CHECK, matches = "true", disabledReason = "run only by KitsCanFailTest")
    static class BrokenSenderKit extends RequestSenderCompatibilityKit {
        @Override
        protected RequestSender createSender(URI baseUrl) {
            LlmClient real = LlmClient.create(baseUrl);
            return new RequestSender() {
                @Override
                public CompletableFuture<RequestRecord> send(CompletionRequest request, long index, long scheduledNanos) {
                    return real.send(request, index, System.nanoTime()).thenApply(r -> {
                        if (!r.isOk()) {
                            throw new IllegalStateException("request failed: " + r.outcome());
                        }
                        return r;
                    });
                }

                @Override
                public void close() {
                    real.close();
                }
            };
        }
    }

    @Test
    void resultStoreKitFailsAStoreThatAppendsInsteadOfReplacing() {
        assertThat(failures(BrokenStoreKit.class)).contains(
                "a second put of a key replaces the first, never merges or duplicates it",
                "close() is idempotent and a closed store refuses to work",
                "the schema version is at least 1",
                "concurrent puts neither lose nor duplicate a run");
    }

    @Test
    void workloadKitFailsAWorkloadThatIgnoresItsSeed() {
        assertThat(failures(BrokenWorkloadKit.class)).contains(
                "name is not blank and describe() is not null",
                "the same seed gives the same prompts in the same order",
                "each prompts(seed) call opens a fresh sequence that others do not advance")
                .doesNotContain("every prompt has input tokens, output tokens and text or token ids");
    }

    @Test
    void requestSenderKitFailsASenderWhoseFailuresEscape() {
        assertThat(failures(BrokenSenderKit.class)).contains(
                "a normal stream gives an OK record with the index, schedule and served tokens",
                "an HTTP 500 gives an HTTP_ERROR record with the status, not an exception",
                "a refused connection gives a CONNECTION_ERROR record, not an exception")
                .doesNotContain("close() is idempotent");
    }

    /** A benchmark with an upper-case name that drops failed items and never says it was simulated. */
    static final class DroppingBenchmark implements io.qmeter.quality.QualityBenchmark {
        @Override
        public String name() {
            return "Toy";
        }

        @Override
        public String metric() {
            return "acc";
        }

        @Override
        public io.qmeter.quality.QualityScore run(EngineHandle engine, io.qmeter.quality.QualityOptions options) {
            java.net.http.HttpClient c = java.net.http.HttpClient.newHttpClient();
            List<io.qmeter.quality.ItemResult> items = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                try {
                    var res = c.send(java.net.http.HttpRequest.newBuilder(engine.baseUrl().resolve("/v1/completions"))
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"" + engine.model()
                                    + "\",\"prompt\":\"q" + i + "\",\"max_tokens\":4,\"seed\":" + i + "}")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    if (res.statusCode() == 200) { // failed requests are dropped: the defect
                        boolean ok = res.body().contains(" the");
                        items.add(new io.qmeter.quality.ItemResult("toy/" + i, "q" + i, res.body(), ok ? 1 : 0,
                                ok ? "right" : "wrong", java.util.Map.of(), null));
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return io.qmeter.quality.QualityScore.fromItems("toy", "acc", items, java.util.Map.of(), options.seed(), false);
        }
    }

    @EnabledIfSystemProperty(named = SELF_CHECK, matches = "true", disabledReason = "run only by KitsCanFailTest")
    static class BrokenQualityKit extends QualityBenchmarkCompatibilityKit {
        @Override
        protected io.qmeter.quality.QualityBenchmark createBenchmark() {
            return new DroppingBenchmark();
        }

        @Override
        protected io.qmeter.quality.QualityOptions options() {
            return io.qmeter.quality.QualityOptions.defaults().withMaxItems(3);
        }
    }

    @Test
    void qualityKitFailsABenchmarkThatDropsFailedItemsAndHidesSimulation() {
        assertThat(failures(BrokenQualityKit.class)).contains(
                "name() is lower case and not blank, metric() is not blank",
                "failed requests are scored 0 with their error, never dropped",
                "the simulated engine's score is labelled simulated and repeatable with the same options",
                "a score keeps every item, in 0-100, and a real engine's score is not labelled simulated");
    }
}
