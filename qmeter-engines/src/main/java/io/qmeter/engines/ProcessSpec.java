package io.qmeter.engines;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One program to run: an argument list (never a shell line), the environment it adds, and where it
 * runs.
 *
 * <pre>{@code
 * ProcessSpec p = new ProcessSpec("server", List.of("llama-server", "-m", "m.gguf", "--port", "8080"),
 *         Map.of("CUDA_VISIBLE_DEVICES", "0"), Optional.empty());
 * }</pre>
 *
 * @param label            a short name for logs and log files, e.g. {@code "server"} or {@code "quantize"}
 * @param command          the program and its arguments; the first element is the executable
 * @param environment      variables added to (or replacing those of) the JVM's environment
 * @param workingDirectory where the program runs; empty for the JVM's working directory
 */
public record ProcessSpec(String label, List<String> command, Map<String, String> environment,
                          Optional<Path> workingDirectory) {

    /** Validates and copies. */
    public ProcessSpec {
        Objects.requireNonNull(label, "label");
        command = List.copyOf(Objects.requireNonNull(command, "command"));
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("command must name an executable, was " + command);
        }
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        Objects.requireNonNull(workingDirectory, "workingDirectory");
    }
}
