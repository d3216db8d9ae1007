package io.qmeter.testkit.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmeter.engine.EngineHandle;
import io.qmeter.quality.ItemResult;
import io.qmeter.quality.QualityBenchmark;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import io.qmeter.testkit.Script;
import io.qmeter.testkit.ScriptedEngine;
import io.qmeter.testkit.SimulatedEngine;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link QualityBenchmark} honours. Extend it in the benchmark's test and
 * implement {@link #createBenchmark()} and {@link #options()} (a small dataset, a few items); every
 * test here runs it against the testkit's engines.
 *
 * <p>What is checked: {@code name()} is lower case and not blank and {@code metric()} not blank;
 * against an engine that answers nonsense the score names the benchmark and its metric, lies in
 * 0–100, keeps one item per item asked (at most {@code maxItems}) with its request and verdict,
 * each item scored 0–1, and is not labelled simulated; against an engine that fails every request
 * every item is kept, scored 0, with its error (never dropped); against the simulated engine the
 * score is labelled simulated and two runs with the same options give the same value and answers.
 *
 * <pre>{@code
 * class Gsm8kBenchmarkCompatibilityTest extends QualityBenchmarkCompatibilityKit {
 *     protected QualityBenchmark createBenchmark() { return new Gsm8kBenchmark(); }
 *     protected QualityOptions options() { return QualityOptions.defaults().withDataset(file).withMaxItems(5); }
 * }
 * }</pre>
 */
public abstract class QualityBenchmarkCompatibilityKit {

    /** The benchmark under test, created before each test. */
    protected QualityBenchmark benchmark;

    /** Creates the kit; subclasses implement {@link #createBenchmark()} and {@link #options()}. */
    protected QualityBenchmarkCompatibilityKit() {
    }

    /**
     * Creates the benchmark under test. Called before each test.
     *
     * <pre>{@code
     * protected QualityBenchmark createBenchmark() { return new TriviaQaBenchmark(Path.of("small.jsonl")); }
     * }</pre>
     *
     * @return the benchmark
     * @throws Exception when it cannot be made
     */
    protected abstract QualityBenchmark createBenchmark() throws Exception;

    /**
     * The options every run of the kit uses: keep it small (a handful of items).
     *
     * <pre>{@code
     * protected QualityOptions options() { return QualityOptions.defaults().withDataset(file).withMaxItems(5); }
     * }</pre>
     *
     * @return the options
     */
    protected abstract QualityOptions options();

    @BeforeEach
    void createTheBenchmark() throws Exception {
        benchmark = createBenchmark();
        assertNotNull(benchmark, "createBenchmark() returned null; return the benchmark under test");
    }

    @Test
    @DisplayName("name() is lower case and not blank, metric() is not blank")
    void namesTheBenchmarkAndItsMetric() {
        String n = benchmark.name();
        assertTrue(n != null && !n.isBlank(), "name() must not be blank, was '" + n + "'");
        assertEquals(n.toLowerCase(Locale.ROOT), n, "name() must be lower case (QualityBenchmark.find matches it so)");
        assertTrue(benchmark.metric() != null && !benchmark.metric().isBlank(), "metric() must not be blank");
    }

    @Test
    @DisplayName("a score keeps every item, in 0-100, and a real engine's score is not labelled simulated")
    void aScoreKeepsEveryItem() {
        try (ScriptedEngine server = ScriptedEngine.builder().dispatcher(r -> Script.builder().tokens(6).build())
                .build()) {
            EngineHandle h = server.start();
            QualityScore s = benchmark.run(h, options());
            assertEquals(benchmark.name(), s.benchmark(), "the score must name its benchmark");
            assertEquals(benchmark.metric(), s.metric(), "the score's metric must be metric()");
            assertTrue(s.n() >= 1, "a run must score at least one item; give options() a dataset with items");
            assertEquals(s.n(), s.items().size(), "n must equal the number of items kept");
            if (options().maxItems() > 0) {
                assertTrue(s.n() <= options().maxItems(), "n " + s.n() + " > maxItems " + options().maxItems());
            }
            assertTrue(s.value() >= 0 && s.value() <= 100, "value must be in [0, 100], was " + s.value());
            assertFalse(s.simulated(), "a scripted (non-simulated) engine's score must not be labelled simulated");
            for (ItemResult i : s.items()) {
                assertNotNull(i.request(), "item " + i.id() + " must keep its request");
                assertNotNull(i.verdict(), "item " + i.id() + " must keep its verdict");
                assertTrue(i.score() >= 0 && i.score() <= 1, "item " + i.id() + " score must be in [0, 1]");
            }
        }
    }

    @Test
    @DisplayName("failed requests are scored 0 with their error, never dropped")
    void failedRequestsAreKept() {
        try (ScriptedEngine server = ScriptedEngine.builder().dispatcher(r -> Script.builder()
                .status(500, "{\"error\":{\"message\":\"injected by the kit\"}}").build()).build()) {
            EngineHandle h = server.start();
            QualityScore s = benchmark.run(h, options());
            assertTrue(s.n() >= 1, "items whose requests failed must still be counted");
            assertEquals(s.n(), s.items().size(), "n must equal the number of items kept");
            assertEquals(0.0, s.value(), 1e-12, "every request failed, so the score must be 0");
            for (ItemResult i : s.items()) {
                assertEquals(0.0, i.score(), "item " + i.id() + " failed and must score 0");
                assertNotNull(i.error(), "item " + i.id() + " failed and must keep its error");
            }
        }
    }

    @Test
    @DisplayName("the simulated engine's score is labelled simulated and repeatable with the same options")
    void simulatedScoresAreLabelledAndRepeatable() {
        SimulatedEngine engine = SimulatedEngine.builder().model("llama-2-7b").quantization("FP16").seed(1).build();
        try (EngineHandle h = engine.start()) {
            QualityScore a = benchmark.run(h, options());
            QualityScore b = benchmark.run(h, options());
            assertTrue(a.simulated(), "a score from the simulated engine must be labelled simulated");
            assertEquals(a.value(), b.value(), 1e-12, "the same options must give the same score");
            for (int i = 0; i < a.items().size(); i++) {
                assertEquals(a.items().get(i).response(), b.items().get(i).response(),
                        "the same options must give the same answer to item " + a.items().get(i).id());
            }
        }
    }
}
