package io.qmeter.testkit;

import io.netty.channel.EventLoop;
import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineException;
import io.qmeter.engine.EngineHandle;
import io.qmeter.testkit.sim.BackendStats;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * A stub OpenAI-compatible server that answers each completion request from a {@link Script}, in
 * the spirit of OkHttp's MockWebServer: enqueue scripts, they are served in arrival order (the
 * default script when the queue is empty), and every request received is recorded for
 * {@link #takeRequest(Duration)}.
 *
 * <p>Timing: each chunk is scheduled on the connection's event loop at an absolute time counted
 * from the request's arrival (its body fully received), never by accumulating sleeps, and flushed
 * as its own SSE event; so the TTFT and gaps a client measures equal the script's up to the
 * loopback and scheduling latency. Output text is one synthetic word per token; prompt length is
 * exact for token-id prompts and estimated as characters / 4 for text.
 *
 * <p>A {@link FaultPlan} adds faults; a script's own fault applies when the plan has none for that
 * request. Both dialects are spoken ({@link Dialect}). The engine is {@link AutoCloseable}:
 * {@link #close()} closes the running handle.
 *
 * <pre>{@code
 * try (ScriptedEngine server = ScriptedEngine.builder().dialect(Dialect.VLLM).build()) {
 *     server.enqueue(Script.builder().ttft(Duration.ofMillis(100)).gap(Duration.ofMillis(20)).tokens(10).build());
 *     EngineHandle h = server.start();
 *     // POST h.baseUrl() + "/v1/completions" {"prompt":"hi","max_tokens":10,"stream":true}
 *     RecordedRequest r = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
 * }
 * }</pre>
 */
public final class ScriptedEngine implements Engine, AutoCloseable {

    private final Dialect dialect;
    private final int port;
    private final String model;
    private final FaultPlan faults;
    private final Script defaultScript;
    private final int contextLength;
    private final Function<RecordedRequest, Script> dispatcher;
    private final boolean recordRequests;
    private final ConcurrentLinkedQueue<Script> scripts = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<RecordedRequest> received = new LinkedBlockingQueue<>();
    private final AtomicLong requestCount = new AtomicLong();
    private final LogBuffer logs = new LogBuffer(LoggerFactory.getLogger(ScriptedEngine.class));
    private ServerHandle current;

    private ScriptedEngine(Builder b) {
        this.dialect = b.dialect;
        this.port = b.port;
        this.model = b.model;
        this.faults = b.faults;
        this.defaultScript = b.defaultScript;
        this.contextLength = b.contextLength;
        this.dispatcher = b.dispatcher;
        this.recordRequests = b.recordRequests;
    }

    /**
     * A builder: vLLM dialect, a free port, model {@code "scripted-model"}, no faults, the
     * {@link Script#immediate()} default script, a context of 131072 tokens.
     *
     * <pre>{@code
     * ScriptedEngine s = ScriptedEngine.builder().dialect(Dialect.LLAMA_CPP).build();
     * }</pre>
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Queues a script for the next request that has none.
     *
     * <pre>{@code
     * server.enqueue(Script.builder().status(503, null).build());
     * }</pre>
     *
     * @param script the script
     * @return this engine
     */
    public ScriptedEngine enqueue(Script script) {
        scripts.add(Objects.requireNonNull(script, "script"));
        return this;
    }

    /**
     * Takes the oldest recorded completion request, waiting up to {@code timeout} for one.
     *
     * <pre>{@code
     * RecordedRequest r = server.takeRequest(Duration.ofSeconds(1)).orElseThrow();
     * }</pre>
     *
     * @param timeout how long to wait
     * @return the request, or empty when none arrived in time
     */
    public Optional<RecordedRequest> takeRequest(Duration timeout) {
        try {
            return Optional.ofNullable(received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * How many completion requests arrived since this engine was built (across restarts).
     *
     * @return the count
     */
    public long requestCount() {
        return requestCount.get();
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", name());
        m.put("dialect", dialect.name());
        m.put("model", model);
        m.put("contextLength", contextLength);
        if (!faults.isEmpty()) {
            m.put("faults", faults.toString());
        }
        return m;
    }

    /**
     * Starts the server (again after a close: a restart).
     *
     * @return the running handle
     * @throws EngineException when it is already running or cannot bind its port
     */
    @Override
    public synchronized EngineHandle start() {
        if (current != null && !current.isClosed() && !current.server().isStopped()) {
            throw new EngineException("the scripted engine is already running at " + current.baseUrl()
                    + "; close its handle before starting it again");
        }
        ApiServer server;
        try {
            server = new ApiServer(new ApiServer.Options("scripted", dialect, model, false, port, 0L, faults,
                    r -> {
                        requestCount.incrementAndGet();
                        if (recordRequests) {
                            received.add(r);
                        }
                    }, null), new ScriptGenerator(), logs);
        } catch (RuntimeException e) {
            throw new EngineException("the scripted engine could not listen on 127.0.0.1:" + port + ": " + e.getMessage()
                    + "; choose another port or 0 for a free one", logs.tail(50), e);
        }
        Map<String, Object> d = describe();
        d.put("baseUrl", server.baseUrl().toString());
        current = new ServerHandle(server, model, d, null, null, logs);
        return current;
    }

    /** Closes the running handle, if any; idempotent. */
    @Override
    public synchronized void close() {
        if (current != null) {
            current.close();
        }
    }

    /** Plays scripts on the event loop at absolute times. */
    private final class ScriptGenerator implements Generator {

        @Override
        public void prepare(Call call) {
            Script s = dispatcher != null ? dispatcher.apply(call.recorded) : null;
            if (s == null) {
                s = scripts.poll();
            }
            call.script = s != null ? s : defaultScript;
            int n = call.script.tokens() > 0 ? call.script.tokens() : call.maxTokens;
            call.expectedTokens = Math.min(n, call.maxTokens);
        }

        @Override
        public Runnable start(Call call, Events out) {
            Player p = new Player(call, out);
            p.scheduleAt(call.arrivalNanos + call.script.ttft().toNanos());
            return p::cancel;
        }

        @Override
        public int contextLength() {
            return contextLength;
        }

        @Override
        public BackendStats stats() {
            return null;
        }
    }

    /** One request's chunk schedule. Runs on the request's event loop. */
    private static final class Player implements Runnable {
        private final Call call;
        private final Generator.Events out;
        private final EventLoop loop;
        private final int perChunk;
        private int remaining;
        private int chunk;
        private long atNanos;
        private volatile boolean cancelled;
        private io.netty.util.concurrent.ScheduledFuture<?> pending;

        Player(Call call, Generator.Events out) {
            this.call = call;
            this.out = out;
            this.loop = call.loop;
            this.perChunk = call.script.tokensPerChunk();
            this.remaining = call.expectedTokens;
        }

        void scheduleAt(long at) {
            atNanos = at;
            long d = at - System.nanoTime();
            if (d <= 0) {
                if (loop.inEventLoop()) {
                    run();
                } else {
                    loop.execute(this);
                }
            } else {
                pending = loop.schedule(this, d, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void run() {
            while (!cancelled && remaining > 0) {
                int n = Math.min(perChunk, remaining);
                remaining -= n;
                out.tokens(n);
                if (remaining == 0) {
                    out.finish(null);
                    return;
                }
                atNanos += call.script.gapAfter(chunk++).toNanos();
                long d = atNanos - System.nanoTime();
                if (d > 0) {
                    pending = loop.schedule(this, d, TimeUnit.NANOSECONDS);
                    return;
                }
            }
        }

        void cancel() {
            cancelled = true;
            var p = pending;
            if (p != null) {
                p.cancel(false);
            }
        }
    }

    /** Builds a {@link ScriptedEngine}. */
    public static final class Builder {
        private Dialect dialect = Dialect.VLLM;
        private int port;
        private String model = "scripted-model";
        private FaultPlan faults = FaultPlan.none();
        private Script defaultScript = Script.immediate();
        private int contextLength = 131_072;
        private Function<RecordedRequest, Script> dispatcher;
        private boolean recordRequests = true;

        private Builder() {
        }

        /**
         * Whether received requests are kept for {@link ScriptedEngine#takeRequest(Duration)}
         * (default true). Turn it off for long benchmarks, where the kept requests would only grow;
         * {@link ScriptedEngine#requestCount()} still counts.
         *
         * <pre>{@code
         * ScriptedEngine bench = ScriptedEngine.builder().recordRequests(false).build();
         * }</pre>
         *
         * @param keep false to keep nothing
         * @return a new builder
         */
        public Builder recordRequests(boolean keep) {
            Builder b = copy();
            b.recordRequests = keep;
            return b;
        }

        /**
         * Chooses each request's script from the request itself (OkHttp's {@code Dispatcher}),
         * before the queue: for concurrent requests whose order of arrival is unknown. A
         * {@code null} result falls back to the queue, then the default script. Called on an event
         * loop: keep it fast.
         *
         * <pre>{@code
         * builder.dispatcher(r -> scripts.get(((Number) r.json().get("script_id")).intValue()));
         * }</pre>
         *
         * @param d the dispatcher, or {@code null} to use the queue
         * @return a new builder
         */
        public Builder dispatcher(Function<RecordedRequest, Script> d) {
            Builder b = copy();
            b.dispatcher = d;
            return b;
        }

        /**
         * The dialect spoken.
         *
         * @param d the dialect
         * @return a new builder
         */
        public Builder dialect(Dialect d) {
            Builder b = copy();
            b.dialect = Objects.requireNonNull(d, "dialect");
            return b;
        }

        /**
         * The port on 127.0.0.1; 0 picks a free one.
         *
         * @param p 0..65535
         * @return a new builder
         */
        public Builder port(int p) {
            Builder b = copy();
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + p);
            }
            b.port = p;
            return b;
        }

        /**
         * The model name reported by {@code /v1/models} and the handle.
         *
         * @param m the name
         * @return a new builder
         */
        public Builder model(String m) {
            Builder b = copy();
            if (m == null || m.isBlank()) {
                throw new IllegalArgumentException("model must not be blank, was '" + m + "'");
            }
            b.model = m;
            return b;
        }

        /**
         * Faults to inject.
         *
         * @param f the plan
         * @return a new builder
         */
        public Builder faults(FaultPlan f) {
            Builder b = copy();
            b.faults = Objects.requireNonNull(f, "faults");
            return b;
        }

        /**
         * The script used when the queue is empty.
         *
         * @param s the script
         * @return a new builder
         */
        public Builder defaultScript(Script s) {
            Builder b = copy();
            b.defaultScript = Objects.requireNonNull(s, "defaultScript");
            return b;
        }

        /**
         * The context length: prompt + max_tokens beyond it is refused.
         *
         * @param tokens at least 2
         * @return a new builder
         */
        public Builder contextLength(int tokens) {
            Builder b = copy();
            if (tokens < 2) {
                throw new IllegalArgumentException("contextLength must be >= 2, was " + tokens);
            }
            b.contextLength = tokens;
            return b;
        }

        /** A copy of this builder: every setter returns a changed copy, so a builder is never shared mutable state. */
        private Builder copy() {
            Builder b = new Builder();
            b.dialect = dialect;
            b.port = port;
            b.model = model;
            b.faults = faults;
            b.defaultScript = defaultScript;
            b.contextLength = contextLength;
            b.dispatcher = dispatcher;
            b.recordRequests = recordRequests;
            return b;
        }

        /**
         * The engine (not started).
         *
         * @return the engine
         */
        public ScriptedEngine build() {
            return new ScriptedEngine(this);
        }
    }

    @Override
    public String toString() {
        return "ScriptedEngine" + List.of(dialect, model);
    }
}
