package io.qmeter.eval.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Python programs (generated code with its tests) in isolation, many at once. An immutable
 * configuration; {@code withX} returns a copy.
 *
 * <p>{@link #bubblewrap()}: each program runs as
 * {@code bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --unshare-all --die-with-parent
 * --new-session --chdir /tmp sh -c 'ulimit -v <memory>; exec python3 -'} with the program on
 * standard input and a minimal environment: no network (a new, empty network namespace), the
 * whole file system read-only except a private, empty {@code /tmp}, its own PID namespace, an
 * address-space limit ({@link #withMemoryLimitBytes(long)}, default 2 GiB) and a wall-clock limit
 * ({@link #withTimeout(Duration)}, default 3 s) after which the process and all its descendants are
 * killed. Programs run {@link #withParallelism(int)} at a time (default: the number of CPUs).
 *
 * <p>Where bubblewrap is missing or cannot create namespaces, {@link #bubblewrap()} throws a
 * {@link SandboxUnavailableException} that says how to install it. {@link #unsandboxed()} runs
 * programs as plain child processes (same time and memory limits, a fresh working folder, but full
 * access to the network and the user's files); it is only ever used when asked for, and says so
 * with a WARN.
 *
 * <pre>{@code
 * Sandbox box = Sandbox.bubblewrap().withTimeout(Duration.ofSeconds(3)).withParallelism(4);
 * List<ExecutionResult> rs = box.runAll(List.of("assert True\n", "while True: pass\n"));
 * // rs.get(0).passed() == true; rs.get(1).status() == TIMED_OUT
 * }</pre>
 */
public final class Sandbox {

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    private static final int OUTPUT_TAIL_CHARS = 4_000;

    /** How to install bubblewrap, for messages. */
    public static final String INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: sudo apt-get install -y bubblewrap; "
            + "Fedora/RHEL: sudo dnf install bubblewrap; Arch: sudo pacman -S bubblewrap)";

    private final String bwrap;
    private final String python;
    private final Duration timeout;
    private final long memoryLimitBytes;
    private final int parallelism;

    private Sandbox(String bwrap, String python, Duration timeout, long memoryLimitBytes, int parallelism) {
        this.bwrap = bwrap;
        this.python = Objects.requireNonNull(python, "python");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, was " + timeout);
        }
        if (memoryLimitBytes < 64L << 20) {
            throw new IllegalArgumentException("memoryLimitBytes must be >= 64 MiB (Python needs it to start), was "
                    + memoryLimitBytes);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
        }
        this.memoryLimitBytes = memoryLimitBytes;
        this.parallelism = parallelism;
    }

    /**
     * A bubblewrap sandbox, checked to work here (a trial run of {@code bwrap ... true}).
     *
     * @return the sandbox
     * @throws SandboxUnavailableException when {@code bwrap} is not on the PATH or cannot create a
     *                                     sandbox (for example, unprivileged user namespaces disabled)
     */
    public static Sandbox bubblewrap() {
        return bubblewrapAt(findOnPath("bwrap"));
    }

    /** {@link #bubblewrap()} with the executable given (null: not found), for tests. */
    static Sandbox bubblewrapAt(String bwrap) {
        if (bwrap == null) {
            throw new SandboxUnavailableException("bubblewrap (bwrap) is not on the PATH, and generated code is "
                    + "only run inside a sandbox: " + INSTALL_HINT + ". To run code you trust without one, "
                    + "pass Sandbox.unsandboxed() explicitly.");
        }
        List<String> probe = new ArrayList<>(isolationArgs(bwrap));
        probe.add("true");
        try {
            Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
            boolean done = p.waitFor(30, TimeUnit.SECONDS);
            String out = new String(p.getInputStream().readNBytes(2_000), StandardCharsets.UTF_8).strip();
            if (!done) {
                p.destroyForcibly();
                throw new SandboxUnavailableException("bubblewrap at " + bwrap + " did not finish a trial run in 30 s");
            }
            if (p.exitValue() != 0) {
                throw new SandboxUnavailableException("bubblewrap at " + bwrap + " cannot create a sandbox here (exit "
                        + p.exitValue() + ": " + out + "); unprivileged user namespaces may be disabled "
                        + "(sysctl kernel.unprivileged_userns_clone=1, or in a container allow them). To run code "
                        + "you trust without a sandbox, pass Sandbox.unsandboxed() explicitly.");
            }
        } catch (IOException e) {
            throw new SandboxUnavailableException("bubblewrap at " + bwrap + " could not be started: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxUnavailableException("interrupted while trying bubblewrap");
        }
        return new Sandbox(bwrap, defaultPython(), Duration.ofSeconds(3), 2L << 30,
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * No sandbox: programs run as plain child processes with the same time and memory limits but
     * full access to the network and to the user's files. Use only for code you trust; logged at WARN.
     *
     * @return the unsandboxed runner
     */
    public static Sandbox unsandboxed() {
        LOG.warn("generated code will run WITHOUT a sandbox (Sandbox.unsandboxed()): it can reach the network and "
                + "write the user's files; use only for code you trust, otherwise {}", INSTALL_HINT);
        return new Sandbox(null, defaultPython(), Duration.ofSeconds(3), 2L << 30,
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * Whether programs run inside bubblewrap.
     *
     * @return true for {@link #bubblewrap()}
     */
    public boolean isSandboxed() {
        return bwrap != null;
    }

    /**
     * A copy with another time limit per program.
     *
     * @param d the limit, &gt; 0
     * @return the copy
     */
    public Sandbox withTimeout(Duration d) {
        return new Sandbox(bwrap, python, d, memoryLimitBytes, parallelism);
    }

    /**
     * A copy with another address-space limit per program.
     *
     * @param bytes the limit, at least 64 MiB
     * @return the copy
     */
    public Sandbox withMemoryLimitBytes(long bytes) {
        return new Sandbox(bwrap, python, timeout, bytes, parallelism);
    }

    /**
     * A copy running this many programs at once in {@link #runAll(List)}.
     *
     * @param n programs at once, at least 1
     * @return the copy
     */
    public Sandbox withParallelism(int n) {
        return new Sandbox(bwrap, python, timeout, memoryLimitBytes, n);
    }

    /**
     * A copy using another Python interpreter.
     *
     * @param executable an absolute path or a name on the PATH
     * @return the copy
     */
    public Sandbox withPython(String executable) {
        return new Sandbox(bwrap, executable, timeout, memoryLimitBytes, parallelism);
    }

    /**
     * The time limit per program.
     *
     * @return the limit
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Programs run at once by {@link #runAll(List)}.
     *
     * @return the parallelism
     */
    public int parallelism() {
        return parallelism;
    }

    /**
     * Runs one program and waits for it (at most the time limit plus the time to kill it).
     *
     * @param program the Python source
     * @return how it ended; never throws for a failing program
     */
    public ExecutionResult run(String program) {
        long start = System.nanoTime();
        Path dir = null;
        Process p = null;
        try {
            dir = Files.createTempDirectory("qmeter-run-");
            Path in = dir.resolve("program.py");
            Path out = dir.resolve("output.txt");
            Files.writeString(in, program, StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>();
            if (bwrap != null) {
                cmd.addAll(isolationArgs(bwrap));
                cmd.add("--chdir");
                cmd.add("/tmp");
            }
            cmd.add("/bin/sh");
            cmd.add("-c");
            cmd.add("ulimit -v " + (memoryLimitBytes / 1024) + " && ulimit -c 0 && exec \"$0\" -");
            cmd.add(python);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(in.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            if (bwrap == null) {
                Path work = Files.createDirectory(dir.resolve("work"));
                pb.directory(work.toFile());
            }
            Map<String, String> env = pb.environment();
            String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
            env.clear();
            env.put("PATH", path);
            env.put("LANG", "C.UTF-8");
            env.put("PYTHONDONTWRITEBYTECODE", "1");
            env.put("PYTHONHASHSEED", "0");
            env.put("HOME", "/tmp");
            p = pb.start();
            boolean done = p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (!done) {
                kill(p);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                return new ExecutionResult(ExecutionResult.Status.TIMED_OUT, -1, elapsed, tail(out));
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            int code = p.exitValue();
            return new ExecutionResult(code == 0 ? ExecutionResult.Status.PASSED : ExecutionResult.Status.FAILED, code,
                    elapsed, tail(out));
        } catch (IOException e) {
            return new ExecutionResult(ExecutionResult.Status.ERROR, -1, Duration.ofNanos(System.nanoTime() - start),
                    "could not run the program: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (p != null) {
                kill(p);
            }
            return new ExecutionResult(ExecutionResult.Status.ERROR, -1, Duration.ofNanos(System.nanoTime() - start),
                    "interrupted");
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * Runs programs {@link #parallelism()} at a time and returns their results in the same order.
     *
     * @param programs the Python sources
     * @return one result per program
     */
    public List<ExecutionResult> runAll(List<String> programs) {
        if (programs.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, programs.size()), r -> {
            Thread t = new Thread(r, "qmeter-sandbox");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<ExecutionResult>> fs = new ArrayList<>();
            for (String prog : programs) {
                fs.add(pool.submit(() -> run(prog)));
            }
            List<ExecutionResult> out = new ArrayList<>(fs.size());
            for (Future<ExecutionResult> f : fs) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running programs in the sandbox", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a sandboxed run failed unexpectedly: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "Sandbox[" + (bwrap != null ? "bubblewrap " + bwrap : "UNSANDBOXED") + ", python=" + python
                + ", timeout=" + timeout + ", memory=" + (memoryLimitBytes >> 20) + " MiB, parallelism="
                + parallelism + "]";
    }

    private static List<String> isolationArgs(String bwrap) {
        return List.of(bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                "--unshare-all", "--die-with-parent", "--new-session");
    }

    private static void kill(Process p) {
        List<ProcessHandle> tree = p.descendants().toList();
        p.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path out) {
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - OUTPUT_TAIL_CHARS);
            byte[] b = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", dir, e.getMessage());
        }
    }

    private static String defaultPython() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /**
     * Whether {@code bwrap} is on the PATH (it may still be unable to create namespaces; {@link #bubblewrap()}
     * checks that too).
     *
     * @return true when bubblewrap is installed
     */
    public static boolean isBubblewrapOnPath() {
        return findOnPath("bwrap") != null;
    }

    static String findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) {
                continue;
            }
            Path f = Path.of(d, name);
            if (Files.isExecutable(f)) {
                return f.toString();
            }
        }
        return null;
    }
}
