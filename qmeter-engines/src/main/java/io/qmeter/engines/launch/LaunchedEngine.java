package io.qmeter.engines.launch;

import io.qmeter.engine.Engine;
import io.qmeter.engine.Health;
import io.qmeter.engines.EngineDialect;
import io.qmeter.engines.FailureKind;
import io.qmeter.engines.LaunchPlan;
import io.qmeter.engines.ProcessSpec;
import io.qmeter.engines.ServerConfig;
import io.qmeter.engines.process.FatalMatch;
import io.qmeter.engines.process.SupervisedProcess;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serving engine that qMeter launches itself: an {@link EngineDialect} (which program, which
 * flags, which log lines are fatal) and a {@link ServerConfig} (model, quantization, GPUs, port),
 * started under supervision.
 *
 * <p>{@link #start()}:
 * <ol>
 *   <li>runs the launch plan's preparation steps once per engine (each must exit 0, else
 *       {@link FailureKind#PREPARATION_FAILED} with that step's log tail);</li>
 *   <li>picks a free port when {@link LaunchOptions#freePort()} is set, else checks that the
 *       configuration's port is free ({@link FailureKind#ADDRESS_IN_USE} at once when it is not, so
 *       that qMeter never probes someone else's server);</li>
 *   <li>starts the server ({@link FailureKind#NOT_EXECUTABLE} when the program cannot be run) with
 *       {@code CUDA_VISIBLE_DEVICES} set to the configuration's GPUs when the dialect did not set it;</li>
 *   <li>probes the dialect's readiness paths until one answers 200, within the start deadline,
 *       checking on every probe that the process is alive: when it exits, the start fails at once
 *       with its exit status, its log tail and the cause its log names ({@link FailureKind#CRASHED}
 *       when none does); a fatal log line ends the start too, after a short settle; the deadline
 *       gives {@link FailureKind#START_TIMEOUT}.</li>
 * </ol>
 * Every failure stops the whole process tree and throws an {@link EngineLaunchException}. Each
 * start writes its own log files ({@code ENGINE-CONFIG-pJVMPID-eENGINE-sSTART-LABEL.log} in
 * {@link LaunchOptions#logDirectory()}). The engine may be started again after its handle was
 * closed (a restart); the preparation is not repeated. A start that follows a failure (a failed
 * start, or a handle whose watchdog saw a crash or hang) first waits
 * {@link LaunchOptions#restartBackoff()}, doubled for each further failure in a row, at most
 * {@link LaunchOptions#MAX_RESTART_BACKOFF}; a handle closed without failure ends the row.
 *
 * <pre>{@code
 * LaunchedEngine e = LaunchedEngine.of(EngineDialects.find("llama.cpp"),
 *         ServerConfig.of("/models/tiny-q8_0.gguf", "Q8_0").withGpus(List.of(0)),
 *         LaunchOptions.defaults().withFreePort(true));
 * try (LaunchedHandle h = e.start()) {
 *     System.out.println(h.baseUrl() + " " + h.health());
 *     h.failure().ifPresent(f -> System.out.println(f.summary()));
 * }
 * }</pre>
 */
public final class LaunchedEngine implements Engine {

    private static final Logger LOG = LoggerFactory.getLogger(LaunchedEngine.class);

    private final EngineDialect dialect;
    private final ServerConfig config;
    private final LaunchOptions options;
    private final Map<String, Object> labels;
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Map<Integer, Long> RECENT_PORTS = new ConcurrentHashMap<>();
    private static final long RECENT_PORT_NANOS = Duration.ofMinutes(1).toNanos();

    private final int instance = INSTANCES.incrementAndGet();
    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private volatile boolean prepared;

    private LaunchedEngine(EngineDialect dialect, ServerConfig config, LaunchOptions options,
                           Map<String, Object> labels) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
        this.labels = Map.copyOf(labels);
    }

    /**
     * An engine of this dialect for this configuration.
     *
     * @param dialect the engine program's dialect
     * @param config  the configuration
     * @param options how to start and watch it
     * @return the engine (not started)
     */
    public static LaunchedEngine of(EngineDialect dialect, ServerConfig config, LaunchOptions options) {
        return new LaunchedEngine(dialect, config, options, Map.of());
    }

    /**
     * A copy that adds these entries to {@link #describe()} (for example the GPU's type name).
     *
     * @param extra the entries
     * @return the copy (a fresh engine: its start count and preparation state start over)
     */
    public LaunchedEngine withDescription(Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>(labels);
        m.putAll(extra);
        return new LaunchedEngine(dialect, config, options, m);
    }

    /** @return the dialect */
    public EngineDialect dialect() {
        return dialect;
    }

    /** @return the configuration */
    public ServerConfig config() {
        return config;
    }

    /** @return the options */
    public LaunchOptions options() {
        return options;
    }

    /** @return how many times {@link #start()} was called */
    public int starts() {
        return starts.get();
    }

    @Override
    public String name() {
        return dialect.name();
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", dialect.name());
        m.put("model", config.model());
        m.put("quantization", config.quantization());
        config.kvCacheType().ifPresent(k -> m.put("kvCacheType", k));
        m.put("tensorParallel", config.tensorParallel());
        m.put("gpus", gpuList(config.gpus()));
        m.putAll(labels);
        return m;
    }

    @Override
    public LaunchedHandle start() throws EngineLaunchException {
        int n = starts.incrementAndGet();
        backOff();
        try {
            return launch(n);
        } catch (RuntimeException e) {
            failuresInARow.incrementAndGet();
            throw e;
        }
    }

    /** The pause before a start that follows failures in a row: the backoff, doubled per failure. */
    Duration backoff() {
        int k = failuresInARow.get();
        if (k == 0 || options.restartBackoff().isZero()) {
            return Duration.ZERO;
        }
        Duration d = options.restartBackoff().multipliedBy(1L << Math.min(k - 1, 20));
        return d.compareTo(LaunchOptions.MAX_RESTART_BACKOFF) > 0 ? LaunchOptions.MAX_RESTART_BACKOFF : d;
    }

    /** A handle of this engine noticed a failure (a crash or hang while serving). */
    void failed() {
        failuresInARow.incrementAndGet();
    }

    /** A handle of this engine was closed with no failure: the failures in a row are over. */
    void closedHealthy() {
        failuresInARow.set(0);
    }

    private void backOff() {
        Duration d = backoff();
        if (d.isZero()) {
            return;
        }
        LOG.info("{}: waiting {} ms before starting again after {} failure(s) in a row", dialect.name(), d.toMillis(),
                failuresInARow.get());
        try {
            Thread.sleep(d.toMillis()); // a bounded pause between restarts of a failing engine, not a test's wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineLaunchException(failure(FailureKind.START_TIMEOUT, "interrupted while waiting to restart "
                    + dialect.name(), "the caller gave up (cancelled)", OptionalInt.empty(), List.of(),
                    Optional.empty()), e);
        }
    }

    private LaunchedHandle launch(int n) {
        ServerConfig c = options.freePort() ? config.withPort(pickPort()) : config;
        LaunchPlan plan = plan(c);
        if (!prepared) {
            for (ProcessSpec step : plan.preparation()) {
                prepare(resolve(step, false, c), n);
            }
            prepared = true;
            if (options.freePort() && !plan.preparation().isEmpty()) {
                // the steps may have taken long: a port free now, not one picked before them
                c = config.withPort(pickPort());
                plan = plan(c);
            }
        }
        if (!options.freePort()) {
            checkPortFree();
        }
        ProcessSpec server = resolve(plan.server(), true, c);
        Path logFile = logFile(n, server.label());
        SupervisedProcess p;
        try {
            p = SupervisedProcess.start(server, logFile, options.tailLines(), dialect.fatalPatterns());
        } catch (IOException e) {
            throw new EngineLaunchException(failure(FailureKind.NOT_EXECUTABLE,
                    "could not run " + server.command().get(0) + ": " + e.getMessage(),
                    "install " + dialect.name() + " or name its program with the 'executable' setting",
                    OptionalInt.empty(), List.of(), Optional.of(logFile)), e);
        }
        awaitReady(p, plan);
        LOG.info("{} ready at {} after {} ms (start {}, pid {})", dialect.name(), plan.baseUrl(),
                p.uptime().toMillis(), n, p.pid());
        return new LaunchedHandle(this, c, plan, server, p, n);
    }

    // ------------------------------------------------------------------ ports

    private LaunchPlan plan(ServerConfig c) {
        try {
            return dialect.plan(c);
        } catch (IllegalArgumentException e) {
            throw new EngineLaunchException(failure(FailureKind.UNSUPPORTED_QUANTIZATION,
                    dialect.name() + " refused the configuration: " + e.getMessage(),
                    "choose a quantization method, KV-cache type or tensor-parallel degree this engine supports",
                    OptionalInt.empty(), List.of(), Optional.empty()), e);
        }
    }

    private int pickPort() {
        try {
            return freePort(config.host());
        } catch (IOException e) {
            throw new EngineLaunchException(failure(FailureKind.ADDRESS_IN_USE,
                    "no free port on " + config.host() + ": " + e.getMessage(),
                    "check that the host address is one of this machine's", OptionalInt.empty(), List.of(),
                    Optional.empty()), e);
        }
    }

    private void checkPortFree() {
        if (!portFree(config.host(), config.port())) {
            throw new EngineLaunchException(failure(FailureKind.ADDRESS_IN_USE,
                    "port " + config.port() + " on " + config.host() + " is already in use, before "
                            + dialect.name() + " was started",
                    "stop the process that listens there or choose another port (port 0 picks a free one)",
                    OptionalInt.empty(), List.of(), Optional.empty()), null);
        }
    }

    /**
     * A port free on the host now, not handed out in the last minute by this JVM (two engines
     * starting at once must not both get the port the other one has not bound yet).
     */
    static int freePort(String host) throws IOException {
        long now = System.nanoTime();
        RECENT_PORTS.values().removeIf(t -> now - t > RECENT_PORT_NANOS);
        for (int i = 0; i < 20; i++) {
            int p;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
                p = s.getLocalPort();
            }
            if (RECENT_PORTS.putIfAbsent(p, now) == null) {
                return p;
            }
        }
        throw new IOException("the system kept offering ports this JVM handed out in the last minute");
    }

    static boolean portFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1);
            return true;
        } catch (BindException e) {
            return false;
        } catch (IOException e) {
            return true; // not a port conflict (an odd host name): let the engine report it
        }
    }

    // ------------------------------------------------------------------ preparation

    private void prepare(ProcessSpec step, int n) {
        Path logFile = logFile(n, step.label());
        SupervisedProcess p;
        try {
            p = SupervisedProcess.start(step, logFile, options.tailLines(), dialect.fatalPatterns());
        } catch (IOException e) {
            throw new EngineLaunchException(failure(FailureKind.PREPARATION_FAILED,
                    "preparation step '" + step.label() + "' could not run " + step.command().get(0) + ": "
                            + e.getMessage(), "install the program it needs or put it in the 'binDir' folder",
                    OptionalInt.empty(), List.of(), Optional.of(logFile)), e);
        }
        try {
            if (!p.waitFor(options.preparationTimeout())) {
                p.stop(options.stopGrace());
                throw new EngineLaunchException(failure(FailureKind.PREPARATION_FAILED,
                        "preparation step '" + step.label() + "' did not finish within "
                                + options.preparationTimeout(), "raise the preparation timeout, or check its log",
                        OptionalInt.empty(), p.tail(options.tailLines()), Optional.of(logFile)), null);
            }
            p.awaitOutput(Duration.ofSeconds(5));
            int code = p.exitCode().orElse(-1);
            if (code != 0) {
                Optional<FatalMatch> m = cause(p);
                throw new EngineLaunchException(failure(FailureKind.PREPARATION_FAILED,
                        "preparation step '" + step.label() + "' exited with status " + code
                                + m.map(x -> "; it logged '" + x.line() + "' (" + x.pattern().kind() + ")").orElse(""),
                        m.map(x -> x.pattern().advice()).orElse("see the step's log: " + logFile),
                        OptionalInt.of(code), p.tail(options.tailLines()), Optional.of(logFile)), null);
            }
            LOG.info("{}: preparation step '{}' done in {} ms", dialect.name(), step.label(), p.uptime().toMillis());
        } finally {
            p.stop(options.stopGrace());
        }
    }

    // ------------------------------------------------------------------ readiness

    private void awaitReady(SupervisedProcess p, LaunchPlan plan) {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        long fatalSince = -1;
        Health last = new Health(Health.Status.STARTING, "not probed yet");
        try {
            while (true) {
                p.refreshDescendants();
                if (!p.isAlive()) {
                    throw new EngineLaunchException(exitFailure(p, "while starting"), null);
                }
                Optional<FatalMatch> fatal = p.fatal();
                if (fatal.isPresent()) {
                    if (fatalSince < 0) {
                        fatalSince = System.nanoTime();
                    } else if (System.nanoTime() - fatalSince >= options.fatalSettle().toNanos()) {
                        FatalMatch m = fatal.get();
                        throw new EngineLaunchException(failure(m.pattern().kind(),
                                p.spec().label() + " logged '" + m.line() + "' while starting and did not exit",
                                m.pattern().advice(), OptionalInt.empty(), p.tail(options.tailLines()),
                                Optional.of(p.logFile())), null);
                    }
                }
                long left = deadline - System.nanoTime();
                if (Thread.currentThread().isInterrupted()) {
                    throw new EngineLaunchException(failure(FailureKind.START_TIMEOUT, "interrupted while waiting for "
                            + dialect.name() + " to be ready", "the caller gave up waiting (cancelled)",
                            OptionalInt.empty(), p.tail(options.tailLines()), Optional.of(p.logFile())), null);
                }
                if (left <= 0) {
                    throw new EngineLaunchException(failure(FailureKind.START_TIMEOUT,
                            dialect.name() + " was not ready within " + options.startTimeout() + " (its process is "
                                    + "alive; last probe: " + last.detail() + ")",
                            "raise the start timeout ('startTimeout') if the model is large, else see the log",
                            OptionalInt.empty(), p.tail(options.tailLines()), Optional.of(p.logFile())), null);
                }
                Duration probeTimeout = min(options.probeTimeout(), Duration.ofNanos(Math.max(left, 1_000_000)));
                last = Probe.health(plan.baseUrl(), dialect.readinessPaths(), probeTimeout);
                if (last.isUp()) {
                    if (p.isAlive()) {
                        return;
                    }
                    continue; // it answered and died at once: reported as an exit on the next turn
                }
                left = deadline - System.nanoTime();
                // waits the interval, or less when the process exits meanwhile
                p.waitFor(min(options.probeInterval(), Duration.ofNanos(Math.max(left, 0))));
            }
        } catch (RuntimeException e) {
            p.stop(options.stopGrace());
            throw e;
        }
    }

    /** The failure of a process that exited: its status, the cause its log names, its tail. */
    LaunchFailure exitFailure(SupervisedProcess p, String when) {
        p.awaitOutput(Duration.ofSeconds(2));
        int code = p.exitCode().orElse(-1);
        Optional<FatalMatch> m = cause(p);
        FailureKind kind = m.map(x -> x.pattern().kind()).orElse(FailureKind.CRASHED);
        String status = code > 128 ? "status " + code + " (signal " + (code - 128) + ")" : "status " + code;
        String msg = dialect.name() + " " + p.spec().label() + " (pid " + p.pid() + ") exited " + when + " with "
                + status + " after " + p.uptime().toMillis() + " ms"
                + m.map(x -> "; it logged '" + x.line() + "'").orElse("; its log names no known cause");
        String advice = m.map(x -> x.pattern().advice()).orElse("read the log tail for the reason");
        return failure(kind, msg, advice, OptionalInt.of(code), p.tail(options.tailLines()), Optional.of(p.logFile()));
    }

    private Optional<FatalMatch> cause(SupervisedProcess p) {
        Optional<FatalMatch> own = p.fatal();
        return own.isPresent() ? own : CommonFatalPatterns.classify(p.tail(options.tailLines()));
    }

    static LaunchFailure failure(FailureKind kind, String message, String advice, OptionalInt exit, List<String> tail,
                                 Optional<Path> logFile) {
        return new LaunchFailure(kind, message, advice, exit, tail, logFile, Instant.now());
    }

    // ------------------------------------------------------------------ processes

    private ProcessSpec resolve(ProcessSpec spec, boolean server, ServerConfig c) {
        List<String> cmd = new ArrayList<>(spec.command());
        String program = cmd.get(0);
        if (server && options.executable().isPresent()) {
            cmd.set(0, options.executable().get().toString());
        } else if (options.binDirectory().isPresent() && !program.contains("/")) {
            Path candidate = options.binDirectory().get().resolve(program);
            if (Files.isExecutable(candidate)) {
                cmd.set(0, candidate.toAbsolutePath().toString());
            }
        }
        Map<String, String> env = new HashMap<>(spec.environment());
        env.putAll(options.environment());
        if (server && !c.gpus().isEmpty()) {
            env.putIfAbsent("CUDA_VISIBLE_DEVICES", gpuList(c.gpus()));
        }
        spec.workingDirectory().ifPresent(d -> {
            try {
                Files.createDirectories(d);
            } catch (IOException e) {
                throw new EngineLaunchException(failure(FailureKind.NOT_EXECUTABLE, "the working directory " + d
                        + " of '" + spec.label() + "' cannot be created: " + e, "choose a writable 'workDir'",
                        OptionalInt.empty(), List.of(), Optional.empty()), e);
            }
        });
        return new ProcessSpec(spec.label(), cmd, env, spec.workingDirectory());
    }

    private Path logFile(int n, String label) {
        String model = config.model();
        int slash = Math.max(model.lastIndexOf('/'), model.lastIndexOf('\\'));
        String slug = model.substring(slash + 1) + "_" + config.quantization()
                + config.kvCacheType().map(k -> "_kv-" + k).orElse("") + "_tp" + config.tensorParallel();
        slug = slug.replaceAll("[^A-Za-z0-9._-]+", "-");
        if (slug.length() > 80) {
            slug = slug.substring(0, 80);
        }
        String engine = dialect.name().replaceAll("[^A-Za-z0-9._-]+", "-");
        String l = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-");
        return options.logDirectory().resolve(engine + "-" + slug + "-p" + ProcessHandle.current().pid()
                + "-e" + instance + "-s" + n
                + "-" + l + ".log");
    }

    static String gpuList(List<Integer> gpus) {
        return gpus.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
