package io.qmeter.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.qmeter.testkit.sim.BackendStats;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The OpenAI-compatible HTTP front shared by {@link ScriptedEngine} and {@link SimulatedEngine}:
 * routes, request parsing, the dialects' bytes, stop strings, fault injection, crash. Every
 * request's output is produced on its connection's event loop and flushed per SSE event.
 * Package-private.
 */
final class ApiServer {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Request fields only the simulator reads (see {@link SimulatedEngine}). */
    static final String QUALITY_TASK = "qmeter_task";
    static final String QUALITY_ITEM = "qmeter_item";
    static final String QUALITY_REFERENCE = "qmeter_reference";

    private static String textField(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }
    private static final char[] ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Everything the server needs, fixed at start. */
    record Options(String name, Dialect dialect, String model, boolean strictModel, int port, long seed,
                   FaultPlan faults, Consumer<RecordedRequest> recorder, Runnable onCrash) {
    }

    private final Options opt;
    private final Dialect dialect;
    private final Generator generator;
    private final LogBuffer logs;
    private final LoopResources loops;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final DisposableServer server;
    private final URI baseUrl;
    private final long createdSeconds = System.currentTimeMillis() / 1000;

    private final AtomicLong arrivals = new AtomicLong();
    private final AtomicLong servedOfFirstN = new AtomicLong();
    private final AtomicLong running = new AtomicLong();
    private final AtomicLong promptTotal = new AtomicLong();
    private final AtomicLong generatedTotal = new AtomicLong();
    private final AtomicLong finishedTotal = new AtomicLong();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile String crashReason;

    ApiServer(Options opt, Generator generator, LogBuffer logs) {
        this.opt = opt;
        this.dialect = opt.dialect();
        this.generator = generator;
        this.logs = logs;
        this.loops = LoopResources.create("qmeter-" + opt.name(), 1, Math.max(2, Runtime.getRuntime().availableProcessors()),
                true);
        try {
            this.server = HttpServer.create()
                    .host("127.0.0.1")
                    .port(opt.port())
                    .runOn(loops)
                    .doOnConnection(c -> channels.add(c.channel()))
                    .route(r -> r.post("/v1/completions", (req, res) -> completion(req, res, false))
                            .post("/v1/chat/completions", (req, res) -> completion(req, res, true))
                            .get("/v1/models", (req, res) -> json(res, 200,
                                    Wire.models(dialect, opt.model(), generator.contextLength(), createdSeconds)))
                            .get("/health", (req, res) -> health(res))
                            .get("/metrics", (req, res) -> res.status(200)
                                    .header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                                    .sendString(Mono.fromSupplier(this::metricsText)).then()))
                    .bindNow(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            loops.dispose();
            throw e;
        }
        this.baseUrl = URI.create("http://127.0.0.1:" + server.port());
        logs.info(opt.name() + " listening on " + baseUrl + " (dialect " + dialect + ", model " + opt.model() + ")");
        Duration crashAt = opt.faults().crashAt();
        if (crashAt != null) {
            server.channel().eventLoop().schedule(() -> crash("crash-at " + crashAt + " reached"),
                    crashAt.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    URI baseUrl() {
        return baseUrl;
    }

    int port() {
        return server.port();
    }

    boolean isStopped() {
        return stopped.get();
    }

    String crashReason() {
        return crashReason;
    }

    long requestsReceived() {
        return arrivals.get();
    }

    /** Stops the server: listening socket, open connections, generator, event loops; idempotent. */
    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        if (reactor.core.scheduler.Schedulers.isInNonBlockingThread()) {
            // closed from an event loop (a reactive callback): the blocking shutdown runs elsewhere
            Thread t = new Thread(this::shutdown, "qmeter-" + opt.name() + "-stop");
            t.setDaemon(true);
            t.start();
            return;
        }
        shutdown();
    }

    private void shutdown() {
        try {
            channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            server.disposeNow(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            logs.warn("closing the server failed: " + e);
        }
        try {
            generator.close();
        } catch (RuntimeException e) {
            logs.warn("closing the generator failed: " + e);
        }
        try {
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            logs.warn("stopping the event loops failed: " + e);
        }
        logs.info(opt.name() + " on " + baseUrl + " stopped");
    }

    /** The crash fault: stop everything at once, then tell the owner. */
    void crash(String reason) {
        if (stopped.get() || crashReason != null) {
            return;
        }
        crashReason = reason;
        logs.warn("injected crash: " + reason);
        Thread t = new Thread(() -> {
            stop();
            if (opt.onCrash() != null) {
                opt.onCrash().run();
            }
        }, "qmeter-" + opt.name() + "-crash");
        t.setDaemon(false);
        t.start();
    }

    BackendStats stats() {
        BackendStats g = generator.stats();
        if (g != null) {
            return g;
        }
        return new BackendStats((int) running.get(), 0, 0.0, promptTotal.get(), generatedTotal.get(),
                finishedTotal.get(), 0);
    }

    private String metricsText() {
        return Wire.metrics(dialect, opt.model(), stats(), arrivals.get());
    }

    private Mono<Void> health(HttpServerResponse res) {
        if (dialect == Dialect.VLLM) {
            return res.status(200).send().then();
        }
        return json(res, 200, "{\"status\":\"ok\"}");
    }

    private static Mono<Void> json(HttpServerResponse res, int status, String body) {
        return res.status(status).header("Content-Type", "application/json")
                .sendString(Mono.just(body), StandardCharsets.UTF_8).then();
    }

    private Mono<Void> error(HttpServerResponse res, int status, String message) {
        if (dialect == Dialect.LLAMA_CPP) {
            return res.status(status).header("Content-Type", "application/json; charset=utf-8")
                    .header("Server", "llama.cpp")
                    .sendString(Mono.just(Wire.errorBody(dialect, status, message)), StandardCharsets.UTF_8).then();
        }
        return json(res, status, Wire.errorBody(dialect, status, message));
    }

    /** The status this dialect uses for a bad request. */
    private int badRequestStatus() {
        return dialect == Dialect.VLLM ? 400 : 500;
    }

    // ---------------------------------------------------------------- completions

    private Mono<Void> completion(HttpServerRequest req, HttpServerResponse res, boolean chat) {
        Connection[] conn = new Connection[1];
        req.withConnection(c -> conn[0] = c);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        req.requestHeaders().forEach(e -> headers.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT),
                k -> new ArrayList<>()).add(e.getValue()));
        String path = req.uri();
        long[] index = {-1};
        return req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .flatMap(body -> handle(res, conn[0], chat, path, headers, body, index))
                .doFinally(s -> requestDone(index[0]));
    }

    private void requestDone(long index) {
        long n = opt.faults().crashAfterRequests();
        if (n > 0 && index >= 0 && index < n && servedOfFirstN.incrementAndGet() == n) {
            crash("crash-after " + n + " requests: all " + n + " were served");
        }
    }

    private Mono<Void> handle(HttpServerResponse res, Connection conn, boolean chat, String path,
                              Map<String, List<String>> headers, String body, long[] indexOut) {
        long arrival = System.nanoTime();
        long index = arrivals.getAndIncrement();
        indexOut[0] = index;
        JsonNode node = null;
        String parseError = null;
        try {
            node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                parseError = "the request body must be a JSON object, was " + (node == null ? "empty" : node.getNodeType());
                node = null;
            }
        } catch (JsonProcessingException e) {
            parseError = "the request body is not valid JSON: " + e.getOriginalMessage();
        }
        RecordedRequest recorded = null;
        if (opt.recorder() != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = node == null ? Map.of() : JSON.convertValue(node, Map.class);
            recorded = new RecordedRequest(index, "POST", path, headers, body, map, arrival);
            opt.recorder().accept(recorded);
        }
        long crashAfter = opt.faults().crashAfterRequests();
        if (crashAfter > 0 && index >= crashAfter) {
            crash("crash-after " + crashAfter + " requests: request " + (index + 1) + " arrived");
            conn.channel().close();
            return Mono.never();
        }
        if (parseError != null) {
            return error(res, badRequestStatus(), parseError);
        }
        Call call;
        try {
            call = parseCall(node, index, arrival, chat, conn.channel().eventLoop());
        } catch (BadRequest e) {
            return error(res, e.status, e.getMessage());
        }
        call.recorded = recorded;
        call.qualityTask = textField(node, QUALITY_TASK);
        call.qualityItem = textField(node, QUALITY_ITEM);
        call.qualityReference = textField(node, QUALITY_REFERENCE);
        generator.prepare(call);
        Fault fault = opt.faults().faultFor(index).orElse(null);
        if (fault == null && call.script != null) {
            fault = call.script.fault();
        }
        if (fault != null) {
            logs.info("request " + index + ": injecting " + fault);
            switch (fault.kind()) {
                case CRASH:
                    crash("crash fault on request " + index);
                    conn.channel().close();
                    return Mono.never();
                case HANG:
                    return Mono.never();
                case HTTP_STATUS:
                    return error(res, fault.httpStatus(), "injected fault: HTTP " + fault.httpStatus()
                            + " for request " + index);
                case CLOSE_AFTER_RESPONSE:
                    res.header("Connection", "keep-alive").header("Keep-Alive", "timeout=5");
                    closeAfterLastContent(conn);
                    break;
                default:
                    break;
            }
        }
        Script script = call.script;
        if (script != null && script.status() != 0) {
            String errBody = script.errorBody() != null ? script.errorBody()
                    : Wire.errorBody(dialect, script.status(), "scripted HTTP " + script.status());
            return at(call.loop, arrival + script.ttft().toNanos())
                    .then(Mono.defer(() -> res.status(script.status()).header("Content-Type", "application/json")
                            .sendString(Mono.just(errBody), StandardCharsets.UTF_8).then()));
        }
        int ctx = generator.contextLength();
        if ((long) call.promptTokens + call.maxTokens > ctx) {
            String msg = dialect == Dialect.VLLM
                    ? "This model's maximum context length is " + ctx + " tokens. However, you requested "
                            + ((long) call.promptTokens + call.maxTokens) + " tokens (" + call.promptTokens
                            + " in the messages, " + call.maxTokens + " in the completion). Please reduce the length "
                            + "of the messages or completion."
                    : "the request exceeds the available context size (" + call.promptTokens + " prompt tokens + "
                            + call.maxTokens + " max tokens > n_ctx " + ctx + "); shorten the prompt or max_tokens";
            return error(res, badRequestStatus(), msg);
        }
        Exchange ex = new Exchange(call, fault, conn);
        if (call.stream) {
            Flux<ByteBuf> events = Flux.create(ex::attach, FluxSink.OverflowStrategy.BUFFER);
            return res.status(200)
                    .header("Content-Type", dialect == Dialect.VLLM ? "text/event-stream; charset=utf-8"
                            : "text/event-stream")
                    .header("Cache-Control", "no-cache")
                    .send(events, b -> true).then();
        }
        return Mono.<Reply>create(ex::attach).flatMap(r -> {
            if (r.abort) {
                conn.channel().close();
                return Mono.<Void>never();
            }
            return json(res, r.status, r.body);
        });
    }

    /**
     * Closes {@code conn} once the response's last content has been written (the server said
     * keep-alive; this is the fault {@link Fault.Kind#CLOSE_AFTER_RESPONSE}).
     */
    private static void closeAfterLastContent(Connection conn) {
        // after the HTTP codec (towards the tail), where the response still travels as HTTP objects
        conn.channel().pipeline().addAfter(reactor.netty.NettyPipeline.HttpCodec, "qmeter-close-after-response",
                new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg,
                              io.netty.channel.ChannelPromise promise) {
                boolean last = msg instanceof io.netty.handler.codec.http.LastHttpContent;
                ctx.write(msg, promise);
                if (last) {
                    ctx.flush();
                    promise.addListener(f -> ctx.close());
                }
            }
        });
    }

    /** A Mono that completes on {@code loop} at absolute time {@code atNanos}. */
    private static Mono<Void> at(EventLoop loop, long atNanos) {
        return Mono.create(s -> {
            long d = atNanos - System.nanoTime();
            if (d <= 0) {
                s.success();
            } else {
                var f = loop.schedule(() -> s.success(), d, TimeUnit.NANOSECONDS);
                s.onCancel(() -> f.cancel(false));
            }
        });
    }

    private static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private Call parseCall(JsonNode n, long index, long arrival, boolean chat, EventLoop loop) throws BadRequest {
        int bad = badRequestStatus();
        String requestedModel = n.path("model").isTextual() ? n.get("model").asText() : null;
        if (opt.strictModel() && dialect == Dialect.VLLM && requestedModel != null
                && !requestedModel.equals(opt.model())) {
            throw new BadRequest(404, "The model `" + requestedModel + "` does not exist. This server serves `"
                    + opt.model() + "`.");
        }
        String model = dialect == Dialect.LLAMA_CPP && requestedModel != null ? requestedModel
                : opt.strictModel() || requestedModel == null ? opt.model() : requestedModel;
        JsonNode nNode = n.get("n");
        if (nNode != null && !nNode.isNull() && nNode.asInt(1) != 1) {
            throw new BadRequest(bad, dialect == Dialect.LLAMA_CPP ? "Only one completion choice is allowed"
                    : "n must be 1 on this test server, was " + nNode.asText());
        }
        int promptTokens;
        if (chat) {
            JsonNode msgs = n.get("messages");
            if (msgs == null || !msgs.isArray() || msgs.isEmpty()) {
                throw new BadRequest(bad, "'messages' must be a non-empty list of {role, content}");
            }
            int chars = 0;
            for (JsonNode m : msgs) {
                JsonNode content = m.get("content");
                if (content == null || content.isNull()) {
                    continue;
                }
                if (content.isTextual()) {
                    chars += content.asText().length();
                } else if (content.isArray()) {
                    for (JsonNode part : content) {
                        chars += part.path("text").asText("").length();
                    }
                } else {
                    throw new BadRequest(bad, "message content must be a string or a list of parts, was "
                            + content.getNodeType());
                }
            }
            promptTokens = Words.estimateTokens(chars);
        } else {
            JsonNode p = n.get("prompt");
            if (p == null || p.isNull()) {
                throw new BadRequest(bad, "'prompt' is required");
            }
            if (p.isArray() && p.size() == 1 && (p.get(0).isArray() || p.get(0).isTextual())) {
                p = p.get(0);
            }
            if (p.isTextual()) {
                promptTokens = Words.estimateTokens(p.asText().length());
            } else if (p.isArray() && !p.isEmpty()) {
                for (JsonNode t : p) {
                    if (!t.isIntegralNumber()) {
                        throw new BadRequest(bad, "'prompt' must be a string or a list of token ids (integers), "
                                + "found " + t.getNodeType() + " in the list; send one prompt per request");
                    }
                }
                promptTokens = p.size();
            } else {
                throw new BadRequest(bad, "'prompt' must be a string or a non-empty list of token ids, was "
                        + p.getNodeType());
            }
        }
        JsonNode mt = n.get(chat && n.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens");
        int maxTokens;
        if (mt == null || mt.isNull()) {
            maxTokens = chat ? Math.max(1, Math.min(256, generator.contextLength() - promptTokens)) : 16;
        } else if (!chat && mt.isIntegralNumber() && mt.asLong() == 0 && n.path("echo").asBoolean(false)) {
            // vLLM accepts max_tokens 0 with echo (prompt log-probabilities only); generate at most one token
            maxTokens = 1;
        } else if (!mt.isIntegralNumber() || mt.asLong() < 1 || mt.asLong() > Integer.MAX_VALUE) {
            throw new BadRequest(bad, "max_tokens must be at least 1, got " + mt.asText());
        } else {
            maxTokens = mt.asInt();
        }
        boolean stream = n.path("stream").asBoolean(false);
        JsonNode so = n.path("stream_options");
        boolean includeUsage = so.path("include_usage").asBoolean(false);
        boolean continuous = so.path("continuous_usage_stats").asBoolean(false);
        boolean ignoreEos = n.path("ignore_eos").asBoolean(false);
        List<String> stop = new ArrayList<>();
        JsonNode st = n.get("stop");
        if (st != null && st.isTextual() && !st.asText().isEmpty()) {
            stop.add(st.asText());
        } else if (st != null && st.isArray()) {
            for (JsonNode s : st) {
                if (s.isTextual() && !s.asText().isEmpty()) {
                    stop.add(s.asText());
                }
            }
        }
        long seed = n.path("seed").isIntegralNumber() ? n.get("seed").asLong() * 0x9E3779B97F4A7C15L + 1
                : opt.seed() * 0x9E3779B97F4A7C15L + index;
        SplittableRandom idRng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        String id;
        if (dialect == Dialect.VLLM) {
            StringBuilder b = new StringBuilder(chat ? "chatcmpl-" : "cmpl-");
            for (int i = 0; i < 32; i++) {
                b.append(HEX[idRng.nextInt(16)]);
            }
            id = b.toString();
        } else {
            StringBuilder b = new StringBuilder("chatcmpl-");
            for (int i = 0; i < 32; i++) {
                b.append(ALNUM[idRng.nextInt(ALNUM.length)]);
            }
            id = b.toString();
        }
        return new Call(index, arrival, chat, stream, includeUsage, continuous, maxTokens, ignoreEos, promptTokens,
                List.copyOf(stop), seed, model, id, System.currentTimeMillis() / 1000, loop);
    }

    // ---------------------------------------------------------------- one exchange

    /** A non-streaming answer. */
    private static final class Reply {
        final int status;
        final String body;
        final boolean abort;

        Reply(int status, String body, boolean abort) {
            this.status = status;
            this.body = body;
            this.abort = abort;
        }
    }

    /** One request's output; all state is touched on the request's event loop only. */
    private final class Exchange implements Generator.Events {
        private final Call call;
        private final Fault fault;
        private final EventLoop loop;
        private final Words words;
        private final int maxStopLen;
        private FluxSink<ByteBuf> sink;
        private MonoSink<Reply> reply;
        private Runnable cancelGenerator;
        private boolean finished;
        private boolean finishChunkSent;
        private boolean malformedSent;
        private int sent;
        private String stopTail = "";
        private String stopReason;
        private final StringBuilder text = new StringBuilder();
        private long firstNanos = -1;
        private long lastNanos = -1;
        private long dripNext;
        /** Events held back by a slow drip, in the order they were posted ({@link #runNextDripped}). */
        private final java.util.ArrayDeque<Runnable> dripped = new java.util.ArrayDeque<>();

        Exchange(Call call, Fault fault, Connection conn) {
            this.call = call;
            this.fault = fault;
            this.loop = call.loop;
            this.words = new Words(call.seed);
            int m = 0;
            for (String s : call.stop) {
                m = Math.max(m, s.length());
            }
            this.maxStopLen = m;
        }

        void attach(FluxSink<ByteBuf> s) {
            this.sink = s;
            s.onDispose(this::disposed);
            begin();
        }

        void attach(MonoSink<Reply> s) {
            this.reply = s;
            s.onDispose(this::disposed);
            begin();
        }

        private void begin() {
            running.incrementAndGet();
            promptTotal.addAndGet(call.promptTokens);
            if (fault != null && fault.afterTokens() == 0 && strike()) {
                return;
            }
            Runnable c;
            try {
                c = generator.start(call, this);
            } catch (RuntimeException e) {
                logs.warn("request " + call.index + ": the generator failed to start: " + e);
                onError("the engine failed to start the request: " + e.getMessage());
                return;
            }
            if (finished) {
                c.run();
            } else {
                cancelGenerator = c;
            }
        }

        private void disposed() {
            if (!finished) {
                finished = true;
                running.decrementAndGet();
                logs.info("request " + call.index + ": client went away after " + sent + " tokens; cancelling");
                cancelGen();
            }
        }

        private void cancelGen() {
            Runnable c = cancelGenerator;
            cancelGenerator = null;
            if (c != null) {
                try {
                    c.run();
                } catch (RuntimeException e) {
                    logs.warn("request " + call.index + ": cancel failed: " + e);
                }
            }
        }

        private void markFinished() {
            if (!finished) {
                finished = true;
                running.decrementAndGet();
                finishedTotal.incrementAndGet();
            }
        }

        // events from the generator, any thread

        @Override
        public void tokens(int count) {
            post(() -> onTokens(count), true);
        }

        @Override
        public void finish(String finishReason) {
            post(() -> onFinish(finishReason), false);
        }

        @Override
        public void error(String message) {
            post(() -> onError(message), false);
        }

        private void post(Runnable r, boolean token) {
            if (!loop.inEventLoop()) {
                loop.execute(() -> post(r, token));
                return;
            }
            if (fault != null && fault.kind() == Fault.Kind.SLOW_DRIP) {
                long gap = fault.gap().toNanos();
                long now = System.nanoTime();
                long at;
                if (token) {
                    at = Math.max(now, dripNext);
                    dripNext = at + gap;
                } else {
                    at = Math.max(now, dripNext - gap);
                }
                // always through the scheduled queue, even when already due. Each timer runs the
                // oldest event held, not its own: the finish is due when the last token is, and a
                // timer's deadline is taken from the clock inside schedule(), so the finish's timer
                // can fire first; it must not overtake that token (the usage would miss it)
                dripped.add(r);
                loop.schedule(this::runNextDripped, Math.max(0, at - now), TimeUnit.NANOSECONDS);
                return;
            }
            r.run();
        }

        private void runNextDripped() {
            Runnable r = dripped.poll();
            if (r != null) {
                r.run();
            }
        }

        private void emit(String s) {
            sink.next(Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8)));
        }

        private void onTokens(int count) {
            if (finished || count <= 0) {
                return;
            }
            long now = System.nanoTime();
            String piece = call.answerTokens != null ? answerPiece(count) : words.next(count);
            boolean stopHit = false;
            if (maxStopLen > 0) {
                String window = stopTail + piece;
                int cut = -1;
                for (String s : call.stop) {
                    int i = window.indexOf(s);
                    if (i >= 0 && (cut < 0 || i < cut)) {
                        cut = i;
                        stopReason = s;
                    }
                }
                if (cut >= 0) {
                    int inPiece = cut - stopTail.length();
                    piece = inPiece > 0 ? piece.substring(0, inPiece) : "";
                    stopHit = true;
                } else {
                    stopTail = window.substring(Math.max(0, window.length() - (maxStopLen - 1)));
                }
            }
            int before = sent;
            sent += count;
            generatedTotal.addAndGet(count);
            if (firstNanos < 0) {
                firstNanos = now;
            }
            lastNanos = now;
            boolean last = stopHit || sent >= call.maxTokens || (call.expectedTokens > 0 && sent >= call.expectedTokens);
            String reason = last ? (stopHit ? "stop" : reasonFor(null)) : null;
            if (call.stream) {
                if (dialect == Dialect.VLLM) {
                    if (call.chat && before == 0) {
                        emit(Wire.sse(Wire.vllmChatRoleChunk(call)));
                    }
                    String usage = call.includeUsage && call.continuousUsage && usageOn()
                            ? Wire.usageVllm(promptReported(), sent) : null;
                    emit(Wire.sse(call.chat ? Wire.vllmChatChunk(call, piece, reason, stopReason, usage)
                            : Wire.vllmTextChunk(call, piece, reason, stopReason, usage)));
                    finishChunkSent = last;
                } else {
                    emit(Wire.sse(call.chat ? Wire.llamaChatChunk(call, piece, null, null, null)
                            : Wire.llamaTextChunk(call, piece, null, null, null)));
                }
            } else {
                text.append(piece);
            }
            if (fault != null && before < fault.afterTokens() && sent >= fault.afterTokens() && strike()) {
                return;
            }
            if (last) {
                if (stopHit) {
                    cancelGen();
                }
                complete(reason);
            }
        }

        /** The next {@code count} tokens of the generator's answer; empty past its end. */
        private String answerPiece(int count) {
            StringBuilder b = new StringBuilder();
            List<String> t = call.answerTokens;
            for (int i = sent; i < Math.min(t.size(), sent + count); i++) {
                b.append(t.get(i));
            }
            return b.toString();
        }

        /** Applies a stream fault now; true when the exchange is over. */
        private boolean strike() {
            switch (fault.kind()) {
                case MALFORMED_SSE:
                    if (!malformedSent) {
                        malformedSent = true;
                        if (call.stream) {
                            emit("data: {\"id\":\"" + call.id + "\",\"choices\":[{\"index\":0,\"text\":\n\n");
                        } else {
                            markFinished();
                            cancelGen();
                            reply.success(new Reply(200, "{\"id\":\"" + call.id + "\",\"choices\":[{\"text\":", false));
                            return true;
                        }
                    }
                    return false;
                case CUT:
                    logs.info("request " + call.index + ": cutting the stream after " + sent + " tokens");
                    markFinished();
                    cancelGen();
                    if (call.stream) {
                        sink.complete();
                    } else {
                        reply.success(new Reply(0, null, true));
                    }
                    return true;
                case STALL:
                    logs.info("request " + call.index + ": stalling after " + sent + " tokens");
                    markFinished();
                    cancelGen();
                    return true;
                default:
                    return false;
            }
        }

        private boolean usageOn() {
            return call.script == null || call.script.usage();
        }

        private int promptReported() {
            return call.script != null && call.script.promptTokens() >= 0 ? call.script.promptTokens()
                    : call.promptTokens;
        }

        private int completionReported() {
            return call.script != null && call.script.completionTokens() >= 0 ? call.script.completionTokens() : sent;
        }

        private String reasonFor(String given) {
            if (call.script != null && call.script.finishReason() != null) {
                return call.script.finishReason();
            }
            if (given != null) {
                return given;
            }
            return sent >= call.maxTokens ? "length" : "stop";
        }

        private void onFinish(String given) {
            if (finished) {
                return;
            }
            complete(reasonFor(given));
        }

        private void complete(String reason) {
            markFinished();
            boolean usage = usageOn();
            int p = promptReported();
            int c = completionReported();
            double promptMs = firstNanos < 0 ? 0 : (firstNanos - call.arrivalNanos) / 1e6;
            double predictedMs = firstNanos < 0 ? 0 : (lastNanos - firstNanos) / 1e6;
            if (call.stream) {
                if (dialect == Dialect.VLLM) {
                    if (!finishChunkSent) {
                        if (call.chat && sent == 0) {
                            emit(Wire.sse(Wire.vllmChatRoleChunk(call)));
                        }
                        emit(Wire.sse(call.chat ? Wire.vllmChatChunk(call, null, reason, stopReason, null)
                                : Wire.vllmTextChunk(call, "", reason, stopReason, null)));
                    }
                    if (usage && call.includeUsage) {
                        emit(Wire.sse(Wire.vllmUsageChunk(call, Wire.usageVllm(p, c))));
                    }
                } else {
                    String u = usage ? Wire.usageLlama(p, c) : null;
                    String t = usage ? Wire.timings(call.promptTokens, promptMs, sent, predictedMs) : null;
                    emit(Wire.sse(call.chat ? Wire.llamaChatChunk(call, null, reason, u, t)
                            : Wire.llamaTextChunk(call, "", reason, u, t)));
                }
                emit(Wire.DONE);
                sink.complete();
            } else {
                String body = dialect == Dialect.VLLM
                        ? Wire.vllmBody(call, text.toString(), reason, stopReason, usage ? Wire.usageVllm(p, c) : null)
                        : Wire.llamaBody(call, text.toString(), reason, usage ? Wire.usageLlama(p, c) : null,
                                usage ? Wire.timings(call.promptTokens, promptMs, sent, predictedMs) : null);
                reply.success(new Reply(200, body, false));
            }
        }

        private void onError(String message) {
            if (finished) {
                return;
            }
            markFinished();
            cancelGen();
            logs.warn("request " + call.index + ": failed: " + message);
            if (call.stream) {
                if (dialect == Dialect.VLLM) {
                    emit(Wire.sse(Wire.vllmError(message, "InternalServerError", 500)));
                    emit(Wire.DONE);
                } else {
                    emit(Wire.sse(Wire.llamaError(message, "server_error", 500)));
                }
                sink.complete();
            } else {
                reply.success(new Reply(500, Wire.errorBody(dialect, 500, message), false));
            }
        }
    }
}
