package io.qmeter.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.QMeter;
import io.qmeter.engine.EngineHandle;
import io.qmeter.eval.data.Gsm8kLoader;
import io.qmeter.eval.data.Gsm8kProblem;
import io.qmeter.quality.QualityOptions;
import io.qmeter.testkit.RecordedRequest;
import io.qmeter.testkit.Script;
import io.qmeter.testkit.ScriptedEngine;
import io.qmeter.testkit.SimulatedEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QualityUnderLoadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path data() {
        assumeTrue(SharedData.file("gsm8k-test.jsonl").isPresent(), SharedData.missing("gsm8k-test.jsonl"));
        return SharedData.file("gsm8k-test.jsonl").orElseThrow();
    }

    @Test
    void theSimulatedEngineScoresTheSameUnderLoadAndTheBackgroundLatencyIsReported() {
        Path data = data();
        SimulatedEngine e = SimulatedEngine.builder().model("llama-2-13b").quantization("W4A16-INT").seed(5).build();
        try (EngineHandle h = e.start()) {
            QualityUnderLoad.Result r = QualityUnderLoad.builder(new Gsm8kBenchmark())
                    .options(QualityOptions.defaults().withDataset(data).withMaxItems(12).withFewShot(0)
                            .withConcurrency(12))
                    .rate(4).workload(QMeter.synthetic(128, 32)).warmup(Duration.ofMillis(500)).seed(3).build().run(h);
            assertThat(r.idle().n()).isEqualTo(12);
            assertThat(r.loaded().value()).isEqualTo(r.idle().value());
            assertThat(r.answersDiffer()).as("the simulator's answers do not depend on batching").isFalse();
            assertThat(r.covered()).isTrue();
            assertThat(r.background().summary().okRequests()).isGreaterThan(5);
            assertThat(r.background().summary().ttft().p90Millis()).isPositive();
            assertThat(r.summary()).contains("gsm8k exact_match,strict-match: idle").contains("under 4.00 req/s")
                    .contains("0 of 12 answers differ [simulated]");
        }
    }

    @Test
    void answersThatChangeUnderLoadAreNamed() {
        Path data = data();
        Map<String, Gsm8kProblem> byQuestion = new ConcurrentHashMap<>();
        Gsm8kLoader.load(data).forEach(p -> byQuestion.put(p.question(), p));
        Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
        // a server whose answers change on the second asking (as batching can make them change)
        try (ScriptedEngine server = ScriptedEngine.builder().dispatcher((RecordedRequest r) -> {
            try {
                String prompt = JSON.readTree(r.body()).path("prompt").asText();
                int q = prompt.lastIndexOf("Question: ");
                if (q < 0) {
                    return Script.builder().tokens(8).build(); // background
                }
                Gsm8kProblem p = byQuestion.get(prompt.substring(q + 10, prompt.lastIndexOf("\nAnswer:")));
                int n = asked.computeIfAbsent(p.id(), k -> new AtomicInteger()).incrementAndGet();
                String text = n == 1 || p.index() % 2 == 0 ? " " + p.answer() : " #### -1";
                return Script.builder().status(200, JSON.writeValueAsString(Map.of("id", "c", "object",
                        "text_completion", "choices", List.of(Map.of("index", 0, "text", text, "finish_reason",
                                "stop"))))).build();
            } catch (java.io.IOException ex) {
                throw new IllegalStateException(ex);
            }
        }).build()) {
            QualityUnderLoad.Result r = QualityUnderLoad.builder(new Gsm8kBenchmark())
                    .options(QualityOptions.defaults().withDataset(data).withMaxItems(6).withFewShot(0))
                    .rate(5).workload(QMeter.synthetic(16, 8)).warmup(Duration.ofMillis(200)).build().run(server.start());
            assertThat(r.idle().value()).isEqualTo(100.0);
            assertThat(r.loaded().value()).isEqualTo(50.0);
            assertThat(r.differingItems()).containsExactly("gsm8k/1", "gsm8k/3", "gsm8k/5");
            assertThat(r.loaded().simulated()).isFalse();
            assertThat(r.background().summary().measuredRequests()).isPositive();
        }
    }
}
