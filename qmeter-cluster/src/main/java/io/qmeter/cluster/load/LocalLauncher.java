package io.qmeter.cluster.load;

import io.qmeter.load.LoadShard;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs every shard of a {@link ShardedLoad} as a separate JVM on this host ({@link LoadShardMain}
 * through {@link ProcessBuilder}), starts them together and merges their logs: each process is
 * started with {@code --start stdin}, and once all of them said they are ready (client built and
 * connected), the start instant, {@link #withStartMargin a margin} ahead, is written to each. Several
 * JVMs on one host help when one JVM's dispatcher or event loops are the limit and the host has
 * cores to spare; across hosts, start {@link LoadShardMain} on each with
 * {@link ShardedLoad#arguments} and one instant instead. Immutable; {@code withX} returns a copy.
 *
 * <pre>{@code
 * MergedLoad m = LocalLauncher.of(load).withJvmOptions(List.of("-Xmx1g")).run(Path.of("target/shards"));
 * System.out.println(m.summaryTable());
 * }</pre>
 */
public final class LocalLauncher {

    private final ShardedLoad load;
    private final String javaCommand;
    private final String classPath;
    private final List<String> jvmOptions;
    private final Duration startMargin;
    private final Duration readyTimeout;
    private final Duration runTimeout;

    private LocalLauncher(ShardedLoad load, String javaCommand, String classPath, List<String> jvmOptions,
                          Duration startMargin, Duration readyTimeout, Duration runTimeout) {
        this.load = Objects.requireNonNull(load, "load");
        this.javaCommand = Objects.requireNonNull(javaCommand, "javaCommand");
        this.classPath = Objects.requireNonNull(classPath, "classPath");
        this.jvmOptions = List.copyOf(jvmOptions);
        this.startMargin = positive("startMargin", startMargin);
        this.readyTimeout = positive("readyTimeout", readyTimeout);
        this.runTimeout = positive("runTimeout", runTimeout);
    }

    private static Duration positive(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + " must be > 0, was " + d);
        }
        return d;
    }

    /**
     * A launcher with this JVM's {@code java} and class path, a 2 s start margin, 2 minutes for the
     * processes to get ready, and a run timeout of twice the schedule plus 5 minutes.
     *
     * @param load the load
     * @return the launcher
     */
    public static LocalLauncher of(ShardedLoad load) {
        double scheduleSeconds = load.arrivals() / load.ratePerSecond();
        return new LocalLauncher(load, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), List.of(), Duration.ofSeconds(2), Duration.ofMinutes(2),
                Duration.ofSeconds((long) Math.ceil(2 * scheduleSeconds) + 300));
    }

    /**
     * A copy with another class path for the processes (it must hold qmeter-cluster and its dependencies).
     *
     * @param v the class path
     * @return the copy
     */
    public LocalLauncher withClassPath(String v) {
        return new LocalLauncher(load, javaCommand, v, jvmOptions, startMargin, readyTimeout, runTimeout);
    }

    /**
     * A copy with JVM options for the processes (heap, GC, logging properties).
     *
     * @param v the options
     * @return the copy
     */
    public LocalLauncher withJvmOptions(List<String> v) {
        return new LocalLauncher(load, javaCommand, classPath, v, startMargin, readyTimeout, runTimeout);
    }

    /**
     * A copy with another {@code java} command.
     *
     * @param v the command
     * @return the copy
     */
    public LocalLauncher withJavaCommand(String v) {
        return new LocalLauncher(load, v, classPath, jvmOptions, startMargin, readyTimeout, runTimeout);
    }

    /**
     * A copy with another margin between the last process getting ready and the start instant.
     *
     * @param v &gt; 0
     * @return the copy
     */
    public LocalLauncher withStartMargin(Duration v) {
        return new LocalLauncher(load, javaCommand, classPath, jvmOptions, v, readyTimeout, runTimeout);
    }

    /**
     * A copy with another limit on how long the processes may take to get ready.
     *
     * @param v &gt; 0
     * @return the copy
     */
    public LocalLauncher withReadyTimeout(Duration v) {
        return new LocalLauncher(load, javaCommand, classPath, jvmOptions, startMargin, v, runTimeout);
    }

    /**
     * A copy with another limit on the whole run, after the start.
     *
     * @param v &gt; 0
     * @return the copy
     */
    public LocalLauncher withRunTimeout(Duration v) {
        return new LocalLauncher(load, javaCommand, classPath, jvmOptions, startMargin, readyTimeout, v);
    }

    /**
     * Runs every shard and merges the logs.
     *
     * @param dir where the logs ({@code shard-i.hlog}), the full results ({@code shard-i.json}) and each
     *            process's output ({@code shard-i.out}, {@code shard-i.err}) go
     * @return the merged load
     * @throws IllegalStateException when a process failed, did not get ready or did not finish in time
     *                               (its output's tail is in the message); every process is stopped then
     */
    public MergedLoad run(Path dir) {
        return LoadMerge.merge(runShards(dir));
    }

    /**
     * Runs every shard and returns their logs, unmerged.
     *
     * @param dir the output folder (see {@link #run})
     * @return the logs, by shard index
     */
    public List<Path> runShards(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        int n = load.shards();
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(n);
        try {
            for (int i = 0; i < n; i++) {
                Path log = dir.resolve("shard-" + i + ".hlog");
                Files.deleteIfExists(log);
                logs.add(log);
                List<String> cmd = new ArrayList<>();
                cmd.add(javaCommand);
                cmd.addAll(jvmOptions);
                cmd.add("-cp");
                cmd.add(classPath);
                cmd.add(LoadShardMain.class.getName());
                cmd.addAll(load.arguments(LoadShard.of(i, n), "stdin", log));
                cmd.add("--json");
                cmd.add(dir.resolve("shard-" + i + ".json").toString());
                Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("shard-" + i + ".err").toFile()).start();
                processes.add(p);
                pump(p, dir.resolve("shard-" + i + ".out"), ready, i);
            }
            if (!ready.await(readyTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("not every shard process was ready within " + readyTimeout + ": "
                        + status(processes, dir));
            }
            Instant start = Instant.now().plus(startMargin);
            for (Process p : processes) {
                OutputStream in = p.getOutputStream();
                in.write((start + "\n").getBytes(StandardCharsets.UTF_8));
                in.close();
            }
            long deadline = System.nanoTime() + startMargin.toNanos() + runTimeout.toNanos();
            for (int i = 0; i < n; i++) {
                Process p = processes.get(i);
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    throw new IllegalStateException("shard " + i + "/" + n + " did not finish within " + runTimeout
                            + " after the start: " + status(processes, dir));
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("shard " + i + "/" + n + " exited with " + p.exitValue() + ": "
                            + tail(dir.resolve("shard-" + i + ".err")));
                }
            }
            return logs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the shard processes: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the shards ran", e);
        } finally {
            for (Process p : processes) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** Copies a process's output to a file and counts down when it says it is ready. */
    private static void pump(Process p, Path file, CountDownLatch ready, int i) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintStream out = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.println(line);
                    if (line.startsWith("qmeter-shard ready")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the process is gone; its exit status tells
            }
        }, "qmeter-shard-" + i + "-output");
        t.setDaemon(true);
        t.start();
    }

    private static String status(List<Process> processes, Path dir) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            sb.append(System.lineSeparator()).append("  shard ").append(i).append(": ")
                    .append(p.isAlive() ? "running" : "exited with " + p.exitValue()).append("; ")
                    .append(tail(dir.resolve("shard-" + i + ".err")));
        }
        return sb.toString();
    }

    private static String tail(Path file) {
        try {
            String s = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            s = s.strip();
            return s.isEmpty() ? "(no error output)" : s.length() > 2000 ? "..." + s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(cannot read " + file + ")";
        }
    }
}
