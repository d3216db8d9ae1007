package io.qmeter.examples;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineFactory;
import io.qmeter.sweep.SweepCoordinator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The real llama.cpp server the engine tests run against, as {@code .ci/llama.sh} builds it and
 * {@code .ci/run} exports it: {@code QMETER_LLAMA_SERVER} (the llama-server executable) and
 * {@code QMETER_LLAMA_MODEL_DIR} (tiny-F16.gguf, tiny-Q8_0.gguf, tiny-Q4_0.gguf). Without the
 * first the tests skip with the reason; with it but without what it names they fail, so that a
 * CI whose build broke never passes by skipping.
 */
final class LlamaCppEnv {

    static final String SERVER_VAR = "QMETER_LLAMA_SERVER";
    static final String MODELS_VAR = "QMETER_LLAMA_MODEL_DIR";

    private LlamaCppEnv() {
    }

    /** Skips the calling test, with the reason, when no llama-server is given. */
    static void assumeServer() {
        String s = System.getenv(SERVER_VAR);
        assumeTrue(s != null && !s.isBlank(), SERVER_VAR + " is unset: real llama.cpp engine tests skipped. "
                + "Run `eval \"$(bash .ci/llama.sh)\"` first (it builds llama-server from ../shared/engines/ and "
                + "writes tiny models), as .ci/run does.");
    }

    static Path server() {
        assumeServer();
        Path p = Path.of(System.getenv(SERVER_VAR));
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(SERVER_VAR + " must name the llama-server executable, but " + p
                    + " is not an executable file; rebuild it with .ci/llama.sh");
        }
        return p;
    }

    static Path models() {
        assumeServer();
        String d = System.getenv(MODELS_VAR);
        if (d == null || d.isBlank()) {
            throw new IllegalStateException(MODELS_VAR + " must name the folder of tiny-F16/Q8_0/Q4_0.gguf when "
                    + SERVER_VAR + " is set; .ci/llama.sh prints both");
        }
        Path dir = Path.of(d);
        for (String f : List.of("tiny-F16.gguf", "tiny-Q8_0.gguf", "tiny-Q4_0.gguf")) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalStateException("expected " + dir.resolve(f) + " (" + MODELS_VAR + "), found no such "
                        + "file; rerun .ci/llama.sh");
            }
        }
        return dir;
    }

    /**
     * The CPU study's options for the tiny model (50 % and 100 % of the saturation point in
     * 3-second runs, a search of about 16 s per configuration).
     *
     * @param out the output folder
     * @return the options
     */
    static GpuLlamaStudy.Options options(Path out) {
        return GpuLlamaStudy.Options.cpu(server(), models(), out).withBudget(Duration.ofSeconds(36));
    }

    /** A llama.cpp engine for one configuration, made through the registered factory, as a plan makes it. */
    static Engine engine(GpuLlamaStudy.Options o, GpuLlamaStudy.Config c) {
        return EngineFactory.find("llama.cpp").create(settings(o, c));
    }

    static Map<String, String> settings(GpuLlamaStudy.Options o, GpuLlamaStudy.Config c) {
        return SweepCoordinator.settingsMap(GpuLlamaStudy.settings(o, c));
    }

    static GpuLlamaStudy.Config config(String label) {
        return GpuLlamaStudy.Config.ALL.stream().filter(c -> c.label().equals(label)).findFirst().orElseThrow();
    }
}
