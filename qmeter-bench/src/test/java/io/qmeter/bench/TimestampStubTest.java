package io.qmeter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.Endpoint;
import io.qmeter.client.LlmClient;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.workload.PromptSpec;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The timestamping stub speaks valid chunked HTTP/1.1 and SSE to qMeter's own client, keeps the
 * connection alive, and writes into each token a send time that is never after the client's receive
 * time (both are {@code System.nanoTime()} of this one JVM) and never before the request was sent.
 */
class TimestampStubTest {

    private TimestampStubMain.Running stub;
    private LlmClient client;

    @BeforeEach
    void start() throws InterruptedException {
        stub = TimestampStubMain.start(0, 3_000_000, 1_000_000, 5);
        client = LlmClient.create(URI.create("http://127.0.0.1:" + stub.port())).maxConnections(1);
    }

    @AfterEach
    void stop() {
        client.close();
        stub.stop();
    }

    @Test
    void everyTokenCarriesItsSendTimeAndTheConnectionIsReused() throws Exception {
        CompletionRequest req = CompletionRequest.of(Endpoint.COMPLETIONS, "m", PromptSpec.ofTokens(new int[] {1}, 5))
                .withKeepText(true);
        for (int round = 0; round < 3; round++) { // one connection: the second and third reuse it
            RequestRecord r = client.send(req, round, System.nanoTime()).get(10, TimeUnit.SECONDS);
            assertThat(r.outcome()).as(r.error()).isEqualTo(Outcome.OK);
            assertThat(r.chunkNanos()).hasSize(5);
            assertThat(r.outputTokensServed()).isEqualTo(5);
            assertThat(r.outputCountedFromChunks()).isFalse(); // from the usage chunk
            assertThat(r.finishReason()).isEqualTo("length");
            String[] stamps = r.text().split(";");
            assertThat(stamps).hasSize(5);
            long previous = r.sentNanos();
            for (int i = 0; i < 5; i++) {
                long sent = Long.parseLong(stamps[i]);
                assertThat(sent).as("token %d sent after the previous one", i).isGreaterThanOrEqualTo(previous);
                assertThat(sent).as("token %d sent before it was received", i).isLessThanOrEqualTo(r.chunkNanos()[i]);
                previous = sent;
            }
            // the script: token i is due 3 ms + i ms after the request arrived (from the arrival, so
            // a late token does not delay the next). Never early, give or take the timer's slack. Measured
            // from the time taken before the send: the client stamps sentNanos when the write completes,
            // which on a busy machine can be after the stub (in this JVM) has read the request (CI saw
            // token 0 at 2.33 ms after sentNanos)
            for (int i = 0; i < 5; i++) {
                assertThat(Long.parseLong(stamps[i]) - r.scheduledNanos()).as("token %d", i)
                        .isGreaterThan(2_500_000L + i * 1_000_000L);
            }
        }
        assertThat(stub.accepted().get()).isEqualTo(1);
    }

    @Test
    void theStampKeepsItsDigitCountInTheChunkSize() {
        assertThat(TimestampStubMain.Stream.digits(0)).isEqualTo(1);
        assertThat(TimestampStubMain.Stream.digits(9)).isEqualTo(1);
        assertThat(TimestampStubMain.Stream.digits(10)).isEqualTo(2);
        assertThat(TimestampStubMain.Stream.digits(999_999_999_999L)).isEqualTo(12);
        assertThat(TimestampStubMain.Stream.digits(Long.MAX_VALUE)).isEqualTo(19);
    }
}
