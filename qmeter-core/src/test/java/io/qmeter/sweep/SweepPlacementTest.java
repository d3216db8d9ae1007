package io.qmeter.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SweepPlacementTest {

    private static PlacementJob job(Runnable body) {
        return new PlacementJob("plan", PlanTest.FP16, List.of(), body);
    }

    private static RunHandle.State awaitEnd(Placement p, RunHandle h) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!h.poll().isTerminal() && System.nanoTime() < deadline) {
            p.awaitChange(Duration.ofMillis(200));
        }
        return h.poll();
    }

    @Test
    void submitAfterCloseThrowsAndNamesTheConfiguration() {
        LocalPlacement p = new LocalPlacement();
        p.close();
        p.close(); // idempotent
        assertThatThrownBy(() -> p.submit(job(() -> { })))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed").hasMessageContaining(PlanTest.FP16.id());
    }

    @Test
    void aJobThatThrowsEndsFailedWithItsError() throws InterruptedException {
        try (LocalPlacement p = new LocalPlacement()) {
            RunHandle h = p.submit(job(() -> {
                throw new IllegalArgumentException("boom");
            }));
            assertThat(awaitEnd(p, h)).isEqualTo(RunHandle.State.FAILED);
            assertThat(h.failure()).get().extracting(Throwable::getMessage).isEqualTo("boom");
        }
    }

    @Test
    void aJobThatEndsIsDoneAndWakesTheWaiterAtOnce() throws InterruptedException {
        try (LocalPlacement p = new LocalPlacement()) {
            CountDownLatch go = new CountDownLatch(1);
            RunHandle h = p.submit(job(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(h.poll()).isIn(RunHandle.State.PENDING, RunHandle.State.RUNNING);
            go.countDown();
            long t0 = System.nanoTime();
            assertThat(awaitEnd(p, h)).isEqualTo(RunHandle.State.DONE);
            assertThat(h.failure()).isEmpty();
            // the end signal is not lost even when it came before awaitChange was called
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void closeCancelsRunningWork() throws InterruptedException {
        LocalPlacement p = new LocalPlacement();
        CountDownLatch started = new CountDownLatch(1);
        RunHandle h = p.submit(job(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        p.close();
        assertThat(awaitEnd(p, h)).isEqualTo(RunHandle.State.CANCELLED);
        h.cancel(); // harmless once ended
        assertThat(h.poll()).isEqualTo(RunHandle.State.CANCELLED);
    }

    @Test
    void aJobNeedsEveryComponent() {
        assertThatThrownBy(() -> new PlacementJob("plan", PlanTest.FP16, List.of(), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("inProcess");
    }
}
