package io.qmeter.cluster.slurm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a scheduler command ({@code sbatch}, {@code squeue}, {@code sacct}, {@code scancel}) and
 * returns what it printed; the seam that lets tests check the exact commands without a cluster.
 *
 * <pre>{@code
 * CommandRunner.Result r = CommandRunner.processes().run(List.of("squeue", "-h", "-j", "42"));
 * }</pre>
 */
@FunctionalInterface
public interface CommandRunner {

    /**
     * What a command did.
     *
     * @param exitCode its exit status
     * @param stdout   its standard output
     * @param stderr   its standard error
     */
    record Result(int exitCode, String stdout, String stderr) {

        /** Checks both outputs are given. */
        public Result {
            Objects.requireNonNull(stdout, "stdout");
            Objects.requireNonNull(stderr, "stderr");
        }

        /**
         * Whether it exited with 0.
         *
         * @return true on success
         */
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * Runs {@code command} (no shell), waiting for it to end.
     *
     * @param command the program and its arguments
     * @return what it did
     * @throws java.io.UncheckedIOException when it cannot be started
     */
    Result run(List<String> command);

    /**
     * Runs commands as local processes (the {@code PATH} finds the Slurm tools).
     *
     * @return the runner
     */
    static CommandRunner processes() {
        return command -> {
            try {
                Process p = new ProcessBuilder(command).start();
                p.getOutputStream().close();
                CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
                String out = read(p.getInputStream());
                int rc = p.waitFor();
                return new Result(rc, out, err.join());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("could not run " + command.get(0) + " (is Slurm installed and "
                        + "on the PATH?): " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + command.get(0), e);
            }
        };
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
