package io.qmeter.client;

import io.qmeter.internal.sse.SseDecoder;

import io.qmeter.internal.sse.ChunkInterpreter;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.qmeter.internal.Checks;
import io.qmeter.internal.LatencyRecorder;
import io.qmeter.metrics.LatencyStats;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP {@link RequestSender}: streams completions from any OpenAI-compatible server (vLLM,
 * SGLang, TensorRT-LLM, llama.cpp) over HTTP/1.1 and measures every request.
 *
 * <p>An immutable, copy-on-write configuration in the style of Reactor Netty's {@code HttpClient}:
 * each setter returns a new client. Network resources (event loops and their connections) are
 * created on the first {@link #send} (or {@link #prepare}) of a client and released by
 * {@link #close()}; configure first, then use and close the final copy.
 *
 * <p>Transport: plain Netty (native epoll on Linux, else NIO) with {@link #ioThreads(int)} event
 * loops (default 1). Each loop owns its connections and its requests: a request is written, read,
 * decoded, timed out and recorded on one thread without locks, and nothing else runs there. One
 * loop carries about 10,000 short streams a second; see qmeter-bench for the figures.
 *
 * <p>Sending on schedule: {@link #sendAt} hands a request over ahead of its due time; the event
 * loop holds it in a due queue and writes it when due (woken by one timer, a {@code timerfd} with
 * nanosecond resolution under epoll, set a little early, then polling its sockets without sleeping
 * until a timer at the due time itself; also checked after every network read), so there is no
 * thread hand-off between the schedule and the socket. The load
 * runner uses it for open-loop runs without an in-flight cap.
 *
 * <p>Measurement, all from {@link System#nanoTime()}:
 * <ul>
 *   <li>{@code dispatchNanos} (with {@link #sendAt} only): when the event loop took the request
 *       off its timer queue and started sending it.</li>
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
 * response came (refused, reset, closed, TLS failed); {@code MALFORMED} for bytes that are not a
 * valid response; {@code CANCELLED} when the client was closed or the future cancelled meanwhile.
 *
 * <p>Timeouts, checked by each event loop every twentieth of the shortest timeout (1 to 100 ms;
 * a timeout fires at most that much late): {@code connectTimeout} (TCP connect),
 * {@code firstTokenTimeout} (from the start of sending to the first content chunk),
 * {@code idleTimeout} (the longest gap between two received buffers once content has started),
 * {@code requestTimeout} (from the start of sending to the end). For a non-streaming request the
 * first-token timeout bounds the wait for the whole body. After {@code [DONE]} the record is made
 * at once; a server that then keeps the response open for longer than the idle timeout gets its
 * connection closed.
 *
 * <p>Connections: up to {@link #maxConnections(int)} connections (default 1,024, shared evenly by
 * the event loops), one stream per connection (HTTP/1.1), requests beyond that wait for a
 * connection without limit; capping requests in flight is the load generator's job. Idle
 * connections are reused newest first and closed after {@link #connectionKeepAlive(Duration)}
 * (default 3 s, before the usual 5 s keep-alive of uvicorn and llama.cpp servers, so a request is
 * not written into a connection the server is closing). A connection the server closed while idle
 * is never reused. A request is retried at most once, and only when the server closed a reused
 * connection before any byte of its response arrived (some servers, such as llama.cpp's, close the
 * connection after each streamed response although they answer {@code Keep-Alive}); the record then
 * says {@link RequestRecord#retried()}, and its times are those of the second attempt. The client
 * asks for {@code Accept-Encoding: identity}; an encoded response, or a switch of protocol, ends as
 * {@code MALFORMED} with a message saying so. {@code https} uses the JDK's TLS with its default
 * trust store (or {@link #trustStore}) and host name verification.
 *
 * <p>The API key is sent as {@code Authorization: Bearer ...}; it never appears in
 * {@link #toString()}, logs or records. Futures complete on the event loop thread: do not block in
 * dependent stages (use the {@code ...Async} variants for slow work).
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

    /** Default {@link #ioThreads(int)}: 1. */
    public static final int DEFAULT_IO_THREADS = 1;
    /**
     * Default {@link #connectionKeepAlive(Duration)}: 3 s, below the 5 s after which uvicorn (vLLM,
     * SGLang) and llama.cpp's server close an idle connection.
     */
    public static final Duration DEFAULT_CONNECTION_KEEP_ALIVE = Duration.ofSeconds(3);

    private final URI baseUrl;
    private final String apiKey;
    private final Duration connectTimeout;
    private final Duration firstTokenTimeout;
    private final Duration idleTimeout;
    private final Duration requestTimeout;
    private final int maxConnections;
    private final Map<String, String> headers;
    private final int ioThreads;
    private final Duration connectionKeepAlive;
    /** {@link #connectionKeepAlive(Duration)} in nanoseconds. */
    final long connectionKeepAliveNanos;
    /** The timeouts in nanoseconds, capped at about 100 years (a Duration can be longer than a long of nanoseconds). */
    final long firstTokenTimeoutNanos;
    final long idleTimeoutNanos;
    final long requestTimeoutNanos;

    private final String completionsPath;
    private final String chatPath;
    /** Request line and headers per endpoint and kind (see {@link #head}), encoded once per configuration. */
    private final byte[][] heads = new byte[4][];

    private final Object lock = new Object();
    private volatile Resources resources;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Loop-delay watches not stopped yet (see {@link #watchLoopDelay}). */
    private final CopyOnWriteArrayList<Watch> watches = new CopyOnWriteArrayList<>();

    /** Certificates trusted for https instead of the JDK's defaults, or null. */
    private final java.security.KeyStore trustStore;

    /** Whether the fallback to NIO was logged (once per JVM). */
    private static final AtomicBoolean NIO_WARNED = new AtomicBoolean();

    /** Headers the client writes itself, refused by {@link #header}. */
    private static final java.util.Set<String> RESERVED_HEADERS = java.util.Set.of("host", "content-length",
            "transfer-encoding", "connection", "upgrade", "accept-encoding", "authorization", "keep-alive", "te",
            "trailer");

    /** How often a watched event loop runs its delay probe (see {@link LoopDelayWatch}). */
    static final long PROBE_INTERVAL_NANOS = 1_000_000L;

    private LlmClient(URI baseUrl, String apiKey, Duration connectTimeout, Duration firstTokenTimeout,
                      Duration idleTimeout, Duration requestTimeout, int maxConnections, Map<String, String> headers,
                      int ioThreads, Duration connectionKeepAlive, java.security.KeyStore trustStore) {
        this.trustStore = trustStore;
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.connectTimeout = connectTimeout;
        this.firstTokenTimeout = firstTokenTimeout;
        this.idleTimeout = idleTimeout;
        this.requestTimeout = requestTimeout;
        this.maxConnections = maxConnections;
        this.headers = headers;
        this.ioThreads = ioThreads;
        this.connectionKeepAlive = connectionKeepAlive;
        this.connectionKeepAliveNanos = saturatedNanos(connectionKeepAlive);
        this.firstTokenTimeoutNanos = saturatedNanos(firstTokenTimeout);
        this.idleTimeoutNanos = saturatedNanos(idleTimeout);
        this.requestTimeoutNanos = saturatedNanos(requestTimeout);
        String root = baseUrl.toString();
        while (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        if (root.endsWith("/v1")) {
            root = root.substring(0, root.length() - 3);
        }
        String prefix = URI.create(root).getRawPath();
        prefix = prefix == null ? "" : prefix;
        this.completionsPath = prefix + Endpoint.COMPLETIONS.path();
        this.chatPath = prefix + Endpoint.CHAT_COMPLETIONS.path();
        for (int k = 0; k < 4; k++) {
            heads[k] = encodeHead(k >= 2 ? Endpoint.CHAT_COMPLETIONS : Endpoint.COMPLETIONS, (k & 1) == 1);
        }
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
        if (baseUrl.getPort() > 65_535) {
            throw new IllegalArgumentException("baseUrl's port must be 1..65535, was " + baseUrl.getPort() + " in "
                    + baseUrl);
        }
        if (baseUrl.getQuery() != null || baseUrl.getFragment() != null) {
            throw new IllegalArgumentException("baseUrl must not have a query or fragment, was " + baseUrl);
        }
        return new LlmClient(baseUrl, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_FIRST_TOKEN_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_CONNECTIONS, Map.of(), DEFAULT_IO_THREADS,
                DEFAULT_CONNECTION_KEEP_ALIVE, null);
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
                maxConnections, headers, ioThreads, connectionKeepAlive, trustStore);
    }

    /**
     * A copy with another TCP connect timeout.
     *
     * @param timeout more than zero
     * @return the copy
     */
    public LlmClient connectTimeout(Duration timeout) {
        return new LlmClient(baseUrl, apiKey, Checks.positive("connectTimeout", timeout), firstTokenTimeout, idleTimeout,
                requestTimeout, maxConnections, headers, ioThreads, connectionKeepAlive, trustStore);
    }

    /**
     * A copy with another first-token timeout (from the call to {@code send} to the first content chunk).
     *
     * @param timeout more than zero
     * @return the copy
     */
    public LlmClient firstTokenTimeout(Duration timeout) {
        return new LlmClient(baseUrl, apiKey, connectTimeout, Checks.positive("firstTokenTimeout", timeout), idleTimeout,
                requestTimeout, maxConnections, headers, ioThreads, connectionKeepAlive, trustStore);
    }

    /**
     * A copy with another idle timeout: the longest gap between two received buffers once content has started.
     *
     * @param timeout more than zero
     * @return the copy
     */
    public LlmClient idleTimeout(Duration timeout) {
        return new LlmClient(baseUrl, apiKey, connectTimeout, firstTokenTimeout, Checks.positive("idleTimeout", timeout),
                requestTimeout, maxConnections, headers, ioThreads, connectionKeepAlive, trustStore);
    }

    /**
     * A copy with another timeout for the whole request (from the call to {@code send} to the end).
     *
     * @param timeout more than zero
     * @return the copy
     */
    public LlmClient requestTimeout(Duration timeout) {
        return new LlmClient(baseUrl, apiKey, connectTimeout, firstTokenTimeout, idleTimeout,
                Checks.positive("requestTimeout", timeout), maxConnections, headers, ioThreads, connectionKeepAlive, trustStore);
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
                headers, ioThreads, connectionKeepAlive, trustStore);
    }

    /**
     * A copy that sends one more header on every request (replacing a previous value of that name).
     * Header values are not shown by {@link #toString()}. Headers the client writes itself (framing
     * and connection: {@code Host}, {@code Content-Length}, {@code Transfer-Encoding},
     * {@code Connection}, {@code Keep-Alive}, {@code Upgrade}, {@code TE}, {@code Trailer},
     * {@code Accept-Encoding}; and {@code Authorization}, set by {@link #apiKey}) are refused.
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
        if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("header " + name + " is set by the client (it frames the request "
                    + "or the connection: Host, Content-Length, Transfer-Encoding, Connection, Upgrade, "
                    + "Accept-Encoding, Authorization via apiKey(...)); remove it from header(...)");
        }
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new LlmClient(baseUrl, apiKey, connectTimeout, firstTokenTimeout, idleTimeout, requestTimeout,
                maxConnections, java.util.Collections.unmodifiableMap(h), ioThreads, connectionKeepAlive, trustStore);
    }

    /**
     * A copy that trusts the certificates of {@code trustStore} for {@code https} instead of the JDK's
     * default trust store (a server with a self-signed or a private CA's certificate). Host names are
     * still verified.
     *
     * <pre>{@code
     * KeyStore ks = KeyStore.getInstance(Path.of("ca.p12").toFile(), password);
     * LlmClient c = LlmClient.create(URI.create("https://gpu-box:8443")).trustStore(ks);
     * }</pre>
     *
     * @param trustStore the trusted certificates, or {@code null} for the JDK's defaults
     * @return the copy
     */
    public LlmClient trustStore(java.security.KeyStore trustStore) {
        return new LlmClient(baseUrl, apiKey, connectTimeout, firstTokenTimeout, idleTimeout, requestTimeout,
                maxConnections, headers, ioThreads, connectionKeepAlive, trustStore);
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
     * A copy with {@code n} event loops (I/O threads). One loop carries about 10,000 short streams
     * a second; add loops only when a run needs more than that and the machine has cores to spare
     * (the server under test may need them more).
     *
     * @param n 1 to 64
     * @return the copy
     */
    public LlmClient ioThreads(int n) {
        if (n < 1 || n > 64) {
            throw new IllegalArgumentException("ioThreads must be 1..64, was " + n);
        }
        return new LlmClient(baseUrl, apiKey, connectTimeout, firstTokenTimeout, idleTimeout, requestTimeout,
                maxConnections, headers, n, connectionKeepAlive, trustStore);
    }

    /**
     * The number of event loops.
     *
     * @return the I/O thread count
     */
    public int ioThreads() {
        return ioThreads;
    }

    /**
     * A copy that keeps an unused connection open for {@code d} before closing it. The default
     * ({@link #DEFAULT_CONNECTION_KEEP_ALIVE}, 3 s) stays below the keep-alive of common LLM servers,
     * so that a request is never written into a connection the server is just closing. Raise it for
     * a server that keeps connections longer (nginx: 75 s unless configured): a bursty open-loop run
     * then reuses the connections of its last burst instead of opening new ones for the next, and
     * opening connections in bursts is what delays sends most once a run is past a few thousand
     * requests a second (at 8,000 req/s on two cores, schedule lag p99 4 ms with 3 s, 0.27 ms with
     * 600 s: qmeter-bench/README.md).
     *
     * @param d more than zero
     * @return the copy
     */
    public LlmClient connectionKeepAlive(Duration d) {
        return new LlmClient(baseUrl, apiKey, connectTimeout, firstTokenTimeout, idleTimeout, requestTimeout,
                maxConnections, headers, ioThreads, Checks.positive("connectionKeepAlive", d), trustStore);
    }

    /**
     * How long an unused connection stays open.
     *
     * @return the duration
     */
    public Duration connectionKeepAlive() {
        return connectionKeepAlive;
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
        return submit(request, index, scheduledNanos, false);
    }

    /**
     * Sends a request at {@code scheduledNanos}: its event loop holds it until then (or sends it at
     * once when that time has passed) and records when it started sending as the record's
     * {@code dispatchNanos}. Cancelling the future before then means it is never sent.
     *
     * @param request        the request
     * @param index          its position in the run's schedule
     * @param scheduledNanos when to send it ({@link System#nanoTime()})
     * @return the record; never completes exceptionally
     */
    @Override
    public CompletableFuture<RequestRecord> sendAt(CompletionRequest request, long index, long scheduledNanos) {
        return submit(request, index, scheduledNanos, true);
    }

    /**
     * Builds the event loops, opens up to {@code concurrency} connections (at most
     * {@link #maxConnections()}) and keeps them idle in the pool, and runs the request encoder and
     * the stream decoders once so their classes are loaded: a run that starts after this pays for
     * none of it in its first requests. Waits for the connections up to the connect timeout (at most
     * 10 s); connections that fail are not an error here (the run's requests report why).
     *
     * <pre>{@code
     * client.prepare(template, 4);   // before fixing the run's time origin
     * }</pre>
     *
     * @param template    a request like those to come
     * @param concurrency connections to open (at least 1)
     */
    @Override
    public void prepare(CompletionRequest template, int concurrency) {
        Resources rt;
        try {
            rt = resources();
        } catch (UnresolvedHost | IllegalStateException e) {
            LOG.debug("not prepared: {}", e.getMessage());
            return;
        }
        warmHotPath(template);
        int total = Math.max(1, Math.min(concurrency, maxConnections));
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(rt.pools.length);
        for (int k = 0; k < rt.pools.length; k++) {
            Pool p = rt.pools[k];
            int n = total / rt.pools.length + (k < total % rt.pools.length ? 1 : 0);
            try {
                p.loop.execute(() -> p.preconnect(n, ready::countDown));
            } catch (RejectedExecutionException e) {
                ready.countDown();
            }
        }
        long waitMillis = Math.min(10_000L, Math.max(1, connectTimeout.toMillis()));
        try {
            if (!ready.await(waitMillis, TimeUnit.MILLISECONDS)) {
                LOG.debug("not every connection was open within {} ms of prepare()", waitMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the encoder and decoders once on this thread (class loading and linking, not JIT). */
    private static void warmHotPath(CompletionRequest template) {
        try {
            RequestBodies.write(template);
            byte[] sample = ("data: {\"choices\":[{\"text\":\"a\",\"finish_reason\":\"length\"}],"
                    + "\"usage\":{\"completion_tokens\":1,\"prompt_tokens\":1},"
                    + "\"timings\":{\"prompt_n\":1,\"prompt_ms\":1.0}}\n\ndata: [DONE]\n\n")
                    .getBytes(StandardCharsets.UTF_8);
            ChunkInterpreter interpreter = new ChunkInterpreter(false);
            SseDecoder decoder = new SseDecoder((type, data, offset, length) -> interpreter.interpret(data, offset, length));
            decoder.feed(sample, 0, sample.length);
            decoder.end();
        } catch (RuntimeException e) {
            LOG.debug("warming the decoders failed: {}", e.toString());
        }
    }

    /** True: {@link #sendAt} holds requests on the event loop until they are due. */
    @Override
    public boolean sendsAhead() {
        return true;
    }

    private CompletableFuture<RequestRecord> submit(CompletionRequest request, long index, long scheduledNanos,
                                                    boolean timed) {
        Objects.requireNonNull(request, "request");
        byte[] body;
        Pool pool;
        try {
            if (closed.get()) {
                throw new IllegalStateException("the client is closed");
            }
            body = RequestBodies.write(request);
            pool = resources().next();
        } catch (UnresolvedHost e) {
            return CompletableFuture.completedFuture(notSent(request, index, scheduledNanos, Outcome.CONNECTION_ERROR,
                    e.getMessage()));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(notSent(request, index, scheduledNanos, Outcome.CANCELLED,
                    "not sent: " + e.getMessage()));
        }
        Exchange ex = new Exchange(this, pool, request, index, scheduledNanos, body);
        CompletableFuture<RequestRecord> f = ex.future();
        boolean reached;
        if (timed) {
            reached = pool.handOver(ex);
        } else {
            try {
                pool.loop.execute(ex::startNow);
                reached = true;
            } catch (RejectedExecutionException e) {
                reached = false;
            }
        }
        if (!reached) {
            // the loops are stopping (close() ran meanwhile): the exchange never reached its loop
            return CompletableFuture.completedFuture(notSent(request, index, scheduledNanos, Outcome.CANCELLED,
                    "not sent: the client is closed"));
        }
        // cancelling the returned future stops the stream (the load runner does so for requests
        // still open when a run ends)
        f.whenComplete((r, e) -> {
            if (f.isCancelled()) {
                try {
                    pool.loop.execute(() -> ex.cancel("the caller cancelled the request"));
                } catch (RejectedExecutionException closing) {
                    // the loop is gone, and with it the connection
                }
            }
        });
        return f;
    }

    private static RequestRecord notSent(CompletionRequest request, long index, long scheduledNanos, Outcome outcome,
                                         String why) {
        return new RequestRecord(index, scheduledNanos, -1, -1, -1, new long[0], null, request.prompt().inputTokens(), -1,
                request.maxTokens(), 0, true, null, outcome, 0, why, null);
    }

    /** The server's host name does not resolve. */
    private static final class UnresolvedHost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnresolvedHost(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public long lastArrivalNanos() {
        Resources rt = resources;
        long last = Long.MIN_VALUE;
        if (rt != null) {
            for (Pool p : rt.pools) {
                last = Math.max(last, p.lastReadNanos());
            }
        }
        return last;
    }

    /**
     * Samples how late this client's event loops run between {@code fromNanos} and {@code toNanos}
     * ({@link System#nanoTime()}): every millisecond each loop is due to run a short task, and how late
     * it ran is what a token arriving then waited before it was read and timestamped (see
     * {@link LoopDelayWatch}). The load runner watches its measured window and judges the result in
     * {@link io.qmeter.metrics.ClientCheck}. Costs one timer a millisecond per loop while watched.
     *
     * @param fromNanos first instant sampled
     * @param toNanos   last instant sampled, &ge; {@code fromNanos}
     * @return the watch; {@link LoopDelayWatch#stop()} it when done
     * @throws IllegalArgumentException when {@code toNanos < fromNanos}
     * @throws IllegalStateException    when the client is closed
     */
    @Override
    public LoopDelayWatch watchLoopDelay(long fromNanos, long toNanos) {
        if (toNanos < fromNanos) {
            throw new IllegalArgumentException("toNanos must be >= fromNanos, was " + toNanos + " < " + fromNanos);
        }
        Resources rt = resources();
        Watch w = new Watch(fromNanos, toNanos);
        watches.add(w);
        for (Pool p : rt.pools) {
            try {
                p.loop.execute(() -> p.startProbe(fromNanos));
            } catch (RejectedExecutionException e) {
                // the loop is stopping: nothing left to watch on it
            }
        }
        return w;
    }

    /**
     * One probe sample of a loop: the task due at {@code deadlineNanos} ran {@code delayNanos} late.
     *
     * @return whether a watch still wants samples after {@code nowNanos}
     */
    boolean recordLoopDelay(long deadlineNanos, long delayNanos, long nowNanos) {
        boolean wanted = false;
        for (Watch w : watches) {
            wanted |= w.record(deadlineNanos, delayNanos, nowNanos);
        }
        return wanted;
    }

    /** A {@link LoopDelayWatch}: samples from every loop of the client, recorded under its lock. */
    private final class Watch implements LoopDelayWatch {
        private final long fromNanos;
        private final long toNanos;
        private final LatencyRecorder delays = new LatencyRecorder();
        private boolean stopped;

        Watch(long fromNanos, long toNanos) {
            this.fromNanos = fromNanos;
            this.toNanos = toNanos;
        }

        /** Records a sample due inside the interval; whether samples after {@code nowNanos} are still wanted. */
        synchronized boolean record(long deadlineNanos, long delayNanos, long nowNanos) {
            if (stopped) {
                return false;
            }
            if (deadlineNanos >= fromNanos && deadlineNanos <= toNanos) {
                delays.record(delayNanos);
            }
            return nowNanos < toNanos;
        }

        @Override
        public LatencyStats stop() {
            watches.remove(this);
            synchronized (this) {
                stopped = true;
                return delays.stats();
            }
        }
    }

    /**
     * Ends requests in flight as CANCELLED, closes the connections and stops the event loops;
     * idempotent. Waits up to 10 s for the loops to stop, unless called on one of them.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Resources rt;
        synchronized (lock) {
            rt = resources;
            resources = null;
        }
        if (rt == null) {
            return;
        }
        boolean onLoop = false;
        for (Pool p : rt.pools) {
            onLoop |= p.loop.inEventLoop();
            try {
                p.loop.execute(() -> p.cancelAll("the client was closed while the request was in flight"));
            } catch (RejectedExecutionException e) {
                // already stopping
            }
        }
        io.netty.util.concurrent.Future<?> stopped = rt.group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (!onLoop && !stopped.awaitUninterruptibly(10, TimeUnit.SECONDS)) {
            LOG.debug("the client's event loops did not stop within 10 s");
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    /**
     * How often each event loop checks its requests' timeouts: a twentieth of the shortest of the
     * first-token, idle and request timeouts, between 1 ms and 100 ms. A timeout fires at most
     * this much late.
     *
     * @return the check interval in nanoseconds
     */
    long timeoutTickNanos() {
        long shortest = Math.min(firstTokenTimeoutNanos, Math.min(idleTimeoutNanos, requestTimeoutNanos));
        return Math.max(1_000_000L, Math.min(100_000_000L, shortest / 20));
    }

    private static long saturatedNanos(Duration d) {
        Duration cap = Duration.ofDays(36_500);
        return d.compareTo(cap) > 0 ? cap.toNanos() : d.toNanos();
    }

    /** The port requests go to. */
    int port() {
        int p = baseUrl.getPort();
        return p >= 0 ? p : "https".equalsIgnoreCase(baseUrl.getScheme()) ? 443 : 80;
    }

    /**
     * The request line and headers up to {@code Content-Length: } (the length and the body follow),
     * encoded once per endpoint and kind.
     */
    byte[] head(Endpoint endpoint, boolean stream) {
        return heads[(endpoint == Endpoint.CHAT_COMPLETIONS ? 2 : 0) + (stream ? 1 : 0)];
    }

    private byte[] encodeHead(Endpoint endpoint, boolean stream) {
        StringBuilder h = new StringBuilder(256);
        h.append("POST ").append(endpoint == Endpoint.CHAT_COMPLETIONS ? chatPath : completionsPath)
                .append(" HTTP/1.1\r\nHost: ").append(baseUrl.getHost());
        if (baseUrl.getPort() >= 0) {
            h.append(':').append(baseUrl.getPort());
        }
        // identity: the client times the bytes as they arrive and decodes no compression
        h.append("\r\nUser-Agent: qmeter\r\nAccept-Encoding: identity\r\nContent-Type: application/json\r\nAccept: ")
                .append(stream ? "text/event-stream" : "application/json");
        if (apiKey != null) {
            h.append("\r\nAuthorization: Bearer ").append(apiKey);
        }
        for (Map.Entry<String, String> e : headers.entrySet()) {
            h.append("\r\n").append(e.getKey()).append(": ").append(e.getValue());
        }
        h.append("\r\nContent-Length: ");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The loop's pool the next request goes to (for tests). */
    Pool nextPool() {
        return resources().next();
    }

    /** Connections opened so far by this client (all loops); for tests and benchmarks. */
    long connectionsOpened() {
        Resources rt = resources;
        if (rt == null) {
            return 0;
        }
        long n = 0;
        for (Pool p : rt.pools) {
            n += p.opened();
        }
        return n;
    }

    @Override
    public String toString() {
        return "LlmClient[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "(set)")
                + ", connectTimeout=" + connectTimeout + ", firstTokenTimeout=" + firstTokenTimeout
                + ", idleTimeout=" + idleTimeout + ", requestTimeout=" + requestTimeout
                + ", maxConnections=" + maxConnections + ", ioThreads=" + ioThreads
                + ", connectionKeepAlive=" + connectionKeepAlive
                + (trustStore == null ? "" : ", trustStore=(set)")
                + ", headers=" + new ArrayList<>(headers.keySet()) + "]";
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
        SslContext ssl = null;
        if ("https".equalsIgnoreCase(baseUrl.getScheme())) {
            try {
                SslContextBuilder b = SslContextBuilder.forClient();
                if (trustStore != null) {
                    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
                    tmf.init(trustStore);
                    b = b.trustManager(tmf);
                }
                ssl = b.build();
            } catch (SSLException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException("TLS is not available: " + e.getMessage(), e);
            }
        }
        // resolved once, here, not by each connect on an event loop (a slow DNS server would stall
        // every stream's timestamps on that loop); a benchmark's server does not move during a run
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByName(baseUrl.getHost()), port());
        } catch (UnknownHostException e) {
            throw new UnresolvedHost("cannot resolve the host of " + baseUrl + ": " + e.getMessage());
        }
        boolean epoll = Epoll.isAvailable();
        if (!epoll && NIO_WARNED.compareAndSet(false, true)) {
            LOG.warn("native epoll is not available on {} {} ({}); LlmClient falls back to Java NIO: send timing is "
                    + "coarser (no nanosecond timerfd), each read costs more, and the microsecond figures of "
                    + "qmeter-bench do not hold; on Linux x86-64 or aarch64 put netty-transport-native-epoll "
                    + "with the classifier linux-x86_64 or linux-aarch_64 on the class path",
                    System.getProperty("os.name"), System.getProperty("os.arch"),
                    Epoll.unavailabilityCause() == null ? "no cause given" : Epoll.unavailabilityCause().toString());
        }
        // never more loops than connections: each loop owns at least one
        int loops = Math.min(ioThreads, maxConnections);
        DefaultThreadFactory threads = new DefaultThreadFactory("qmeter-io", true, Thread.MAX_PRIORITY);
        PollingSelect.Factory selects = new PollingSelect.Factory();
        EventLoopGroup group;
        List<PollingSelect> strategies = new ArrayList<>(loops);
        if (epoll) {
            EpollEventLoopGroup g = new EpollEventLoopGroup(loops, threads, selects);
            g.setIoRatio(100); // due sends and timeouts run right after each I/O batch
            group = g;
            strategies.addAll(selects.made());
        } else {
            NioEventLoopGroup g = new NioEventLoopGroup(loops, threads); // Netty's default strategy
            g.setIoRatio(100);
            group = g;
            for (int k = 0; k < loops; k++) {
                strategies.add(PollingSelect.inert());
            }
        }
        if (strategies.size() != loops) { // Netty makes one per loop, in order; anything else is a bug here
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IllegalStateException("expected " + loops + " select strategies, Netty made " + strategies.size());
        }
        Class<? extends SocketChannel> type = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis()));
        List<Pool> pools = new ArrayList<>(loops);
        int share = maxConnections / loops;
        int i = 0;
        for (io.netty.util.concurrent.EventExecutor e : group) {
            int limit = share + (i < maxConnections % loops ? 1 : 0);
            pools.add(new Pool(this, (EventLoop) e, strategies.get(i), type, address, baseUrl.getHost(), ssl,
                    connectMillis, limit));
            i++;
        }
        LOG.debug("LlmClient started: {} {} event loop(s), {} connections at most", loops,
                epoll ? "epoll" : "NIO", maxConnections);
        return new Resources(group, pools.toArray(new Pool[0]), new AtomicInteger());
    }

    /** The resources of a client in use. */
    private record Resources(EventLoopGroup group, Pool[] pools, AtomicInteger turn) {
        Pool next() {
            return pools.length == 1 ? pools[0] : pools[Math.floorMod(turn.getAndIncrement(), pools.length)];
        }
    }
}
