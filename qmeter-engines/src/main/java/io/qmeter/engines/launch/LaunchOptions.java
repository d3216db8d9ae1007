package io.qmeter.engines.launch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link LaunchedEngine} starts and watches its server (the configuration itself is the
 * {@link io.qmeter.engines.ServerConfig}). Immutable; each {@code withX} returns a copy.
 *
 * <pre>{@code
 * LaunchOptions o = LaunchOptions.defaults().withStartTimeout(Duration.ofMinutes(20)).withFreePort(true)
 *         .withLogDirectory(Path.of("runs/logs"));
 * }</pre>
 *
 * @param startTimeout       how long the server may take to answer its readiness paths
 * @param probeTimeout       the most one health probe may take
 * @param probeInterval      the pause between readiness probes while starting
 * @param logDirectory       where each start's log files go
 * @param stopGrace          how long the server may take to stop after SIGTERM before SIGKILL
 * @param tailLines          how many of the last log lines to keep in memory
 * @param watchInterval      the pause between the watchdog's checks while the server runs
 * @param hangTimeout        how long health probes may fail, the process alive, before the server is called hung
 * @param hangProbes         how many consecutive failed probes it also takes, &ge; 1
 * @param preparationTimeout the most one preparation step may take
 * @param freePort           true to pick a free port on the host at every start (the configuration's port is ignored)
 * @param executable         the server's program instead of the one the dialect names (a stand-in, a build of your own)
 * @param binDirectory       a folder searched first for every program of the launch plan named without a path
 * @param environment        variables added to every process's environment (after the dialect's)
 * @param fatalSettle        how long a server that logged a fatal line but is still alive gets to exit
 *                           before it is stopped
 * @param restartBackoff     the pause before a start that follows a failure (a failed start, or a server that
 *                           crashed or hung), doubled for each further failure in a row up to
 *                           {@link #MAX_RESTART_BACKOFF}; zero for none
 */
public record LaunchOptions(Duration startTimeout, Duration probeTimeout, Duration probeInterval, Path logDirectory,
                            Duration stopGrace, int tailLines, Duration watchInterval, Duration hangTimeout,
                            int hangProbes, Duration preparationTimeout, boolean freePort, Optional<Path> executable,
                            Optional<Path> binDirectory, Map<String, String> environment, Duration fatalSettle,
                            Duration restartBackoff) {

    /** The longest pause before a restart. */
    public static final Duration MAX_RESTART_BACKOFF = Duration.ofSeconds(30);

    /** Validates and copies. */
    public LaunchOptions {
        positive(startTimeout, "startTimeout");
        positive(probeTimeout, "probeTimeout");
        positive(probeInterval, "probeInterval");
        Objects.requireNonNull(logDirectory, "logDirectory");
        Objects.requireNonNull(stopGrace, "stopGrace");
        if (stopGrace.isNegative()) {
            throw new IllegalArgumentException("stopGrace must be >= 0, was " + stopGrace);
        }
        if (tailLines < 1) {
            throw new IllegalArgumentException("tailLines must be >= 1, was " + tailLines);
        }
        positive(watchInterval, "watchInterval");
        positive(hangTimeout, "hangTimeout");
        if (hangProbes < 1) {
            throw new IllegalArgumentException("hangProbes must be >= 1, was " + hangProbes);
        }
        positive(preparationTimeout, "preparationTimeout");
        Objects.requireNonNull(executable, "executable");
        Objects.requireNonNull(binDirectory, "binDirectory");
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        Objects.requireNonNull(fatalSettle, "fatalSettle");
        Objects.requireNonNull(restartBackoff, "restartBackoff");
        if (restartBackoff.isNegative()) {
            throw new IllegalArgumentException("restartBackoff must be >= 0, was " + restartBackoff);
        }
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, was " + d);
        }
    }

    /**
     * The defaults: 10 minutes to start (large models load slowly), 2-second probes every 250 ms,
     * logs under {@code java.io.tmpdir/qmeter-engine-logs}, 15 seconds' grace to stop, 500 lines
     * kept, a watchdog check every second, hung after 30 seconds and 3 failed probes, 2 hours per
     * preparation step, the configuration's own port, 5 seconds for a fatal line to end the process,
     * 1 second before a start that follows a failure (doubling, up to 30 seconds).
     *
     * @return the defaults
     */
    public static LaunchOptions defaults() {
        return new LaunchOptions(Duration.ofMinutes(10), Duration.ofSeconds(2), Duration.ofMillis(250),
                Path.of(System.getProperty("java.io.tmpdir"), "qmeter-engine-logs"), Duration.ofSeconds(15), 500,
                Duration.ofSeconds(1), Duration.ofSeconds(30), 3, Duration.ofHours(2), false, Optional.empty(),
                Optional.empty(), Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(1));
    }

    /** @param v the start deadline @return a copy with it */
    public LaunchOptions withStartTimeout(Duration v) {
        return new LaunchOptions(v, probeTimeout, probeInterval, logDirectory, stopGrace, tailLines, watchInterval,
                hangTimeout, hangProbes, preparationTimeout, freePort, executable, binDirectory, environment,
                fatalSettle, restartBackoff);
    }

    /** @param v the probe timeout @return a copy with it */
    public LaunchOptions withProbeTimeout(Duration v) {
        return new LaunchOptions(startTimeout, v, probeInterval, logDirectory, stopGrace, tailLines, watchInterval,
                hangTimeout, hangProbes, preparationTimeout, freePort, executable, binDirectory, environment,
                fatalSettle, restartBackoff);
    }

    /** @param v the pause between readiness probes @return a copy with it */
    public LaunchOptions withProbeInterval(Duration v) {
        return new LaunchOptions(startTimeout, probeTimeout, v, logDirectory, stopGrace, tailLines, watchInterval,
                hangTimeout, hangProbes, preparationTimeout, freePort, executable, binDirectory, environment,
                fatalSettle, restartBackoff);
    }

    /** @param v the log folder @return a copy with it */
    public LaunchOptions withLogDirectory(Path v) {
        return new LaunchOptions(startTimeout, probeTimeout, probeInterval, v, stopGrace, tailLines, watchInterval,
                hangTimeout, hangProbes, preparationTimeout, freePort, executable, binDirectory, environment,
                fatalSettle, restartBackoff);
    }

    /** @param v the grace period between SIGTERM and SIGKILL @return a copy with it */
    public LaunchOptions withStopGrace(Duration v) {
        return new LaunchOptions(startTimeout, probeTimeout, probeInterval, logDirectory, v, tailLines, watchInterval,
                hangTimeout, hangProbes, preparationTimeout, freePort, executable, binDirectory, environment,
                fatalSettle, restartBackoff);
    }

    /** @param v how many log lines to keep in memory @return a copy with it */
    public LaunchOptions withTailLines(int v) {
        return new LaunchOptions(startTimeout, probeTimeout, probeInterval, logDirectory, stopGrace, v, watchInterval,
                hangTimeout, hangProbes, preparationTimeout, freePort, executable, binDirectory, environment,
                fatalSettle, restartBackoff);
    }

    /** @param v the watchdog's interval @return a copy with it */
    public LaunchOptions withWatchInterval(Duration v) {
        return new LaunchOptions(startTimeout, probeTimeout, probeInterval, logDirectory, stopGrace, tailLines, v,
                hangTimeout, hangProbes, preparationTimeout, freePort, executable, binDirectory, environment,
                fatalSettle, restartBackoff);
    }

    /**
     * @param timeout how long probes may fail before the server is called hung
     * @param probes  how many consecutive failed probes it also takes
     * @return a copy with them
     */
    public LaunchOptions withHangDetection(Duration timeout, int probes) {
        return new LaunchOptions(startTimeout, probeTimeout, probeInterval, logDirectory, stopGrace, tailLines,
                watchInterval, timeout, probes, preparationTimeout, freePort, executable, binDirectory, environment,
                fatalSettle, restartBackoff);
    }

    /** @param v the most one preparation step may take @return a copy with it */
    public LaunchOptions withPreparationTimeout(Duration v) {
        return new LaunchOptions(startTimeout, probeTimeout, probeInterval, logDirectory, stopGrace, tailLines,
                watchInterval, hangTimeout, hangProbes, v, freePort, executable, binDirectory, environment, fatalSettle,
                restartBackoff);
    }

    /** @param v true to pick a free port at every start @return a copy with it */
    public LaunchOptions withFreePort(boolean v) {
        return new LaunchOptions(startTimeout, probeTimeout, probeInterval, logDirectory, stopGrace, tailLines,
                watchInterval, hangTimeout, hangProbes, preparationTimeout, v, executable, binDirectory, environment,
                fatalSettle, restartBackoff);
    }

    /** @param v the server's program @return a copy with it */
    public LaunchOptions withExecutable(Path v) {
        return new LaunchOptions(startTimeout, probeTimeout, probeInterval, logDirectory, stopGrace, tailLines,
                watchInterval, hangTimeout, hangProbes, preparationTimeout, freePort, Optional.of(v), binDirectory,
                environment, fatalSettle, restartBackoff);
    }

    /** @param v the folder searched first for programs @return a copy with it */
    public LaunchOptions withBinDirectory(Path v) {
        return new LaunchOptions(startTimeout, probeTimeout, probeInterval, logDirectory, stopGrace, tailLines,
                watchInterval, hangTimeout, hangProbes, preparationTimeout, freePort, executable, Optional.of(v),
                environment, fatalSettle, restartBackoff);
    }

    /** @param v variables added to every process's environment @return a copy with them */
    public LaunchOptions withEnvironment(Map<String, String> v) {
        return new LaunchOptions(startTimeout, probeTimeout, probeInterval, logDirectory, stopGrace, tailLines,
                watchInterval, hangTimeout, hangProbes, preparationTimeout, freePort, executable, binDirectory, v,
                fatalSettle, restartBackoff);
    }

    /** @param v the pause before a start that follows a failure; zero for none @return a copy with it */
    public LaunchOptions withRestartBackoff(Duration v) {
        return new LaunchOptions(startTimeout, probeTimeout, probeInterval, logDirectory, stopGrace, tailLines,
                watchInterval, hangTimeout, hangProbes, preparationTimeout, freePort, executable, binDirectory,
                environment, fatalSettle, v);
    }

    /** @param v how long a server that logged a fatal line gets to exit @return a copy with it */
    public LaunchOptions withFatalSettle(Duration v) {
        return new LaunchOptions(startTimeout, probeTimeout, probeInterval, logDirectory, stopGrace, tailLines,
                watchInterval, hangTimeout, hangProbes, preparationTimeout, freePort, executable, binDirectory,
                environment, v, restartBackoff);
    }
}
