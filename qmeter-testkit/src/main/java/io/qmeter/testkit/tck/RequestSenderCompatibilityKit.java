package io.qmeter.testkit.tck;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.Endpoint;
import io.qmeter.client.RequestSender;
import io.qmeter.engine.EngineHandle;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.testkit.Fault;
import io.qmeter.testkit.Script;
import io.qmeter.testkit.ScriptedEngine;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every HTTP {@link RequestSender} honours. Extend it in the sender's test and
 * implement {@link #createSender(URI)}; the kit serves the requests from a {@link ScriptedEngine}
 * (vLLM dialect) that it starts before each test.
 *
 * <p>What is checked: the future always completes normally with a record, never exceptionally,
 * whatever the server does (a normal stream, an HTTP 500, a stream cut after two tokens, garbage
 * in the stream, a refused connection), and the outcome names what happened; the record carries
 * the request's index and {@code scheduledNanos} unchanged; its times are {@link System#nanoTime()}
 * values in order (sent, first token, last token) and within the call; a normal stream's record
 * counts the served tokens; {@code sendAt} throws {@link UnsupportedOperationException} unless
 * {@code sendsAhead()} is true, and then does not send before the due time; {@code close()} is
 * idempotent.
 *
 * <pre>{@code
 * class LlmClientCompatibilityTest extends RequestSenderCompatibilityKit {
 *     protected RequestSender createSender(URI baseUrl) { return LlmClient.create(baseUrl); }
 * }
 * }</pre>
 */
public abstract class RequestSenderCompatibilityKit {

    /** The server the kit sends to; scripts can be enqueued on it. */
    protected ScriptedEngine server;
    /** The running server's handle. */
    protected EngineHandle handle;
    /** The sender under test, created for the server before each test and closed after it. */
    protected RequestSender sender;
    private final List<RequestSender> others = new ArrayList<>();

    /** Creates the kit; subclasses implement {@link #createSender(URI)}. */
    protected RequestSenderCompatibilityKit() {
    }

    /**
     * Creates a sender for an OpenAI-compatible server at {@code baseUrl} (no {@code /v1}). Called
     * before each test, and again by tests that need a sender for another address; the kit closes them.
     *
     * <pre>{@code
     * protected RequestSender createSender(URI baseUrl) { return LlmClient.create(baseUrl); }
     * }</pre>
     *
     * @param baseUrl the server's base URL
     * @return the sender under test
     */
    protected abstract RequestSender createSender(URI baseUrl);

    /**
     * How long the kit waits for one record.
     *
     * <pre>{@code
     * protected Duration recordTimeout() { return Duration.ofSeconds(60); }
     * }</pre>
     *
     * @return the timeout, 20 s by default
     */
    protected Duration recordTimeout() {
        return Duration.ofSeconds(20);
    }

    @BeforeEach
    void startTheServer() {
        server = ScriptedEngine.builder().build();
        handle = server.start();
        sender = createSender(handle.baseUrl());
        assertNotNull(sender, "createSender() returned null; return the sender under test");
    }

    @AfterEach
    void closeEverything() {
        try {
            if (sender != null) {
                sender.close();
            }
            others.forEach(RequestSender::close);
        } finally {
            others.clear();
            server.close();
        }
    }

    /**
     * A streaming completion request for the kit's server, asking for {@code tokens} tokens.
     *
     * @param tokens max tokens
     * @return the request
     */
    protected CompletionRequest request(int tokens) {
        return CompletionRequest.of(Endpoint.COMPLETIONS, handle.model(),
                io.qmeter.workload.PromptSpec.ofText("Hello there", 2, tokens)).withIgnoreEos(true);
    }

    private RequestRecord await(CompletableFuture<RequestRecord> f, String what) {
        assertNotNull(f, what + ": send returned a null future");
        try {
            RequestRecord r = f.get(recordTimeout().toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(r, what + ": the future completed with null");
            return r;
        } catch (ExecutionException e) {
            throw new AssertionError(what + ": the future completed exceptionally; a sender must record the "
                    + "failure in the record's outcome instead: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": no record within " + recordTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private RequestRecord sendScripted(Script script, long index, String what) {
        server.enqueue(script);
        long scheduled = System.nanoTime();
        RequestRecord r = await(sender.send(request(5), index, scheduled), what);
        assertEquals(index, r.index(), what + ": the record's index must be the one passed");
        assertEquals(scheduled, r.scheduledNanos(), what + ": scheduledNanos must be copied unchanged");
        return r;
    }

    @Test
    @DisplayName("a normal stream gives an OK record with the index, schedule and served tokens")
    void normalStream() {
        long before = System.nanoTime();
        RequestRecord r = sendScripted(Script.builder().tokens(5).build(), 7, "a normal stream");
        long after = System.nanoTime();
        assertEquals(Outcome.OK, r.outcome(), "outcome of a normal stream: " + r.error());
        assertEquals(5, r.outputTokensServed(), "the server streamed 5 tokens");
        assertTrue(r.sentNanos() >= before && r.sentNanos() <= after,
                "sentNanos must be a System.nanoTime() value within the call, was " + r.sentNanos());
        assertTrue(r.firstTokenNanos() >= r.sentNanos(), "first token before the request was sent");
        assertTrue(r.lastTokenNanos() >= r.firstTokenNanos(), "last token before the first");
        assertTrue(r.lastTokenNanos() <= after, "last token after the record was complete");
    }

    @Test
    @DisplayName("an HTTP 500 gives an HTTP_ERROR record with the status, not an exception")
    void httpError() {
        RequestRecord r = sendScripted(Script.builder().status(500, "{\"error\":{\"message\":\"boom\"}}").build(),
                1, "an HTTP 500");
        assertEquals(Outcome.HTTP_ERROR, r.outcome(), "outcome of an HTTP 500");
        assertEquals(500, r.httpStatus(), "the record must carry the status");
    }

    @Test
    @DisplayName("a stream cut after two tokens gives a failed record, not an exception")
    void cutStream() {
        RequestRecord r = sendScripted(Script.builder().tokens(5).fault(Fault.cutAfter(2)).build(), 2, "a cut stream");
        assertNotEquals(Outcome.OK, r.outcome(), "a stream cut before it ended must not be OK");
        assertNotNull(r.error(), "a failed record must say why");
    }

    @Test
    @DisplayName("garbage in the stream gives a failed record, not an exception")
    void malformedStream() {
        RequestRecord r = sendScripted(Script.builder().tokens(5).fault(Fault.malformedAfter(1)).build(), 3,
                "a malformed stream");
        assertNotEquals(Outcome.OK, r.outcome(), "a malformed stream must not be OK");
        assertNotNull(r.error(), "a failed record must say why");
    }

    @Test
    @DisplayName("a refused connection gives a CONNECTION_ERROR record, not an exception")
    void refusedConnection() throws IOException {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        RequestSender toNowhere = createSender(URI.create("http://127.0.0.1:" + deadPort));
        assertNotNull(toNowhere, "createSender() returned null");
        others.add(toNowhere);
        long scheduled = System.nanoTime();
        RequestRecord r = await(toNowhere.send(request(5), 4, scheduled), "a refused connection");
        assertEquals(Outcome.CONNECTION_ERROR, r.outcome(), "outcome of a refused connection");
        assertEquals(scheduled, r.scheduledNanos(), "scheduledNanos must be copied unchanged");
        assertEquals(-1, r.firstTokenNanos(), "no token can have arrived");
    }

    @Test
    @DisplayName("sendAt is refused unless sendsAhead(), and then sends no earlier than the due time")
    void sendAt() {
        if (!sender.sendsAhead()) {
            assertThrows(UnsupportedOperationException.class,
                    () -> sender.sendAt(request(5), 0, System.nanoTime()),
                    "sendAt must throw UnsupportedOperationException when sendsAhead() is false");
            return;
        }
        long due = System.nanoTime() + Duration.ofMillis(50).toNanos();
        RequestRecord r = await(sender.sendAt(request(5), 5, due), "sendAt");
        assertEquals(Outcome.OK, r.outcome(), "outcome of sendAt: " + r.error());
        assertEquals(due, r.scheduledNanos(), "scheduledNanos must be copied unchanged");
        assertTrue(r.sentNanos() >= due, "sendAt sent " + (due - r.sentNanos()) + " ns before the due time");
    }

    @Test
    @DisplayName("optional: a sendAt cancelled before its due time is never sent")
    void cancelledSendAtIsNotSent() throws InterruptedException {
        assumeTrue(sender.sendsAhead(), "this sender does not send ahead");
        long due = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        CompletableFuture<RequestRecord> f = sender.sendAt(request(5), 6, due);
        f.cancel(false);
        // a request sent anyway reaches the server right after the due time
        long waitMs = Duration.ofNanos(due - System.nanoTime()).toMillis() + 500;
        if (server.takeRequest(Duration.ofMillis(Math.max(waitMs, 1))).isPresent()) {
            fail("a sendAt cancelled before its due time was sent");
        }
    }

    @Test
    @DisplayName("close() is idempotent")
    void closeIsIdempotent() {
        sender.close();
        assertDoesNotThrow(sender::close, "a second close() must do nothing");
        sender = null;
    }
}
