package io.qmeter.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.engine.EngineHandle;
import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.quality.QualityBenchmark;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.QualityStep;
import io.qmeter.sweep.RatePoint;
import io.qmeter.sweep.RunLength;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepReport;
import io.qmeter.sweep.WorkloadSpec;
import io.qmeter.testkit.RecordedRequest;
import io.qmeter.testkit.Script;
import io.qmeter.testkit.ScriptedEngine;
import io.qmeter.testkit.SimulatedEngineFactory;
import io.qmeter.testkit.sim.LengthDistribution;
import io.qmeter.testkit.sim.VirtualTimeProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plan quality steps scored under a background load (issue 15, "quality under load"), end to end. */
class QualityUnderLoadPlanTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ITEMS = 6;
    /** The client self-check's allowed lag: the CI machine's 2 cores are shared, 5 ms is too tight there. */
    private static final Duration LENIENT_LAG = Duration.ofMillis(500);

    @TempDir
    Path dir;

    /** Six GSM8K-format items whose answers are 10 + index. */
    private Path gsm8k() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            lines.add(JSON.writeValueAsString(Map.of("question", "What is " + i + " plus ten, item " + i + "?",
                    "answer", i + " + 10 = " + (10 + i) + "\n#### " + (10 + i))));
        }
        Path f = dir.resolve("gsm8k.jsonl");
        Files.write(f, lines, StandardCharsets.UTF_8);
        return f;
    }

    /** Counts the benchmark's runs. */
    private static final class Counted implements QualityBenchmark {
        final QualityBenchmark inner;
        final AtomicInteger runs = new AtomicInteger();

        Counted(QualityBenchmark inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public String metric() {
            return inner.metric();
        }

        @Override
        public QualityScore run(EngineHandle engine, QualityOptions options) {
            runs.incrementAndGet();
            return inner.run(engine, options);
        }
    }

    private static Plan.Builder base(String id, EngineSettings config) {
        return Plan.builder(id).configuration(config).workload(WorkloadSpec.synthetic(2048, 16))
                .slo(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1)).build())
                .runLength(RunLength.requests(8).withWarmupRequests(2));
    }

    private static SweepCoordinator simulated(ResultStore store, QualityBenchmark b) {
        SimulatedEngineFactory sims = new SimulatedEngineFactory();
        LengthDistribution lengths = LengthDistribution.fixed(2048, 16);
        return SweepCoordinator.builder(store)
                .engines(s -> sims.create(SweepCoordinator.settingsMap(s)))
                .searchProbe((s, realTime) -> VirtualTimeProbe.of(sims.simConfig(SweepCoordinator.settingsMap(s)),
                        lengths))
                .searchTuning(s -> s.requestsPerProbe(300).maxProbes(6))
                .idleSettle(Duration.ofMillis(10))
                .healthInterval(Duration.ofMillis(50))
                .clientCheck(LENIENT_LAG, 0.5)
                .qualityBenchmarks(name -> name.equals(b.name()) ? Optional.of(b) : Optional.empty())
                .build();
    }

    private static Map<String, StoredRun> byLabel(ResultStore store, String plan) {
        return store.findByPlan(plan).stream().collect(Collectors.toMap(s -> s.key().rateLabel(), s -> s));
    }

    @Test
    void theSimulatedEngineIsScoredAtHalfItsSaturationPointAndAResumeSkipsWhatIsStored() throws Exception {
        Path data = gsm8k();
        Counted b = new Counted(new Gsm8kBenchmark(data, null));
        EngineSettings fp16 = EngineSettings.builder().engine("simulated").model("Llama-2-13B").quantization("FP16")
                .gpu("H100-80GB").build();
        QualityStep idleOnly = QualityStep.of("gsm8k", QualityOptions.defaults().withMaxItems(ITEMS).withFewShot(0)
                .withConcurrency(3).withMaxTokens(64));
        Plan first = base("qload", fp16).saturationFractions(0.5).quality(idleOnly).build();
        Plan plan = first.withQuality(List.of(idleOnly.withUnderLoad(List.of(RatePoint.fractionOfSaturation(0.5)))));
        assertThat(Plan.fromJson(plan.toJson())).isEqualTo(plan);
        assertThat(plan.toJson()).contains("\"underLoad\" : [ 0.5 ]");
        try (ResultStore store = ResultStore.sqlite(dir.resolve("r.db"))) {
            // the idle score, the search and the load point first (a plan of earlier versions) ...
            try (SweepCoordinator c = simulated(store, b)) {
                assertThat(c.run(first).ok()).as(() -> store.findByPlan("qload").stream()
                        .map(s -> s.key() + " " + s.status() + " " + s.cause()).toList().toString()).isEqualTo(2);
            }
            assertThat(store.findByPlan("qload")).hasSize(3).allSatisfy(s -> assertThat(s.status())
                    .isEqualTo(RunStatus.OK));
            assertThat(b.runs.get()).isEqualTo(1);
            // ... then the same plan with a background load: only the loaded score is new
            SweepReport r;
            try (SweepCoordinator c = simulated(store, b)) {
                r = c.run(plan);
            }
            assertThat(r.skipped()).as("the idle score and the load point are stored").isEqualTo(2);
            assertThat(b.runs.get()).as("only the loaded score was taken").isEqualTo(2);
            Map<String, StoredRun> runs = byLabel(store, "qload");
            assertThat(runs).containsOnlyKeys("quality.gsm8k", "quality.gsm8k-under-0.5sat", "saturation", "0.5sat");
            StoredRun idle = runs.get("quality.gsm8k");
            StoredRun loaded = runs.get("quality.gsm8k-under-0.5sat");
            System.out.println("saturation search: " + runs.get("saturation").metrics());
            assertThat(loaded.status()).as(String.valueOf(loaded.cause())).isEqualTo(RunStatus.OK);
            assertThat(loaded.labels()).containsEntry("under_load", "0.5sat").containsEntry("simulated", "true")
                    .containsEntry("benchmark", "gsm8k").containsEntry("step", "quality");
            Map<String, Double> m = loaded.metrics();
            double sat = runs.get("saturation").metrics().get("saturation_rps");
            System.out.printf("saturation %.2f req/s; background at %.2f req/s: %s measured, P90 TTFT %.1f ms, "
                    + "P90 TPOT %.1f ms, achieved %.2f req/s%n", sat, loaded.metrics().get("background_target_rps"),
                    loaded.metrics().get("background_measured_requests"), loaded.metrics().get("background_ttft_p90_ms"),
                    loaded.metrics().get("background_tpot_p90_ms"), loaded.metrics().get("background_achieved_rps"));
            assertThat(sat).isPositive();
            assertThat(m.get("saturation_rps")).isEqualTo(sat);
            assertThat(m.get("background_target_rps")).isCloseTo(0.5 * sat, within(1e-9));
            assertThat(m.get("background_ttft_p90_ms")).isPositive();
            assertThat(m.get("background_tpot_p90_ms")).isPositive();
            assertThat(m.get("background_achieved_rps")).isPositive();
            assertThat(m.get("background_measured_requests")).isPositive();
            assertThat(m.get("background_valid")).isEqualTo(1.0);
            assertThat(m.get("background_covered")).isEqualTo(1.0);
            assertThat(m.get("quality_n")).isEqualTo(ITEMS);
            // the simulator's answer to an item does not depend on the batch it is in
            assertThat(m.get("answers_compared")).isEqualTo(ITEMS);
            assertThat(m.get("answers_differ")).isZero();
            assertThat(m.get("answers_differ_fraction")).isZero();
            assertThat(m.get("quality")).isEqualTo(idle.metrics().get("quality"));
            assertThat(m.get("quality_idle")).isEqualTo(idle.metrics().get("quality"));
            assertThat(m.get("quality_delta")).isZero();
            assertThat(loaded.payload().at("/background/result/summary")).isNotNull();
            assertThat(loaded.payload().get("differingItems")).isEmpty();

            // a third run asks nothing: every key is stored
            SweepReport again;
            try (SweepCoordinator c = simulated(store, b)) {
                again = c.run(plan);
            }
            assertThat(again.skipped()).isEqualTo(again.totalPoints()).isEqualTo(3);
            assertThat(b.runs.get()).isEqualTo(2);
        }
    }

    @Test
    void answersThatChangeUnderLoadGiveANonZeroDifferFractionAndAnAbsoluteRateNeedsNoSearch() throws Exception {
        Path data = gsm8k();
        Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
        AtomicInteger background = new AtomicInteger();
        // a server that answers every item right the first time and the odd items wrong after (as
        // batching under load can change answers); everything else is the background load
        try (ScriptedEngine server = ScriptedEngine.builder().dispatcher((RecordedRequest r) -> {
            try {
                String prompt = JSON.readTree(r.body()).path("prompt").asText();
                int q = prompt.lastIndexOf("item ");
                if (!prompt.contains("Question: What is") || q < 0) {
                    background.incrementAndGet();
                    return Script.builder().tokens(8).build();
                }
                int i = Integer.parseInt(prompt.substring(q + 5, prompt.indexOf('?', q)));
                int n = asked.computeIfAbsent("item" + i, k -> new AtomicInteger()).incrementAndGet();
                String text = n == 1 || i % 2 == 0 ? " so #### " + (10 + i) : " so #### -1";
                return Script.builder().status(200, JSON.writeValueAsString(Map.of("id", "c", "object",
                        "text_completion", "choices", List.of(Map.of("index", 0, "text", text, "finish_reason",
                                "stop"))))).build();
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        }).build()) {
            Counted b = new Counted(new Gsm8kBenchmark(data, null));
            EngineSettings cfg = EngineSettings.builder().engine("scripted").model("m").quantization("fp16")
                    .gpu("H100").build();
            Plan plan = Plan.fromJson("""
                    {"id": "qdiff", "configurations": [{"engine": "scripted", "model": "m", "quantization": "fp16",
                       "gpu": "H100"}],
                     "workload": {"kind": "synthetic", "inputTokens": 16, "outputTokens": 8},
                     "slo": {"targets": [{"metric": "ttft", "percentile": 90, "max": "1s"}]},
                     "runLength": {"requests": 10, "warmupRequests": 3},
                     "quality": [{"benchmark": "gsm8k", "maxItems": 6, "fewShot": 0, "concurrency": 2,
                                  "underLoadRps": [20]}]}
                    """);
            assertThat(plan.configurations()).containsExactly(cfg);
            try (ResultStore store = ResultStore.sqlite(dir.resolve("d.db"));
                 SweepCoordinator c = SweepCoordinator.builder(store).engines(s -> server)
                         .healthInterval(Duration.ofMillis(50)).idleSettle(Duration.ofMillis(10))
                         .clientCheck(LENIENT_LAG, 0.5)
                         .qualityBenchmarks(name -> Optional.of(b)).build()) {
                SweepReport r = c.run(plan);
                assertThat(r.totalPoints()).isEqualTo(2);
                Map<String, StoredRun> runs = byLabel(store, "qdiff");
                assertThat(runs).containsOnlyKeys("quality.gsm8k", "quality.gsm8k-under-20rps");
                StoredRun loaded = runs.get("quality.gsm8k-under-20rps");
                assertThat(loaded.status()).as(String.valueOf(loaded.cause())).isEqualTo(RunStatus.OK);
                assertThat(runs.get("quality.gsm8k").metrics().get("quality")).isEqualTo(100.0);
                Map<String, Double> m = loaded.metrics();
                assertThat(m.get("quality")).isEqualTo(50.0);
                assertThat(m.get("quality_delta")).isEqualTo(-50.0);
                assertThat(m.get("answers_differ")).isEqualTo(3.0);
                assertThat(m.get("answers_differ_fraction")).isEqualTo(0.5);
                assertThat(m).doesNotContainKey("saturation_rps");
                assertThat(m.get("background_target_rps")).isEqualTo(20.0);
                assertThat(m.get("background_measured_requests")).isPositive();
                assertThat(loaded.payload().get("differingItems")).extracting(n -> n.asText())
                        .containsExactly("gsm8k/1", "gsm8k/3", "gsm8k/5");
                assertThat(background.get()).as("the background load reached the engine").isGreaterThan(3);
                assertThat(store.find(new RunKey("qdiff", cfg.id(), "saturation", 0))).as("no search ran").isEmpty();
            }
        }
    }
}
