package io.qmeter.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The console bar counts a cancelled run neither as done nor as failed, and shows it as cancelled. */
class ConsoleProgressTest {

    @Test
    void aCancelledRunIsShownAsCancelledAndNotCountedAsDone() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong nanos = new AtomicLong();
        ConsoleProgress p = ConsoleProgress.to(new PrintStream(bytes, true, StandardCharsets.UTF_8), nanos::get);
        p.onEvent(new SweepEvent.PlanStarted("plan", 4, 0, 1, 1));
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        p.onEvent(new SweepEvent.RunDone("plan", RunKey.parse("plan/c/2rps/0"), RunStatus.OK, null, 1,
                Duration.ofSeconds(10)));
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        p.onEvent(new SweepEvent.RunDone("plan", RunKey.parse("plan/c/4rps/0"), RunStatus.CANCELLED,
                "cancelled after 5.0 s", 1, Duration.ofSeconds(5)));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
        String last = lines[lines.length - 1];
        assertThat(last).contains("1/4 points (0 resumed, 0 failed, 1 cancelled)").endsWith("CANCELLED");
        // the ETA comes from the one run done: 15 s elapsed / 1 done x 3 left
        assertThat(last).contains("ETA 45s");
    }
}
