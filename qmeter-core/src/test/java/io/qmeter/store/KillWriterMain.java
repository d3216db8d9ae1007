package io.qmeter.store;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * A child process for {@link SqliteKillTest}: writes runs p0..p(n-1) of one plan to an SQLite
 * store, skipping keys already stored (resume), and prints {@code ACK key} after each put returns
 * ({@code SKIP key} for a skipped one, {@code DONE} at the end).
 */
public final class KillWriterMain {

    private KillWriterMain() {
    }

    static RunKey keyOf(String plan, int i) {
        return new RunKey(plan, "cfg-" + (i % 3), "p" + i, i % 2);
    }

    /**
     * Entry point.
     *
     * @param args database file, plan id, number of runs
     */
    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        String plan = args[1];
        int n = Integer.parseInt(args[2]);
        PrintStream out = System.out;
        try (ResultStore store = ResultStore.sqlite(file)) {
            for (int i = 0; i < n; i++) {
                RunKey k = keyOf(plan, i);
                if (store.contains(k)) {
                    out.println("SKIP " + k);
                } else {
                    store.put(StoredRun.ok(k, Map.of("writer", "pid-" + ProcessHandle.current().pid()),
                            Map.of("index", (double) i, "ttft_p90_ms", 100.0 + i), "{\"index\":" + i + "}"));
                    out.println("ACK " + k);
                }
                out.flush();
            }
        }
        out.println("DONE");
        out.flush();
    }
}
