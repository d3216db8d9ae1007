package io.qmeter.engines.launch;

import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.Health;
import io.qmeter.engines.FailureKind;
import io.qmeter.engines.LaunchPlan;
import io.qmeter.engines.ProcessSpec;
import io.qmeter.engines.ServerConfig;
import io.qmeter.engines.metrics.ServerMetricsScraper;
import io.qmeter.engines.process.FatalMatch;
import io.qmeter.engines.process.SupervisedProcess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server started by a {@link LaunchedEngine}, watched while it runs. A watchdog thread checks
 * every {@link LaunchOptions#watchInterval()} that the process is alive and healthy and records the
 * first failure it notices as {@link #failure()}: an exit ({@link FailureKind#CRASHED} or the
 * cause its log names), a hang ({@link FailureKind#HUNG}: health probes failing for
 * {@link LaunchOptions#hangTimeout()} and {@link LaunchOptions#hangProbes()} probes in a row while
 * the process is alive), or a fatal log line the process survived for
 * {@link LaunchOptions#fatalSettle()}. The watchdog only records; {@link #close()} stops the whole
 * process tree (idempotent).
 *
 * <pre>{@code
 * try (LaunchedHandle h = engine.start()) {
 *     run(h.baseUrl(), h.model());
 *     h.failure().ifPresent(f -> System.out.println("the engine broke: " + f.summary()));
 * }
 * }</pre>
 */
public final class LaunchedHandle implements EngineHandle {

    private static final Logger LOG = LoggerFactory.getLogger(LaunchedHandle.class);
    private static final Duration METRICS_TIMEOUT = Duration.ofSeconds(1);

    private final LaunchedEngine engine;
    private final ServerConfig config;
    private final LaunchPlan plan;
    private final ProcessSpec server;
    private final SupervisedProcess process;
    private final int start;
    private final ServerMetricsScraper scraper;
    private final CompletableFuture<LaunchFailure> failed = new CompletableFuture<>();
    private final ScheduledExecutorService watchdog;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The server's version, asked once when first described while running; null until then. */
    private volatile String version;
    // watchdog state, touched by the watchdog thread only
    private long failingSince = -1;
    private int failedProbes;
    private long fatalSince = -1;

    LaunchedHandle(LaunchedEngine engine, ServerConfig config, LaunchPlan plan, ProcessSpec server,
                   SupervisedProcess process, int start) {
        this.engine = engine;
        this.config = config;
        this.plan = plan;
        this.server = server;
        this.process = process;
        this.start = start;
        this.scraper = new ServerMetricsScraper(URI.create(base() + "/metrics"), engine.dialect().metricNames(),
                METRICS_TIMEOUT);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "qmeter-watchdog-" + engine.name() + "-" + process.pid());
            t.setDaemon(true);
            return t;
        });
        long every = engine.options().watchInterval().toMillis();
        watchdog.scheduleWithFixedDelay(this::watch, every, every, TimeUnit.MILLISECONDS);
    }

    private String base() {
        String s = plan.baseUrl().toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public URI baseUrl() {
        return plan.baseUrl();
    }

    @Override
    public String model() {
        return plan.servedModelName();
    }

    /**
     * Health now: {@link Health.Status#DOWN} with the exit status when the process exited, else
     * the readiness paths' answer ({@link Health.Status#UNRESPONSIVE} when a probe fails or times
     * out, {@link Health.Status#DOWN} when connections are refused).
     *
     * @return the health; never throws
     */
    @Override
    public Health health() {
        if (!process.isAlive()) {
            return new Health(Health.Status.DOWN, "the process exited with status " + process.exitCode().orElse(-1)
                    + failure().map(f -> " (" + f.kind() + ")").orElse(""));
        }
        return Probe.health(plan.baseUrl(), engine.dialect().readinessPaths(), engine.options().probeTimeout());
    }

    @Override
    public List<String> logTail(int maxLines) {
        return process.tail(maxLines);
    }

    @Override
    public List<Integer> gpuIndices() {
        return config.gpus();
    }

    @Override
    public Map<String, Double> serverMetrics() {
        if (!process.isAlive() || closed.get()) {
            return Map.of();
        }
        return scraper.scrape();
    }

    /**
     * The first failure the watchdog noticed since the start.
     *
     * @return the failure, or empty while the server is fine
     */
    public Optional<LaunchFailure> failure() {
        return Optional.ofNullable(failed.getNow(null));
    }

    /**
     * Waits for the watchdog to notice a failure.
     *
     * @param max the most to wait
     * @return the failure, or empty when none was noticed within {@code max}
     */
    public Optional<LaunchFailure> awaitFailure(Duration max) {
        try {
            return Optional.of(failed.get(max.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure();
        } catch (java.util.concurrent.ExecutionException e) {
            return failure();
        }
    }

    /** @return the server's process id */
    public long pid() {
        return process.pid();
    }

    /** @return the server's process handle */
    public ProcessHandle processHandle() {
        return process.handle();
    }

    /** @return the server process's known descendants still alive (workers, helpers) */
    public List<ProcessHandle> descendants() {
        return process.knownDescendants();
    }

    /** @return the log file of this start */
    public Path logFile() {
        return process.logFile();
    }

    /** @return the configuration as started (with the port it got) */
    public ServerConfig config() {
        return config;
    }

    /** @return the server's command line as run */
    public List<String> command() {
        return server.command();
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>(engine.describe());
        m.put("servedModelName", plan.servedModelName());
        m.put("baseUrl", base());
        m.put("command", server.command().stream().map(LaunchedHandle::quote).collect(Collectors.joining(" ")));
        if (!server.environment().isEmpty()) {
            m.put("environment", server.environment().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
        }
        m.put("pid", process.pid());
        m.put("logFile", process.logFile().toString());
        m.put("start", start);
        String v = version();
        if (v != null) {
            m.put("engineVersion", v);
        }
        return m;
    }

    /** The version from the dialect's version endpoint, asked once while the process runs. */
    private String version() {
        String v = version;
        if (v == null && process.isAlive()) {
            v = engine.dialect().versionEndpoint()
                    .flatMap(e -> Probe.version(plan.baseUrl(), e, engine.options().probeTimeout())).orElse(null);
            version = v;
        }
        return v;
    }

    private static String quote(String s) {
        return s.isEmpty() || s.chars().anyMatch(c -> " \t\"'\\$`;&|<>()*?!".indexOf(c) >= 0)
                ? "'" + s.replace("'", "'\\''") + "'" : s;
    }

    /** Stops the watchdog and the whole process tree; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watchdog.shutdownNow();
        if (failed.isDone() || !process.isAlive()) {
            if (!failed.isDone()) {
                engine.failed(); // it exited before the watchdog's next look
            }
        } else {
            engine.closedHealthy();
        }
        process.stop(engine.options().stopGrace());
    }

    // ------------------------------------------------------------------ watchdog

    private void watch() {
        if (closed.get() || failed.isDone()) {
            return;
        }
        try {
            process.refreshDescendants();
            if (!process.isAlive()) {
                record(engine.exitFailure(process, "while serving"));
                return;
            }
            LaunchOptions o = engine.options();
            Optional<FatalMatch> fatal = process.fatal();
            if (fatal.isPresent()) {
                if (fatalSince < 0) {
                    fatalSince = System.nanoTime();
                } else if (System.nanoTime() - fatalSince >= o.fatalSettle().toNanos()) {
                    FatalMatch m = fatal.get();
                    record(LaunchedEngine.failure(m.pattern().kind(), server.label() + " logged '" + m.line()
                                    + "' and did not exit", m.pattern().advice(), OptionalInt.empty(),
                            process.tail(o.tailLines()), Optional.of(process.logFile())));
                    return;
                }
            }
            Health h = Probe.health(plan.baseUrl(), engine.dialect().readinessPaths(), o.probeTimeout());
            if (h.isUp()) {
                failingSince = -1;
                failedProbes = 0;
                return;
            }
            if (!process.isAlive()) {
                record(engine.exitFailure(process, "while serving"));
                return;
            }
            failedProbes++;
            if (failingSince < 0) {
                failingSince = System.nanoTime();
            }
            long failingFor = System.nanoTime() - failingSince;
            if (failedProbes >= o.hangProbes() && failingFor >= o.hangTimeout().toNanos()) {
                record(LaunchedEngine.failure(FailureKind.HUNG, engine.name() + " " + server.label() + " (pid "
                                + process.pid() + ") is alive but failed " + failedProbes
                                + " health probes in a row over " + Duration.ofNanos(failingFor).toMillis()
                                + " ms; last: " + h.detail(),
                        "the engine is stuck: restart it; if it keeps happening, see its log", OptionalInt.empty(),
                        process.tail(o.tailLines()), Optional.of(process.logFile())));
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: watchdog check failed: {}", engine.name(), e.toString());
        }
    }

    private void record(LaunchFailure f) {
        if (failed.complete(f)) {
            engine.failed();
            LOG.warn("{} (start {}) failed: {}", engine.name(), start, f.summary());
        }
    }
}
