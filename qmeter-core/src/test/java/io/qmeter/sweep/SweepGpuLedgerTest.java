package io.qmeter.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SweepGpuLedgerTest {

    @Test
    void aGpuIsHeldByOneConfigurationAtATimeAllOrNone() {
        GpuLedger l = new GpuLedger();
        assertThat(l.tryClaim("a", List.of(0))).isEmpty();
        assertThat(l.tryClaim("a", List.of(0))).as("claiming again is harmless").isEmpty();
        assertThat(l.tryClaim("b", List.of(1, 0))).get().asString().contains("a").contains("GPU 0");
        assertThat(l.held()).containsExactly(0).as("b got none of its GPUs, not even GPU 1");
        assertThat(l.tryClaim("c", List.of(2))).isEmpty();
        assertThat(l.tryClaim("d", List.of())).as("an engine without GPUs claims nothing").isEmpty();
        l.release("a");
        assertThat(l.tryClaim("b", List.of(1, 0))).isEmpty();
        assertThat(l.held()).containsExactly(0, 1, 2);
    }

    @Test
    void aRefusedStartCountsAsADisturbanceOfTheHeldGpus() {
        GpuLedger l = new GpuLedger();
        l.tryClaim("a", List.of(0, 1));
        long before = l.disturbances(List.of(0));
        l.tryClaim("b", List.of(1));
        assertThat(l.disturbances(List.of(0, 1))).isGreaterThan(l.disturbances(List.of(0)));
        assertThat(l.disturbances(List.of(0))).isEqualTo(before);
        assertThat(l.disturbances(List.of(2))).isZero();
    }

    @Test
    void releaseWakesAWaiter() throws Exception {
        GpuLedger l = new GpuLedger();
        l.tryClaim("a", List.of(3));
        assertThat(l.awaitFree("b", List.of(3), Duration.ofMillis(1))).isFalse();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return l.awaitFree("b", List.of(3), Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        l.release("a");
        assertThat(waiter.get(20, TimeUnit.SECONDS)).isTrue();
    }
}
