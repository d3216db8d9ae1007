package io.qmeter.engines.process;

import io.qmeter.engines.FatalPattern;
import io.qmeter.engines.ProcessSpec;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One program started from a {@link ProcessSpec} and watched: its argument list goes to
 * {@link ProcessBuilder} as is (never through a shell), with the spec's environment added to the
 * JVM's and its working directory. Standard output and standard error are drained on two threads
 * of their own into one log file (lines unchanged, in the order
 * they arrived) and into a ring buffer of the last lines; every line is checked against the
 * fatal patterns, in order, and the first line that matches is kept as {@link #fatal()}.
 *
 * <p>{@link #stop(Duration)} stops the whole process tree (SIGTERM to the process and every
 * descendant, the grace period, then SIGKILL) and is idempotent; a JVM shutdown hook stops every
 * process still running. Descendants seen by {@link #refreshDescendants()} are remembered, so that
 * workers re-parented after their parent crashed are still stopped. {@link #awaitOutput(Duration)}
 * joins the draining threads, so that the tail read after an exit is complete.
 *
 * <pre>{@code
 * ProcessSpec spec = new ProcessSpec("server", List.of("llama-server", "-m", "m.gguf"), Map.of(), Optional.empty());
 * try (SupervisedProcess p = SupervisedProcess.start(spec, Path.of("/tmp/llama.log"), 500, List.of())) {
 *     if (!p.isAlive()) {
 *         p.awaitOutput(Duration.ofSeconds(2));
 *         System.out.println("exited " + p.exitCode() + ": " + p.tail(20));
 *     }
 * }
 * }</pre>
 */
public final class SupervisedProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisedProcess.class);
    /** Lines longer than this are cut in the ring buffer (the log file keeps them whole). */
    static final int MAX_LINE_CHARS = 4_000;
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    private final ProcessSpec spec;
    private final Process process;
    private final Path logFile;
    private final BufferedWriter log;
    private final int ringLines;
    private final Deque<String> ring;
    private final List<FatalPattern> patterns;
    private final AtomicReference<FatalMatch> fatal = new AtomicReference<>();
    private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread outPump;
    private final Thread errPump;
    private final long startNanos = System.nanoTime();

    private SupervisedProcess(ProcessSpec spec, Process process, Path logFile, BufferedWriter log, int ringLines,
                              List<FatalPattern> patterns) {
        this.spec = spec;
        this.process = process;
        this.logFile = logFile;
        this.log = log;
        this.ringLines = ringLines;
        this.ring = new ArrayDeque<>(Math.min(ringLines, 1024));
        this.patterns = List.copyOf(patterns);
        String name = "qmeter-" + spec.label() + "-" + process.pid();
        this.outPump = new Thread(() -> drain(process.getInputStream(), "out"), name + "-stdout");
        this.errPump = new Thread(() -> drain(process.getErrorStream(), "err"), name + "-stderr");
        outPump.setDaemon(true);
        errPump.setDaemon(true);
    }

    /**
     * Starts the program.
     *
     * @param spec      what to run
     * @param logFile   where its output goes (created or truncated; parent folders are created)
     * @param ringLines how many of its last lines to keep in memory, &ge; 1
     * @param patterns  fatal log-line patterns, checked in order on every line
     * @return the running process
     * @throws IOException when the log file cannot be written or the program cannot be started
     *                     (not found, not executable); the message names the program
     */
    public static SupervisedProcess start(ProcessSpec spec, Path logFile, int ringLines, List<FatalPattern> patterns)
            throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(patterns, "patterns");
        if (ringLines < 1) {
            throw new IllegalArgumentException("ringLines must be >= 1, was " + ringLines);
        }
        Path parent = logFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BufferedWriter w = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
        ProcessBuilder pb = new ProcessBuilder(spec.command());
        pb.environment().putAll(spec.environment());
        spec.workingDirectory().ifPresent(d -> pb.directory(d.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            w.write("qmeter: could not start " + spec.command() + ": " + e.getMessage());
            w.newLine();
            w.close();
            throw e;
        }
        SupervisedProcess sp = new SupervisedProcess(spec, p, logFile, w, ringLines, patterns);
        Reaper.register(sp);
        sp.outPump.start();
        sp.errPump.start();
        LOG.info("started {} (pid {}): {}; log {}", spec.label(), p.pid(), spec.command(), logFile);
        return sp;
    }

    private void drain(InputStream in, String stream) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                accept(line, stream);
            }
        } catch (IOException e) {
            // the stream was closed under us (the process was killed): the output ends here
            LOG.debug("{} {}: output ended: {}", spec.label(), stream, e.toString());
        }
    }

    private void accept(String line, String stream) {
        String kept = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + " [cut]" : line;
        synchronized (ring) { // one lock for both, so that the ring is the file's last lines
            if (ring.size() == ringLines) {
                ring.removeFirst();
            }
            ring.addLast(kept);
            try {
                log.write(line);
                log.newLine();
                log.flush();
            } catch (IOException e) {
                LOG.debug("{}: log file {} not writable: {}", spec.label(), logFile, e.toString());
            }
        }
        if (fatal.get() == null) {
            for (FatalPattern fp : patterns) {
                if (fp.matches(line)) {
                    if (fatal.compareAndSet(null, new FatalMatch(fp, kept))) {
                        LOG.warn("{} (pid {}) logged a fatal line ({}): {}", spec.label(), process.pid(), fp.kind(),
                                kept);
                    }
                    break;
                }
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("[{} {}] {}", spec.label(), stream, kept);
        }
    }

    /** @return the spec this process was started from */
    public ProcessSpec spec() {
        return spec;
    }

    /** @return the operating-system process id */
    public long pid() {
        return process.pid();
    }

    /** @return the process handle (for its descendants, its start time...) */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** @return the log file of this start */
    public Path logFile() {
        return logFile;
    }

    /** @return true while the process has not exited */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return the exit status once the process has exited, else empty */
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** @return how long since the start */
    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * Waits for the process to exit, at most {@code max}; returns early when it exits.
     *
     * @param max the most to wait
     * @return true when the process has exited
     */
    public boolean waitFor(Duration max) {
        try {
            return process.waitFor(Math.max(0, max.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /**
     * Joins the threads draining the output (call after the process exited, before reading its
     * tail, so that no line is still in flight).
     *
     * @param max the most to wait for both
     * @return true when both have finished
     */
    public boolean awaitOutput(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        try {
            outPump.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            errPump.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !outPump.isAlive() && !errPump.isAlive();
    }

    /**
     * The first log line that matched a fatal pattern, if any has.
     *
     * @return the match
     */
    public Optional<FatalMatch> fatal() {
        return Optional.ofNullable(fatal.get());
    }

    /**
     * The last lines of output (stdout and stderr interleaved as they arrived).
     *
     * @param maxLines how many at most
     * @return the lines, oldest first
     */
    public List<String> tail(int maxLines) {
        synchronized (ring) {
            int skip = Math.max(0, ring.size() - Math.max(0, maxLines));
            List<String> out = new ArrayList<>(ring.size() - skip);
            int i = 0;
            for (String s : ring) {
                if (i++ >= skip) {
                    out.add(s);
                }
            }
            return out;
        }
    }

    /**
     * Remembers the descendants alive now, so that they are stopped even if their parent dies
     * first. Cheap enough to call on every health probe.
     *
     * @return the descendants alive now
     */
    public List<ProcessHandle> refreshDescendants() {
        List<ProcessHandle> now = process.toHandle().descendants().toList();
        seen.addAll(now);
        seen.removeIf(h -> !h.isAlive());
        return now;
    }

    /**
     * The descendants this process has now or was seen to have, still alive.
     *
     * @return the processes
     */
    public List<ProcessHandle> knownDescendants() {
        refreshDescendants();
        return seen.stream().filter(ProcessHandle::isAlive).toList();
    }

    /**
     * Stops the whole tree (SIGTERM, {@code grace}, SIGKILL), waits for the output to be drained
     * and closes the log file. Idempotent: later calls return at once.
     *
     * @param grace how long to let it terminate before killing it
     */
    public void stop(Duration grace) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            if (process.isAlive()) {
                refreshDescendants();
            }
            List<ProcessHandle> left = ProcessTree.kill(process.toHandle(), seen, grace);
            if (!left.isEmpty()) {
                LOG.warn("{}: processes {} survived SIGKILL", spec.label(),
                        left.stream().map(ProcessHandle::pid).toList());
            }
            awaitOutput(Duration.ofSeconds(5));
            synchronized (ring) {
                try {
                    log.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        } finally {
            Reaper.unregister(this);
        }
        LOG.info("stopped {} (pid {}, exit {})", spec.label(), process.pid(),
                process.isAlive() ? "none" : Integer.toString(process.exitValue()));
    }

    /** Sends SIGTERM to the tree without waiting (the shutdown hook's first pass). */
    void terminateQuietly() {
        if (stopped.get()) {
            return;
        }
        for (ProcessHandle h : ProcessTree.snapshot(process.toHandle())) {
            h.destroy();
        }
        seen.forEach(ProcessHandle::destroy);
    }

    /** @return whether {@link #stop(Duration)} was called */
    public boolean stopped() {
        return stopped.get();
    }

    /** Stops the tree with a ten-second grace period. */
    @Override
    public void close() {
        stop(DEFAULT_GRACE);
    }

    @Override
    public String toString() {
        return spec.label() + "[pid " + process.pid() + (process.isAlive() ? ", running" : ", exited "
                + process.exitValue()) + "]";
    }
}
