package io.qmeter.engines.process;

import io.qmeter.engines.ProcessSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Run in a child JVM by {@link SupervisedProcessIT}: starts a supervised process tree, prints its
 * pids and returns from main without stopping it; the shutdown hook must stop it.
 */
public final class ReaperProbeMain {

    private ReaperProbeMain() {
    }

    /** @param args the log file @throws Exception when the process cannot start */
    public static void main(String[] args) throws Exception {
        SupervisedProcess p = SupervisedProcess.start(new ProcessSpec("probe",
                List.of("/bin/sh", "-c", "sleep 600 & echo child $!; wait"), Map.of(), Optional.empty()),
                Path.of(args[0]), 10, List.of());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (p.refreshDescendants().isEmpty() && System.nanoTime() < deadline) {
            p.waitFor(Duration.ofMillis(20));
        }
        System.out.println("pid " + p.pid());
        for (ProcessHandle h : p.refreshDescendants()) {
            System.out.println("pid " + h.pid());
        }
        System.out.flush();
    }
}
