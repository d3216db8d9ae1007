package io.qmeter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line in this JVM: help, exit codes and error messages without stack traces. */
class QmeterCommandTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result exec(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Qmeter.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @CsvSource({"run,--store", "run,qmeter help plan", "load,--rate", "load,--vllm-out", "search,--slo",
            "export,--format", "export,--metric-percentiles", "engines,--gguf", "check-gpu,--gpu"})
    void everyCommandDocumentsItsOptions(String command, String expected) {
        Result r = exec(command, "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: qmeter " + command).contains(expected);
    }

    @Test
    void helpPlanPrintsThePlanSchema() {
        Result r = exec("help", "plan");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("# Plan file schema").contains("tensorParallel").contains("runLength");
        assertThat(exec("help", "export").out()).contains("Usage: qmeter export");
        assertThat(exec("help", "nonsense").code()).isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void anUnknownOptionIsBadInput() {
        Result r = exec("run", "plan.json", "--bogus");
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("--bogus");
    }

    @Test
    void anInvalidPlanIsBadInputWithPositionAndNoStackTrace() throws IOException {
        Path plan = dir.resolve("bad.json");
        Files.writeString(plan, """
                {
                  "id": "bad",
                  "configurations": [{"engine": "simulated", "model": "m", "quantization": "fp16", "gpu": "H100",
                                      "tensorParallel": 3}],
                  "workload": {"kind": "synthetic", "inputTokens": 8, "outputTokens": 4},
                  "slo": {"targets": [{"metric": "ttft", "percentile": 90, "max": "1s"}]},
                  "rates": {"absolute": [4]},
                  "runLength": {"requests": 5}
                }
                """);
        Path store = dir.resolve("r.db");
        Result r = exec("run", plan.toString(), "--store", store.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains(plan + ":4:23: $.configurations[0].tensorParallel: expected 1, 2, 4 or 8, was 3")
                .doesNotContain("\tat ");
        assertThat(store).as("nothing was run, no store created").doesNotExist();
        Result verbose = exec("run", plan.toString(), "--store", store.toString(), "--verbose");
        assertThat(verbose.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(verbose.err()).contains("\tat ");
    }

    @Test
    void anUnknownEngineIsBadInputNamingTheEngineField() throws IOException {
        Path plan = dir.resolve("engine.json");
        Files.writeString(plan, """
                {
                  "id": "engine",
                  "configurations": [{"engine": "simulatd", "model": "m", "quantization": "fp16", "gpu": "H100"}],
                  "workload": {"kind": "synthetic", "inputTokens": 8, "outputTokens": 4},
                  "slo": {"targets": [{"metric": "ttft", "percentile": 90, "max": "1s"}]},
                  "rates": {"absolute": [4]},
                  "runLength": {"requests": 5}
                }
                """);
        Result r = exec("run", plan.toString(), "--store", dir.resolve("e.db").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains(plan + ":3:23: configuration").contains("'simulatd'").contains("simulated");
    }

    @Test
    void badValuesNameTheirOption() {
        assertThat(exec("load", "--url", "http://127.0.0.1:1", "--model", "m", "--rate", "-1").err())
                .contains("--rate: expected a number of requests per second > 0, was -1.0");
        assertThat(exec("load", "--url", "localhost:8000", "--model", "m", "--rate", "1").err())
                .contains("--url: expected an http or https URL");
        Result slo = exec("search", "--url", "http://127.0.0.1:1", "--model", "m", "--slo", "ttft<1s");
        assertThat(slo.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(slo.err()).contains("--slo: expected clauses like ttft:p90<1s");
        Result export = exec("export", "--store", dir.resolve("none.db").toString(), "--format", "csv");
        assertThat(export.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(export.err()).contains("--store: no result store");
        assertThat(dir.resolve("none.db")).doesNotExist();
    }

    @Test
    void enginesListsTheSimulatedEngineAndTheCatalogue() {
        Result r = exec("engines");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("  simulated").contains("  vllm").contains("W4A16-INT");
    }

    @Test
    void checkGpuSaysWhetherEnergyCanBeMeasured() {
        Result r = exec("check-gpu");
        // 0 on a machine whose NVML measures energy, 1 with the reason on one without NVIDIA's driver
        assertThat(r.code()).isIn(ExitCodes.OK, ExitCodes.FAILED);
        assertThat(r.out()).startsWith("energy: ");
        if (r.code() == ExitCodes.FAILED) {
            assertThat(r.out()).contains("UNAVAILABLE").contains("NVML");
        }
    }
}
