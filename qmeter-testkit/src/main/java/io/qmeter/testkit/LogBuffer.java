package io.qmeter.testkit;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/** The last lines a test engine logged, for {@code logTail}; also forwarded to SLF4J. Package-private. */
final class LogBuffer {
    private static final int CAPACITY = 2000;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final Logger log;

    LogBuffer(Logger log) {
        this.log = log;
    }

    void info(String line) {
        log.info(line);
        add("INFO " + line);
    }

    void warn(String line) {
        log.warn(line);
        add("WARN " + line);
    }

    private synchronized void add(String line) {
        if (lines.size() == CAPACITY) {
            lines.removeFirst();
        }
        lines.addLast(Instant.now() + " " + line);
    }

    synchronized List<String> tail(int max) {
        if (max <= 0) {
            return List.of();
        }
        List<String> all = new ArrayList<>(lines);
        return List.copyOf(all.subList(Math.max(0, all.size() - max), all.size()));
    }
}
