package io.qmeter.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.Health;
import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.quality.ItemResult;
import io.qmeter.quality.QualityBenchmark;
import io.qmeter.quality.QualityException;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunExport;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QualitySweepTest {

    @TempDir
    Path dir;

    /** A handle whose health a test can switch off. */
    static final class Handle implements EngineHandle {
        volatile boolean up = true;
        final String quantization;

        Handle(String quantization) {
            this.quantization = quantization;
        }

        @Override
        public URI baseUrl() {
            return URI.create("http://127.0.0.1:1");
        }

        @Override
        public String model() {
            return "m";
        }

        @Override
        public Health health() {
            return up ? Health.up() : new Health(Health.Status.DOWN, "switched off by the test");
        }

        @Override
        public List<String> logTail(int maxLines) {
            return List.of("log line of " + quantization);
        }

        @Override
        public void close() {
        }
    }

    static final class FakeEngine implements Engine {
        final String quantization;
        final AtomicInteger starts = new AtomicInteger();

        FakeEngine(String quantization) {
            this.quantization = quantization;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public EngineHandle start() {
            starts.incrementAndGet();
            return new Handle(quantization);
        }
    }

    /** A benchmark that scores 3 items: 2 right for fp16, 1 for others; or does what {@code how} says. */
    static final class Counting implements QualityBenchmark {
        final AtomicInteger runs = new AtomicInteger();
        final BiFunction<Handle, Integer, QualityScore> how;

        Counting(BiFunction<Handle, Integer, QualityScore> how) {
            this.how = how;
        }

        @Override
        public String name() {
            return "toy";
        }

        @Override
        public String metric() {
            return "acc";
        }

        @Override
        public QualityScore run(EngineHandle engine, QualityOptions options) {
            return how.apply((Handle) engine, runs.incrementAndGet());
        }
    }

    static QualityScore score(Handle h, boolean errors) {
        int right = h.quantization.equals("fp16") ? 2 : 1;
        List<ItemResult> items = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            boolean ok = i < right;
            items.add(new ItemResult("toy/" + i, "q" + i, ok ? "right" : "wrong", ok ? 1 : 0, ok ? "correct" : "wrong",
                    Map.of(), errors && i == 2 ? "HTTP 500" : null));
        }
        return QualityScore.fromItems("toy", "acc", items, Map.of("exact_match,flexible-extract", 50.0), 5, true);
    }

    static Plan plan(QualityStep... steps) {
        EngineSettings fp16 = EngineSettings.builder().engine("fake").model("m").quantization("fp16").gpu("H100").build();
        Plan.Builder b = Plan.builder("qplan").configuration(fp16).configuration(fp16.withQuantization("w4"))
                .workload(WorkloadSpec.synthetic(10, 10))
                .slo(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1)).build())
                .runLength(RunLength.requests(10));
        for (QualityStep s : steps) {
            b = b.quality(s);
        }
        return b.build();
    }

    private SweepReport run(ResultStore store, Plan plan, QualityBenchmark b) {
        try (SweepCoordinator c = SweepCoordinator.builder(store)
                .engines(s -> new FakeEngine(s.quantization()))
                .healthInterval(Duration.ofMillis(20))
                .restartBackoff(Duration.ZERO, Duration.ZERO)
                .qualityBenchmarks(name -> name.equals(b.name()) ? Optional.of(b) : Optional.empty())
                .build()) {
            return c.run(plan);
        }
    }

    @Test
    void scoresAreStoredPerConfigurationExportedBesideRunsAndSkippedOnResume() throws Exception {
        Plan plan = plan(QualityStep.of("toy", QualityOptions.defaults().withMaxItems(3)));
        Counting b = new Counting((h, n) -> score(h, false));
        try (ResultStore store = ResultStore.sqlite(dir.resolve("r.db"))) {
            SweepReport r = run(store, plan, b);
            assertThat(r.totalPoints()).isEqualTo(2);
            assertThat(r.ok()).isEqualTo(2);
            List<StoredRun> runs = store.findByPlan("qplan");
            assertThat(runs).hasSize(2).allSatisfy(s -> {
                assertThat(s.key().rateLabel()).isEqualTo("quality.toy");
                assertThat(s.status()).isEqualTo(RunStatus.OK);
                assertThat(s.labels()).containsEntry("benchmark", "toy").containsEntry("quality_metric", "acc")
                        .containsEntry("simulated", "true").containsEntry("step", "quality");
                assertThat(s.metrics()).containsEntry("quality_n", 3.0)
                        .containsEntry("quality_exact_match_flexible_extract", 50.0);
                assertThat(s.payload().at("/score/items")).hasSize(3);
            });
            StoredRun fp16 = runs.stream().filter(s -> s.labels().get("quantization").equals("fp16")).findFirst()
                    .orElseThrow();
            assertThat(fp16.metrics().get("quality")).isCloseTo(200.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(QualityScore.fromJson(fp16.payload().get("score").toString()).items().get(0).response())
                    .isEqualTo("right");

            StringWriter csv = new StringWriter();
            RunExport.csv(runs, csv);
            String[] lines = csv.toString().split("\n");
            assertThat(lines[0]).contains("benchmark").contains("quality_metric").contains(",quality,");
            assertThat(lines).hasSize(3);
            assertThat(lines[1]).contains("quality.toy").contains("toy");

            SweepReport again = run(store, plan, b);
            assertThat(again.skipped()).isEqualTo(2);
            assertThat(b.runs.get()).as("stored scores are not asked again").isEqualTo(2);
        }
    }

    @Test
    void aBenchmarkThatCannotRunIsStoredAsFailedWithItsCause() {
        Plan plan = plan(QualityStep.of("toy", QualityOptions.defaults()), QualityStep.of("nosuch",
                QualityOptions.defaults()));
        Counting b = new Counting((h, n) -> {
            throw new QualityException("no GSM8K data file given: pass QualityOptions.withDataset(path)");
        });
        try (ResultStore store = ResultStore.sqlite(dir.resolve("f.db"))) {
            SweepReport r = run(store, plan, b);
            assertThat(r.failed()).isEqualTo(4);
            List<StoredRun> runs = store.findByPlan("qplan");
            assertThat(runs).hasSize(4).allSatisfy(s -> assertThat(s.status()).isEqualTo(RunStatus.FAILED));
            assertThat(runs).filteredOn(s -> s.key().rateLabel().equals("quality.toy"))
                    .allSatisfy(s -> assertThat(s.cause()).contains("no GSM8K data file given"));
            assertThat(runs).filteredOn(s -> s.key().rateLabel().equals("quality.nosuch"))
                    .allSatisfy(s -> assertThat(s.cause()).contains("no quality benchmark named 'nosuch'")
                            .contains("qmeter-quality"));
            assertThat(b.runs.get()).as("a QualityException is not retried").isEqualTo(2);
        }
    }

    @Test
    void aScoreTakenWhileTheEngineFailedIsDiscardedAndTakenAgainAfterARestart() {
        Plan plan = plan(QualityStep.of("toy", QualityOptions.defaults()));
        Counting b = new Counting((h, n) -> {
            if (n == 1) {
                h.up = false; // the engine dies during the first run
            }
            return score(h, false);
        });
        try (ResultStore store = ResultStore.sqlite(dir.resolve("e.db"))) {
            SweepReport r = run(store, plan, b);
            assertThat(r.ok()).isEqualTo(2);
            assertThat(b.runs.get()).isEqualTo(3);
            StoredRun first = store.findByPlan("qplan").stream()
                    .filter(s -> s.labels().get("quantization").equals("fp16")).findFirst().orElseThrow();
            assertThat(first.metrics()).containsEntry("attempts", 2.0);
            assertThat(r.configurations().get(0).restarts()).isEqualTo(1);
        }
    }

    @Test
    void anEngineThatGoesDownDuringABenchmarkEndsTheAttemptWithoutWaitingForTheBenchmark() {
        Plan plan = plan(QualityStep.of("toy", QualityOptions.defaults()));
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        Counting b = new Counting((h, n) -> {
            if (n == 1) {
                h.up = false; // the engine dies and the benchmark would wait for its requests for minutes
                try {
                    never.await();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                }
            }
            return score(h, false);
        });
        try (ResultStore store = ResultStore.sqlite(dir.resolve("d.db"))) {
            SweepReport r = run(store, plan, b);
            assertThat(r.ok()).isEqualTo(2);
            assertThat(b.runs.get()).isEqualTo(3);
            assertThat(interrupted.get()).as("the abandoned benchmark thread is interrupted").isEqualTo(1);
            assertThat(r.configurations().get(0).restarts()).isEqualTo(1);
            StoredRun first = store.findByPlan("qplan").stream()
                    .filter(s -> s.labels().get("quantization").equals("fp16")).findFirst().orElseThrow();
            assertThat(first.metrics()).containsEntry("attempts", 2.0);
            assertThat(first.payload().toString()).doesNotContain("causes"); // OK runs keep no failure list
        }
    }

    @Test
    void itemsWhoseRequestsFailedMakeTheScoreInvalidWithTheFirstError() {
        Plan plan = plan(QualityStep.of("toy", QualityOptions.defaults()));
        try (ResultStore store = ResultStore.sqlite(dir.resolve("i.db"))) {
            run(store, plan, new Counting((h, n) -> score(h, true)));
            assertThat(store.findByPlan("qplan")).allSatisfy(s -> {
                assertThat(s.status()).isEqualTo(RunStatus.INVALID);
                assertThat(s.cause()).isEqualTo("1 of 3 items could not be scored (scored as wrong); first: toy/2: HTTP 500");
                assertThat(s.metrics()).containsEntry("quality_errors", 1.0);
            });
        }
    }
}
