package io.qmeter.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.load.ConstantArrivals;
import io.qmeter.internal.load.LoadOutcome;
import io.qmeter.load.LoadPlan;
import io.qmeter.internal.load.LoadRunner;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.workload.PromptSpec;
import io.qmeter.workload.SyntheticWorkload;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A cold one-off run must not pay for the client's own start-up (issue 14 #2): the event loops and
 * the connections exist before the run's time origin, so request #0's queue delay holds no loop
 * construction and no connect. Asserted on structure, not on timings.
 */
class LoadRunnerWarmUpTest {

    /** Delegates to an {@link LlmClient} and notes what existed when. */
    private static final class Watching implements RequestSender {
        final LlmClient client;
        final AtomicLong preparedAt = new AtomicLong(-1);
        final AtomicLong connectionsAtPrepared = new AtomicLong(-1);
        final AtomicLong firstScheduled = new AtomicLong(-1);
        final AtomicLong connectionsAtFirstSend = new AtomicLong(-1);

        Watching(LlmClient client) {
            this.client = client;
        }

        @Override
        public void prepare(CompletionRequest template, int concurrency) {
            client.prepare(template, concurrency);
            connectionsAtPrepared.set(client.connectionsOpened());
            preparedAt.set(System.nanoTime());
        }

        @Override
        public boolean sendsAhead() {
            return true;
        }

        @Override
        public CompletableFuture<RequestRecord> send(CompletionRequest request, long index, long scheduledNanos) {
            return client.send(request, index, scheduledNanos);
        }

        @Override
        public CompletableFuture<RequestRecord> sendAt(CompletionRequest request, long index, long scheduledNanos) {
            if (index == 0) {
                firstScheduled.set(scheduledNanos);
                connectionsAtFirstSend.set(client.connectionsOpened());
            }
            return client.sendAt(request, index, scheduledNanos);
        }

        @Override
        public LoopDelayWatch watchLoopDelay(long fromNanos, long toNanos) {
            return client.watchLoopDelay(fromNanos, toNanos);
        }

        @Override
        public void close() {
            client.close();
        }
    }

    @Test
    void aColdRunOpensItsLoopsAndConnectionsBeforeTimeZero() throws Exception {
        byte[] stream = Fixtures.bytes("llamacpp-completions-stream.txt");
        try (ScriptedServer s = ScriptedServer.start(ScriptedServer.respond(200, Map.of("Content-Type",
                "text/event-stream", "Content-Length", Integer.toString(stream.length)), stream));
             Watching sender = new Watching(LlmClient.create(s.baseUrl()))) {
            CompletionRequest template = CompletionRequest.of(Endpoint.COMPLETIONS, "m", PromptSpec.ofText("", 0, 1));
            LoadPlan plan = LoadPlan.of(new ConstantArrivals(20), SyntheticWorkload.fixed(16, 8), template, 1L,
                    null, 5);
            LoadOutcome o;
            try (LoadRunner runner = new LoadRunner(plan, sender, null)) {
                o = runner.run();
            }
            assertThat(o.records()).extracting(RequestRecord::outcome).containsOnly(Outcome.OK);
            assertThat(sender.preparedAt.get()).as("prepared before the first request was due")
                    .isPositive().isLessThan(sender.firstScheduled.get());
            assertThat(sender.connectionsAtPrepared.get()).as("a connection open before t0").isEqualTo(1);
            // request #0 found the connection opened before t0: it connected nothing itself
            assertThat(sender.connectionsAtFirstSend.get()).isEqualTo(1);
            assertThat(o.records().get(0).retried()).isFalse();
        }
    }

    @Test
    void prepareOpensUpToTheExpectedConcurrencyWithinTheConnectionLimit() throws Exception {
        byte[] stream = Fixtures.bytes("llamacpp-completions-stream.txt");
        try (ScriptedServer s = ScriptedServer.start(ScriptedServer.sse(java.util.List.of(stream), Duration.ZERO));
             LlmClient c = LlmClient.create(s.baseUrl()).maxConnections(3)) {
            c.prepare(CompletionRequest.of(Endpoint.COMPLETIONS, "m", PromptSpec.ofText("", 0, 1)), 8);
            assertThat(c.connectionsOpened()).isEqualTo(3);
            c.prepare(CompletionRequest.of(Endpoint.COMPLETIONS, "m", PromptSpec.ofText("", 0, 1)), 8);
            assertThat(c.connectionsOpened()).as("idle ones count: nothing more to open").isEqualTo(3);
        }
    }
}
