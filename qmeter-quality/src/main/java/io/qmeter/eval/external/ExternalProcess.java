package io.qmeter.eval.external;

import io.qmeter.quality.QualityException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external quality suite's process for the drivers of this package: output and errors into
 * a log file, a time limit after which it and its descendants are stopped, and a
 * {@link QualityException} naming the tool, what went wrong and its log's tail.
 */
final class ExternalProcess {

    private static final int TAIL_LINES = 20;

    private ExternalProcess() {
    }

    /**
     * Starts the process and waits for it to exit with code 0.
     *
     * @param tool        the tool's name in messages ("lm-eval")
     * @param pb          the command, its environment and folder; its output is redirected here
     * @param log         the file that receives its output and errors
     * @param timeout     the longest it may run
     * @param installHint what to do when it cannot be started ("Install it with: ...")
     * @param timeoutHint the setting to raise when it runs too long ("withTimeout(...)")
     * @throws QualityException when it cannot be started, is interrupted, runs past the time limit or
     *                          exits with another code
     */
    static void run(String tool, ProcessBuilder pb, Path log, Duration timeout, String installHint,
            String timeoutHint) {
        List<String> cmd = pb.command();
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new QualityException(tool + " could not be started: '" + cmd.get(0) + "' was not found or is not "
                    + "executable (" + e.getMessage() + "). " + installHint, e);
        }
        boolean done;
        try {
            done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            stop(p);
            Thread.currentThread().interrupt();
            throw new QualityException("interrupted while " + tool + " ran; it was stopped", e);
        }
        if (!done) {
            stop(p);
            throw new QualityException(tool + " ran longer than " + timeout + " and was stopped; raise "
                    + timeoutHint + ". Its log's tail:\n" + tail(log));
        }
        if (p.exitValue() != 0) {
            throw new QualityException(tool + " exited with code " + p.exitValue() + " (command: "
                    + String.join(" ", cmd) + "). Its log's tail (" + log + "):\n" + tail(log));
        }
    }

    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /**
     * The last 20 lines of a log, indented, or why there is none.
     *
     * @param log the log file
     * @return the tail for an error message
     */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "  (no log: " + e.getMessage() + ")";
        }
    }

    /**
     * When a file was last modified, or the epoch when that cannot be read (the file vanished).
     *
     * @param f the file
     * @return its modification time
     */
    static FileTime modified(Path f) {
        try {
            return Files.getLastModifiedTime(f);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
