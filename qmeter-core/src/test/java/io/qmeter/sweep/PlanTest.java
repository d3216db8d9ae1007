package io.qmeter.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.store.RunKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanTest {

    static final EngineSettings FP16 = EngineSettings.builder().engine("vllm").model("meta-llama/Llama-2-13b-chat-hf")
            .quantization("fp16").gpu("H100").build();

    static Plan plan() {
        return Plan.builder("quant-sweep")
                .description("FP16 vs AWQ")
                .configuration(FP16)
                .configuration(FP16.withQuantization("awq"))
                .workload(WorkloadSpec.synthetic(331, 231))
                .slo(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1)).tpot(Percentile.of(90), Duration.ofMillis(200)).build())
                .saturationFractions(0.5, 1.0)
                .rates(2.5)
                .repetitions(2)
                .runLength(RunLength.requests(500))
                .seed(42)
                .build();
    }

    @Test
    void configurationIdsAreDeterministicReadableAndSensitiveToEverySetting() {
        // pinned: changing how ids are derived would orphan every stored result
        assertThat(FP16.id()).isEqualTo("vllm-fp16-tp1-h100-ef9ad0529d");
        assertThat(FP16.id()).isEqualTo(EngineSettings.builder().engine("vllm").model("meta-llama/Llama-2-13b-chat-hf")
                .quantization("fp16").gpu("H100").build().id());
        Set<String> ids = new HashSet<>();
        ids.add(FP16.id());
        ids.add(FP16.withQuantization("awq").id());
        ids.add(FP16.withTensorParallel(2).id());
        ids.add(new EngineSettings("vllm", "other-model", "fp16", 1, "H100", List.of()).id());
        ids.add(new EngineSettings("vllm", "meta-llama/Llama-2-13b-chat-hf", "fp16", 1, "H100", List.of("--x")).id());
        ids.add(new EngineSettings("vllm", "meta-llama/Llama-2-13b-chat-hf", "fp16", 1, "H100", List.of("--x", "")).id());
        assertThat(ids).hasSize(6);
        assertThat(new EngineSettings("TensorRT-LLM", "m", "W4A16 INT", 8, "H100 SXM", List.of()).id())
                .startsWith("tensorrt-llm-w4a16-int-tp8-h100-sxm-");
    }

    @Test
    void theCanonicalFormIsPinned() {
        assertThat(new EngineSettings("vllm", "m", "awq", 2, "H100", List.of("--a", "b")).canonical())
                .isEqualTo("qmeter-config-v1|4:vllm|1:m|3:awq|1:2|4:H100|args=2|3:--a|1:b");
    }

    @Test
    void pointsExpandConfigurationThenRateThenRepetitionWithStableKeysAndSeeds() {
        Plan p = plan();
        List<PlanPoint> points = p.points();
        assertThat(points).hasSize(2 * 3 * 2);
        assertThat(points).extracting(pt -> pt.key().rateLabel()).startsWith("2.5rps", "2.5rps", "0.5sat", "0.5sat",
                "1sat", "1sat");
        assertThat(points.get(0).key()).isEqualTo(new RunKey("quant-sweep", FP16.id(), "2.5rps", 0));
        assertThat(points.get(6).configuration().quantization()).isEqualTo("awq");
        assertThat(points).extracting(PlanPoint::repetition).startsWith(0, 1, 0, 1);
        assertThat(points.stream().map(PlanPoint::seed).distinct()).hasSize(points.size());
        assertThat(plan().points()).isEqualTo(points); // a re-run maps to the same keys and seeds
        assertThat(p.needsSaturationSearch()).isTrue();
        // adding a configuration does not change the seeds of existing points
        Plan bigger = Plan.builder("quant-sweep").configuration(FP16).configuration(FP16.withQuantization("awq"))
                .configuration(FP16.withQuantization("gptq")).workload(p.workload()).slo(p.slo())
                .saturationFractions(0.5, 1.0).rates(2.5).repetitions(2).runLength(p.runLength()).seed(42).build();
        assertThat(bigger.points().subList(0, 12)).isEqualTo(points);
    }

    @Test
    void jsonRoundTripGivesAnEqualPlan() {
        Plan p = plan();
        String json = p.toJson();
        Plan back = Plan.fromJson(json);
        assertThat(back).isEqualTo(p);
        assertThat(back.toJson()).isEqualTo(json);
        Plan timed = Plan.builder("t").configuration(FP16.withTensorParallel(4))
                .workload(WorkloadSpec.of("sharegpt", Map.of("path", "d.json", "temperature", 0.7, "stream", true)))
                .slo(Slo.builder().e2e(Percentile.of(99.9), Duration.ofMillis(1500)).build())
                .rates(0.25, 16).runLength(RunLength.duration(Duration.ofSeconds(90)).withWarmupRequests(5))
                .search(SearchSettings.DEFAULT.withInitialRate(3).withJudge(false, 0.9, 10, 20, 400)).seed(-7).build();
        assertThat(Plan.fromJson(timed.toJson())).isEqualTo(timed);
        assertThat(timed.toJson()).contains("\"duration\" : \"90s\"").contains("\"percentile\" : 99.9")
                .contains("\"max\" : \"1500ms\"");
    }

    @Test
    void theExamplePlanFileIsValid() {
        Path file = Path.of("..", "examples", "plans", "quantization-sweep.json");
        assertThat(Files.exists(file)).as(file.toAbsolutePath().toString()).isTrue();
        Plan p = Plan.read(file);
        assertThat(p.id()).isEqualTo("quant-sweep-13b-h100");
        assertThat(p.configurations()).extracting(EngineSettings::quantization).containsExactly("fp8", "fp16", "awq",
                "gptq");
        assertThat(p.configurations().get(0).tensorParallel()).isEqualTo(2);
        assertThat(p.rates()).extracting(RatePoint::label).containsExactly("1rps", "2rps", "0.5sat", "0.8sat",
                "0.9sat", "1sat");
        assertThat(p.points()).hasSize(4 * 6 * 3);
        assertThat(p.slo().thresholds()).hasSize(2);
        assertThat(p.slo().thresholds().get(1).threshold()).isEqualTo(Duration.ofMillis(200));
        assertThat(p.runLength().warmupRequests()).isEqualTo(20);
        assertThat(p.workload().parameters()).containsEntry("inputTokens", 331L);
    }

    @Test
    void matrixExpandsInFieldOrderAfterListedConfigurations() {
        String json = """
                {"id": "m", "configurations": [{"engine": "sglang", "model": "x", "quantization": "fp16", "gpu": "A100"}],
                 "matrix": {"engine": "vllm", "model": "x", "quantization": ["fp16", "awq"], "tensorParallel": [1, 2],
                            "gpu": ["H100", "H200"]},
                 "workload": {"kind": "synthetic", "inputTokens": 1, "outputTokens": 2},
                 "slo": {"targets": [{"metric": "ttft", "percentile": 90, "max": "1s"}]},
                 "rates": {"absolute": [1]}, "runLength": {"requests": 10}}
                """;
        Plan p = Plan.fromJson(json);
        assertThat(p.configurations()).hasSize(1 + 8);
        assertThat(p.configurations()).extracting(c -> c.quantization() + "/" + c.tensorParallel() + "/" + c.gpu())
                .containsExactly("fp16/1/A100", "fp16/1/H100", "fp16/1/H200", "fp16/2/H100", "fp16/2/H200",
                        "awq/1/H100", "awq/1/H200", "awq/2/H100", "awq/2/H200");
        assertThat(p.repetitions()).isEqualTo(1);
        assertThat(p.seed()).isZero();
        assertThat(p.search()).isEqualTo(SearchSettings.DEFAULT);
    }

    static String base(String configurations) {
        return "{\"id\": \"p\", \"configurations\": " + configurations + ","
                + " \"workload\": {\"kind\": \"synthetic\"},"
                + " \"slo\": {\"targets\": [{\"metric\": \"ttft\", \"percentile\": 90, \"max\": \"1s\"}]},"
                + " \"rates\": {\"absolute\": [1]}, \"runLength\": {\"requests\": 10}}";
    }

    static final String GOOD = "{\"engine\": \"vllm\", \"model\": \"m\", \"quantization\": \"fp16\", \"gpu\": \"H100\"}";

    @Test
    void anInvalidTensorParallelDegreeIsReportedWithItsJsonPath() {
        String bad = "{\"engine\": \"vllm\", \"model\": \"m\", \"quantization\": \"awq\", \"gpu\": \"H100\","
                + " \"tensorParallel\": 3}";
        PlanException e = catchThrowableOfType(PlanException.class,
                () -> Plan.fromJson(base("[" + GOOD + ", " + GOOD.replace("fp16", "gptq") + ", " + bad + "]")));
        assertThat(e.problems()).containsExactly("$.configurations[2].tensorParallel: expected 1, 2, 4 or 8, was 3");
        assertThat(e.getMessage()).contains("$.configurations[2].tensorParallel: expected 1, 2, 4 or 8, was 3");
    }

    @Test
    void everyProblemIsListedWithPathExpectationAndValue() {
        String json = """
                {"id": "has space", "configurations": [{"engine": "", "model": 7, "quantization": "fp16",
                  "gpu": "H100", "tp": 2, "tensorParallel": "two", "extraArgs": ["--a", 1]}],
                 "workload": {"inputTokens": [1]},
                 "slo": {"targets": [{"metric": "ttft", "percentile": 900, "max": "soon"}]},
                 "rates": {"absolute": [0, -1, "fast"], "fractionOfSaturation": [5]},
                 "repetitions": 0, "runLength": {"requests": 10, "duration": "1m"}, "seed": 1.5,
                 "search": {"tolerance": 5, "requireValid": "yes"}, "extra": true}
                """;
        PlanException e = catchThrowableOfType(PlanException.class, () -> Plan.fromJson(json));
        assertThat(e.problems()).contains(
                "$.extra: unknown field; expected one of configurations, description, id, matrix, quality, rates, "
                        + "repetitions, runLength, schemaVersion, search, seed, slo, workload",
                "$.configurations[0].tp: unknown field; expected one of engine, extraArgs, gpu, model, quantization, "
                        + "tensorParallel",
                "$.configurations[0].engine: expected a non-empty string, was \"\"",
                "$.configurations[0].model: expected a non-empty string, was 7",
                "$.configurations[0].tensorParallel: expected 1, 2, 4 or 8, was \"two\"",
                "$.configurations[0].extraArgs[1]: expected a string, was 1",
                "$.workload.kind: required, was missing",
                "$.workload.inputTokens: expected a string, number or boolean, was a list",
                "$.slo.targets[0].percentile: expected a number in (0, 100), e.g. 90, was 900",
                "$.slo.targets[0].max: expected a positive duration such as \"200ms\", \"1s\", \"2m\" or \"PT1S\", "
                        + "was \"soon\"",
                "$.search.requireValid: expected true or false, was \"yes\"",
                "$.rates.absolute[0]: expected a rate > 0 in requests per second, was 0",
                "$.rates.absolute[1]: expected a rate > 0 in requests per second, was -1",
                "$.rates.absolute[2]: expected a rate > 0 in requests per second, was \"fast\"",
                "$.rates.fractionOfSaturation[0]: expected a fraction in (0, 4], was 5",
                "$.repetitions: expected an integer >= 1, was 0",
                "$.runLength: expected exactly one of \"requests\" and \"duration\", was both",
                "$.seed: expected an integer, was 1.5",
                "$.search.tolerance: expected a number in (0, 1), e.g. 0.05, was 5");
        assertThat(e.getMessage()).startsWith("invalid plan (JSON), ");
    }

    @Test
    void missingPartsDuplicatesAndBrokenJsonAreReported() {
        assertThat(catchThrowableOfType(PlanException.class, () -> Plan.fromJson("{\"id\": \"p\"}")).problems())
                .containsExactly("$: expected \"configurations\" (a list) or \"matrix\" (a cross product), was neither",
                        "$.workload: required, was missing", "$.slo: required, was missing",
                        "$.rates: required, was missing", "$.runLength: required, was missing");
        assertThat(catchThrowableOfType(PlanException.class, () -> Plan.fromJson(base("[" + GOOD + ", " + GOOD + "]")))
                .problems()).singleElement().asString().startsWith("$.configurations[1]: expected distinct "
                + "configurations, was a repeat of vllm-fp16-tp1-h100-");
        assertThat(catchThrowableOfType(PlanException.class, () -> Plan.fromJson("{\"id\": ")).problems())
                .singleElement().asString().startsWith("$: expected valid JSON, was not at line 1");
        assertThat(catchThrowableOfType(PlanException.class, () -> Plan.fromJson("[1]")).problems())
                .containsExactly("$: expected an object, was a list");
        assertThat(catchThrowableOfType(PlanException.class,
                () -> Plan.fromJson("{\"schemaVersion\": 2, \"id\": \"p\"}")).problems())
                .containsExactly("$.schemaVersion: expected 1, was 2");
        assertThat(catchThrowableOfType(PlanException.class,
                () -> Plan.fromJson(base("[]").replace("[1]", "[1, 1.0]"))).problems())
                .contains("$.configurations: expected at least one configuration, was none",
                        "$.rates: expected distinct rates, was 1rps twice");
    }

    @Test
    void theBuilderFailsFastOnFieldsAndListsEveryCrossFieldProblem() {
        assertThatThrownBy(() -> EngineSettings.builder().tensorParallel(3))
                .hasMessage("tensorParallel: expected 1, 2, 4 or 8, was 3");
        assertThatThrownBy(() -> EngineSettings.builder().engine("vllm").build())
                .hasMessage("model: expected a non-empty string, was \"\"");
        assertThatThrownBy(() -> Plan.builder("p").repetitions(0)).hasMessageContaining("was 0");
        PlanException e = catchThrowableOfType(PlanException.class, () -> Plan.builder("bad id").build());
        assertThat(e.problems()).containsExactly("id: expected 1 to 200 of [A-Za-z0-9._-], was \"bad id\"",
                "configurations: expected at least one configuration, was none", "workload: required, was missing",
                "slo: required, was missing", "rates: expected at least one rate (or a quality step), was none",
                "runLength: required, was missing");
        assertThatThrownBy(() -> RatePoint.fractionOfSaturation(5)).hasMessageContaining("<= 4, was 5");
        assertThatThrownBy(() -> RunLength.requests(0)).hasMessageContaining("expected >= 1, was 0");
    }

    @Test
    void rateLabelsAndDurationsAreStable() {
        assertThat(RatePoint.absolute(4).label()).isEqualTo("4rps");
        assertThat(RatePoint.absolute(0.25).label()).isEqualTo("0.25rps");
        assertThat(RatePoint.absolute(1.0 / 3).label()).isEqualTo("0.333333rps");
        assertThat(RatePoint.fractionOfSaturation(0.8).label()).isEqualTo("0.8sat");
        assertThat(RatePoint.absolute(1e6).label()).isEqualTo("1000000rps");
        assertThat(Durations.parse("200ms")).isEqualTo(Duration.ofMillis(200));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("PT0.25S")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("soon")).isNull();
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Durations.format(Duration.ofNanos(1234))).isEqualTo("1234ns");
    }

    @Test
    void withCopiesOfAPlanPassTheSameChecks() {
        Plan p = plan();
        assertThat(p.withSeed(7).seed()).isEqualTo(7);
        assertThat(p.withSeed(7).withSeed(p.seed())).isEqualTo(p);
        assertThat(p.withRepetitions(3).points()).hasSize(p.points().size() / 2 * 3);
        assertThatThrownBy(() -> p.withRepetitions(0)).isInstanceOf(PlanException.class)
                .hasMessageContaining("repetitions");
        assertThatThrownBy(() -> p.withConfigurations(List.of())).isInstanceOf(PlanException.class)
                .hasMessageContaining("configurations");
        assertThatThrownBy(() -> p.withSlo(Slo.builder().ttft(Percentile.of(100), Duration.ofSeconds(1)).build()))
                .isInstanceOf(PlanException.class).hasMessageContaining("P100");
    }
}
