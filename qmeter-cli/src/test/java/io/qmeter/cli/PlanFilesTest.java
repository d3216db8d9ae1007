package io.qmeter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plan errors name the file, line:column and JSON path of every problem. */
class PlanFilesTest {

    @TempDir
    Path dir;

    static final String GOOD_REST = """
              "workload": {"kind": "synthetic", "inputTokens": 8, "outputTokens": 4},
              "rates": {"absolute": [4]},
              "runLength": {"requests": 5}
            }
            """;

    Path write(String text) throws IOException {
        Path f = dir.resolve("plan.json");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aBadValueIsPlacedAtItsField() throws IOException {
        Path f = write("""
                {
                  "id": "p",
                  "configurations": [
                    {"engine": "simulated", "model": "m", "quantization": "fp16", "gpu": "H100",
                     "tensorParallel": 3}
                  ],
                  "slo": {"targets": [{"metric": "ttft", "percentile": 90, "max": "1s"}]},
                """ + GOOD_REST);
        assertThatThrownBy(() -> PlanFiles.read(f)).isInstanceOf(UserError.class)
                .hasMessageContaining(f + ":5:6: $.configurations[0].tensorParallel: expected 1, 2, 4 or 8, was 3");
    }

    @Test
    void aMissingFieldPointsAtTheObjectThatShouldHoldIt() throws IOException {
        Path f = write("""
                {
                  "id": "p",
                  "configurations": [{"engine": "simulated", "model": "m", "quantization": "fp16", "gpu": "H100"}],
                  "slo": {},
                """ + GOOD_REST);
        assertThatThrownBy(() -> PlanFiles.read(f)).isInstanceOf(UserError.class)
                .hasMessageContaining(f + ":4:3: $.slo.targets: required, was missing");
    }

    @Test
    void everyProblemIsListedEachWithItsPosition() throws IOException {
        Path f = write("""
                {
                  "id": "p",
                  "configurations": [{"engine": "simulated", "model": "m", "quantization": "fp16", "gpu": "H100",
                                      "tensorParallel": 5}],
                  "slo": {"targets": [{"metric": "latency", "percentile": 90, "max": "1s"}]},
                """ + GOOD_REST);
        assertThatThrownBy(() -> PlanFiles.read(f)).isInstanceOf(UserError.class)
                .hasMessageContaining("2 problems")
                .hasMessageContaining(f + ":4:23: $.configurations[0].tensorParallel")
                .hasMessageContaining(f + ":5:24: $.slo.targets[0].metric");
    }

    @Test
    void aSyntaxErrorKeepsJacksonsLineAndColumn() throws IOException {
        Path f = write("{\n  \"id\": \"p\",\n  \"configurations\": [,]\n}\n");
        assertThatThrownBy(() -> PlanFiles.read(f)).isInstanceOf(UserError.class)
                .hasMessageMatching("(?s).*plan\\.json:3:\\d+: \\$: expected valid JSON.*");
    }

    @Test
    void aMissingFileSaysWhatToGive() {
        assertThatThrownBy(() -> PlanFiles.read(dir.resolve("nope.json"))).isInstanceOf(UserError.class)
                .hasMessageContaining("not found");
    }

    @Test
    void positionsCoverObjectMembersAndArrayElements() {
        var p = PlanFiles.positions("{\"a\": [1, {\"b\": true}]}");
        assertThat(p.get("$").getColumnNr()).isEqualTo(1);
        assertThat(p.get("$.a").getColumnNr()).isEqualTo(2);
        assertThat(p.get("$.a[0]").getColumnNr()).isEqualTo(8);
        assertThat(p.get("$.a[1].b").getColumnNr()).isEqualTo(12);
    }
}
