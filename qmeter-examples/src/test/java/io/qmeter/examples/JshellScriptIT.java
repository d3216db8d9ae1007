package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jshell script runs non-interactively and finds a saturation point, in ten lines or fewer. */
class JshellScriptIT {

    static final Path SCRIPT = Path.of("jshell", "saturation.jsh");

    @TempDir
    Path dir;

    @Test
    void theSaturationScriptIsShortAndRunsInJshell() throws Exception {
        List<String> lines = Files.readAllLines(SCRIPT, StandardCharsets.UTF_8);
        assertThat(lines).as("the script's lines").hasSizeLessThanOrEqualTo(10);
        assertThat(lines.get(lines.size() - 1).trim()).isEqualTo("/exit");

        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        assertThat(jshell).as("jshell of the JDK running the tests").exists();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path out = dir.resolve("jshell.out");
        Process p = new ProcessBuilder(jshell.toString(), "--class-path", cp,
                "-R-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", SCRIPT.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean ended = p.waitFor(4, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly();
        }
        String text = read(out);
        assertThat(ended).as("jshell ended; output:%n%s", text).isTrue();
        assertThat(p.exitValue()).as("exit code; output:%n%s", text).isZero();
        assertThat(text).containsPattern("saturation \\d+\\.\\d req/s \\([A-Z_]+ after \\d probes\\)");
        assertThat(text).doesNotContain("Exception").doesNotContain("Error:");
    }

    private static String read(Path f) throws IOException {
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }
}
