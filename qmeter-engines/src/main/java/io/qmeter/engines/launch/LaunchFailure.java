package io.qmeter.engines.launch;

import io.qmeter.engines.FailureKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Why a launched engine failed: the typed cause, what was seen, what to do, and its last log lines.
 *
 * <pre>{@code
 * handle.failure().ifPresent(f -> System.out.println(f.kind() + ": " + f.message() + "; " + f.advice()));
 * }</pre>
 *
 * @param kind     the cause
 * @param message  what happened (the exit status, the log line that names it, the deadline missed)
 * @param advice   what the user can do about it
 * @param exitCode the process's exit status, when it exited
 * @param logTail  the last log lines, oldest first
 * @param logFile  the log file of that start, when there is one
 * @param at       when it was noticed
 */
public record LaunchFailure(FailureKind kind, String message, String advice, OptionalInt exitCode,
                            List<String> logTail, Optional<Path> logFile, Instant at) {

    /** Validates and copies. */
    public LaunchFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(advice, "advice");
        Objects.requireNonNull(exitCode, "exitCode");
        logTail = List.copyOf(logTail);
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(at, "at");
    }

    /**
     * One line for reports: kind, message, advice and the log file.
     *
     * @return the summary
     */
    public String summary() {
        return kind + ": " + message + (advice.isBlank() ? "" : "; " + advice)
                + logFile.map(f -> " (log: " + f + ")").orElse("");
    }
}
