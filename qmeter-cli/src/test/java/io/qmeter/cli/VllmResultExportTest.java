package io.qmeter.cli;

import static io.qmeter.QMeter.load;
import static io.qmeter.QMeter.poisson;
import static io.qmeter.QMeter.synthetic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.RunResult;
import io.qmeter.engine.EngineHandle;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.testkit.SimulatedEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The vLLM export writes vLLM's key set in vLLM's order, with vLLM's definitions and numpy's statistics. */
class VllmResultExportTest {

    /** Seed of the run's workload and arrivals. */
    private static final long SEED = 20261202L;

    private static RunResult run;

    @BeforeAll
    static void runOnce() {
        try (EngineHandle engine = SimulatedEngine.builder().model("Llama-2-7B").gpu("H100-80GB").build().start()) {
            run = load(engine).workload(synthetic(32, 8)).arrivals(poisson(20)).requests(30).seed(SEED).build().run();
        }
    }

    static List<String> fixture(String name) throws IOException {
        try (InputStream in = VllmResultExportTest.class.getResourceAsStream("/vllm/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            List<String> keys = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    keys.add(line.trim());
                }
            }
            return keys;
        }
    }

    static List<String> keys(String json) throws IOException {
        List<String> keys = new ArrayList<>();
        Iterator<String> it = new ObjectMapper().readTree(json).fieldNames();
        it.forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void defaultKeysAreThoseOfSaveResultSaveDetailedInVllmsOrder() throws IOException {
        assertThat(keys(VllmResultExport.options().toJson(run))).containsExactlyElementsOf(
                fixture("save-detailed.keys"));
    }

    @Test
    void withoutDetailedTheListsVllmDeletesAreLeftOut() throws IOException {
        assertThat(keys(VllmResultExport.options().withDetailed(false).toJson(run)))
                .containsExactlyElementsOf(fixture("save-result.keys"));
    }

    @Test
    void percentileMetricsAndPercentilesNameKeysAsVllmDoes() throws IOException {
        String json = VllmResultExport.options().withPercentileMetrics("ttft", "tpot", "itl", "e2el")
                .withPercentiles(50, 90, 99.9).toJson(run);
        assertThat(keys(json)).containsExactlyElementsOf(fixture("save-detailed-e2el-50-90-99.9.keys"));
    }

    @Test
    void valuesFollowVllmsDefinitionsFromTheRecords() throws IOException {
        JsonNode v = new ObjectMapper().readTree(VllmResultExport.options().withPercentileMetrics("ttft", "tpot",
                "itl", "e2el").withGoodput(Map.of("ttft", 1e9)).toJson(run));
        List<RequestRecord> recs = run.measuredRecords();
        List<RequestRecord> ok = recs.stream().filter(r -> r.outcome() == Outcome.OK).toList();
        assertThat(ok).isNotEmpty();
        assertThat(v.get("num_prompts").asInt()).isEqualTo(recs.size());
        assertThat(v.get("completed").asInt()).isEqualTo(ok.size());
        assertThat(v.get("failed").asInt()).isEqualTo(recs.size() - ok.size());
        assertThat(v.get("total_output_tokens").asLong())
                .isEqualTo(ok.stream().mapToLong(RequestRecord::outputTokensServed).sum());
        assertThat(v.get("total_input_tokens").asLong()).isEqualTo(32L * ok.size());
        assertThat(v.get("model_id").asText()).isEqualTo("Llama-2-7B");
        assertThat(v.get("request_rate").asDouble()).isEqualTo(20.0);
        // TTFT and E2EL from the send (vLLM's start_time), in seconds per request and ms in the stats
        double meanTtft = ok.stream().mapToDouble(r -> (r.firstTokenNanos() - r.sentNanos()) / 1e6).average()
                .orElseThrow();
        assertThat(v.get("mean_ttft_ms").asDouble()).isCloseTo(meanTtft, within(1e-6));
        double meanE2e = ok.stream().mapToDouble(r -> (r.lastTokenNanos() - r.sentNanos()) / 1e6).average()
                .orElseThrow();
        assertThat(v.get("mean_e2el_ms").asDouble()).isCloseTo(meanE2e, within(1e-6));
        assertThat(v.get("ttfts").get(0).asDouble() * 1000)
                .isCloseTo((recs.get(0).firstTokenNanos() - recs.get(0).sentNanos()) / 1e6, within(1e-6));
        // one ITL per chunk after the first
        assertThat(v.get("itls").get(0).size()).isEqualTo(recs.get(0).chunkNanos().length - 1);
        double dur = v.get("duration").asDouble();
        assertThat(dur).isPositive();
        assertThat(v.get("request_throughput").asDouble()).isCloseTo(ok.size() / dur, within(1e-9));
        assertThat(v.get("request_goodput").asDouble()).as("every request meets a 1e9 ms TTFT goodput SLO")
                .isCloseTo(ok.size() / dur, within(1e-9));
        assertThat(v.get("max_concurrent_requests").asInt()).isBetween(1, ok.size());
        assertThat(v.get("label").isNull()).isTrue();
        assertThat(v.get("max_concurrency").isNull()).isTrue();
        assertThat(v.get("date").asText()).matches("\\d{8}-\\d{6}");
    }

    @Test
    void statisticsAreNumpys() {
        double[] a = {1, 2, 3, 4};
        assertThat(VllmResultExport.percentile(a, 90)).isCloseTo(3.7, within(1e-12));
        assertThat(VllmResultExport.percentile(a, 50)).isCloseTo(2.5, within(1e-12));
        assertThat(VllmResultExport.percentile(new double[] {5}, 99)).isEqualTo(5);
        assertThat(VllmResultExport.std(a)).isCloseTo(1.118033988749895, within(1e-12));
        assertThat(VllmResultExport.mean(new double[0])).as("vLLM's `values or 0`").isZero();
        assertThat(VllmResultExport.pWord(99)).isEqualTo("99");
        assertThat(VllmResultExport.pWord(99.9)).isEqualTo("99.9");
    }

    @Test
    void badOptionsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> VllmResultExport.options().withPercentileMetrics("ttft", "latency"))
                .hasMessageContaining("'latency'");
        assertThatThrownBy(() -> VllmResultExport.options().withPercentiles(0)).hasMessageContaining("0.0");
        assertThatThrownBy(() -> VllmResultExport.options().withGoodput(Map.of("e2e", 5.0)))
                .hasMessageContaining("'e2e'");
    }
}
