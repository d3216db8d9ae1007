package io.qmeter.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.Endpoint;
import io.qmeter.client.RequestSender;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.workload.PromptSpec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The watchdog tells a slow engine that still streams from a hung one. */
class EngineWatchTest {

    /** Requests that never complete; bytes arrive "now" when streaming, never otherwise. */
    private static final class OpenStreams implements RequestSender {
        private final boolean streaming;

        OpenStreams(boolean streaming) {
            this.streaming = streaming;
        }

        @Override
        public CompletableFuture<RequestRecord> send(CompletionRequest request, long index, long scheduledNanos) {
            return new CompletableFuture<>();
        }

        @Override
        public long lastArrivalNanos() {
            return streaming ? System.nanoTime() : Long.MIN_VALUE;
        }

        @Override
        public void close() {
        }
    }

    private static String checkAfterStall(boolean streaming) {
        Duration stall = Duration.ofMillis(30);
        // the handle's base URL refuses connections: the 1-token liveness request fails at once
        EngineWatch w = new EngineWatch(new OpenStreams(streaming),
                new SweepServerMetricsTest.ChangingHandle(false), stall);
        w.send(CompletionRequest.of(Endpoint.COMPLETIONS, "m", PromptSpec.ofText("x", 1, 64)), 0, System.nanoTime());
        long until = System.nanoTime() + 3 * stall.toNanos();
        while (System.nanoTime() < until) {
            LockSupport.parkNanos(1_000_000); // let the stall timeout pass, bounded by the deadline
        }
        return w.check();
    }

    @Test
    void anEngineThatStillStreamsTokensIsNotHungWhenNothingCompletes() {
        assertThat(checkAfterStall(true)).isNull();
    }

    @Test
    void anEngineWithOpenRequestsAndNoBytesIsHung() {
        assertThat(checkAfterStall(false)).startsWith("engine hangs: 1 requests in flight, none completed and no bytes");
    }
}
