package io.qmeter.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.engine.EngineHandle;
import io.qmeter.eval.data.Gsm8kLoader;
import io.qmeter.eval.data.Gsm8kProblem;
import io.qmeter.quality.ItemResult;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import io.qmeter.testkit.RecordedRequest;
import io.qmeter.testkit.Script;
import io.qmeter.testkit.ScriptedEngine;
import io.qmeter.testkit.SimulatedEngine;
import io.qmeter.testkit.sim.ModelSpec;
import io.qmeter.testkit.sim.QualityModel;
import io.qmeter.testkit.sim.QuantMethod;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The real GSM8K benchmark and scorer against the testkit's simulated engine and its quality model. */
class SimulatedQualityTest {

    private static final int ITEMS = 24;
    private static final long SEED = 11;

    private static QualityScore gsm8k(Path data, String method) {
        SimulatedEngine e = SimulatedEngine.builder().model("llama-2-13b").quantization(method).seed(SEED).build();
        try (EngineHandle h = e.start()) {
            return new Gsm8kBenchmark().run(h, QualityOptions.defaults().withDataset(data).withMaxItems(ITEMS)
                    .withFewShot(0).withConcurrency(ITEMS));
        }
    }

    @Test
    void gsm8kOnTheSimulatedEngineScoresWhatTheQualityModelDecidedAndIsLabelledSimulated() {
        assumeTrue(SharedData.file("gsm8k-test.jsonl").isPresent(), SharedData.missing("gsm8k-test.jsonl"));
        Path data = SharedData.file("gsm8k-test.jsonl").orElseThrow();
        List<Gsm8kProblem> problems = Gsm8kLoader.load(data).subList(0, ITEMS);
        QualityScore fp16 = gsm8k(data, "FP16");
        QualityScore w8a8 = gsm8k(data, "W8A8-INT");
        for (QualityScore s : List.of(fp16, w8a8)) {
            assertThat(s.simulated()).isTrue();
            assertThat(s.n()).isEqualTo(ITEMS);
            assertThat(s.items()).allSatisfy(i -> assertThat(i.error()).isNull());
        }
        QualityModel m16 = QualityModel.of(ModelSpec.LLAMA_2_13B, QuantMethod.FP16);
        QualityModel m8 = QualityModel.of(ModelSpec.LLAMA_2_13B, QuantMethod.W8A8_INT);
        for (int i = 0; i < ITEMS; i++) {
            Gsm8kProblem p = problems.get(i);
            ItemResult a = fp16.items().get(i);
            ItemResult b = w8a8.items().get(i);
            assertThat(a.correct()).as("FP16 %s: %s", p.id(), a.verdict()).isEqualTo(m16.correct("gsm8k", p.id(), SEED));
            assertThat(b.correct()).as("W8A8-INT %s: %s", p.id(), b.verdict()).isEqualTo(m8.correct("gsm8k", p.id(), SEED));
            assertThat(a.metrics().get(Gsm8kBenchmark.FLEXIBLE)).isEqualTo(a.score());
        }
        assertThat(fp16.value()).isGreaterThan(w8a8.value());
    }

    @Test
    void aRealEngineNeverReceivesTheReferenceAnswer() {
        assumeTrue(SharedData.file("gsm8k-test.jsonl").isPresent(), SharedData.missing("gsm8k-test.jsonl"));
        List<String> bodies = new CopyOnWriteArrayList<>();
        try (ScriptedEngine server = ScriptedEngine.builder().dispatcher((RecordedRequest r) -> {
            bodies.add(r.body());
            return Script.builder().tokens(3).build();
        }).build()) {
            QualityScore s = new Gsm8kBenchmark().run(server.start(), QualityOptions.defaults()
                    .withDataset(SharedData.file("gsm8k-test.jsonl").orElseThrow()).withMaxItems(3).withFewShot(0));
            assertThat(s.simulated()).isFalse();
        }
        assertThat(bodies).hasSize(3).allSatisfy(b -> assertThat(b).doesNotContain("qmeter_").doesNotContain("####"));
    }

    @Test
    void humanEvalOnTheSimulatedEngineRunsTheModelsAnswersInTheSandbox() {
        assumeTrue(SharedData.file("HumanEval.jsonl.gz").isPresent(), SharedData.missing("HumanEval.jsonl.gz"));
        assumeTrue(io.qmeter.eval.sandbox.Sandbox.isBubblewrapOnPath(), "bubblewrap (bwrap) is not installed");
        Path data = SharedData.file("HumanEval.jsonl.gz").orElseThrow();
        int n = 16;
        SimulatedEngine e = SimulatedEngine.builder().model("codellama-34b").quantization("W4A16-INT").seed(SEED).build();
        QualityScore s;
        try (EngineHandle h = e.start()) {
            s = new HumanEvalBenchmark(io.qmeter.eval.sandbox.Sandbox.bubblewrap(), data).run(h, QualityOptions
                    .defaults().withMaxItems(n).withConcurrency(n));
        }
        QualityModel m = QualityModel.of(ModelSpec.CODELLAMA_34B, QuantMethod.W4A16_INT);
        List<io.qmeter.eval.data.HumanEvalProblem> problems = io.qmeter.eval.data.HumanEvalLoader.load(data);
        assertThat(s.simulated()).isTrue();
        assertThat(s.n()).isEqualTo(n);
        int expected = 0;
        for (int i = 0; i < n; i++) {
            boolean right = m.correct("humaneval", problems.get(i).taskId() + "#0", SEED);
            expected += right ? 1 : 0;
            assertThat(s.items().get(i).correct()).as("%s: %s", problems.get(i).taskId(), s.items().get(i).verdict())
                    .isEqualTo(right);
        }
        assertThat(expected).as("some right, some wrong, for the test to mean something").isBetween(1, n - 1);
        assertThat(s.value()).isEqualTo(100.0 * expected / n);
    }
}
