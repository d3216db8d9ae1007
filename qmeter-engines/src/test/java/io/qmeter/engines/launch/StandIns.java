package io.qmeter.engines.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Where the stand-in programs are and the environment they need. */
final class StandIns {

    private StandIns() {
    }

    /** @return the folder of the stand-in programs */
    static Path dir() {
        Path p = Path.of("src", "test", "stand-ins").toAbsolutePath();
        if (!Files.isExecutable(p.resolve("vllm"))) {
            throw new IllegalStateException("stand-ins expected in " + p + " (tests run from the module folder)");
        }
        return p;
    }

    /** @return the environment the stand-ins need: the test class path and this JVM's java */
    static Map<String, String> env() {
        Map<String, String> m = new HashMap<>();
        m.put("QMETER_STANDIN_CLASSPATH", System.getProperty("java.class.path"));
        m.put("QMETER_STANDIN_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return m;
    }

    /** @param extra more variables @return {@link #env()} with them */
    static Map<String, String> env(Map<String, String> extra) {
        Map<String, String> m = env();
        m.putAll(extra);
        return m;
    }

    /**
     * Options for tests: stand-ins first, free ports, short timeouts (a JVM start on a loaded
     * 2-core machine can take a few seconds, so the start deadline stays generous).
     *
     * @param logDir the log folder
     * @return the options
     */
    static LaunchOptions options(Path logDir) {
        return LaunchOptions.defaults().withBinDirectory(dir()).withEnvironment(env()).withFreePort(true)
                .withLogDirectory(logDir).withStartTimeout(Duration.ofSeconds(90)).withStopGrace(Duration.ofSeconds(5))
                .withProbeTimeout(Duration.ofSeconds(2)).withWatchInterval(Duration.ofMillis(200))
                .withHangDetection(Duration.ofSeconds(2), 3);
    }
}
