package io.qmeter.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.PrematureCloseException;

/**
 * The state of one request of {@link LlmClient}: receives the response buffers on the event loop,
 * decodes and measures them, runs the timeouts, and completes the future exactly once.
 *
 * <p>All mutation happens under this object's monitor (the event loop and the timer thread both
 * touch it); the future is completed outside the monitor.
 */
final class Exchange extends BaseSubscriber<ByteBuf> implements SseDecoder.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(LlmClient.class);
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
    private static final int PREVIEW_BYTES = 160;
    private static final int SCRATCH_BYTES = 16 * 1024;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);

    private enum Mode { WAITING, STREAM, BODY, ERROR_BODY }

    private final LlmClient client;
    private final CompletionRequest request;
    private final long index;
    private final long scheduledNanos;
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

    private long sentNanos = -1;
    private long bufferNanos;
    private long lastBufferNanos;
    private long firstTokenNanos = -1;
    private long lastTokenNanos = -1;
    private long[] chunkNanos;
    private int[] chunkTokens;
    private int chunkCount;
    private boolean continuousUsage = true;

    private boolean finished;
    private boolean responseEnded;
    private RequestRecord completed;

    private Timer timer;
    private Timeout requestTimer;
    private Timeout firstTokenTimer;
    private Timeout idleTimer;

    Exchange(LlmClient client, CompletionRequest request, long index, long scheduledNanos) {
        this.client = client;
        this.request = request;
        this.index = index;
        this.scheduledNanos = scheduledNanos;
        this.interpreter = new ChunkInterpreter(request.keepText());
    }

    CompletableFuture<RequestRecord> future() {
        return future;
    }

    void failBeforeStart(Outcome outcome, String message) {
        RequestRecord r;
        synchronized (this) {
            r = finishLocked(outcome, message);
        }
        complete(r);
    }

    void start(HttpClient http, Timer timer, String uri, byte[] bytes) {
        this.timer = timer;
        try {
            synchronized (this) {
                if (finished) {
                    return; // cancelled by a concurrent close()
                }
                requestTimer = timer.newTimeout(t -> onTimeout(TimeoutKind.REQUEST),
                        client.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
                firstTokenTimer = timer.newTimeout(t -> onTimeout(TimeoutKind.FIRST_TOKEN),
                        client.firstTokenTimeout().toNanos(), TimeUnit.NANOSECONDS);
            }
            boolean stream = request.stream();
            int length = bytes.length;
            http.post()
                    .uri(uri)
                    .send((req, out) -> {
                        req.header(HttpHeaderNames.ACCEPT, stream ? "text/event-stream" : "application/json");
                        req.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(length));
                        return out.send(Mono.just(Unpooled.wrappedBuffer(bytes))).then(Mono.fromRunnable(this::onSent));
                    })
                    .response((resp, flux) -> {
                        onResponse(resp);
                        return flux;
                    })
                    .subscribe(this);
        } catch (RuntimeException e) {
            // e.g. the timer was stopped because the client is being closed
            RequestRecord r;
            synchronized (this) {
                r = finishLocked(client.isClosed() ? Outcome.CANCELLED : Outcome.CONNECTION_ERROR,
                        "not sent: " + e);
            }
            complete(r);
            dispose();
        }
    }

    // ---------------------------------------------------------------- event loop callbacks

    private synchronized void onSent() {
        sentNanos = System.nanoTime();
    }

    private void onResponse(HttpClientResponse resp) {
        synchronized (this) {
            if (finished) {
                return;
            }
            httpStatus = resp.status().code();
            contentType = resp.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE);
            String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
            if (httpStatus >= 300) {
                mode = Mode.ERROR_BODY;
            } else if (request.stream() && !ct.startsWith("application/json")) {
                mode = Mode.STREAM;
                decoder = new SseDecoder(this);
            } else {
                mode = Mode.BODY;
            }
        }
    }

    @Override
    protected void hookOnNext(ByteBuf buf) {
        RequestRecord r;
        boolean failed;
        synchronized (this) {
            long now = System.nanoTime();
            bufferNanos = now;
            lastBufferNanos = now;
            if (finished) {
                return;
            }
            switch (mode) {
                case STREAM -> feed(buf);
                case BODY -> keep(buf, MAX_BODY_BYTES);
                case ERROR_BODY -> keep(buf, MAX_ERROR_BODY_BYTES);
                default -> { }
            }
            if (mode == Mode.BODY && bodyTruncated) {
                finishLocked(Outcome.MALFORMED, "response body larger than " + MAX_BODY_BYTES + " bytes");
            }
            r = completed;
            failed = r != null && r.outcome() != Outcome.OK;
        }
        if (r != null) {
            complete(r);
            if (failed) {
                dispose();
            } else {
                scheduleDrain();
            }
        }
    }

    private void feed(ByteBuf buf) {
        int n = buf.readableBytes();
        if (decoder.eventCount() == 0 && bodyLength < PREVIEW_BYTES) {
            keepPreview(buf);
        }
        try {
            if (buf.hasArray()) {
                decoder.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), n);
            } else {
                byte[] scratch = SCRATCH.get();
                int at = buf.readerIndex();
                while (n > 0 && !finished) {
                    int k = Math.min(n, scratch.length);
                    buf.getBytes(at, scratch, 0, k);
                    decoder.feed(scratch, 0, k);
                    at += k;
                    n -= k;
                }
            }
        } catch (SseDecoder.TooLargeException e) {
            finishLocked(Outcome.MALFORMED, e.getMessage());
        }
    }

    private void keepPreview(ByteBuf buf) {
        int k = Math.min(buf.readableBytes(), PREVIEW_BYTES - bodyLength);
        if (body == null) {
            body = new byte[PREVIEW_BYTES];
        }
        buf.getBytes(buf.readerIndex(), body, bodyLength, k);
        bodyLength += k;
    }

    private void keep(ByteBuf buf, int max) {
        int n = buf.readableBytes();
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
        buf.getBytes(buf.readerIndex(), body, bodyLength, k);
        bodyLength += k;
    }

    /** One SSE event, called by the decoder inside {@link #feed}; under the monitor. */
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
            finishLocked(Outcome.STREAM_ERROR, "error event in the stream after " + chunkCount
                    + " content chunks: " + msg);
            return;
        }
        switch (kind) {
            case CONTENT -> onContent(bufferNanos, interpreter.chunkTokens());
            case DONE -> finishLocked(Outcome.OK, null);
            case ERROR -> finishLocked(Outcome.STREAM_ERROR, "error event in the stream after " + chunkCount
                    + " content chunks: " + interpreter.errorMessage());
            case MALFORMED -> finishLocked(Outcome.MALFORMED, interpreter.errorMessage());
            default -> { }
        }
    }

    private void onContent(long t, int tokens) {
        if (chunkNanos == null) {
            int cap = Math.min(Math.max(request.maxTokens(), 1) + 1, 64);
            chunkNanos = new long[cap];
            if (continuousUsage) {
                chunkTokens = new int[cap];
            }
        } else if (chunkCount == chunkNanos.length) {
            // grow by half, but not past max_tokens + 1 while that still fits: content chunks rarely
            // outnumber tokens, so long streams end with an array of about the right size
            int limit = request.maxTokens() + 1;
            int cap = chunkNanos.length + (chunkNanos.length >> 1) + 1;
            if (chunkCount < limit) {
                cap = Math.min(cap, limit);
            }
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
            if (firstTokenTimer != null) {
                firstTokenTimer.cancel();
            }
            scheduleIdle(client.idleTimeout().toNanos());
        }
        lastTokenNanos = t;
    }

    @Override
    protected void hookOnComplete() {
        RequestRecord r;
        synchronized (this) {
            endedLocked();
            if (finished) {
                return;
            }
            switch (mode) {
                case STREAM -> endStream();
                case BODY -> endBody();
                case ERROR_BODY -> finishLocked(Outcome.HTTP_ERROR, httpErrorMessage(null));
                default -> finishLocked(Outcome.CONNECTION_ERROR, "the connection ended without a response");
            }
            r = completed;
        }
        complete(r);
    }

    private void endStream() {
        try {
            decoder.end();
        } catch (SseDecoder.TooLargeException e) {
            finishLocked(Outcome.MALFORMED, e.getMessage());
            return;
        }
        if (finished) {
            return;
        }
        if (decoder.eventCount() == 0 && bodyLength > 0) {
            finishLocked(Outcome.MALFORMED, "expected an SSE stream (HTTP " + httpStatus + ", Content-Type "
                    + contentType + ") but got no event; the body starts with '" + preview() + "'");
            return;
        }
        finishLocked(Outcome.STREAM_ERROR, "the stream ended before [DONE] after " + chunkCount + " content chunks"
                + (interpreter.finishReason() != null ? " (finish_reason was '" + interpreter.finishReason() + "')" : "")
                + "; the server closed it early");
    }

    private void endBody() {
        if (bodyLength == 0) {
            finishLocked(Outcome.MALFORMED, "HTTP " + httpStatus + " with an empty body; expected a JSON completion");
            return;
        }
        ChunkInterpreter.Kind kind = interpreter.interpret(body, 0, bodyLength);
        switch (kind) {
            case CONTENT, NO_CONTENT -> {
                if (kind == ChunkInterpreter.Kind.CONTENT) {
                    onContent(lastBufferNanos, -1);
                }
                finishLocked(Outcome.OK, null);
            }
            case ERROR -> finishLocked(Outcome.STREAM_ERROR, "the server reported an error in an HTTP "
                    + httpStatus + " response: " + interpreter.errorMessage());
            case MALFORMED -> finishLocked(Outcome.MALFORMED, interpreter.errorMessage());
            default -> finishLocked(Outcome.MALFORMED, "expected a JSON completion body, got '" + preview() + "'");
        }
    }

    @Override
    protected void hookOnError(Throwable e) {
        RequestRecord r;
        synchronized (this) {
            endedLocked();
            if (finished) {
                return;
            }
            classify(e);
            r = completed;
        }
        complete(r);
    }

    private void classify(Throwable e) {
        if (client.isClosed()) {
            finishLocked(Outcome.CANCELLED, "the client was closed while the request was in flight (" + describe(e) + ")");
            return;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof ConnectTimeoutException)
                && !(root instanceof ConnectException)) {
            root = root.getCause();
        }
        if (e instanceof ConnectTimeoutException || root instanceof ConnectTimeoutException) {
            finishLocked(Outcome.TIMEOUT, "connect timeout: no connection to " + client.baseUrl().getHost() + ":"
                    + port() + " within " + client.connectTimeout());
            return;
        }
        if (e instanceof DecoderException || root instanceof DecoderException
                || (mode == Mode.WAITING && e instanceof IllegalArgumentException)) {
            finishLocked(Outcome.MALFORMED, "the response is not valid HTTP: " + describe(e));
            return;
        }
        switch (mode) {
            case WAITING -> finishLocked(Outcome.CONNECTION_ERROR, connectionMessage(e, root));
            case STREAM -> finishLocked(Outcome.STREAM_ERROR, "the stream was cut before [DONE] after " + chunkCount
                    + " content chunks: " + describe(e));
            case BODY -> finishLocked(Outcome.STREAM_ERROR, "the response body was cut after " + bodyLength
                    + " bytes: " + describe(e));
            case ERROR_BODY -> finishLocked(Outcome.HTTP_ERROR, httpErrorMessage(describe(e)));
        }
    }

    private String connectionMessage(Throwable e, Throwable root) {
        String where = client.baseUrl().getHost() + ":" + port();
        if (e instanceof ConnectException || root instanceof ConnectException) {
            return "connection refused by " + where + " (is the server running?): " + describe(root);
        }
        if (root instanceof UnknownHostException || root instanceof NoRouteToHostException) {
            return "cannot reach " + where + ": " + describe(root);
        }
        if (e instanceof PrematureCloseException || root instanceof ClosedChannelException) {
            return "the server closed the connection before responding (" + where + "): " + describe(e);
        }
        if (root instanceof IOException) {
            return "the connection to " + where + " broke before a response: " + describe(root);
        }
        return "the request to " + where + " failed before a response: " + describe(e);
    }

    private int port() {
        int p = client.baseUrl().getPort();
        return p >= 0 ? p : "https".equalsIgnoreCase(client.baseUrl().getScheme()) ? 443 : 80;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    // ---------------------------------------------------------------- timeouts

    private enum TimeoutKind { REQUEST, FIRST_TOKEN, IDLE }

    private void onTimeout(TimeoutKind kind) {
        RequestRecord r = null;
        boolean disposeOnly = false;
        synchronized (this) {
            if (finished) {
                // after [DONE]: a server that never ends the response must not hold the connection
                disposeOnly = kind == TimeoutKind.IDLE && !responseEnded;
            } else {
                switch (kind) {
                    case REQUEST -> finishLocked(Outcome.TIMEOUT, "request timeout: the request did not complete within "
                            + client.requestTimeout() + " (" + progress() + ")");
                    case FIRST_TOKEN -> {
                        if (firstTokenNanos < 0) {
                            finishLocked(Outcome.TIMEOUT, "first-token timeout: no content within "
                                    + client.firstTokenTimeout() + " of sending (" + progress() + ")");
                        }
                    }
                    case IDLE -> {
                        long idle = client.idleTimeout().toNanos();
                        long quiet = System.nanoTime() - lastBufferNanos;
                        if (quiet >= idle) {
                            finishLocked(Outcome.TIMEOUT, "idle timeout: no data for "
                                    + Duration.ofMillis(quiet / 1_000_000) + " (limit " + client.idleTimeout()
                                    + ") after " + chunkCount + " content chunks");
                        } else {
                            scheduleIdle(idle - quiet);
                        }
                    }
                }
            }
            r = completed;
        }
        if (r != null) {
            complete(r);
            dispose();
        } else if (disposeOnly) {
            dispose();
        }
    }

    private String progress() {
        if (mode == Mode.WAITING) {
            return sentNanos < 0 ? "the request was not yet written" : "no response headers yet";
        }
        return "HTTP " + httpStatus + ", " + chunkCount + " content chunks";
    }

    private void scheduleIdle(long nanos) {
        if (timer == null) {
            return;
        }
        try {
            idleTimer = timer.newTimeout(t -> onTimeout(TimeoutKind.IDLE), nanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            // timer stopped: the client is closing
        }
    }

    /** After [DONE]: bounds how long a server may keep the finished response open (then the connection is closed). */
    private synchronized void scheduleDrain() {
        if (!responseEnded) {
            scheduleIdle(client.idleTimeout().toNanos());
        }
    }

    /** The response ended: no timer may keep this exchange alive any longer. Under the monitor. */
    private void endedLocked() {
        responseEnded = true;
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
    }

    // ---------------------------------------------------------------- ending

    /** Builds the record once and stops the timers; under the monitor. */
    private RequestRecord finishLocked(Outcome outcome, String error) {
        if (finished) {
            return completed;
        }
        finished = true;
        if (requestTimer != null) {
            requestTimer.cancel();
        }
        if (firstTokenTimer != null) {
            firstTokenTimer.cancel();
        }
        if (idleTimer != null) {
            idleTimer.cancel();
        }
        long[] chunks = chunkNanos == null ? new long[0] : Arrays.copyOf(chunkNanos, chunkCount);
        int[] tokens = chunkTokens == null || !continuousUsage ? null : Arrays.copyOf(chunkTokens, chunkCount);
        int completion = interpreter.completionTokens();
        boolean counted = completion < 0;
        int served = counted ? chunkCount : completion;
        completed = new RequestRecord(index, scheduledNanos, sentNanos, firstTokenNanos, lastTokenNanos, chunks, tokens,
                request.prompt().inputTokens(), interpreter.promptTokens(), request.maxTokens(), served, counted,
                interpreter.finishReason(), outcome, httpStatus, error, request.keepText() ? interpreter.text() : null);
        // free what the record does not need
        chunkNanos = null;
        chunkTokens = null;
        decoder = null;
        if (outcome != Outcome.HTTP_ERROR) {
            body = null;
        }
        return completed;
    }

    /** Ends the request because its client is closing: CANCELLED, and the connection is closed. */
    void cancelByClose() {
        cancel("the client was closed while the request was in flight");
    }

    /** The caller cancelled the returned future: stop the stream and free the connection. */
    void cancelByCaller() {
        cancel("the caller cancelled the request");
    }

    private void cancel(String why) {
        RequestRecord r;
        synchronized (this) {
            if (finished) {
                return;
            }
            r = finishLocked(Outcome.CANCELLED, why + " (" + progress() + ")");
        }
        complete(r);
        dispose();
    }

    private void complete(RequestRecord r) {
        if (r == null) {
            return;
        }
        client.ended(this);
        if (future.complete(r) && r.outcome() != Outcome.OK) {
            LOG.debug("request #{} ended {}: {}", index, r.outcome(), r.error());
        }
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
