package io.qmeter.engines.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stand-ins accept every command line the catalogue's dialects generate (as kept in the
 * golden files), so that a flag the catalogue adds cannot silently make the stand-in tests
 * exercise something other than the real command lines; and they refuse a flag the real
 * programs do not have.
 */
class StandInFlagsIT {

    @ParameterizedTest
    @ValueSource(strings = {"vllm", "sglang", "tensorrt-llm", "llama.cpp"})
    void everyGoldenCommandLineIsAcceptedByItsStandIn(String engine) throws Exception {
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/golden/" + engine + ".txt"));
        List<List<String>> commands = new ArrayList<>();
        for (String l : lines) {
            String t = l.strip();
            if (t.startsWith("$ ")) {
                commands.add(Arrays.asList(t.substring(2).split(" ")));
            }
        }
        assertThat(commands).as("command lines in the golden file of " + engine).hasSizeGreaterThan(10);
        List<String> refused = new ArrayList<>();
        for (List<String> cmd : commands) {
            Run r = run(cmd);
            if (r.status != 0) {
                refused.add(String.join(" ", cmd) + "\n    -> status " + r.status + ": " + r.output);
            }
        }
        assertThat(refused).as("command lines the stand-ins refuse").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"vllm serve m --port 1 --bogus", "llama-server -m m.gguf --bogus",
        "python3 -m sglang.launch_server --model-path m --bogus", "trtllm-serve m --bogus",
        "trtllm-build --output_dir o --bogus", "llama-quantize --bogus a b Q8_0"})
    void anUnknownFlagIsRefused(String line) throws Exception {
        Run r = run(Arrays.asList(line.split(" ")));
        assertThat(r.status).as(r.output).isNotZero();
        assertThat(r.output).contains("--bogus");
    }

    private record Run(int status, String output) {
    }

    private static Run run(List<String> cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(cmd);
        c.set(0, StandIns.dir().resolve(c.get(0)).toString());
        ProcessBuilder pb = new ProcessBuilder(c).redirectErrorStream(true);
        pb.environment().put("STANDIN_DRY_RUN", "1");
        pb.environment().put("QMETER_STANDIN_CLASSPATH", "unused");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }
}
