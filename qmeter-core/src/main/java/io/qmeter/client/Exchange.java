package io.qmeter.client;

import io.qmeter.internal.sse.SseDecoder;

import io.qmeter.internal.sse.ChunkInterpreter;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one request of {@link LlmClient}: writes it, decodes and measures the response,
 * runs its timeouts, and completes the future exactly once.
 *
 * <p>Confined to its pool's event loop: every method except the constructor runs on
 * {@link Pool#loop}, so nothing is locked. Other threads reach it only through
 * {@code loop.execute(...)}.
 */
final class Exchange implements SseDecoder.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(LlmClient.class);
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
    private static final int PREVIEW_BYTES = 160;
    /** The most content chunks one record keeps (arrays of Java cannot be longer). */
    private static final int MAX_CHUNKS = Integer.MAX_VALUE - 8;

    private enum Mode { WAITING, STREAM, BODY, ERROR_BODY }

    private final LlmClient client;
    private final Pool pool;
    private final CompletionRequest request;
    private final long index;
    private final long scheduledNanos;
    private final byte[] bytes;
    private final CompletableFuture<RequestRecord> future = new CompletableFuture<>();
    private final ChunkInterpreter interpreter;

    private Mode mode = Mode.WAITING;
    private int httpStatus;
    private String contentType;
    private SseDecoder decoder;
    /** Body bytes (BODY, ERROR_BODY) or the first bytes of a stream (STREAM, until the first event). */
    private byte[] body;
    private int bodyLength;
    private boolean bodyTruncated;

    private long dispatchNanos = -1;
    private long startNanos;
    private long sentNanos = -1;
    private long bufferNanos;
    private long lastBufferNanos;
    private long firstTokenNanos = -1;
    private long lastTokenNanos = -1;
    private long[] chunkNanos;
    private int[] chunkTokens;
    private int chunkCount;
    private boolean continuousUsage = true;

    private boolean started;
    /** Waiting in the pool's queue for a connection. */
    boolean queued;
    private boolean finished;
    private boolean responseEnded;
    private RequestRecord completed;
    private Pool.Connection connection;

    /** The connection written to had carried a request before. */
    private boolean reusedConnection;
    /** A byte of the response arrived on the current connection. */
    private boolean responseBegan;
    /** Sent a second time, on a fresh connection (at most once). */
    private boolean retried;

    /** Held in the pool's due queue by {@link #startAt} until its time comes. */
    boolean held;

    Exchange(LlmClient client, Pool pool, CompletionRequest request, long index, long scheduledNanos, byte[] bytes) {
        this.client = client;
        this.pool = pool;
        this.request = request;
        this.index = index;
        this.scheduledNanos = scheduledNanos;
        this.bytes = bytes;
        this.interpreter = new ChunkInterpreter(request.keepText());
    }

    CompletableFuture<RequestRecord> future() {
        return future;
    }

    /** Whether the loop has started sending it (for tests). */
    boolean started() {
        return started;
    }

    // ---------------------------------------------------------------- starting

    /** Sends now (on the loop). {@code timed}: the record gets the dispatch time (scheduled sending). */
    void start(boolean timed) {
        pool.track(this);
        if (finished) {
            return;
        }
        started = true;
        startNanos = System.nanoTime();
        if (timed) {
            dispatchNanos = startNanos;
        }
        if (client.isClosed()) {
            finish(Outcome.CANCELLED, "not sent: the client is closed");
            return;
        }
        try {
            pool.acquire(this);
        } catch (RuntimeException e) {
            failed(e); // never leave a request without a record, whatever went wrong in the client
        }
    }

    /** Holds the request in the pool's due queue until {@code scheduledNanos} (on the loop). */
    void startAt() {
        pool.track(this);
        if (client.isClosed()) {
            start(true);
        } else {
            pool.hold(this);
        }
    }

    long scheduledNanos() {
        return scheduledNanos;
    }

    /** Sends now (on the loop). */
    void startNow() {
        start(false);
    }

    boolean wantsConnection() {
        return !finished;
    }

    void write(Pool.Connection c) {
        queued = false;
        connection = c;
        c.assign(this);
        reusedConnection = c.uses > 1 || c.preopened;
        responseBegan = false;
        byte[] head = client.head(request.endpoint(), request.stream());
        byte[] length = Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII);
        ByteBuf buf = c.channel.alloc().directBuffer(head.length + length.length + 4 + bytes.length);
        buf.writeBytes(head).writeBytes(length).writeShort(0x0d0a).writeShort(0x0d0a).writeBytes(bytes);
        c.channel.writeAndFlush(buf).addListener(f -> {
            if (f.isSuccess()) {
                sentNanos = System.nanoTime();
            } else if (!finished && connection == c) {
                c.current = null;
                c.channel.close(); // before onClosed: a retry must not be handed this connection
                onClosed(f.cause());
            }
        });
    }

    void connectFailed(Throwable cause) {
        if (finished) {
            return;
        }
        classify(cause);
    }

    // ---------------------------------------------------------------- response

    void onResponse(int status, String type) {
        if (finished) {
            return;
        }
        httpStatus = status;
        contentType = type;
        String ct = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (status >= 300) {
            mode = Mode.ERROR_BODY;
        } else if (request.stream() && !ct.startsWith("application/json")) {
            mode = Mode.STREAM;
            decoder = new SseDecoder(this);
        } else {
            mode = Mode.BODY;
        }
    }

    /** Body bytes {@code [index, index + length)} of {@code buf}, from a network buffer read at {@code nanos}. */
    void onBuffer(ByteBuf buf, int index, int length, long nanos) {
        bufferNanos = nanos;
        lastBufferNanos = nanos;
        if (finished || length == 0) {
            return;
        }
        switch (mode) {
            case STREAM -> feed(buf, index, length);
            case BODY -> keep(buf, index, length, MAX_BODY_BYTES);
            case ERROR_BODY -> keep(buf, index, length, MAX_ERROR_BODY_BYTES);
            default -> { }
        }
        if (mode == Mode.BODY && bodyTruncated) {
            finish(Outcome.MALFORMED, "response body larger than " + MAX_BODY_BYTES + " bytes");
        }
        if (finished && completed.outcome() != Outcome.OK) {
            dropConnection();
        }
    }

    private void feed(ByteBuf buf, int index, int n) {
        if (decoder.eventCount() == 0 && bodyLength < PREVIEW_BYTES) {
            keepPreview(buf, index, n);
        }
        try {
            if (buf.hasArray()) {
                decoder.feed(buf.array(), buf.arrayOffset() + index, n);
            } else {
                byte[] scratch = pool.scratch;
                int at = index;
                while (n > 0 && !finished) {
                    int k = Math.min(n, scratch.length);
                    buf.getBytes(at, scratch, 0, k);
                    decoder.feed(scratch, 0, k);
                    at += k;
                    n -= k;
                }
            }
        } catch (SseDecoder.TooLargeException e) {
            finish(Outcome.MALFORMED, e.getMessage());
        }
    }

    private void keepPreview(ByteBuf buf, int index, int n) {
        int k = Math.min(n, PREVIEW_BYTES - bodyLength);
        if (body == null) {
            body = new byte[PREVIEW_BYTES];
        }
        buf.getBytes(index, body, bodyLength, k);
        bodyLength += k;
    }

    private void keep(ByteBuf buf, int index, int n, int max) {
        int k = Math.min(n, max - bodyLength);
        if (k < n) {
            bodyTruncated = true;
        }
        if (k <= 0) {
            return;
        }
        if (body == null) {
            body = new byte[Math.max(k, 1024)];
        } else if (bodyLength + k > body.length) {
            body = Arrays.copyOf(body, Math.max(bodyLength + k, Math.min(max, body.length * 2)));
        }
        buf.getBytes(index, body, bodyLength, k);
        bodyLength += k;
    }

    /** One SSE event, called by the decoder inside {@link #feed}. */
    @Override
    public void onEvent(String type, byte[] data, int offset, int length) {
        if (finished) {
            return;
        }
        if (body != null && mode == Mode.STREAM) {
            body = null; // the preview is no longer needed once the stream proved to be SSE
            bodyLength = 0;
        }
        ChunkInterpreter.Kind kind = interpreter.interpret(data, offset, length);
        if (type != null && type.equals("error")) {
            String msg = kind == ChunkInterpreter.Kind.ERROR ? interpreter.errorMessage()
                    : new String(data, offset, Math.min(length, 500), StandardCharsets.UTF_8);
            finish(Outcome.STREAM_ERROR, "error event in the stream after " + chunkCount
                    + " content chunks: " + msg);
            return;
        }
        switch (kind) {
            case CONTENT -> onContent(bufferNanos, interpreter.chunkTokens());
            case DONE -> finish(Outcome.OK, null);
            case ERROR -> finish(Outcome.STREAM_ERROR, "error event in the stream after " + chunkCount
                    + " content chunks: " + interpreter.errorMessage());
            case MALFORMED -> finish(Outcome.MALFORMED, interpreter.errorMessage());
            default -> { }
        }
    }

    private void onContent(long t, int tokens) {
        if (chunkNanos == null) {
            // sized by the request but bounded independently of it (max_tokens may be Integer.MAX_VALUE)
            int cap = (int) Math.min(Math.max(request.maxTokens(), 1) + 1L, 64L);
            chunkNanos = new long[cap];
            if (continuousUsage) {
                chunkTokens = new int[cap];
            }
        } else if (chunkCount == chunkNanos.length) {
            // grow by half, but not past max_tokens + 1 while that still fits: content chunks rarely
            // outnumber tokens, so long streams end with an array of about the right size
            long limit = request.maxTokens() + 1L;
            long grown = Math.min(MAX_CHUNKS, chunkNanos.length + (long) (chunkNanos.length >> 1) + 1);
            if (chunkCount < limit) {
                grown = Math.min(grown, limit);
            }
            if (grown <= chunkCount) {
                finish(Outcome.MALFORMED, "more than " + MAX_CHUNKS + " content chunks in one response; "
                        + "qMeter keeps at most that many chunk times per request");
                return;
            }
            int cap = (int) grown;
            chunkNanos = Arrays.copyOf(chunkNanos, cap);
            if (chunkTokens != null) {
                chunkTokens = Arrays.copyOf(chunkTokens, cap);
            }
        }
        if (tokens < 0 && continuousUsage) {
            continuousUsage = false;
            chunkTokens = null;
        }
        chunkNanos[chunkCount] = t;
        if (chunkTokens != null) {
            chunkTokens[chunkCount] = tokens;
        }
        chunkCount++;
        if (firstTokenNanos < 0) {
            firstTokenNanos = t;
        }
        lastTokenNanos = t;
    }

    /** The response's last byte arrived (the connection goes back to the pool). */
    void onResponseEnd() {
        responseEnded = true;
        connection = null;
        if (finished) {
            pool.untrack(this); // the drain limit after [DONE] is no longer needed
            return;
        }
        switch (mode) {
            case STREAM -> endStream();
            case BODY -> endBody();
            case ERROR_BODY -> finish(Outcome.HTTP_ERROR, httpErrorMessage(null));
            default -> finish(Outcome.CONNECTION_ERROR, "the connection ended without a response");
        }
    }

    private void endStream() {
        try {
            decoder.end();
        } catch (SseDecoder.TooLargeException e) {
            finish(Outcome.MALFORMED, e.getMessage());
            return;
        }
        if (finished) {
            return;
        }
        if (decoder.eventCount() == 0 && bodyLength > 0) {
            finish(Outcome.MALFORMED, "expected an SSE stream (HTTP " + httpStatus + ", Content-Type "
                    + contentType + ") but got no event; the body starts with '" + preview() + "'");
            return;
        }
        finish(Outcome.STREAM_ERROR, "the stream ended before [DONE] after " + chunkCount + " content chunks"
                + (interpreter.finishReason() != null ? " (finish_reason was '" + interpreter.finishReason() + "')" : "")
                + "; the server closed it early");
    }

    private void endBody() {
        if (bodyLength == 0) {
            finish(Outcome.MALFORMED, "HTTP " + httpStatus + " with an empty body; expected a JSON completion");
            return;
        }
        ChunkInterpreter.Kind kind = interpreter.interpret(body, 0, bodyLength);
        switch (kind) {
            case CONTENT, NO_CONTENT -> {
                if (kind == ChunkInterpreter.Kind.CONTENT) {
                    onContent(lastBufferNanos, -1);
                }
                finish(Outcome.OK, null);
            }
            case ERROR -> finish(Outcome.STREAM_ERROR, "the server reported an error in an HTTP "
                    + httpStatus + " response: " + interpreter.errorMessage());
            case MALFORMED -> finish(Outcome.MALFORMED, interpreter.errorMessage());
            default -> finish(Outcome.MALFORMED, "expected a JSON completion body, got '" + preview() + "'");
        }
    }

    /** The bytes on the connection are not HTTP. */
    void malformedHttp(String why) {
        connection = null;
        responseEnded = true;
        if (finished) {
            pool.untrack(this);
        } else {
            finish(Outcome.MALFORMED, "the response is not valid HTTP: " + why);
        }
    }

    /** A network buffer arrived for this exchange's response. */
    void responseBegan() {
        responseBegan = true;
    }

    /** The response is valid HTTP that the client cannot measure (encoded, a protocol switch). */
    void unsupportedResponse(String why) {
        connection = null;
        responseEnded = true;
        if (finished) {
            pool.untrack(this);
        } else {
            finish(Outcome.MALFORMED, why);
        }
    }

    /** The connection closed ({@code cause} null) or failed while this exchange owned it. */
    void onClosed(Throwable cause) {
        connection = null;
        responseEnded = true;
        if (finished) {
            pool.untrack(this);
            return;
        }
        if (retryable(cause)) {
            // the server closed a pooled connection just as the request went out (a keep-alive
            // timeout, or a server that closes after every response while it says keep-alive): no
            // byte of a response came, so the server did not act on it; send it once more, fresh
            retried = true;
            responseEnded = false;
            sentNanos = -1;
            LOG.debug("request #{}: the server closed a reused connection before responding; retrying once "
                    + "on a new connection ({})", index, cause == null ? "closed" : describe(cause));
            pool.retry(this);
            return;
        }
        if (cause == null) {
            switch (mode) {
                case WAITING -> finish(Outcome.CONNECTION_ERROR, "the server closed the connection before "
                        + "responding (" + where() + ")");
                case STREAM -> finish(Outcome.STREAM_ERROR, "the stream was cut before [DONE] after " + chunkCount
                        + " content chunks: the server closed the connection");
                case BODY -> finish(Outcome.STREAM_ERROR, "the response body was cut after " + bodyLength
                        + " bytes: the server closed the connection");
                case ERROR_BODY -> finish(Outcome.HTTP_ERROR, httpErrorMessage("the server closed the connection"));
            }
        } else {
            classify(cause);
        }
    }

    /**
     * Whether a connection ending now may be retried: a reused connection, no byte of the response
     * yet, not retried before, the client open, and an ending that is a close or an I/O error (not
     * TLS, not a parse error).
     */
    private boolean retryable(Throwable cause) {
        if (retried || !reusedConnection || responseBegan || mode != Mode.WAITING || client.isClosed()) {
            return false;
        }
        return cause == null || (cause instanceof IOException && !(cause instanceof SSLException));
    }

    private void classify(Throwable e) {
        if (client.isClosed()) {
            finish(Outcome.CANCELLED, "the client was closed while the request was in flight (" + describe(e) + ")");
            return;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof ConnectTimeoutException)
                && !(root instanceof ConnectException)) {
            root = root.getCause();
        }
        if (e instanceof ConnectTimeoutException || root instanceof ConnectTimeoutException) {
            finish(Outcome.TIMEOUT, "connect timeout: no connection to " + where() + " within "
                    + client.connectTimeout());
            return;
        }
        if (e instanceof SSLException || root instanceof SSLException) {
            finish(Outcome.CONNECTION_ERROR, "TLS with " + where() + " failed: " + describe(root));
            return;
        }
        if (e instanceof DecoderException || root instanceof DecoderException) {
            finish(Outcome.MALFORMED, "the response is not valid HTTP: " + describe(e));
            return;
        }
        switch (mode) {
            case WAITING -> finish(Outcome.CONNECTION_ERROR, connectionMessage(e, root));
            case STREAM -> finish(Outcome.STREAM_ERROR, "the stream was cut before [DONE] after " + chunkCount
                    + " content chunks: " + describe(e));
            case BODY -> finish(Outcome.STREAM_ERROR, "the response body was cut after " + bodyLength
                    + " bytes: " + describe(e));
            case ERROR_BODY -> finish(Outcome.HTTP_ERROR, httpErrorMessage(describe(e)));
        }
    }

    private String connectionMessage(Throwable e, Throwable root) {
        if (e instanceof ConnectException || root instanceof ConnectException) {
            return "connection refused by " + where() + " (is the server running?): " + describe(root);
        }
        if (root instanceof UnknownHostException || root instanceof NoRouteToHostException) {
            return "cannot reach " + where() + ": " + describe(root);
        }
        if (root instanceof IOException) {
            return "the connection to " + where() + " broke before a response: " + describe(root);
        }
        return "the request to " + where() + " failed before a response: " + describe(e);
    }

    private String where() {
        return client.baseUrl().getHost() + ":" + client.port();
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    // ---------------------------------------------------------------- timeouts

    /**
     * Called by the pool's timeout sweep (every {@link LlmClient#timeoutTickNanos()}) for each exchange
     * it tracks: ends the request when one of its timeouts has passed; after {@code [DONE]}, closes
     * a connection the server keeps open for longer than the idle timeout.
     */
    void checkTimeouts(long now) {
        if (!started) {
            return;
        }
        if (finished) {
            // after [DONE]: a server that never ends the response must not hold the connection
            if (!responseEnded && now - lastBufferNanos >= client.idleTimeoutNanos) {
                dropConnection();
            }
            return;
        }
        if (now - startNanos >= client.requestTimeoutNanos) {
            finish(Outcome.TIMEOUT, "request timeout: the request did not complete within "
                    + client.requestTimeout() + " (" + progress() + ")");
        } else if (firstTokenNanos < 0 && now - startNanos >= client.firstTokenTimeoutNanos) {
            finish(Outcome.TIMEOUT, "first-token timeout: no content within "
                    + client.firstTokenTimeout() + " of sending (" + progress() + ")");
        } else if (firstTokenNanos >= 0 && now - lastBufferNanos >= client.idleTimeoutNanos) {
            long quiet = now - lastBufferNanos;
            finish(Outcome.TIMEOUT, "idle timeout: no data for " + Duration.ofMillis(quiet / 1_000_000)
                    + " (limit " + client.idleTimeout() + ") after " + chunkCount + " content chunks");
        } else {
            return;
        }
        dropConnection();
    }

    private String progress() {
        if (mode == Mode.WAITING) {
            return sentNanos < 0 ? "the request was not yet written" : "no response headers yet";
        }
        return "HTTP " + httpStatus + ", " + chunkCount + " content chunks";
    }

    private void cancelStart() {
        if (held) {
            pool.unhold(this);
        }
    }

    // ---------------------------------------------------------------- ending

    /** Builds the record once and completes the future. */
    private void finish(Outcome outcome, String error) {
        if (finished) {
            return;
        }
        finished = true;
        cancelStart();
        long[] chunks = chunkNanos == null ? new long[0] : Arrays.copyOf(chunkNanos, chunkCount);
        int[] tokens = chunkTokens == null || !continuousUsage ? null : Arrays.copyOf(chunkTokens, chunkCount);
        int completion = interpreter.completionTokens();
        boolean counted = completion < 0;
        int served = counted ? chunkCount : completion;
        completed = new RequestRecord(index, scheduledNanos, sentNanos, firstTokenNanos, lastTokenNanos, chunks, tokens,
                request.prompt().inputTokens(), interpreter.promptTokens(), request.maxTokens(), served, counted,
                interpreter.finishReason(), outcome, httpStatus, error, request.keepText() ? interpreter.text() : null,
                dispatchNanos, retried, interpreter.serverTimings());
        // free what the record does not need
        chunkNanos = null;
        chunkTokens = null;
        decoder = null;
        body = null;
        if (queued) {
            pool.forget(this);
        }
        if (connection == null || responseEnded) {
            pool.untrack(this);
        } // else the sweep keeps watching until the response ends (the drain limit after [DONE])
        if (future.complete(completed) && outcome != Outcome.OK) {
            LOG.debug("request #{} ended {}: {}", index, outcome, error);
        }
    }

    /** Closes the connection this exchange holds, if any (its response will not be read to the end). */
    private void dropConnection() {
        Pool.Connection c = connection;
        connection = null;
        if (finished) {
            pool.untrack(this);
        }
        if (c != null) {
            if (c.current == this) {
                c.current = null;
            }
            c.channel.close();
        }
    }

    /** Starting the request threw: it ends CANCELLED with the cause, and its connection (if any) is closed. */
    void failed(Throwable t) {
        if (!finished) {
            finish(Outcome.CANCELLED, "not sent: the client failed to send it: " + t);
        }
        dropConnection();
    }

    /** Ends the request as CANCELLED (client closing, or the caller cancelled the future) and frees its connection. */
    void cancel(String why) {
        if (finished) {
            return;
        }
        finish(Outcome.CANCELLED, why + " (" + (started ? progress() : "not yet sent") + ")");
        dropConnection();
    }

    private String httpErrorMessage(String cut) {
        String msg;
        if (bodyLength == 0) {
            msg = "(empty body)";
        } else {
            ChunkInterpreter probe = new ChunkInterpreter(false);
            if (probe.interpret(body, 0, bodyLength) == ChunkInterpreter.Kind.ERROR) {
                msg = probe.errorMessage();
            } else {
                msg = preview();
            }
        }
        return "HTTP " + httpStatus + ": " + msg + (cut == null ? "" : " (body cut: " + cut + ")");
    }

    private String preview() {
        if (body == null || bodyLength == 0) {
            return "";
        }
        int n = Math.min(bodyLength, PREVIEW_BYTES * 2);
        String s = new String(body, 0, n, StandardCharsets.UTF_8).strip();
        if (s.length() > PREVIEW_BYTES) {
            s = s.substring(0, PREVIEW_BYTES) + "…";
        }
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    @Override
    public String toString() {
        return "Exchange[#" + index + " " + request.endpoint() + ", " + mode + "]";
    }
}
