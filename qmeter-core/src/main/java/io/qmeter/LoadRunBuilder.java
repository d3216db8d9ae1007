package io.qmeter;

import io.qmeter.client.Endpoint;
import io.qmeter.client.RequestSender;
import io.qmeter.load.ArrivalProcess;
import io.qmeter.load.LoadPlan;
import io.qmeter.metrics.ClientCheckThresholds;
import io.qmeter.metrics.Slo;
import io.qmeter.power.PowerSensor;
import io.qmeter.workload.Workload;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * An immutable builder for a {@link LoadRun}: every method returns a new builder, so partial
 * configurations can be shared and varied. {@link #build()} checks fields together and fails with a
 * message naming the field and the value. Obtain one from {@link QMeter#load(URI)}.
 *
 * <p>Required: {@link #model}, {@link #workload}, {@link #arrivals}, and a bound
 * ({@link #duration} and/or {@link #requests}, unless the arrivals are a finite trace). Defaults:
 * {@code /v1/completions}, streaming, {@code ignore_eos} on, seed 1, no warm-up or cool-down, no
 * in-flight cap, client check thresholds 5 ms lag p99 and 95 % of the scheduled rate, drain timeout
 * 5 minutes, and an {@code LlmClient} with its default timeouts as the sender.
 *
 * <pre>{@code
 * LoadRun run = QMeter.load("http://127.0.0.1:8000").model("llama-2-13b")
 *         .workload(QMeter.sharegptLike(331, 231)).arrivals(QMeter.poisson(4))
 *         .duration(Duration.ofMinutes(2)).warmup(Duration.ofSeconds(10)).seed(42).build();
 * }</pre>
 */
public final class LoadRunBuilder {

    final URI baseUrl;
    final RequestSender sender;
    final String model;
    final Endpoint endpoint;
    final Workload workload;
    final ArrivalProcess arrivals;
    final Duration duration;
    final long requests;
    final Duration warmup;
    final Duration cooldown;
    final int maxInFlight;
    final Slo slo;
    final long seed;
    final boolean ignoreEos;
    final Double temperature;
    final boolean stream;
    final String apiKey;
    final Duration connectTimeout;
    final Duration firstTokenTimeout;
    final Duration idleTimeout;
    final Duration requestTimeout;
    final int maxConnections;
    final PowerSensor powerSensor;
    final double idleWatts;
    final ClientCheckThresholds clientCheck;
    final Duration drainTimeout;
    final Duration spin;
    final java.util.Map<String, Object> extraBody;
    final Boolean promptCache;

    private LoadRunBuilder(URI baseUrl, RequestSender sender, String model, Endpoint endpoint, Workload workload,
                           ArrivalProcess arrivals, Duration duration, long requests, Duration warmup,
                           Duration cooldown, int maxInFlight, Slo slo, long seed, boolean ignoreEos,
                           Double temperature, boolean stream, String apiKey, Duration connectTimeout,
                           Duration firstTokenTimeout, Duration idleTimeout, Duration requestTimeout,
                           int maxConnections, PowerSensor powerSensor, double idleWatts,
                           ClientCheckThresholds clientCheck, Duration drainTimeout, Duration spin,
                           java.util.Map<String, Object> extraBody, Boolean promptCache) {
        this.baseUrl = baseUrl;
        this.sender = sender;
        this.model = model;
        this.endpoint = endpoint;
        this.workload = workload;
        this.arrivals = arrivals;
        this.duration = duration;
        this.requests = requests;
        this.warmup = warmup;
        this.cooldown = cooldown;
        this.maxInFlight = maxInFlight;
        this.slo = slo;
        this.seed = seed;
        this.ignoreEos = ignoreEos;
        this.temperature = temperature;
        this.stream = stream;
        this.apiKey = apiKey;
        this.connectTimeout = connectTimeout;
        this.firstTokenTimeout = firstTokenTimeout;
        this.idleTimeout = idleTimeout;
        this.requestTimeout = requestTimeout;
        this.maxConnections = maxConnections;
        this.powerSensor = powerSensor;
        this.idleWatts = idleWatts;
        this.clientCheck = clientCheck;
        this.drainTimeout = drainTimeout;
        this.spin = spin;
        this.extraBody = extraBody;
        this.promptCache = promptCache;
    }

    static LoadRunBuilder start(URI baseUrl, RequestSender sender) {
        return new LoadRunBuilder(baseUrl, sender, null, Endpoint.COMPLETIONS, null, null, null, -1, Duration.ZERO,
                Duration.ZERO, 0, null, 1L, true, null, true, null, null, null, null, null, 0, null, Double.NaN,
                ClientCheckThresholds.defaults(), LoadPlan.DEFAULT_DRAIN_TIMEOUT, LoadPlan.DEFAULT_SPIN,
                java.util.Map.of(), null);
    }

    private Builder copy() {
        return new Builder(this);
    }

    /** Mutable scratch copy used only inside this class to make the copy-on-write methods short. */
    private static final class Builder {
        URI baseUrl;
        RequestSender sender;
        String model;
        Endpoint endpoint;
        Workload workload;
        ArrivalProcess arrivals;
        Duration duration;
        long requests;
        Duration warmup;
        Duration cooldown;
        int maxInFlight;
        Slo slo;
        long seed;
        boolean ignoreEos;
        Double temperature;
        boolean stream;
        String apiKey;
        Duration connectTimeout;
        Duration firstTokenTimeout;
        Duration idleTimeout;
        Duration requestTimeout;
        int maxConnections;
        PowerSensor powerSensor;
        double idleWatts;
        ClientCheckThresholds clientCheck;
        Duration drainTimeout;
        Duration spin;
        java.util.Map<String, Object> extraBody;
        Boolean promptCache;

        Builder(LoadRunBuilder b) {
            baseUrl = b.baseUrl;
            sender = b.sender;
            model = b.model;
            endpoint = b.endpoint;
            workload = b.workload;
            arrivals = b.arrivals;
            duration = b.duration;
            requests = b.requests;
            warmup = b.warmup;
            cooldown = b.cooldown;
            maxInFlight = b.maxInFlight;
            slo = b.slo;
            seed = b.seed;
            ignoreEos = b.ignoreEos;
            temperature = b.temperature;
            stream = b.stream;
            apiKey = b.apiKey;
            connectTimeout = b.connectTimeout;
            firstTokenTimeout = b.firstTokenTimeout;
            idleTimeout = b.idleTimeout;
            requestTimeout = b.requestTimeout;
            maxConnections = b.maxConnections;
            powerSensor = b.powerSensor;
            idleWatts = b.idleWatts;
            clientCheck = b.clientCheck;
            drainTimeout = b.drainTimeout;
            spin = b.spin;
            extraBody = b.extraBody;
            promptCache = b.promptCache;
        }

        LoadRunBuilder done() {
            return new LoadRunBuilder(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout,
                    firstTokenTimeout, idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts,
                    clientCheck, drainTimeout, spin, extraBody, promptCache);
        }
    }

    /**
     * The served model name put in every request (required).
     *
     * @param model the model name
     * @return a new builder
     */
    public LoadRunBuilder model(String model) {
        Builder b = copy();
        b.model = model;
        return b.done();
    }

    /**
     * The endpoint (default {@link Endpoint#COMPLETIONS}; chat needs a text workload).
     *
     * @param endpoint the endpoint
     * @return a new builder
     */
    public LoadRunBuilder endpoint(Endpoint endpoint) {
        Builder b = copy();
        b.endpoint = endpoint;
        return b.done();
    }

    /**
     * What the requests ask (required).
     *
     * @param workload the workload
     * @return a new builder
     */
    public LoadRunBuilder workload(Workload workload) {
        Builder b = copy();
        b.workload = workload;
        return b.done();
    }

    /**
     * When requests arrive (required).
     *
     * @param arrivals the arrival process
     * @return a new builder
     */
    public LoadRunBuilder arrivals(ArrivalProcess arrivals) {
        Builder b = copy();
        b.arrivals = arrivals;
        return b.done();
    }

    /**
     * The schedule's length: requests due at or after it are not sent.
     *
     * @param duration &gt; 0
     * @return a new builder
     */
    public LoadRunBuilder duration(Duration duration) {
        Builder b = copy();
        b.duration = duration;
        return b.done();
    }

    /**
     * The most requests to send.
     *
     * @param requests &gt; 0
     * @return a new builder
     */
    public LoadRunBuilder requests(long requests) {
        if (requests <= 0) {
            throw new IllegalArgumentException("requests must be > 0, was " + requests);
        }
        Builder b = copy();
        b.requests = requests;
        return b.done();
    }

    /**
     * The initial part of the schedule excluded from the statistics (kept in the raw records).
     *
     * @param warmup ≥ 0
     * @return a new builder
     */
    public LoadRunBuilder warmup(Duration warmup) {
        Builder b = copy();
        b.warmup = warmup;
        return b.done();
    }

    /**
     * The final part of the schedule excluded from the statistics (kept in the raw records).
     *
     * @param cooldown ≥ 0
     * @return a new builder
     */
    public LoadRunBuilder cooldown(Duration cooldown) {
        Builder b = copy();
        b.cooldown = cooldown;
        return b.done();
    }

    /**
     * A cap on requests in flight; waiting for it is counted as queue delay.
     *
     * @param maxInFlight &gt; 0, or 0 for no cap
     * @return a new builder
     */
    public LoadRunBuilder maxInFlight(int maxInFlight) {
        Builder b = copy();
        b.maxInFlight = maxInFlight;
        return b.done();
    }

    /**
     * An SLO to evaluate (report, attainment, goodput).
     *
     * @param slo the SLO, or null for none
     * @return a new builder
     */
    public LoadRunBuilder slo(Slo slo) {
        Builder b = copy();
        b.slo = slo;
        return b.done();
    }

    /**
     * The seed for the workload and the arrivals (recorded in the result; default 1).
     *
     * @param seed the seed
     * @return a new builder
     */
    public LoadRunBuilder seed(long seed) {
        Builder b = copy();
        b.seed = seed;
        return b.done();
    }

    /**
     * Whether to send {@code ignore_eos} (default true: exact output lengths).
     *
     * @param ignoreEos the flag
     * @return a new builder
     */
    public LoadRunBuilder ignoreEos(boolean ignoreEos) {
        Builder b = copy();
        b.ignoreEos = ignoreEos;
        return b.done();
    }

    /**
     * The sampling temperature (default: not sent).
     *
     * @param temperature ≥ 0, or null to omit
     * @return a new builder
     */
    public LoadRunBuilder temperature(Double temperature) {
        Builder b = copy();
        b.temperature = temperature;
        return b.done();
    }

    /**
     * Whether to stream (default true; without streaming TTFT equals E2E).
     *
     * @param stream the flag
     * @return a new builder
     */
    public LoadRunBuilder stream(boolean stream) {
        Builder b = copy();
        b.stream = stream;
        return b.done();
    }

    /**
     * The API key for the default HTTP client.
     *
     * @param apiKey the key, or null
     * @return a new builder
     */
    public LoadRunBuilder apiKey(String apiKey) {
        Builder b = copy();
        b.apiKey = apiKey;
        return b.done();
    }

    /**
     * The default HTTP client's connect timeout.
     *
     * @param timeout &gt; 0
     * @return a new builder
     */
    public LoadRunBuilder connectTimeout(Duration timeout) {
        Builder b = copy();
        b.connectTimeout = timeout;
        return b.done();
    }

    /**
     * The default HTTP client's first-token timeout.
     *
     * @param timeout &gt; 0
     * @return a new builder
     */
    public LoadRunBuilder firstTokenTimeout(Duration timeout) {
        Builder b = copy();
        b.firstTokenTimeout = timeout;
        return b.done();
    }

    /**
     * The default HTTP client's idle timeout: the longest gap between two network buffers received
     * once content has started (a buffer may carry several tokens, or only an SSE comment, so this
     * is not a limit on the gap between tokens).
     *
     * @param timeout &gt; 0
     * @return a new builder
     */
    public LoadRunBuilder idleTimeout(Duration timeout) {
        Builder b = copy();
        b.idleTimeout = timeout;
        return b.done();
    }

    /**
     * The default HTTP client's whole-request timeout.
     *
     * @param timeout &gt; 0
     * @return a new builder
     */
    public LoadRunBuilder requestTimeout(Duration timeout) {
        Builder b = copy();
        b.requestTimeout = timeout;
        return b.done();
    }

    /**
     * The default HTTP client's connection pool size.
     *
     * @param n &gt; 0
     * @return a new builder
     * @throws IllegalArgumentException when {@code n < 1}
     */
    public LoadRunBuilder maxConnections(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxConnections must be > 0, was " + n);
        }
        Builder b = copy();
        b.maxConnections = n;
        return b.done();
    }

    /**
     * Sends through this sender instead of the default HTTP client (tests, virtual time). The run
     * does not close it.
     *
     * @param sender the sender, or null for the default client
     * @return a new builder
     */
    public LoadRunBuilder sender(RequestSender sender) {
        Builder b = copy();
        b.sender = sender;
        return b.done();
    }

    /**
     * Measures energy over the measured interval (J/token in the result). The run does not close it.
     *
     * @param sensor the sensor, or null for none
     * @return a new builder
     */
    public LoadRunBuilder powerSensor(PowerSensor sensor) {
        Builder b = copy();
        b.powerSensor = sensor;
        return b.done();
    }

    /**
     * The idle power of the measured devices together, for net J/token.
     *
     * @param watts ≥ 0, or NaN for none
     * @return a new builder
     */
    public LoadRunBuilder idleWatts(double watts) {
        Builder b = copy();
        b.idleWatts = watts;
        return b.done();
    }

    /**
     * Thresholds of the client self-check (defaults: lag p99 5 ms, 95 % of the scheduled rate).
     *
     * @param maxLagP99       largest acceptable p99 schedule lag
     * @param minRateFraction smallest acceptable achieved ÷ scheduled rate
     * @return a new builder
     */
    public LoadRunBuilder clientCheck(Duration maxLagP99, double minRateFraction) {
        Builder b = copy();
        b.clientCheck = ClientCheckThresholds.of(Objects.requireNonNull(maxLagP99, "maxLagP99"), minRateFraction);
        return b.done();
    }

    /**
     * How long to wait for outstanding requests after the schedule ended (default 5 minutes); those
     * still outstanding are recorded as cancelled.
     *
     * @param timeout ≥ 0
     * @return a new builder
     */
    public LoadRunBuilder drainTimeout(Duration timeout) {
        Builder b = copy();
        b.drainTimeout = timeout;
        return b.done();
    }

    /**
     * How long before each due time the dispatcher stops parking and spins (default 100 µs).
     *
     * @param spin ≥ 0
     * @return a new builder
     */
    public LoadRunBuilder spin(Duration spin) {
        Builder b = copy();
        b.spin = spin;
        return b.done();
    }

    /**
     * More request-body fields sent with every request, merged last (they win over the fields
     * qMeter writes), e.g. engine-specific sampling options; recorded in the result's config.
     *
     * <pre>{@code
     * .extraBody(Map.of("top_k", 1, "repetition_penalty", 1.0))
     * }</pre>
     *
     * @param fields field name to a JSON-writable value (string, number, boolean, list, map)
     * @return a new builder
     */
    public LoadRunBuilder extraBody(java.util.Map<String, Object> fields) {
        Objects.requireNonNull(fields, "extraBody");
        if (fields.containsKey("cache_prompt") && promptCache != null) {
            throw new IllegalArgumentException("extraBody must not set cache_prompt when promptCache(" + promptCache
                    + ") is set; use one of them");
        }
        Builder b = copy();
        b.extraBody = java.util.Map.copyOf(fields);
        return b.done();
    }

    /**
     * Whether the server may reuse a cached prompt prefix (llama.cpp's {@code cache_prompt}, on by
     * default in llama-server): with seeded, repeating prompts a cache hit cuts prefill to a few
     * milliseconds, so say what the run measures. Recorded in the result's config ("engine
     * default" when not set).
     *
     * @param enabled true to send {@code cache_prompt: true}, false to send {@code cache_prompt: false}
     * @return a new builder
     */
    public LoadRunBuilder promptCache(boolean enabled) {
        if (extraBody.containsKey("cache_prompt")) {
            throw new IllegalArgumentException("promptCache must not be set when extraBody already has cache_prompt ("
                    + extraBody.get("cache_prompt") + "); use one of them");
        }
        Builder b = copy();
        b.promptCache = enabled;
        return b.done();
    }

    /**
     * A closed loop instead of an open-loop schedule: {@code streams} requests are kept in flight,
     * each sent as soon as the previous one of its stream ended (vLLM's {@code --max-concurrency}
     * with an infinite rate, GuideLLM's concurrent profile). There is no schedule, so each request's
     * scheduled time is when it was sent and TTFT is measured from the send; the run is bounded by
     * {@link #duration} and/or {@link #requests}. Replaces {@link #arrivals}; results name it
     * "closed loop, N streams".
     *
     * @param streams requests in flight at once, &gt; 0
     * @return a new builder
     */
    public LoadRunBuilder closedLoop(int streams) {
        return arrivals(new io.qmeter.load.ClosedLoop(streams));
    }

    /**
     * Checks the configuration and builds the run.
     *
     * @return the immutable run
     * @throws IllegalArgumentException naming the field and the value when something is missing or invalid
     */
    public LoadRun build() {
        if (baseUrl == null && sender == null) {
            throw new IllegalArgumentException("baseUrl must be set (or a sender given), was null");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must be set, was " + (model == null ? "null" : "'" + model + "'")
                    + "; name the served model, e.g. .model(\"meta-llama/Llama-2-13b-hf\")");
        }
        if (endpoint == null) {
            throw new IllegalArgumentException("endpoint must be set, was null");
        }
        if (workload == null) {
            throw new IllegalArgumentException("workload must be set, was null; e.g. .workload(synthetic(331, 231))");
        }
        if (arrivals == null) {
            throw new IllegalArgumentException("arrivals must be set, was null; e.g. .arrivals(poisson(10))");
        }
        if (duration == null && requests < 0 && !arrivals.isFinite()) {
            throw new IllegalArgumentException("duration or requests must be set, was neither; "
                    + "e.g. .duration(Duration.ofSeconds(60)) or .requests(1000)");
        }
        if (requests == 0 || requests < -1) {
            throw new IllegalArgumentException("requests must be > 0, was " + requests);
        }
        if (warmup == null || cooldown == null || drainTimeout == null || spin == null) {
            throw new IllegalArgumentException("warmup, cooldown, drainTimeout and spin must not be null");
        }
        if (maxInFlight < 0) {
            throw new IllegalArgumentException("maxInFlight must be >= 0 (0 = no cap), was " + maxInFlight);
        }
        if (maxInFlight > 0 && arrivals instanceof io.qmeter.load.ClosedLoop c) {
            throw new IllegalArgumentException("maxInFlight must not be set with closedLoop(" + c.streams()
                    + "), was " + maxInFlight + "; a closed loop's streams are its concurrency");
        }
        if (!Double.isNaN(idleWatts) && (idleWatts < 0 || Double.isInfinite(idleWatts))) {
            throw new IllegalArgumentException("idleWatts must be >= 0 and finite (or NaN for none), was " + idleWatts);
        }
        if (maxConnections < 0) { // 0: not set (the client's default); the setter refuses 0
            throw new IllegalArgumentException("maxConnections must be > 0, was " + maxConnections);
        }
        checkPositive("connectTimeout", connectTimeout);
        checkPositive("firstTokenTimeout", firstTokenTimeout);
        checkPositive("idleTimeout", idleTimeout);
        checkPositive("requestTimeout", requestTimeout);
        if (baseUrl != null && sender == null) {
            // the client's own checks (scheme, host, port range), without opening anything
            io.qmeter.client.LlmClient.create(baseUrl).close();
        }
        // the plan validates durations, bounds and the cap with field-naming messages
        LoadRun run = new LoadRun(this);
        run.checkFirstRequest();
        return run;
    }

    private static void checkPositive(String field, Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(field + " must be > 0, was " + d);
        }
    }
}
