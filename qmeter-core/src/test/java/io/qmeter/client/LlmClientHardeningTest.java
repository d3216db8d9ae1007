package io.qmeter.client;

import io.qmeter.internal.sse.ChunkInterpreter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.workload.PromptSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against servers that close connections, compress, upgrade, and requests at the limits (issue 14). */
class LlmClientHardeningTest {

    private static final byte[] STREAM = Fixtures.bytes("llamacpp-completions-stream.txt");
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private RawServer server(RawServer.Script script) throws IOException {
        RawServer s = new RawServer(script);
        toClose.add(s);
        return s;
    }

    private LlmClient client(URI base) {
        LlmClient c = LlmClient.create(base).firstTokenTimeout(Duration.ofSeconds(10))
                .idleTimeout(Duration.ofSeconds(10)).requestTimeout(Duration.ofSeconds(20));
        toClose.add(c);
        return c;
    }

    private static CompletionRequest completion(int maxTokens) {
        return CompletionRequest.of(Endpoint.COMPLETIONS, "tiny", PromptSpec.ofText("Hello there", 5, maxTokens));
    }

    private static RequestRecord send(LlmClient c, CompletionRequest r) throws Exception {
        return c.send(r, 0, System.nanoTime()).get(30, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ max_tokens at the limit

    @Test
    void maxTokensOfIntegerMaxValueIsMeasuredNotBlamedOnTheServer() throws Exception {
        RawServer s = server((conn, k, head, out) -> {
            out.write(RawServer.chunkedSse(STREAM, ""));
            return true;
        });
        RequestRecord r = send(client(s.baseUrl()), completion(Integer.MAX_VALUE));
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK);
        assertThat(r.chunkNanos()).hasSize(8);
        assertThat(r.outputTokensRequested()).isEqualTo(Integer.MAX_VALUE);
    }

    // ------------------------------------------------------------------ connections the server closed

    @Test
    void aServerThatClosesAfterEveryResponseDespiteKeepAliveFailsNoRequest() throws Exception {
        // as llama-server does: "Keep-Alive: timeout=5" in the head, the connection closed after the stream
        RawServer s = server((conn, k, head, out) -> {
            out.write(RawServer.chunkedSse(STREAM, "Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n"));
            return false;
        });
        LlmClient c = client(s.baseUrl());
        for (int i = 0; i < 15; i++) {
            RequestRecord r = send(c, completion(8));
            assertThat(r.outcome()).as("request " + i + ": " + r).isEqualTo(Outcome.OK);
        }
    }

    @Test
    void aReusedConnectionClosedBeforeAnyResponseByteIsRetriedOnceOnAFreshOneAndTheRecordSaysSo() throws Exception {
        // each connection answers its first request, keeps the connection open, then closes it on
        // reading the second request without answering (the server's keep-alive ran out just then)
        RawServer s = server((conn, k, head, out) -> {
            if (k == 0) {
                out.write(RawServer.chunkedSse(STREAM, ""));
                return true;
            }
            return false;
        });
        LlmClient c = client(s.baseUrl());
        RequestRecord first = send(c, completion(8));
        assertThat(first.outcome()).isEqualTo(Outcome.OK);
        assertThat(first.retried()).isFalse();
        RequestRecord second = send(c, completion(8));
        assertThat(second.outcome()).as(second.toString()).isEqualTo(Outcome.OK);
        assertThat(second.retried()).isTrue();
        assertThat(s.connections.get()).isEqualTo(2);
    }

    @Test
    void aRequestWhoseResponseHadBegunIsNeverRetried() throws Exception {
        RawServer s = server((conn, k, head, out) -> {
            if (k == 0) {
                out.write(RawServer.chunkedSse(STREAM, ""));
                return true;
            }
            out.write("HTTP/1.1 200 OK\r\nContent-Ty".getBytes(StandardCharsets.US_ASCII));
            return false;
        });
        LlmClient c = client(s.baseUrl());
        assertThat(send(c, completion(8)).outcome()).isEqualTo(Outcome.OK);
        RequestRecord r = send(c, completion(8));
        assertThat(r.outcome()).isNotEqualTo(Outcome.OK);
        assertThat(r.retried()).isFalse();
        assertThat(s.requests.get()).isEqualTo(2);
    }

    @Test
    void connectionCloseInTheResponseIsHonoured() throws Exception {
        RawServer s = server((conn, k, head, out) -> {
            out.write(RawServer.chunkedSse(STREAM, "Connection: close\r\n"));
            return k == 0; // keeps it open, but said close: the client must not reuse it
        });
        LlmClient c = client(s.baseUrl());
        for (int i = 0; i < 3; i++) {
            RequestRecord r = send(c, completion(8));
            assertThat(r.outcome()).isEqualTo(Outcome.OK);
            assertThat(r.retried()).isFalse();
        }
        assertThat(s.connections.get()).isEqualTo(3);
    }

    // ------------------------------------------------------------------ encodings and upgrades

    @Test
    void theClientAsksForIdentityAndAnEncodedResponseFailsSayingWhy() throws Exception {
        List<String> heads = new java.util.concurrent.CopyOnWriteArrayList<>();
        RawServer s = server((conn, k, head, out) -> {
            heads.add(head);
            out.write(RawServer.chunkedSse(STREAM, "Content-Encoding: gzip\r\n"));
            return true;
        });
        RequestRecord r = send(client(s.baseUrl()), completion(8));
        assertThat(heads.get(0)).containsIgnoringCase("Accept-Encoding: identity\r\n");
        assertThat(r.outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(r.error()).contains("Content-Encoding: gzip").contains("identity");
    }

    @Test
    void anUpgradeResponseFailsSayingWhy() throws Exception {
        RawServer s = server((conn, k, head, out) -> {
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return true;
        });
        RequestRecord r = send(client(s.baseUrl()), completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(r.error()).contains("101").contains("h2c");
    }

    @Test
    void framingHeadersAreRefused() {
        LlmClient c = LlmClient.create(URI.create("http://127.0.0.1:8000"));
        for (String name : List.of("Host", "content-length", "Transfer-Encoding", "Connection", "Accept-Encoding",
                "Upgrade")) {
            assertThatThrownBy(() -> c.header(name, "x")).as(name).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(name).hasMessageContaining("set by the client");
        }
        assertThat(c.header("X-Run", "1")).isNotNull();
    }

    // ------------------------------------------------------------------ configuration

    @Test
    void aPortOutOfRangeIsRefusedAtOnce() {
        assertThatThrownBy(() -> LlmClient.create(URI.create("http://127.0.0.1:99999")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port").hasMessageContaining("99999");
    }

    // ------------------------------------------------------------------ the server's own timings

    @Test
    void llamaCppTimingsOnTheLastChunkAreKeptInTheRecord() throws Exception {
        RawServer s = server((conn, k, head, out) -> {
            out.write(RawServer.chunkedSse(STREAM, ""));
            return true;
        });
        RequestRecord r = send(client(s.baseUrl()), completion(8));
        assertThat(r.outcome()).isEqualTo(Outcome.OK);
        assertThat(r.serverTimings()).isNotNull();
        assertThat(r.serverTimings().promptTokens()).isEqualTo(5);
        assertThat(r.serverTimings().promptMillis()).isEqualTo(48.461);
        assertThat(r.serverTimings().predictedTokens()).isEqualTo(8);
        assertThat(r.serverTimings().predictedPerTokenMillis()).isEqualTo(2.303);
        assertThat(r.serverTimings().cachedTokens()).isEqualTo(-1);
        assertThat(r.clientShareOfTtftNanos()).isEqualTo(r.ttftNanos() - 48_461_000L);
    }

    @Test
    void timingsAreTheSameOnTheFastPathAndThroughJacksonAndAbsentWithoutThem() {
        byte[] last = ("{\"choices\":[{\"text\":\"\",\"index\":0,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"completion_tokens\":3,\"prompt_tokens\":9},"
                + "\"timings\":{\"cache_n\":4,\"prompt_n\":5,\"prompt_ms\":7.25,\"predicted_n\":3,"
                + "\"predicted_per_token_ms\":1.5,\"extra\":{\"x\":[1]}}}").getBytes(StandardCharsets.UTF_8);
        for (boolean fast : new boolean[] {true, false}) {
            ChunkInterpreter in = new ChunkInterpreter(false, fast);
            in.interpret(last, 0, last.length);
            assertThat(in.serverTimings()).as("fast path " + fast)
                    .isEqualTo(new io.qmeter.metrics.ServerTimings(5, 7.25, 3, 1.5, 4));
        }
        byte[] plain = "{\"choices\":[{\"text\":\"a\",\"finish_reason\":null}]}".getBytes(StandardCharsets.UTF_8);
        ChunkInterpreter in = new ChunkInterpreter(false);
        in.interpret(plain, 0, plain.length);
        assertThat(in.serverTimings()).isNull();
    }
}
