package io.qmeter.client;

import static io.qmeter.client.ScriptedServer.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.metrics.LatencyStats;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.workload.PromptSpec;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class LlmClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** Loads and links the HTTP stack once, so that short timeouts below measure the exchange, not class loading. */
    @BeforeAll
    static void warmUp() throws Exception {
        try (ScriptedServer s = ScriptedServer.start(ScriptedServer.sse(
                List.of(Fixtures.bytes("llamacpp-completions-stream.txt")), Duration.ZERO));
             LlmClient c = LlmClient.create(s.baseUrl())) {
            assertThat(c.send(completion(8), 0, System.nanoTime()).get(60, TimeUnit.SECONDS).outcome())
                    .isEqualTo(Outcome.OK);
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private ScriptedServer server(ScriptedServer.Script script) {
        ScriptedServer s = ScriptedServer.start(script);
        toClose.add(s);
        return s;
    }

    /** Streams the llama.cpp fixture after {@code delay}, noting each request's client port (one per connection). */
    private ScriptedServer portRecordingServer(java.util.Set<Object> clientPorts, Duration delay) {
        byte[] stream = Fixtures.bytes("llamacpp-completions-stream.txt");
        return server((req, res) -> {
            clientPorts.add(req.remoteAddress().getPort());
            return res.status(200).header("Content-Type", "text/event-stream")
                    .sendByteArray(Mono.delay(delay).thenReturn(stream));
        });
    }

    private LlmClient client(URI base) {
        LlmClient c = LlmClient.create(base).firstTokenTimeout(Duration.ofSeconds(10)).idleTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(20));
        toClose.add(c);
        return c;
    }

    private static CompletionRequest completion(int maxTokens) {
        return CompletionRequest.of(Endpoint.COMPLETIONS, "tiny-q8_0", PromptSpec.ofText("Hello there", 5, maxTokens))
                .withIgnoreEos(true);
    }

    private static RequestRecord send(RequestSender c, CompletionRequest r) throws Exception {
        long scheduled = System.nanoTime();
        RequestRecord rec = c.send(r, 3, scheduled).get(30, TimeUnit.SECONDS);
        assertThat(rec.scheduledNanos()).isEqualTo(scheduled);
        assertThat(rec.index()).isEqualTo(3);
        return rec;
    }

    // ------------------------------------------------------------------ success

    @Test
    void llamaCppCompletionsStreamInRandomPieces() throws Exception {
        byte[] stream = Fixtures.bytes("llamacpp-completions-stream.txt");
        ScriptedServer s = server(ScriptedServer.sse(Fixtures.randomPieces(stream, 11, 300), Duration.ofMillis(5)));
        RequestRecord r = send(client(s.baseUrl()), completion(8).withKeepText(true));

        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK);
        assertThat(r.error()).isNull();
        assertThat(r.httpStatus()).isEqualTo(200);
        assertThat(r.chunkNanos()).hasSize(8).isSorted();
        assertThat(r.chunkTokens()).isNull();
        assertThat(r.outputTokensServed()).isEqualTo(8);
        assertThat(r.outputCountedFromChunks()).isFalse();
        assertThat(r.inputTokensServed()).isEqualTo(5);
        assertThat(r.inputTokensRequested()).isEqualTo(5);
        assertThat(r.outputTokensRequested()).isEqualTo(8);
        assertThat(r.finishReason()).isEqualTo("length");
        assertThat(r.text()).isEqualTo(" executable бранина бра бра бранина бра");
        assertThat(r.sentNanos()).isGreaterThanOrEqualTo(r.scheduledNanos());
        assertThat(r.firstTokenNanos()).isGreaterThan(r.sentNanos()).isEqualTo(r.chunkNanos()[0]);
        assertThat(r.lastTokenNanos()).isEqualTo(r.chunkNanos()[7]);
        // the server paused 5 ms before each piece: the chunks cannot all share one arrival time
        assertThat(r.lastTokenNanos()).isGreaterThan(r.firstTokenNanos());
    }

    @Test
    void chatStreamAndTheRequestBody() throws Exception {
        ScriptedServer s = server(ScriptedServer.sse(List.of(Fixtures.bytes("llamacpp-chat-stream.txt")), Duration.ZERO));
        CompletionRequest req = CompletionRequest.of(Endpoint.CHAT_COMPLETIONS, "tiny", PromptSpec.ofText("Hi", 2, 6))
                .withTemperature(0.0).withSeed(9L).withStop(List.of("\n")).withMinTokens(6).withIgnoreEos(true);
        RequestRecord r = send(client(s.baseUrl()), req);

        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK);
        assertThat(r.chunkNanos()).hasSize(6);
        assertThat(r.outputTokensServed()).isEqualTo(6);
        assertThat(r.inputTokensServed()).isEqualTo(31);
        assertThat(r.text()).isNull();

        ScriptedServer.Received got = s.received.poll(5, TimeUnit.SECONDS);
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.uri()).isEqualTo("/v1/chat/completions");
        assertThat(got.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(got.headers().get("Accept")).isEqualTo("text/event-stream");
        assertThat(got.headers().get("Authorization")).isNull();
        JsonNode body = JSON.readTree(got.body());
        assertThat(body.get("model").asText()).isEqualTo("tiny");
        assertThat(body.get("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"Hi\"}]");
        assertThat(body.has("prompt")).isFalse();
        assertThat(body.get("max_tokens").asInt()).isEqualTo(6);
        assertThat(body.get("min_tokens").asInt()).isEqualTo(6);
        assertThat(body.get("ignore_eos").asBoolean()).isTrue();
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.0);
        assertThat(body.get("seed").asLong()).isEqualTo(9L);
        assertThat(body.get("stop").toString()).isEqualTo("[\"\\n\"]");
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("stream_options").toString()).isEqualTo("{\"include_usage\":true}");
    }

    @Test
    void tokenIdPromptAndExtraBodyMergedLast() throws Exception {
        ScriptedServer s = server(ScriptedServer.sse(
                List.of(Fixtures.bytes("llamacpp-completions-token-ids-stream.txt")), Duration.ZERO));
        CompletionRequest req = CompletionRequest.of(Endpoint.COMPLETIONS, "tiny",
                        PromptSpec.ofTokens(new int[] {1, 15043, 3186}, 4))
                .withExtraBody(Map.of("max_tokens", 99, "top_k", 1,
                        "stream_options", Map.of("continuous_usage_stats", true)));
        RequestRecord r = send(client(URI.create(s.baseUrl() + "/v1/")), req);

        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK);
        assertThat(r.outputTokensServed()).isEqualTo(4);
        assertThat(r.inputTokensServed()).isEqualTo(3);
        ScriptedServer.Received got = s.received.poll(5, TimeUnit.SECONDS);
        assertThat(got.uri()).isEqualTo("/v1/completions");
        JsonNode body = JSON.readTree(got.body());
        assertThat(body.get("prompt").toString()).isEqualTo("[1,15043,3186]");
        assertThat(body.get("max_tokens").asInt()).isEqualTo(99);
        assertThat(body.get("top_k").asInt()).isEqualTo(1);
        assertThat(body.get("stream_options").get("include_usage").asBoolean()).isTrue();
        assertThat(body.get("stream_options").get("continuous_usage_stats").asBoolean()).isTrue();
        assertThat(body.has("ignore_eos")).isFalse();
    }

    @Test
    void vllmStreamWithContinuousUsageGivesTokensPerChunk() throws Exception {
        String stream = ""
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],"
                + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":0}}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}],"
                + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2}}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" world\"}}],"
                + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"}}],"
                + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5}}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"length\"}],"
                + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5}}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5,\"total_tokens\":12}}\n\n"
                + "data: [DONE]\n\n";
        ScriptedServer s = server(ScriptedServer.sse(Fixtures.randomPieces(utf8(stream), 5, 40), Duration.ofMillis(1)));
        CompletionRequest req = CompletionRequest.of(Endpoint.CHAT_COMPLETIONS, "m", PromptSpec.ofText("x", 7, 5))
                .withKeepText(true);
        RequestRecord r = send(client(s.baseUrl()), req);

        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK);
        assertThat(r.chunkNanos()).hasSize(3);
        assertThat(r.chunkTokens()).containsExactly(2, 1, 2);
        assertThat(r.outputTokensServed()).isEqualTo(5);
        assertThat(r.text()).isEqualTo("Hello world!");
        assertThat(r.finishReason()).isEqualTo("length");
    }

    @Test
    void withoutUsageTokensAreCountedFromChunks() throws Exception {
        String stream = "data: {\"choices\":[{\"text\":\"a\"}]}\n\ndata: {\"choices\":[{\"text\":\"b\"}]}\n\n"
                + "data: {\"choices\":[{\"text\":\"\",\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]";
        ScriptedServer s = server(ScriptedServer.sse(List.of(utf8(stream)), Duration.ZERO));
        RequestRecord r = send(client(s.baseUrl()), completion(4).withIncludeUsage(false));
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK);
        assertThat(r.outputTokensServed()).isEqualTo(2);
        assertThat(r.outputCountedFromChunks()).isTrue();
        assertThat(r.inputTokensServed()).isEqualTo(-1);
        JsonNode body = JSON.readTree(s.received.poll(5, TimeUnit.SECONDS).body());
        assertThat(body.has("stream_options")).isFalse();
    }

    @Test
    void nonStreamingBody() throws Exception {
        ScriptedServer s = server(ScriptedServer.respond(200, Map.of("Content-Type", "application/json"),
                Fixtures.bytes("llamacpp-completions-nonstream-logprobs.json")));
        RequestRecord r = send(client(s.baseUrl()), completion(5).withStream(false).withKeepText(true));
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK);
        assertThat(r.outputTokensServed()).isEqualTo(5);
        assertThat(r.outputCountedFromChunks()).isFalse();
        assertThat(r.chunkNanos()).hasSize(1);
        assertThat(r.firstTokenNanos()).isEqualTo(r.lastTokenNanos()).isPositive();
        assertThat(r.text()).isEqualTo(" executable бранина бра бра");
        JsonNode body = JSON.readTree(s.received.poll(5, TimeUnit.SECONDS).body());
        assertThat(body.get("stream").asBoolean()).isFalse();
        assertThat(body.has("stream_options")).isFalse();
    }

    @Test
    void manyConcurrentStreamsAllSucceed() throws Exception {
        byte[] stream = Fixtures.bytes("llamacpp-completions-stream.txt");
        ScriptedServer s = server(ScriptedServer.sse(Fixtures.randomPieces(stream, 3, 200), Duration.ofMillis(5)));
        LlmClient c = client(s.baseUrl());
        List<CompletableFuture<RequestRecord>> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            all.add(c.send(completion(8), i, System.nanoTime()));
        }
        for (CompletableFuture<RequestRecord> f : all) {
            RequestRecord r = f.get(60, TimeUnit.SECONDS);
            assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK);
            assertThat(r.chunkNanos()).hasSize(8);
        }
    }

    @Test
    void sequentialRequestsReuseOneKeepAliveConnection() throws Exception {
        // with a Content-Length the response ends in the read that carries [DONE], so the connection
        // is back in the pool before the next request is sent
        byte[] stream = Fixtures.bytes("llamacpp-completions-stream.txt");
        ScriptedServer s = server(ScriptedServer.respond(200, Map.of("Content-Type", "text/event-stream",
                "Content-Length", Integer.toString(stream.length)), stream));
        LlmClient c = client(s.baseUrl());
        for (int i = 0; i < 5; i++) {
            assertThat(send(c, completion(8)).outcome()).isEqualTo(Outcome.OK);
        }
        assertThat(c.connectionsOpened()).isEqualTo(1);
    }

    @Test
    void aConnectionUnusedForLongerThanTheKeepAliveIsNotReused() throws Exception {
        byte[] stream = Fixtures.bytes("llamacpp-completions-stream.txt");
        ScriptedServer s = server(ScriptedServer.respond(200, Map.of("Content-Type", "text/event-stream",
                "Content-Length", Integer.toString(stream.length)), stream));
        // 1 ns: every idle connection has expired by the time the next request looks for one
        LlmClient c = client(s.baseUrl()).connectionKeepAlive(Duration.ofNanos(1));
        for (int i = 0; i < 3; i++) {
            assertThat(send(c, completion(8)).outcome()).isEqualTo(Outcome.OK);
        }
        assertThat(c.connectionsOpened()).isEqualTo(3);
        assertThat(c.connectionKeepAlive()).isEqualTo(Duration.ofNanos(1));
        assertThat(c.toString()).contains("connectionKeepAlive=PT0.000000001S");
        assertThat(LlmClient.create(s.baseUrl()).connectionKeepAlive()).isEqualTo(LlmClient.DEFAULT_CONNECTION_KEEP_ALIVE);
        assertThatThrownBy(() -> c.connectionKeepAlive(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connectionKeepAlive");
    }

    @Test
    void requestsBeyondMaxConnectionsWaitForAConnectionAndAllSucceed() throws Exception {
        java.util.Set<Object> clientPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ScriptedServer s = portRecordingServer(clientPorts, Duration.ofMillis(20));
        LlmClient c = client(s.baseUrl()).maxConnections(2);
        List<CompletableFuture<RequestRecord>> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            all.add(c.send(completion(8), i, System.nanoTime()));
        }
        for (CompletableFuture<RequestRecord> f : all) {
            RequestRecord r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK);
        }
        assertThat(clientPorts).as("connections the server saw").hasSizeLessThanOrEqualTo(2);
        assertThat(c.connectionsOpened()).isLessThanOrEqualTo(2);
        // the later requests waited for a connection: that shows as queue delay (sent - scheduled)
        assertThat(all.get(11).join().queueDelayNanos()).isGreaterThanOrEqualTo(all.get(0).join().queueDelayNanos());
    }

    @Test
    void fewerConnectionsThanEventLoopsStillBoundsTheConnections() throws Exception {
        java.util.Set<Object> clientPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ScriptedServer s = portRecordingServer(clientPorts, Duration.ofMillis(10));
        LlmClient c = client(s.baseUrl()).ioThreads(4).maxConnections(2);
        List<CompletableFuture<RequestRecord>> all = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            all.add(c.send(completion(8), i, System.nanoTime()));
        }
        for (CompletableFuture<RequestRecord> f : all) {
            assertThat(f.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.OK);
        }
        assertThat(c.connectionsOpened()).isLessThanOrEqualTo(2);
        assertThat(clientPorts).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void timeoutsLongerThanALongOfNanosecondsStillGiveARecord() throws Exception {
        ScriptedServer s = server(ScriptedServer.sse(List.of(Fixtures.bytes("llamacpp-completions-stream.txt")),
                Duration.ZERO));
        LlmClient c = client(s.baseUrl()).requestTimeout(Duration.ofDays(365_000))
                .firstTokenTimeout(Duration.ofDays(365_000)).idleTimeout(Duration.ofDays(365_000));
        assertThat(send(c, completion(8)).outcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void aHostThatDoesNotResolveIsAConnectionErrorThatSaysSo() throws Exception {
        LlmClient c = client(URI.create("http://no-such-host.invalid:8000"));
        RequestRecord r = send(c, completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.CONNECTION_ERROR);
        assertThat(r.error()).contains("cannot resolve the host").contains("no-such-host.invalid");
    }

    @Test
    void sendAtHoldsTheRequestUntilItIsDueAndRecordsTheDispatchTime() throws Exception {
        ScriptedServer s = server(ScriptedServer.sse(List.of(Fixtures.bytes("llamacpp-completions-stream.txt")),
                Duration.ZERO));
        LlmClient c = client(s.baseUrl());
        assertThat(c.sendsAhead()).isTrue();
        long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(150);
        RequestRecord r = c.sendAt(completion(8), 7, due).get(30, TimeUnit.SECONDS);
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK);
        assertThat(r.scheduledNanos()).isEqualTo(due);
        assertThat(r.dispatchNanos()).isGreaterThanOrEqualTo(due);
        assertThat(r.sentNanos()).isGreaterThanOrEqualTo(r.dispatchNanos());
        assertThat(r.firstTokenNanos()).isGreaterThan(r.sentNanos());
        // a time already past: sent at once, the lag says how late
        long past = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(5);
        RequestRecord late = c.sendAt(completion(8), 8, past).get(30, TimeUnit.SECONDS);
        assertThat(late.outcome()).isEqualTo(Outcome.OK);
        assertThat(late.scheduleLagNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(5));
    }

    @Test
    void aRequestHandedOverWhileTheLoopIsBusyStartsAfterTheNextBufferItReads() throws Exception {
        ScriptedServer s = server(ScriptedServer.sse(List.of(Fixtures.bytes("llamacpp-completions-stream.txt")),
                Duration.ZERO));
        LlmClient c = client(s.baseUrl());
        assertThat(send(c, completion(8)).outcome()).isEqualTo(Outcome.OK);
        Pool pool = c.nextPool();
        CompletionRequest req = completion(8);
        long due = System.nanoTime();
        Exchange ex = new Exchange(c, pool, req, 1, due, RequestBodies.write(req));
        CompletableFuture<boolean[]> seen = new CompletableFuture<>();
        // one task of the loop stands for a long round of reads: the task that takes the hand-over
        // runs only after it, but the loop looks for hand-overs after each buffer it reads (startDue)
        pool.loop.execute(() -> {
            try {
                boolean handedOver = pool.handOver(ex);
                boolean before = ex.started();
                pool.startDue();
                seen.complete(new boolean[] {handedOver, before, ex.started()});
            } catch (Throwable t) {
                seen.completeExceptionally(t);
            }
        });
        boolean[] started = seen.get(30, TimeUnit.SECONDS);
        assertThat(started[0]).as("the loop took the hand-over").isTrue();
        assertThat(started[1]).as("started by the hand-over itself").isFalse();
        assertThat(started[2]).as("started after the buffer, within the round").isTrue();
        RequestRecord r = ex.future().get(30, TimeUnit.SECONDS);
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK);
        assertThat(r.dispatchNanos()).isGreaterThanOrEqualTo(due);
    }

    @Test
    void aLoopDelayWatchCountsEveryMillisecondOfAStallWithTheDelayAnArrivalThenHad() throws Exception {
        ScriptedServer s = server(ScriptedServer.sse(List.of(Fixtures.bytes("llamacpp-completions-stream.txt")),
                Duration.ZERO));
        LlmClient c = client(s.baseUrl());
        Pool pool = c.nextPool();
        long from = System.nanoTime();
        LoopDelayWatch w = c.watchLoopDelay(from, from + TimeUnit.HOURS.toNanos(1));
        // the loop is held for 30 ms: every 1 ms deadline in it is missed, and counted with the delay
        // a token arriving at that deadline would have had (30 ms down to about 0)
        long stallNanos = TimeUnit.MILLISECONDS.toNanos(30);
        CompletableFuture<Long> stalled = new CompletableFuture<>();
        pool.loop.execute(() -> {
            long start = System.nanoTime();
            while (System.nanoTime() - start < stallNanos) {
                Thread.onSpinWait();
            }
            stalled.complete(start);
        });
        stalled.get(30, TimeUnit.SECONDS);
        // a task due after the stall's probe: it runs once the probe has caught up
        CompletableFuture<Void> after = new CompletableFuture<>();
        pool.loop.schedule(() -> after.complete(null), 3, TimeUnit.MILLISECONDS);
        after.get(30, TimeUnit.SECONDS);
        assertThat(send(c, completion(8)).outcome()).isEqualTo(Outcome.OK); // requests go on meanwhile
        LatencyStats d = w.stop();
        // some 1 ms deadline falls in the stall's first millisecond: it ran at least 29 ms late
        assertThat(d.maxMillis()).as(d.toString()).isGreaterThanOrEqualTo(28.0);
        assertThat(d.count()).as("one sample per millisecond of the stall, at least").isGreaterThanOrEqualTo(25);
        assertThat(d.p50Millis()).as("the stall's samples spread from its length down to 0").isLessThan(d.maxMillis());
        // stopped: no more samples
        assertThat(w.stop().count()).isEqualTo(d.count());
    }

    @Test
    void aLoopDelayWatchWhoseIntervalHasNotBegunReportsNothingAndABackwardIntervalIsRefused() throws Exception {
        ScriptedServer s = server(ScriptedServer.sse(List.of(Fixtures.bytes("llamacpp-completions-stream.txt")),
                Duration.ZERO));
        LlmClient c = client(s.baseUrl());
        long later = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
        LoopDelayWatch w = c.watchLoopDelay(later, later + 1_000_000);
        assertThat(send(c, completion(8)).outcome()).isEqualTo(Outcome.OK);
        assertThat(w.stop().count()).isZero();
        assertThatThrownBy(() -> c.watchLoopDelay(later, later - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("toNanos must be >= fromNanos");
    }

    @Test
    void aRequestCancelledBeforeItIsDueIsNeverSent() throws Exception {
        ScriptedServer s = server(ScriptedServer.sse(List.of(Fixtures.bytes("llamacpp-completions-stream.txt")),
                Duration.ZERO));
        LlmClient c = client(s.baseUrl());
        CompletableFuture<RequestRecord> f = c.sendAt(completion(8), 0, System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        assertThat(f.cancel(true)).isTrue();
        // a later request on the same loop completes; the cancelled one never reached the server
        assertThat(send(c, completion(8)).outcome()).isEqualTo(Outcome.OK);
        assertThat(s.received).hasSize(1);
        assertThat(c.connectionsOpened()).isEqualTo(1);
    }

    @Test
    void closingTheClientEndsRequestsHeldForLaterAsCancelled() throws Exception {
        ScriptedServer s = server(ScriptedServer.sse(List.of(Fixtures.bytes("llamacpp-completions-stream.txt")),
                Duration.ZERO));
        LlmClient c = LlmClient.create(s.baseUrl());
        CompletableFuture<RequestRecord> f = c.sendAt(completion(8), 0, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        c.close();
        RequestRecord r = f.get(10, TimeUnit.SECONDS);
        assertThat(r.sentNanos()).isEqualTo(-1);
        assertThat(r.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(r.error()).containsPattern("the client (is|was) closed");
        assertThat(s.received).isEmpty();
    }

    // ------------------------------------------------------------------ HTTP errors

    @Test
    void llamaCppRawErrorResponsesAreHttpErrorsWithTheServersMessage() throws Exception {
        Fixtures.RawResponse n2 = Fixtures.rawResponse("llamacpp-error-n2.txt");
        ScriptedServer s = server(ScriptedServer.respond(n2.status(), n2.headers(), n2.body()));
        RequestRecord r = send(client(s.baseUrl()), completion(8).withExtraBody(Map.of("n", 2)));
        assertThat(r.outcome()).isEqualTo(Outcome.HTTP_ERROR);
        assertThat(r.httpStatus()).isEqualTo(500);
        assertThat(r.error()).isEqualTo("HTTP 500: Only one completion choice is allowed");
        assertThat(r.firstTokenNanos()).isEqualTo(-1);
        assertThat(r.outputTokensServed()).isZero();

        Fixtures.RawResponse bad = Fixtures.rawResponse("llamacpp-error-badjson.txt");
        ScriptedServer s2 = server(ScriptedServer.respond(bad.status(), bad.headers(), bad.body()));
        RequestRecord r2 = send(client(s2.baseUrl()), completion(8));
        assertThat(r2.outcome()).isEqualTo(Outcome.HTTP_ERROR);
        assertThat(r2.error()).startsWith("HTTP 500: [json.exception.parse_error.101] parse error at line 1, column 2");
    }

    @Test
    void vllmBadRequestIsAnHttpError() throws Exception {
        ScriptedServer s = server(ScriptedServer.respond(400, Map.of("Content-Type", "application/json"),
                utf8("{\"object\":\"error\",\"message\":\"This model's maximum context length is 2048 tokens.\","
                        + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}")));
        RequestRecord r = send(client(s.baseUrl()), completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.HTTP_ERROR);
        assertThat(r.httpStatus()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("HTTP 400: This model's maximum context length is 2048 tokens.");
    }

    @Test
    void nonJsonErrorBodyIsQuoted() throws Exception {
        ScriptedServer s = server(ScriptedServer.respond(502, Map.of("Content-Type", "text/html"),
                utf8("<html><body>502 Bad Gateway</body></html>\n")));
        RequestRecord r = send(client(s.baseUrl()), completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.HTTP_ERROR);
        assertThat(r.httpStatus()).isEqualTo(502);
        assertThat(r.error()).isEqualTo("HTTP 502: <html><body>502 Bad Gateway</body></html>");
    }

    // ------------------------------------------------------------------ stream errors

    @Test
    void errorEventMidStreamIsAStreamError() throws Exception {
        String stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n"
                + "data: {\"object\":\"error\",\"message\":\"The engine died unexpectedly\",\"type\":\"InternalServerError\","
                + "\"code\":500}\n\n"
                + "data: [DONE]\n\n";
        ScriptedServer s = server(ScriptedServer.sse(List.of(utf8(stream)), Duration.ZERO));
        RequestRecord r = send(client(s.baseUrl()), completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.STREAM_ERROR);
        assertThat(r.error()).isEqualTo("error event in the stream after 1 content chunks: The engine died unexpectedly");
        assertThat(r.chunkNanos()).hasSize(1);
        assertThat(r.httpStatus()).isEqualTo(200);
    }

    @Test
    void typedErrorEventIsAStreamError() throws Exception {
        String stream = "data: {\"choices\":[{\"text\":\"a\"}]}\n\nevent: error\ndata: overloaded, retry later\n\n";
        ScriptedServer s = server(ScriptedServer.sse(List.of(utf8(stream)), Duration.ZERO));
        RequestRecord r = send(client(s.baseUrl()), completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.STREAM_ERROR);
        assertThat(r.error()).isEqualTo("error event in the stream after 1 content chunks: overloaded, retry later");
    }

    @Test
    void doneEndsTheRequestEvenIfTheServerKeepsTheResponseOpen() throws Exception {
        ScriptedServer s = server(ScriptedServer.sseThenStall(List.of(Fixtures.bytes("llamacpp-completions-stream.txt"))));
        RequestRecord r = send(client(s.baseUrl()).idleTimeout(Duration.ofSeconds(30)), completion(8));
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK);
        assertThat(r.chunkNanos()).hasSize(8);
    }

    @Test
    void bytesThatAreNotHttpAreMalformed() throws Exception {
        reactor.netty.DisposableServer raw = reactor.netty.tcp.TcpServer.create().host("127.0.0.1").port(0)
                .handle((in, out) -> in.receive().take(1).then(out.sendString(Mono.just("SSH-2.0-OpenSSH_9.6\r\n\r\n"))
                        .then()))
                .bindNow(Duration.ofSeconds(10));
        toClose.add(() -> raw.disposeNow(Duration.ofSeconds(5)));
        RequestRecord r = send(client(URI.create("http://127.0.0.1:" + raw.port())), completion(8));
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.MALFORMED);
        assertThat(r.error()).startsWith("the response is not valid HTTP: ");
    }

    @Test
    void streamEndingBeforeDoneIsAStreamError() throws Exception {
        String all = Fixtures.text("llamacpp-completions-stream.txt");
        String withoutDone = all.substring(0, all.indexOf("data: [DONE]"));
        ScriptedServer s = server(ScriptedServer.sse(List.of(utf8(withoutDone)), Duration.ZERO));
        RequestRecord r = send(client(s.baseUrl()), completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.STREAM_ERROR);
        assertThat(r.error()).isEqualTo("the stream ended before [DONE] after 8 content chunks "
                + "(finish_reason was 'length'); the server closed it early");
        assertThat(r.outputTokensServed()).isEqualTo(8);
    }

    @Test
    void connectionCutMidStreamIsAStreamError() throws Exception {
        String all = Fixtures.text("llamacpp-completions-stream.txt");
        String firstThree = all.substring(0, nthIndex(all, "data: ", 3));
        ScriptedServer s = server(ScriptedServer.sseThenCut(List.of(utf8(firstThree))));
        RequestRecord r = send(client(s.baseUrl()), completion(8));
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.STREAM_ERROR);
        assertThat(r.error()).startsWith("the stream was cut before [DONE] after 3 content chunks: the server closed the connection");
        assertThat(r.chunkNanos()).hasSize(3);
        assertThat(r.outputCountedFromChunks()).isTrue();
    }

    @Test
    void garbageInTheStreamIsMalformed() throws Exception {
        String stream = "data: {\"choices\":[{\"text\":\"ok\"}]}\n\ndata: <html>oops</html>\n\ndata: [DONE]\n\n";
        ScriptedServer s = server(ScriptedServer.sse(List.of(utf8(stream)), Duration.ZERO));
        RequestRecord r = send(client(s.baseUrl()), completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(r.error()).isEqualTo("malformed chunk (not a JSON object): expected a JSON object or [DONE], "
                + "got '<html>oops</html>'");
        assertThat(r.chunkNanos()).hasSize(1);
    }

    @Test
    void aBodyThatIsNotSseIsMalformed() throws Exception {
        ScriptedServer s = server(ScriptedServer.respond(200, Map.of("Content-Type", "text/html"),
                utf8("<html>hello</html>")));
        RequestRecord r = send(client(s.baseUrl()), completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(r.error()).isEqualTo("expected an SSE stream (HTTP 200, Content-Type text/html) but got no event; "
                + "the body starts with '<html>hello</html>'");
    }

    // ------------------------------------------------------------------ timeouts and connections

    @Test
    void serverThatNeverAnswersHitsTheFirstTokenTimeout() throws Exception {
        ScriptedServer s = server((req, res) -> Mono.never());
        RequestRecord r = send(client(s.baseUrl()).firstTokenTimeout(Duration.ofMillis(1000)), completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(r.error()).isEqualTo("first-token timeout: no content within PT1S of sending "
                + "(no response headers yet)");
        assertThat(r.sentNanos()).isPositive();
        assertThat(r.httpStatus()).isZero();
    }

    @Test
    void cancellingTheFutureClosesTheStream() throws Exception {
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        ScriptedServer s = server((req, res) -> {
            req.withConnection(c -> c.onDispose(closed::countDown));
            arrived.countDown();
            return Mono.never();
        });
        CompletableFuture<RequestRecord> f = client(s.baseUrl()).send(completion(8), 0, System.nanoTime());
        assertThat(arrived.await(10, TimeUnit.SECONDS)).as("request reached the server").isTrue();
        assertThat(f.cancel(true)).isTrue();
        assertThat(closed.await(10, TimeUnit.SECONDS)).as("the server saw the connection closed").isTrue();
    }

    @Test
    void aRoleChunkIsNotAFirstToken() throws Exception {
        String role = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n";
        ScriptedServer s = server(ScriptedServer.sseThenStall(List.of(utf8(role))));
        RequestRecord r = send(client(s.baseUrl()).firstTokenTimeout(Duration.ofMillis(1000)), completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(r.error()).isEqualTo("first-token timeout: no content within PT1S of sending "
                + "(HTTP 200, 0 content chunks)");
        assertThat(r.firstTokenNanos()).isEqualTo(-1);
    }

    @Test
    void streamStallingMidwayHitsTheIdleTimeout() throws Exception {
        String all = Fixtures.text("llamacpp-completions-stream.txt");
        String firstTwo = all.substring(0, nthIndex(all, "data: ", 2));
        ScriptedServer s = server(ScriptedServer.sseThenStall(List.of(utf8(firstTwo))));
        RequestRecord r = send(client(s.baseUrl()).idleTimeout(Duration.ofMillis(300)), completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(r.error()).startsWith("idle timeout: no data for PT").endsWith("(limit PT0.3S) after 2 content chunks");
        assertThat(r.chunkNanos()).hasSize(2);
    }

    @Test
    void slowSteadyStreamHitsTheRequestTimeout() throws Exception {
        byte[] chunk = utf8("data: {\"choices\":[{\"text\":\"x\"}]}\n\n");
        ScriptedServer s = server((req, res) -> res.status(200).header("Content-Type", "text/event-stream")
                .sendByteArray(Flux.interval(Duration.ofMillis(20)).map(i -> chunk)));
        RequestRecord r = send(client(s.baseUrl()).requestTimeout(Duration.ofMillis(1500)), completion(1000));
        assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(r.error()).startsWith("request timeout: the request did not complete within PT1.5S (HTTP 200, ")
                .endsWith(" content chunks)");
        assertThat(r.chunkNanos()).isNotEmpty();
    }

    @Test
    void refusedConnectionIsAConnectionError() throws Exception {
        int port;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        RequestRecord r = send(client(URI.create("http://127.0.0.1:" + port)), completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.CONNECTION_ERROR);
        assertThat(r.error()).startsWith("connection refused by 127.0.0.1:" + port + " (is the server running?)");
        assertThat(r.sentNanos()).isEqualTo(-1);
    }

    @Test
    void serverClosingWithoutAnswerIsAConnectionError() throws Exception {
        ScriptedServer s = server((req, res) -> res.withConnection(c -> c.dispose()).then(Mono.never()));
        RequestRecord r = send(client(s.baseUrl()), completion(8));
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.CONNECTION_ERROR);
        assertThat(r.error()).startsWith("the server closed the connection before responding");
    }

    // ------------------------------------------------------------------ configuration and secrets

    @Test
    void apiKeyIsSentAsBearerButNeverShown() throws Exception {
        String key = "sk-very-secret-4242";
        ScriptedServer ok = server(ScriptedServer.sse(List.of(Fixtures.bytes("llamacpp-chat-stream.txt")), Duration.ZERO));
        LlmClient c = client(ok.baseUrl()).apiKey(key).header("X-Run", "r1");
        toClose.add(c);
        RequestRecord r = send(c, CompletionRequest.of(Endpoint.CHAT_COMPLETIONS, "m", PromptSpec.ofText("x", 1, 6))
                .withKeepText(true));
        ScriptedServer.Received got = ok.received.poll(5, TimeUnit.SECONDS);
        assertThat(got.headers().get("Authorization")).isEqualTo("Bearer " + key);
        assertThat(got.headers().get("X-Run")).isEqualTo("r1");
        assertThat(r.toString()).doesNotContain(key);
        assertThat(String.valueOf(r.text())).doesNotContain(key);
        assertThat(c.toString()).doesNotContain(key).contains("apiKey=(set)").contains("X-Run").doesNotContain("r1");

        ScriptedServer failing = server(ScriptedServer.respond(401, Map.of("Content-Type", "application/json"),
                utf8("{\"error\":{\"message\":\"Invalid API key\",\"type\":\"auth\"}}")));
        LlmClient c2 = client(failing.baseUrl()).apiKey(key);
        toClose.add(c2);
        RequestRecord r2 = send(c2, completion(8));
        assertThat(r2.outcome()).isEqualTo(Outcome.HTTP_ERROR);
        assertThat(r2.error()).isEqualTo("HTTP 401: Invalid API key");
        assertThat(r2.toString()).doesNotContain(key);
    }

    @Test
    void configurationIsCopyOnWriteAndValidated() {
        LlmClient a = LlmClient.create(URI.create("http://localhost:8000"));
        LlmClient b = a.idleTimeout(Duration.ofSeconds(3)).maxConnections(8);
        assertThat(a.idleTimeout()).isEqualTo(LlmClient.DEFAULT_IDLE_TIMEOUT);
        assertThat(a.maxConnections()).isEqualTo(1_024);
        assertThat(b.idleTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(b.maxConnections()).isEqualTo(8);
        assertThatThrownBy(() -> a.idleTimeout(Duration.ofSeconds(-1)))
                .hasMessage("idleTimeout must be > 0, was PT-1S");
        assertThatThrownBy(() -> a.maxConnections(0)).hasMessage("maxConnections must be >= 1, was 0");
        assertThatThrownBy(() -> LlmClient.create(URI.create("ftp://x"))).hasMessageContaining("http or https");
        assertThatThrownBy(() -> a.header("Bad Name", "v")).hasMessageContaining("HTTP token");
        a.close();
        a.close();
    }

    @Test
    void closingTheClientEndsRequestsInFlightAsCancelled() throws Exception {
        ScriptedServer s = server(ScriptedServer.sseThenStall(List.of(utf8("data: {\"choices\":[{\"text\":\"a\"}]}\n\n"))));
        LlmClient c = client(s.baseUrl());
        CompletableFuture<RequestRecord> f = c.send(completion(8), 0, System.nanoTime());
        // wait until the stream is under way: the server has the request
        assertThat(s.received.poll(10, TimeUnit.SECONDS)).isNotNull();
        c.close();
        RequestRecord r = f.get(10, TimeUnit.SECONDS);
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.CANCELLED);
        assertThat(r.error()).startsWith("the client was closed while the request was in flight");
    }

    @Test
    void closedClientRecordsCancelled() throws Exception {
        LlmClient c = LlmClient.create(URI.create("http://127.0.0.1:9"));
        c.close();
        RequestRecord r = send(c, completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(r.error()).isEqualTo("not sent: the client is closed");
    }

    private static int nthIndex(String s, String what, int n) {
        int at = -1;
        for (int i = 0; i <= n; i++) {
            at = s.indexOf(what, at + 1);
        }
        return at;
    }
}
