package io.qmeter.client;

import io.qmeter.internal.Checks;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The HTTP {@link RequestSender}: streams completions from any OpenAI-compatible server (vLLM,
 * SGLang, TensorRT-LLM, llama.cpp) over Reactor Netty and measures every request.
 *
 * <p>An immutable, copy-on-write configuration in the style of Reactor Netty's {@code HttpClient}:
 * each setter returns a new client. Network resources (one connection pool, one timer thread) are
 * created on the first {@link #send} of a client and released by {@link #close()}; configure
 * first, then use and close the final copy.
 *
 * <p>Measurement, all from {@link System#nanoTime()}:
 * <ul>
 *   <li>{@code sentNanos}: taken on the event loop when the write of the whole request (headers
 *       and body, one buffer) completed, i.e. the bytes were handed to the socket. It therefore
 *       includes waiting for a pooled connection and connecting.</li>
 *   <li>Arrival times are taken once per received network buffer, on the event loop, before it is
 *       decoded; every content chunk decoded from that buffer gets that time. Only chunks with
 *       content count: {@code firstTokenNanos}, {@code lastTokenNanos}, {@code chunkNanos}. For a
 *       non-streaming request, the single "chunk" is the arrival of the body's last buffer.</li>
 *   <li>{@code outputTokensServed} is {@code usage.completion_tokens} when the server reported it,
 *       else the number of content chunks ({@code outputCountedFromChunks = true}).</li>
 *   <li>{@code chunkTokens} is filled when every content chunk carried usage (vLLM
 *       {@code continuous_usage_stats}): the growth of {@code completion_tokens} per chunk.</li>
 * </ul>
 *
 * <p>Every ending becomes a record (the future never completes exceptionally): {@code OK} after
 * {@code [DONE]} (or a complete non-streaming body); {@code HTTP_ERROR} for a status of 300 or
 * more, with the server's message ({@code error.message}, {@code message}, or the start of a
 * non-JSON body); {@code STREAM_ERROR} for an error event or a stream that ended or broke before
 * {@code [DONE]}; {@code TIMEOUT} naming the timeout that fired; {@code CONNECTION_ERROR} when no
 * response came (refused, reset, closed); {@code MALFORMED} for bytes that are not a valid
 * response; {@code CANCELLED} when the client was closed meanwhile.
 *
 * <p>Timeouts: {@code connectTimeout} (TCP connect), {@code firstTokenTimeout} (from the call to
 * {@code send} to the first content chunk), {@code idleTimeout} (the longest gap between two
 * received buffers once content has started), {@code requestTimeout} (from the call to
 * {@code send} to the end). Timeouts are checked by a timer with a 10 ms tick. For a
 * non-streaming request the first-token timeout bounds the wait for the whole body. After
 * {@code [DONE]} the record is made at once; a server that then keeps the response open for
 * longer than the idle timeout gets its connection closed.
 *
 * <p>Connections: one pool of up to {@link #maxConnections(int)} connections (default 1,024), one
 * stream per connection (HTTP/1.1), waiting acquisitions unbounded; capping requests in flight is
 * the load generator's job. Idle pooled connections are closed after 3 s, before the usual 5 s
 * keep-alive of uvicorn and llama.cpp servers, so a request is not written into a connection the
 * server is closing. Requests are never retried.
 *
 * <p>The API key is sent as {@code Authorization: Bearer ...}; it never appears in
 * {@link #toString()}, logs or records. Futures complete on a Netty event loop thread: do not
 * block in dependent stages (use the {@code ...Async} variants).
 *
 * <pre>{@code
 * try (LlmClient client = LlmClient.create(URI.create("http://127.0.0.1:8000"))
 *         .apiKey(System.getenv("OPENAI_API_KEY"))
 *         .firstTokenTimeout(Duration.ofMinutes(2))) {
 *     CompletionRequest req = CompletionRequest.of(Endpoint.COMPLETIONS, "llama",
 *             PromptSpec.ofText("Hello", 2, 64)).withIgnoreEos(true);
 *     RequestRecord r = client.send(req, 0, System.nanoTime()).join();
 *     System.out.println(r.outcome() + " TTFT " + r.ttftNanos() / 1e6 + " ms");
 * }
 * }</pre>
 */
public final class LlmClient implements RequestSender {

    private static final Logger LOG = LoggerFactory.getLogger(LlmClient.class);

    /**
     * Default {@link #maxConnections(int)}: 1,024. Beyond a server's capacity an unbounded pool keeps
     * opening connections (qmeter-bench saw 22,270 opened and 6,734 connection errors at 8,000
     * 256-token req/s with 16,384); with 1,024 the excess waits in the client, counted as queue
     * delay, and the run is marked invalid instead. Raise it for more concurrent streams.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 1_024;
    /** Default {@link #connectTimeout(Duration)}: 10 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default {@link #firstTokenTimeout(Duration)}: 10 min (long queues before prefill are measured, not cut). */
    public static final Duration DEFAULT_FIRST_TOKEN_TIMEOUT = Duration.ofMinutes(10);
    /** Default {@link #idleTimeout(Duration)}: 2 min. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(2);
    /** Default {@link #requestTimeout(Duration)}: 30 min. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(30);

    private static final Duration POOL_MAX_IDLE = Duration.ofSeconds(3);

    private final URI baseUrl;
    private final String apiKey;
    private final Duration connectTimeout;
    private final Duration firstTokenTimeout;
    private final Duration idleTimeout;
    private final Duration requestTimeout;
    private final int maxConnections;
    private final Map<String, String> headers;

    private final String completionsUri;
    private final String chatUri;

    private final Object lock = new Object();
    private volatile Resources resources;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Requests whose record is not made yet, so that {@link #close()} can end them. */
    private final Set<Exchange> inFlight = ConcurrentHashMap.newKeySet();

    private LlmClient(URI baseUrl, String apiKey, Duration connectTimeout, Duration firstTokenTimeout,
                      Duration idleTimeout, Duration requestTimeout, int maxConnections, Map<String, String> headers) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.connectTimeout = connectTimeout;
        this.firstTokenTimeout = firstTokenTimeout;
        this.idleTimeout = idleTimeout;
        this.requestTimeout = requestTimeout;
        this.maxConnections = maxConnections;
        this.headers = headers;
        String root = baseUrl.toString();
        while (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        if (root.endsWith("/v1")) {
            root = root.substring(0, root.length() - 3);
        }
        this.completionsUri = root + Endpoint.COMPLETIONS.path();
        this.chatUri = root + Endpoint.CHAT_COMPLETIONS.path();
    }

    /**
     * A client for the server at {@code baseUrl} (its root, such as {@code http://127.0.0.1:8000};
     * a trailing {@code /v1} is tolerated), with default settings.
     *
     * <pre>{@code
     * LlmClient c = LlmClient.create(URI.create("http://127.0.0.1:8000"));
     * }</pre>
     *
     * @param baseUrl an {@code http} or {@code https} URL
     * @return the client
     * @throws IllegalArgumentException when the URL is not http(s) or has no host
     */
    public static LlmClient create(URI baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("baseUrl must be an http or https URL such as http://127.0.0.1:8000, was "
                    + baseUrl);
        }
        if (baseUrl.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must name a host, was " + baseUrl);
        }
        if (baseUrl.getQuery() != null || baseUrl.getFragment() != null) {
            throw new IllegalArgumentException("baseUrl must not have a query or fragment, was " + baseUrl);
        }
        return new LlmClient(baseUrl, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_FIRST_TOKEN_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_CONNECTIONS, Map.of());
    }

    /**
     * A copy that sends {@code Authorization: Bearer apiKey}. The key is never logged or shown.
     *
     * @param apiKey the key, or {@code null} to send none
     * @return the copy
     */
    public LlmClient apiKey(String apiKey) {
        if (apiKey != null && (apiKey.isBlank() || apiKey.indexOf('\n') >= 0 || apiKey.indexOf('\r') >= 0)) {
            throw new IllegalArgumentException("apiKey must be non-blank and on one line (or null for none)");
        }
        return new LlmClient(baseUrl, apiKey, connectTimeout, firstTokenTimeout, idleTimeout, requestTimeout,
                maxConnections, headers);
    }

    /**
     * A copy with another TCP connect timeout.
     *
     * @param timeout more than zero
     * @return the copy
     */
    public LlmClient connectTimeout(Duration timeout) {
        return new LlmClient(baseUrl, apiKey, Checks.positive("connectTimeout", timeout), firstTokenTimeout, idleTimeout,
                requestTimeout, maxConnections, headers);
    }

    /**
     * A copy with another first-token timeout (from the call to {@code send} to the first content chunk).
     *
     * @param timeout more than zero
     * @return the copy
     */
    public LlmClient firstTokenTimeout(Duration timeout) {
        return new LlmClient(baseUrl, apiKey, connectTimeout, Checks.positive("firstTokenTimeout", timeout), idleTimeout,
                requestTimeout, maxConnections, headers);
    }

    /**
     * A copy with another idle timeout: the longest gap between two received buffers once content has started.
     *
     * @param timeout more than zero
     * @return the copy
     */
    public LlmClient idleTimeout(Duration timeout) {
        return new LlmClient(baseUrl, apiKey, connectTimeout, firstTokenTimeout, Checks.positive("idleTimeout", timeout),
                requestTimeout, maxConnections, headers);
    }

    /**
     * A copy with another timeout for the whole request (from the call to {@code send} to the end).
     *
     * @param timeout more than zero
     * @return the copy
     */
    public LlmClient requestTimeout(Duration timeout) {
        return new LlmClient(baseUrl, apiKey, connectTimeout, firstTokenTimeout, idleTimeout,
                Checks.positive("requestTimeout", timeout), maxConnections, headers);
    }

    /**
     * A copy whose pool holds up to {@code n} connections (one stream each). More requests wait for
     * a connection without limit.
     *
     * @param n at least 1
     * @return the copy
     */
    public LlmClient maxConnections(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1, was " + n);
        }
        return new LlmClient(baseUrl, apiKey, connectTimeout, firstTokenTimeout, idleTimeout, requestTimeout, n,
                headers);
    }

    /**
     * A copy that sends one more header on every request (replacing a previous value of that name).
     * Header values are not shown by {@link #toString()}.
     *
     * @param name  the header name
     * @param value the value
     * @return the copy
     */
    public LlmClient header(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isBlank() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
            throw new IllegalArgumentException("header name must be a non-empty HTTP token, was '" + name + "'");
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("header value of " + name + " must be on one line");
        }
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new LlmClient(baseUrl, apiKey, connectTimeout, firstTokenTimeout, idleTimeout, requestTimeout,
                maxConnections, java.util.Collections.unmodifiableMap(h));
    }

    /**
     * The server's base URL.
     *
     * @return the URL given to {@link #create(URI)}
     */
    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * The connect timeout.
     *
     * @return the duration
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * The first-token timeout.
     *
     * @return the duration
     */
    public Duration firstTokenTimeout() {
        return firstTokenTimeout;
    }

    /**
     * The idle timeout.
     *
     * @return the duration
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * The whole-request timeout.
     *
     * @return the duration
     */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * The pool size.
     *
     * @return the maximum number of connections
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * Sends a request now and measures it; see the class description for what the record holds.
     *
     * @param request        the request
     * @param index          its position in the run's schedule
     * @param scheduledNanos when the schedule said it was due ({@link System#nanoTime()})
     * @return the record; never completes exceptionally
     */
    @Override
    public CompletableFuture<RequestRecord> send(CompletionRequest request, long index, long scheduledNanos) {
        Objects.requireNonNull(request, "request");
        Exchange ex = new Exchange(this, request, index, scheduledNanos);
        inFlight.add(ex);
        if (closed.get()) {
            ex.failBeforeStart(Outcome.CANCELLED, "not sent: the client is closed");
            return ex.future();
        }
        byte[] body;
        Resources rt;
        try {
            body = RequestBodies.write(request);
            rt = resources();
        } catch (RuntimeException e) {
            ex.failBeforeStart(Outcome.CANCELLED, "not sent: " + e.getMessage());
            return ex.future();
        }
        CompletableFuture<RequestRecord> f = ex.future();
        // cancelling the returned future stops the stream (the load runner does so for requests
        // still open when a run ends)
        f.whenComplete((r, e) -> {
            if (f.isCancelled()) {
                ex.cancelByCaller();
            }
        });
        ex.start(rt.http, rt.timer, request.endpoint() == Endpoint.CHAT_COMPLETIONS ? chatUri : completionsUri, body);
        return f;
    }

    /** Releases the connection pool and the timer; idempotent. Requests still in flight end as CANCELLED. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Exchange ex : inFlight) {
            ex.cancelByClose();
        }
        Resources rt;
        synchronized (lock) {
            rt = resources;
            resources = null;
        }
        if (rt == null) {
            return;
        }
        if (Schedulers.isInNonBlockingThread()) {
            rt.provider.disposeLater().subscribe(null, e -> LOG.debug("closing the connection pool failed", e));
        } else {
            try {
                rt.provider.disposeLater().block(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                LOG.debug("closing the connection pool failed", e);
            }
        }
        rt.timer.stop();
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Called once by each exchange when its record is made. */
    void ended(Exchange ex) {
        inFlight.remove(ex);
    }

    @Override
    public String toString() {
        return "LlmClient[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "(set)")
                + ", connectTimeout=" + connectTimeout + ", firstTokenTimeout=" + firstTokenTimeout
                + ", idleTimeout=" + idleTimeout + ", requestTimeout=" + requestTimeout
                + ", maxConnections=" + maxConnections + ", headers=" + new ArrayList<>(headers.keySet()) + "]";
    }

    private Resources resources() {
        Resources rt = resources;
        if (rt != null) {
            return rt;
        }
        synchronized (lock) {
            if (closed.get()) {
                throw new IllegalStateException("the client is closed");
            }
            if (resources == null) {
                resources = newResources();
            }
            return resources;
        }
    }

    private Resources newResources() {
        ConnectionProvider provider = ConnectionProvider.builder("qmeter-llm")
                .maxConnections(maxConnections)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofDays(1))
                .maxIdleTime(POOL_MAX_IDLE)
                .build();
        Map<String, String> fixed = new LinkedHashMap<>(headers);
        String key = apiKey;
        HttpClient http = HttpClient.create(provider)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .disableRetry(true)
                .compress(false)
                .keepAlive(true)
                .headers(h -> {
                    h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                    if (key != null) {
                        h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key);
                    }
                    fixed.forEach(h::set);
                });
        if ("https".equalsIgnoreCase(baseUrl.getScheme())) {
            http = http.secure();
        }
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "qmeter-llm-timer");
            t.setDaemon(true);
            return t;
        };
        Timer timer = new HashedWheelTimer(tf, 10, TimeUnit.MILLISECONDS, 512);
        return new Resources(provider, http, timer);
    }


    /** The resources of a client in use. */
    private record Resources(ConnectionProvider provider, HttpClient http, Timer timer) {
    }
}
