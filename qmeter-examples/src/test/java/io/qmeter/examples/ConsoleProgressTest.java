package io.qmeter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.sweep.ConsoleProgress;
import io.qmeter.sweep.SweepEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress bar counts points and extrapolates an ETA from a virtual clock. */
class ConsoleProgressTest {

    @Test
    void theBarShowsDonePointsAndAnEtaFromTheRateSoFar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        ConsoleProgress p = ConsoleProgress.to(new PrintStream(bytes, true, StandardCharsets.UTF_8), now::get);
        p.onEvent(new SweepEvent.PlanStarted("plan", 10, 2, 1, 1));
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        p.onEvent(new SweepEvent.RunDone("plan", new RunKey("plan", "cfg", "4rps", 0), RunStatus.OK, null, 1,
                Duration.ofSeconds(30)));
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        p.onEvent(new SweepEvent.Failure("plan", "cfg", new RunKey("plan", "cfg", "8rps", 0), "engine is DOWN",
                List.of("boom"), true));
        p.onEvent(new SweepEvent.RunDone("plan", new RunKey("plan", "cfg", "8rps", 0), RunStatus.FAILED, "x", 3,
                Duration.ofSeconds(30)));

        String out = bytes.toString(StandardCharsets.UTF_8);
        // 2 stored before + 2 now of 10; 60 s for 2 points -> 6 left take 3 minutes
        assertThat(out).contains("3/10 points (2 resumed, 0 failed)").contains("ETA 3m30s");
        assertThat(out).contains("4/10 points (2 resumed, 1 failed)  elapsed 1m00s  ETA 3m00s");
        assertThat(out).contains("FAILURE engine is DOWN -- restarting and retrying");
    }
}
