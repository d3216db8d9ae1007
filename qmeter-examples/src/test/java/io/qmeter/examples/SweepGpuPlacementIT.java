package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.Health;
import io.qmeter.power.EnergyQuality;
import io.qmeter.power.EnergyReading;
import io.qmeter.power.EnergyWindow;
import io.qmeter.power.PowerSensor;
import io.qmeter.power.SensorCapability;
import io.qmeter.store.ResultStore;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepReport;
import com.fasterxml.jackson.databind.JsonNode;
import io.qmeter.testkit.FaultPlan;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-configuration energy windows (engines issue, "Tensor parallelism and GPU placement"): each
 * configuration is measured over its own GPUs, two configurations never hold one GPU at once, and a
 * single shared sensor with parallelism above 1 is refused.
 */
class SweepGpuPlacementIT {

    @TempDir
    Path dir;

    /** One measured activity (an energy window or an idle baseline) of a sensor over some GPUs. */
    record Activity(String kind, List<Integer> gpus, long from, long to) {
        boolean clashesWith(Activity o) {
            boolean shareGpu = gpus.stream().anyMatch(o.gpus::contains);
            return shareGpu && from < o.to && o.from < to;
        }
    }

    /** A sensor over given GPUs that records when it measured. */
    static final class RecordingSensor implements PowerSensor {
        final List<Integer> gpus;
        final List<Activity> log;
        volatile boolean closed;

        RecordingSensor(List<Integer> gpus, List<Activity> log) {
            this.gpus = gpus;
            this.log = log;
        }

        @Override
        public String name() {
            return "recording" + gpus;
        }

        @Override
        public SensorCapability capability() {
            return new SensorCapability(EnergyQuality.ESTIMATED, "test", gpus.stream().map(g -> "gpu" + g).toList());
        }

        @Override
        public EnergyWindow open() {
            long from = System.nanoTime();
            return new EnergyWindow() {
                private EnergyReading reading;

                @Override
                public synchronized EnergyReading end() {
                    if (reading == null) {
                        long to = System.nanoTime();
                        log.add(new Activity("window", gpus, from, to));
                        double watts = 100.0 * gpus.size();
                        reading = new EnergyReading(watts * (to - from) / 1e9, to - from, EnergyQuality.ESTIMATED,
                                List.of(), "test");
                    }
                    return reading;
                }
            };
        }

        @Override
        public double measureIdleWatts(Duration settle) {
            long from = System.nanoTime();
            // the baseline covers the configuration's start-up quiet moment; recorded as a short interval
            log.add(new Activity("idle", gpus, from, from + settle.toNanos()));
            return 50.0 * gpus.size();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** The simulated engine, reporting the given GPU indices and no sensor of its own. */
    static Engine onGpus(List<Integer> gpus) {
        return onGpus(gpus, Map::of);
    }

    /** As {@link #onGpus(List)}, with these engine-side metrics. */
    static Engine onGpus(List<Integer> gpus, Supplier<Map<String, Double>> serverMetrics) {
        Engine sim = TestPlans.engine(FaultPlan.none());
        return new Engine() {
            @Override
            public String name() {
                return "simulated-on-" + gpus;
            }

            @Override
            public EngineHandle start() {
                EngineHandle h = sim.start();
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
                        return h.health();
                    }

                    @Override
                    public List<String> logTail(int maxLines) {
                        return h.logTail(maxLines);
                    }

                    @Override
                    public Optional<PowerSensor> powerSensor() {
                        return Optional.empty();
                    }

                    @Override
                    public List<Integer> gpuIndices() {
                        return gpus;
                    }

                    @Override
                    public Map<String, Double> serverMetrics() {
                        return serverMetrics.get();
                    }

                    @Override
                    public void close() {
                        h.close();
                    }
                };
            }
        };
    }

    @Test
    void eachConfigurationIsMeasuredOverItsOwnGpusAndNoTwoShareAGpuAtOnce() {
        EngineSettings a = TestPlans.settings("FP16");
        EngineSettings b = TestPlans.settings("W4A16-INT");
        EngineSettings c = TestPlans.settings("W8A8-INT");
        Map<String, List<Integer>> gpus = Map.of(a.id(), List.of(0), b.id(), List.of(0, 1), c.id(), List.of(2));
        Plan plan = TestPlans.plan("gpus", List.of(a, b, c), 20, 20, 10);
        List<Activity> log = new CopyOnWriteArrayList<>();
        List<RecordingSensor> made = new CopyOnWriteArrayList<>();
        try (ResultStore store = ResultStore.sqlite(dir.resolve("gpus.db"));
             SweepCoordinator co = SweepCoordinator.builder(store).parallelism(3)
                     // the plan claims every configuration independent: only the GPU indices can tell
                     .independence((x, y) -> true)
                     .engines(s -> onGpus(gpus.get(s.id())))
                     .powerSensors(g -> {
                         RecordingSensor s = new RecordingSensor(g, log);
                         made.add(s);
                         return s;
                     })
                     .idleSettle(Duration.ofMillis(50))
                     .clientCheck(Duration.ofMillis(500), 0.5).build()) {
            SweepReport r = co.run(plan);

            assertThat(r.ok() + r.invalid()).isEqualTo(6);
            assertThat(made).extracting(s -> s.gpus).containsExactlyInAnyOrder(List.of(0), List.of(0, 1), List.of(2));
            assertThat(made).allSatisfy(s -> assertThat(s.closed).as("sensor %s closed", s.gpus).isTrue());
            List<StoredRun> runs = store.findByPlan(plan.id());
            assertThat(runs).hasSize(6).allSatisfy(run -> {
                List<Integer> own = gpus.get(run.key().configurationId());
                assertThat(run.labels()).containsEntry("sensor", "recording" + own).containsEntry("gpus", own.toString());
                assertThat(run.metrics().get("energy_j")).isPositive();
            });
            List<Activity> windows = new ArrayList<>(log);
            assertThat(windows.stream().filter(x -> x.kind().equals("window")).count()).isEqualTo(6);
            for (int i = 0; i < windows.size(); i++) {
                for (int j = i + 1; j < windows.size(); j++) {
                    Activity x = windows.get(i);
                    Activity y = windows.get(j);
                    if (!x.gpus().equals(y.gpus())) {
                        assertThat(x.clashesWith(y)).as("%s and %s measured the same GPU at once", x, y).isFalse();
                    }
                }
            }
            assertThat(new HashSet<>(windows.stream().map(Activity::gpus).toList())).hasSize(3);
        }
    }

    @Test
    void oneSharedSensorWithParallelismAboveOneIsRefusedWithWhatToDo() {
        try (ResultStore store = ResultStore.sqlite(dir.resolve("refused.db"))) {
            RecordingSensor shared = new RecordingSensor(List.of(0, 1), new CopyOnWriteArrayList<>());
            SweepCoordinator.Builder builder = SweepCoordinator.builder(store).powerSensor(shared).parallelism(2);
            assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("parallelism(2)").hasMessageContaining("powerSensors(")
                    .hasMessageContaining("parallelism(1)");
            // with parallelism 1 the shared sensor stays allowed
            SweepCoordinator.builder(store).powerSensor(shared).build().close();
        }
    }

    @Test
    void engineMetricsAreScrapedDuringEachRunAndStoredBesideTheClientsNumbers() throws Exception {
        AtomicInteger scrapes = new AtomicInteger();
        Supplier<Map<String, Double>> metrics = () -> {
            int i = scrapes.incrementAndGet();
            return Map.of("requests_running", (double) (i % 4), "generation_tokens_total", 8.0 * i);
        };
        EngineSettings a = TestPlans.settings("FP16");
        Plan plan = TestPlans.plan("server-metrics", List.of(a), 20, 20);
        try (ResultStore store = ResultStore.sqlite(dir.resolve("server.db"));
             SweepCoordinator co = SweepCoordinator.builder(store).engines(s -> onGpus(List.of(), metrics))
                     .serverMetricsInterval(Duration.ofMillis(20))
                     .clientCheck(Duration.ofMillis(500), 0.5).build()) {
            co.run(plan);
            StoredRun run = store.findByPlan(plan.id()).get(0);
            assertThat(run.metrics()).containsKeys("server_requests_running_mean", "server_requests_running_max",
                    "server_generation_tokens_total_delta", "ttft_p90_ms");
            assertThat(run.metrics().get("server_generation_tokens_total_delta")).isPositive();
            assertThat(run.metrics().get("server_metric_samples")).isGreaterThanOrEqualTo(2.0);
            JsonNode series = run.payload().get("serverMetrics");
            assertThat(series.get("intervalMs").asLong()).isEqualTo(20);
            assertThat(series.get("samples").size()).isEqualTo(run.metrics().get("server_metric_samples").intValue());
        }
    }
}
