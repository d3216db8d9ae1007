package io.qmeter.testkit;

import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineException;
import io.qmeter.engine.EngineHandle;
import io.qmeter.power.PowerSensor;
import io.qmeter.testkit.sim.BackendStats;
import io.qmeter.testkit.sim.QualityModel;
import io.qmeter.testkit.sim.RealTimeBackend;
import io.qmeter.testkit.sim.ServingBackend;
import io.qmeter.testkit.sim.SimConfig;
import io.qmeter.testkit.sim.SimRequest;
import io.qmeter.testkit.sim.TokenSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * A simulated LLM serving engine behind a real OpenAI-compatible HTTP server (Reactor Netty, on
 * 127.0.0.1): {@code /v1/completions}, {@code /v1/chat/completions} (streaming SSE or not),
 * {@code /v1/models}, {@code /health} and {@code /metrics} (Prometheus text, vLLM's or llama.cpp's
 * metric names). Tokens come from the simulated serving model ({@link RealTimeBackend}: an
 * iteration-level scheduler and a roofline performance model running in real time) and are
 * flushed one SSE event per backend emission, so timings seen by a client are the model's.
 *
 * <p>Output: one synthetic word per token, deterministic per seed; {@code usage} is exact;
 * {@code max_tokens}, {@code ignore_eos}, {@code stop} and token-id prompts are honoured. Prompt
 * length: exact for token ids; for text, characters / 4 rounded up (chat: over all message
 * contents). A request whose prompt plus {@code max_tokens} exceeds the context length is refused
 * in the dialect's error format. A client that disconnects cancels its backend request.
 * <p><b>Quality items (simulator only).</b> A request that carries {@code "qmeter_reference"} (the
 * item's reference answer), with {@code "qmeter_task"} (the benchmark's name) and
 * {@code "qmeter_item"} (the item's id), is answered by the seeded {@link QualityModel} of this
 * model size and quantization method: the reference when the item is answered correctly, else a
 * wrong answer the task's scorer rejects, as one token per word, then {@code finish_reason}
 * {@code "stop"}. The benchmarks of {@code qmeter-quality} add these fields only for engines that
 * describe themselves as simulated; real servers never receive them, and the scores are labelled
 * simulated. Without the fields the output is synthetic words as above.
 *
 * <p>Faults come from a {@link FaultPlan}; the crash fault stops the server (and runs the
 * {@link Builder#onCrash(Runnable)} hook, which {@link SimulatedEngineMain} uses to exit).
 *
 * <p>{@code start()} creates a fresh backend and server; closing the handle stops both
 * (idempotent); {@code start()} again is a restart.
 *
 * <pre>{@code
 * Engine engine = SimulatedEngine.builder().gpu("H100-80GB").model("llama-2-13b")
 *         .quantization("W4A16-INT").tensorParallel(1).dialect(Dialect.VLLM).port(0).seed(1)
 *         .faults(FaultPlan.none()).build();
 * try (EngineHandle h = engine.start()) {
 *     PowerSensor sensor = h.powerSensor().orElseThrow();
 *     ... drive h.baseUrl() ...
 * }
 * }</pre>
 */
public final class SimulatedEngine implements Engine {

    private final SimConfig config;
    private final String servedModel;
    private final Dialect dialect;
    private final int port;
    private final FaultPlan faults;
    private final Function<SimConfig, ? extends ServingBackend> backendFactory;
    private final Runnable onCrash;
    private final LogBuffer logs = new LogBuffer(LoggerFactory.getLogger(SimulatedEngine.class));
    private ServerHandle current;

    private SimulatedEngine(Builder b, SimConfig config) {
        this.config = config;
        this.servedModel = b.servedModel != null ? b.servedModel : b.modelName != null ? b.modelName
                : config.model().name();
        this.dialect = b.dialect;
        this.port = b.port;
        this.faults = b.faults;
        this.backendFactory = b.backendFactory;
        this.onCrash = b.onCrash;
    }

    /**
     * A builder: H100-80GB, Llama-2-7B, FP16, TP 1, seed 0 (the {@link SimConfig} defaults), vLLM
     * dialect, a free port, no faults.
     *
     * <pre>{@code
     * SimulatedEngine e = SimulatedEngine.builder().model("llama-2-13b").dialect(Dialect.LLAMA_CPP).build();
     * }</pre>
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The simulation's configuration.
     *
     * @return the configuration
     */
    public SimConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", name());
        m.put("dialect", dialect.name());
        m.put("model", servedModel);
        m.put("gpu", config.gpu().name());
        m.put("modelSpec", config.model().name());
        m.put("quantization", config.quantization().name());
        m.put("tensorParallel", config.tensorParallel());
        m.put("seed", config.seed());
        m.put("maxNumSeqs", config.maxNumSeqs());
        m.put("maxBatchedTokens", config.maxBatchedTokens());
        m.put("label", config.label());
        if (!faults.isEmpty()) {
            m.put("faults", faults.toString());
        }
        return m;
    }

    /**
     * Starts a fresh backend and the HTTP server; again after a close, a restart.
     *
     * @return the running handle
     * @throws EngineException when already running or the port is taken
     */
    @Override
    public synchronized EngineHandle start() {
        if (current != null && !current.isClosed() && !current.server().isStopped()) {
            throw new EngineException("the simulated engine is already running at " + current.baseUrl()
                    + "; close its handle before starting it again");
        }
        ServingBackend backend;
        try {
            backend = Objects.requireNonNull(backendFactory.apply(config), "the backend factory returned null");
        } catch (RuntimeException e) {
            throw new EngineException("the simulated backend could not start for " + config.label() + ": "
                    + e.getMessage(), logs.tail(50), e);
        }
        ApiServer server;
        try {
            server = new ApiServer(new ApiServer.Options("sim", dialect, servedModel, true, port, config.seed(), faults,
                    null, onCrash), new BackendGenerator(backend, config), logs);
        } catch (RuntimeException e) {
            backend.close();
            throw new EngineException("the simulated engine could not listen on 127.0.0.1:" + port + ": "
                    + e.getMessage() + "; choose another port or 0 for a free one", logs.tail(50), e);
        }
        PowerSensor sensor = backend instanceof RealTimeBackend rt ? rt.powerSensor() : null;
        Map<String, Object> d = describe();
        d.put("baseUrl", server.baseUrl().toString());
        d.put("contextLength", backend.contextLength());
        logs.info("simulated engine " + config.label() + " serving '" + servedModel + "' at " + server.baseUrl());
        current = new ServerHandle(server, servedModel, d, sensor, null, logs); // stopping the server closes the backend
        return current;
    }

    /** Feeds requests to the serving backend; its sink hops to the HTTP layer. */
    private static final class BackendGenerator implements Generator {
        /** One token of an answer: leading white space and a word, or white space alone at the end. */
        private static final Pattern TOKEN = Pattern.compile("\\s*\\S+|\\s+");
        private final ServingBackend backend;
        private final QualityModel quality;
        private final long seed;

        BackendGenerator(ServingBackend backend, SimConfig config) {
            this.backend = backend;
            this.quality = QualityModel.of(config.model(), config.quantization());
            this.seed = config.seed();
        }

        @Override
        public void prepare(Call call) {
            if (call.qualityReference == null) {
                return;
            }
            String text = quality.answer(call.qualityTask, call.qualityItem != null ? call.qualityItem
                    : call.qualityReference, call.qualityReference, seed);
            List<String> tokens = new ArrayList<>();
            Matcher m = TOKEN.matcher(text);
            while (m.find()) {
                tokens.add(m.group());
            }
            if (tokens.isEmpty()) {
                tokens.add("");
            }
            call.answerTokens = List.copyOf(tokens);
            call.expectedTokens = Math.min(tokens.size(), call.maxTokens);
        }

        @Override
        public Runnable start(Call call, Events out) {
            SimRequest r = call.answerTokens != null
                    ? new SimRequest(call.promptTokens, call.expectedTokens, true, call.seed)
                    : new SimRequest(call.promptTokens, call.maxTokens, call.ignoreEos, call.seed);
            TokenSink sink = new TokenSink() {
                @Override
                public void onTokens(int count, long nanoTime) {
                    out.tokens(count);
                }

                @Override
                public void onFinish(String finishReason, int promptTokens, int completionTokens) {
                    out.finish(finishReason);
                }

                @Override
                public void onError(String message) {
                    out.error(message);
                }
            };
            ServingBackend.Submission s = backend instanceof RealTimeBackend rt
                    ? rt.submit(r, sink, call.arrivalNanos) : backend.submit(r, sink);
            return s::cancel;
        }

        @Override
        public int contextLength() {
            return backend.contextLength();
        }

        @Override
        public BackendStats stats() {
            return backend.stats();
        }

        @Override
        public void close() {
            backend.close();
        }
    }

    /** Builds a {@link SimulatedEngine}; {@link #build()} checks that the model fits the GPUs. */
    public static final class Builder {
        private SimConfig.Builder sim = SimConfig.builder();
        private SimConfig explicitConfig;
        private String modelName;
        private String servedModel;
        private Dialect dialect = Dialect.VLLM;
        private int port;
        private FaultPlan faults = FaultPlan.none();
        private Function<SimConfig, ? extends ServingBackend> backendFactory = RealTimeBackend::create;
        private Runnable onCrash;

        private Builder() {
        }

        /**
         * The GPU, by name (see {@code GpuSpec}), for example {@code "H100-80GB"}.
         *
         * @param name the GPU
         * @return a new builder
         */
        public Builder gpu(String name) {
            Builder b = copy();
            b.sim = b.sim.gpu(name);
            return b;
        }

        /**
         * The model, by name (see {@code ModelSpec}), for example {@code "llama-2-13b"}; also the
         * served model name unless {@link #servedModelName(String)} is set.
         *
         * @param name the model
         * @return a new builder
         */
        public Builder model(String name) {
            Builder b = copy();
            b.sim = b.sim.model(name);
            b.modelName = name;
            return b;
        }

        /**
         * The quantization method, by name (see {@code QuantMethod}), for example {@code "W4A16-INT"}.
         *
         * @param name the method
         * @return a new builder
         */
        public Builder quantization(String name) {
            Builder b = copy();
            b.sim = b.sim.quantization(name);
            return b;
        }

        /**
         * The tensor-parallel degree: 1, 2, 4 or 8.
         *
         * @param degree the degree
         * @return a new builder
         */
        public Builder tensorParallel(int degree) {
            Builder b = copy();
            b.sim = b.sim.tensorParallel(degree);
            return b;
        }

        /**
         * The seed (natural output lengths, token text, ids).
         *
         * @param seed the seed
         * @return a new builder
         */
        public Builder seed(long seed) {
            Builder b = copy();
            b.sim = b.sim.seed(seed);
            return b;
        }

        /**
         * A complete simulation configuration (scheduler limits, efficiencies); replaces gpu, model,
         * quantization, tensorParallel and seed.
         *
         * @param config the configuration
         * @return a new builder
         */
        public Builder simConfig(SimConfig config) {
            Builder b = copy();
            b.explicitConfig = Objects.requireNonNull(config, "simConfig");
            return b;
        }

        /**
         * The model name the server reports and expects in requests (vLLM dialect: another name is
         * answered with 404).
         *
         * @param name the name
         * @return a new builder
         */
        public Builder servedModelName(String name) {
            Builder b = copy();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("servedModelName must not be blank, was '" + name + "'");
            }
            b.servedModel = name;
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
         * The port on 127.0.0.1; 0 picks a free one at each start.
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
         * What builds the backend at each start ({@link RealTimeBackend#create(SimConfig)} by
         * default); a test may plug in its own {@link ServingBackend}. The power sensor is the
         * backend's when it is a {@link RealTimeBackend}, else absent.
         *
         * @param factory the factory
         * @return a new builder
         */
        public Builder backendFactory(Function<SimConfig, ? extends ServingBackend> factory) {
            Builder b = copy();
            b.backendFactory = Objects.requireNonNull(factory, "backendFactory");
            return b;
        }

        /**
         * Runs after a crash fault stopped the server (on a separate thread). A standalone main
         * exits the process here; library code must not.
         *
         * @param hook the hook, or {@code null}
         * @return a new builder
         */
        public Builder onCrash(Runnable hook) {
            Builder b = copy();
            b.onCrash = hook;
            return b;
        }

        /** A copy of this builder: every setter returns a changed copy, so a builder is never shared mutable state. */
        private Builder copy() {
            Builder b = new Builder();
            b.sim = sim;
            b.explicitConfig = explicitConfig;
            b.modelName = modelName;
            b.servedModel = servedModel;
            b.dialect = dialect;
            b.port = port;
            b.faults = faults;
            b.backendFactory = backendFactory;
            b.onCrash = onCrash;
            return b;
        }

        /**
         * The engine (not started).
         *
         * @return the engine
         * @throws IllegalArgumentException when the configuration is invalid (the model does not fit...)
         */
        public SimulatedEngine build() {
            SimConfig c = explicitConfig != null ? explicitConfig : sim.build();
            return new SimulatedEngine(this, c);
        }
    }

    @Override
    public String toString() {
        return "SimulatedEngine[" + config.label() + ", " + dialect + "]";
    }
}
