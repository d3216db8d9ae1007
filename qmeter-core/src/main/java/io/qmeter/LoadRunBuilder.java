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
 * message naming the field and the value. Obtain one from {@link QMeter#load(URI)}. The settings
 * are one record ({@code Spec}), each setter a {@code withX} copy of it.
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

    /**
     * Every setting of a builder, one value: single-field checks in the compact constructor (so a
     * setter fails at once, naming the field and the value), checks across fields in
     * {@link #build()}; {@code withX} returns a copy.
     */
    record Spec(URI baseUrl,
                RequestSender sender,
                String model,
                Endpoint endpoint,
                Workload workload,
                ArrivalProcess arrivals,
                Duration duration,
                long requests,
                Duration warmup,
                Duration cooldown,
                int maxInFlight,
                Slo slo,
                long seed,
                boolean ignoreEos,
                Double temperature,
                boolean stream,
                String apiKey,
                Duration connectTimeout,
                Duration firstTokenTimeout,
                Duration idleTimeout,
                Duration requestTimeout,
                int maxConnections,
                PowerSensor powerSensor,
                double idleWatts,
                ClientCheckThresholds clientCheck,
                Duration drainTimeout,
                Duration spin,
                java.util.Map<String, Object> extraBody,
                Boolean promptCache) {

        /** Checks each field on its own. */
        Spec {
            if (requests == 0 || requests < -1) {
                throw new IllegalArgumentException("requests must be > 0, was " + requests);
            }
            if (maxInFlight < 0) {
                throw new IllegalArgumentException("maxInFlight must be >= 0 (0 = no cap), was " + maxInFlight);
            }
            if (!Double.isNaN(idleWatts) && (idleWatts < 0 || Double.isInfinite(idleWatts))) {
                throw new IllegalArgumentException("idleWatts must be >= 0 and finite (or NaN for none), was "
                        + idleWatts);
            }
            if (maxConnections < 0) { // 0: not set (the client's default); the setter refuses 0
                throw new IllegalArgumentException("maxConnections must be > 0, was " + maxConnections);
            }
            checkPositive("connectTimeout", connectTimeout);
            checkPositive("firstTokenTimeout", firstTokenTimeout);
            checkPositive("idleTimeout", idleTimeout);
            checkPositive("requestTimeout", requestTimeout);
            Objects.requireNonNull(clientCheck, "clientCheck");
            extraBody = extraBody == null ? java.util.Map.of() : java.util.Map.copyOf(extraBody);
        }

        Spec withBaseUrl(URI v) {
            return new Spec(v, sender, model, endpoint, workload, arrivals, duration, requests, warmup, cooldown,
                    maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout, firstTokenTimeout,
                    idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck, drainTimeout,
                    spin, extraBody, promptCache);
        }

        Spec withSender(RequestSender v) {
            return new Spec(baseUrl, v, model, endpoint, workload, arrivals, duration, requests, warmup, cooldown,
                    maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout, firstTokenTimeout,
                    idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck, drainTimeout,
                    spin, extraBody, promptCache);
        }

        Spec withModel(String v) {
            return new Spec(baseUrl, sender, v, endpoint, workload, arrivals, duration, requests, warmup, cooldown,
                    maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout, firstTokenTimeout,
                    idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck, drainTimeout,
                    spin, extraBody, promptCache);
        }

        Spec withEndpoint(Endpoint v) {
            return new Spec(baseUrl, sender, model, v, workload, arrivals, duration, requests, warmup, cooldown,
                    maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout, firstTokenTimeout,
                    idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck, drainTimeout,
                    spin, extraBody, promptCache);
        }

        Spec withWorkload(Workload v) {
            return new Spec(baseUrl, sender, model, endpoint, v, arrivals, duration, requests, warmup, cooldown,
                    maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout, firstTokenTimeout,
                    idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck, drainTimeout,
                    spin, extraBody, promptCache);
        }

        Spec withArrivals(ArrivalProcess v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, v, duration, requests, warmup, cooldown,
                    maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout, firstTokenTimeout,
                    idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck, drainTimeout,
                    spin, extraBody, promptCache);
        }

        Spec withDuration(Duration v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, v, requests, warmup, cooldown,
                    maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout, firstTokenTimeout,
                    idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck, drainTimeout,
                    spin, extraBody, promptCache);
        }

        Spec withRequests(long v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, v, warmup, cooldown,
                    maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout, firstTokenTimeout,
                    idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck, drainTimeout,
                    spin, extraBody, promptCache);
        }

        Spec withWarmup(Duration v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, v, cooldown,
                    maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout, firstTokenTimeout,
                    idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck, drainTimeout,
                    spin, extraBody, promptCache);
        }

        Spec withCooldown(Duration v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup, v,
                    maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout, firstTokenTimeout,
                    idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck, drainTimeout,
                    spin, extraBody, promptCache);
        }

        Spec withMaxInFlight(int v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, v, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout, firstTokenTimeout,
                    idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck, drainTimeout,
                    spin, extraBody, promptCache);
        }

        Spec withSlo(Slo v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, v, seed, ignoreEos, temperature, stream, apiKey, connectTimeout,
                    firstTokenTimeout, idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts,
                    clientCheck, drainTimeout, spin, extraBody, promptCache);
        }

        Spec withSeed(long v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, v, ignoreEos, temperature, stream, apiKey, connectTimeout,
                    firstTokenTimeout, idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts,
                    clientCheck, drainTimeout, spin, extraBody, promptCache);
        }

        Spec withIgnoreEos(boolean v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, v, temperature, stream, apiKey, connectTimeout,
                    firstTokenTimeout, idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts,
                    clientCheck, drainTimeout, spin, extraBody, promptCache);
        }

        Spec withTemperature(Double v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, v, stream, apiKey, connectTimeout, firstTokenTimeout,
                    idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck, drainTimeout,
                    spin, extraBody, promptCache);
        }

        Spec withStream(boolean v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, v, apiKey, connectTimeout,
                    firstTokenTimeout, idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts,
                    clientCheck, drainTimeout, spin, extraBody, promptCache);
        }

        Spec withApiKey(String v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, stream, v, connectTimeout,
                    firstTokenTimeout, idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts,
                    clientCheck, drainTimeout, spin, extraBody, promptCache);
        }

        Spec withConnectTimeout(Duration v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, v, firstTokenTimeout,
                    idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck, drainTimeout,
                    spin, extraBody, promptCache);
        }

        Spec withFirstTokenTimeout(Duration v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout, v,
                    idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck, drainTimeout,
                    spin, extraBody, promptCache);
        }

        Spec withIdleTimeout(Duration v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout,
                    firstTokenTimeout, v, requestTimeout, maxConnections, powerSensor, idleWatts, clientCheck,
                    drainTimeout, spin, extraBody, promptCache);
        }

        Spec withRequestTimeout(Duration v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout,
                    firstTokenTimeout, idleTimeout, v, maxConnections, powerSensor, idleWatts, clientCheck,
                    drainTimeout, spin, extraBody, promptCache);
        }

        Spec withMaxConnections(int v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout,
                    firstTokenTimeout, idleTimeout, requestTimeout, v, powerSensor, idleWatts, clientCheck,
                    drainTimeout, spin, extraBody, promptCache);
        }

        Spec withPowerSensor(PowerSensor v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout,
                    firstTokenTimeout, idleTimeout, requestTimeout, maxConnections, v, idleWatts, clientCheck,
                    drainTimeout, spin, extraBody, promptCache);
        }

        Spec withIdleWatts(double v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout,
                    firstTokenTimeout, idleTimeout, requestTimeout, maxConnections, powerSensor, v, clientCheck,
                    drainTimeout, spin, extraBody, promptCache);
        }

        Spec withClientCheck(ClientCheckThresholds v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout,
                    firstTokenTimeout, idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts, v,
                    drainTimeout, spin, extraBody, promptCache);
        }

        Spec withDrainTimeout(Duration v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout,
                    firstTokenTimeout, idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts,
                    clientCheck, v, spin, extraBody, promptCache);
        }

        Spec withSpin(Duration v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout,
                    firstTokenTimeout, idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts,
                    clientCheck, drainTimeout, v, extraBody, promptCache);
        }

        Spec withExtraBody(java.util.Map<String, Object> v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout,
                    firstTokenTimeout, idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts,
                    clientCheck, drainTimeout, spin, v, promptCache);
        }

        Spec withPromptCache(Boolean v) {
            return new Spec(baseUrl, sender, model, endpoint, workload, arrivals, duration, requests, warmup,
                    cooldown, maxInFlight, slo, seed, ignoreEos, temperature, stream, apiKey, connectTimeout,
                    firstTokenTimeout, idleTimeout, requestTimeout, maxConnections, powerSensor, idleWatts,
                    clientCheck, drainTimeout, spin, extraBody, v);
        }
    }

    final Spec spec;

    private LoadRunBuilder(Spec spec) {
        this.spec = spec;
    }

    static LoadRunBuilder start(URI baseUrl, RequestSender sender) {
        return new LoadRunBuilder(new Spec(baseUrl, sender, null, Endpoint.COMPLETIONS, null, null, null, -1,
                Duration.ZERO, Duration.ZERO, 0, null, 1L, true, null, true, null, null, null, null, null, 0, null,
                Double.NaN, ClientCheckThresholds.defaults(), LoadPlan.DEFAULT_DRAIN_TIMEOUT, LoadPlan.DEFAULT_SPIN,
                java.util.Map.of(), null));
    }

    /**
     * The served model name put in every request (required).
     *
     * @param model the model name
     * @return a new builder
     */
    public LoadRunBuilder model(String model) {
        return new LoadRunBuilder(spec.withModel(model));
    }

    /**
     * The endpoint (default {@link Endpoint#COMPLETIONS}; chat needs a text workload).
     *
     * @param endpoint the endpoint
     * @return a new builder
     */
    public LoadRunBuilder endpoint(Endpoint endpoint) {
        return new LoadRunBuilder(spec.withEndpoint(endpoint));
    }

    /**
     * What the requests ask (required).
     *
     * @param workload the workload
     * @return a new builder
     */
    public LoadRunBuilder workload(Workload workload) {
        return new LoadRunBuilder(spec.withWorkload(workload));
    }

    /**
     * The arrival process set so far (a saturation search or a rate sweep keeps its family and
     * changes only its rate).
     *
     * <pre>{@code
     * Optional<ArrivalProcess> a = QMeter.load(url).arrivals(QMeter.gamma(4, 0.5)).arrivalProcess();
     * }</pre>
     *
     * @return the process, or empty when none was set
     */
    public java.util.Optional<ArrivalProcess> arrivalProcess() {
        return java.util.Optional.ofNullable(spec.arrivals());
    }

    /**
     * When requests arrive (required).
     *
     * @param arrivals the arrival process
     * @return a new builder
     */
    public LoadRunBuilder arrivals(ArrivalProcess arrivals) {
        return new LoadRunBuilder(spec.withArrivals(arrivals));
    }

    /**
     * The schedule's length: requests due at or after it are not sent.
     *
     * @param duration &gt; 0
     * @return a new builder
     */
    public LoadRunBuilder duration(Duration duration) {
        return new LoadRunBuilder(spec.withDuration(duration));
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
        return new LoadRunBuilder(spec.withRequests(requests));
    }

    /**
     * The initial part of the schedule excluded from the statistics (kept in the raw records).
     *
     * @param warmup ≥ 0
     * @return a new builder
     */
    public LoadRunBuilder warmup(Duration warmup) {
        return new LoadRunBuilder(spec.withWarmup(warmup));
    }

    /**
     * The final part of the schedule excluded from the statistics (kept in the raw records).
     *
     * @param cooldown ≥ 0
     * @return a new builder
     */
    public LoadRunBuilder cooldown(Duration cooldown) {
        return new LoadRunBuilder(spec.withCooldown(cooldown));
    }

    /**
     * A cap on requests in flight; waiting for it is counted as queue delay.
     *
     * @param maxInFlight &gt; 0, or 0 for no cap
     * @return a new builder
     */
    public LoadRunBuilder maxInFlight(int maxInFlight) {
        return new LoadRunBuilder(spec.withMaxInFlight(maxInFlight));
    }

    /**
     * An SLO to evaluate (report, attainment, goodput).
     *
     * @param slo the SLO, or null for none
     * @return a new builder
     */
    public LoadRunBuilder slo(Slo slo) {
        return new LoadRunBuilder(spec.withSlo(slo));
    }

    /**
     * The seed for the workload and the arrivals (recorded in the result; default 1).
     *
     * @param seed the seed
     * @return a new builder
     */
    public LoadRunBuilder seed(long seed) {
        return new LoadRunBuilder(spec.withSeed(seed));
    }

    /**
     * Whether to send {@code ignore_eos} (default true: exact output lengths).
     *
     * @param ignoreEos the flag
     * @return a new builder
     */
    public LoadRunBuilder ignoreEos(boolean ignoreEos) {
        return new LoadRunBuilder(spec.withIgnoreEos(ignoreEos));
    }

    /**
     * The sampling temperature (default: not sent).
     *
     * @param temperature ≥ 0, or null to omit
     * @return a new builder
     */
    public LoadRunBuilder temperature(Double temperature) {
        return new LoadRunBuilder(spec.withTemperature(temperature));
    }

    /**
     * Whether to stream (default true; without streaming TTFT equals E2E).
     *
     * @param stream the flag
     * @return a new builder
     */
    public LoadRunBuilder stream(boolean stream) {
        return new LoadRunBuilder(spec.withStream(stream));
    }

    /**
     * The API key for the default HTTP client.
     *
     * @param apiKey the key, or null
     * @return a new builder
     */
    public LoadRunBuilder apiKey(String apiKey) {
        return new LoadRunBuilder(spec.withApiKey(apiKey));
    }

    /**
     * The default HTTP client's connect timeout.
     *
     * @param timeout &gt; 0
     * @return a new builder
     */
    public LoadRunBuilder connectTimeout(Duration timeout) {
        return new LoadRunBuilder(spec.withConnectTimeout(timeout));
    }

    /**
     * The default HTTP client's first-token timeout.
     *
     * @param timeout &gt; 0
     * @return a new builder
     */
    public LoadRunBuilder firstTokenTimeout(Duration timeout) {
        return new LoadRunBuilder(spec.withFirstTokenTimeout(timeout));
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
        return new LoadRunBuilder(spec.withIdleTimeout(timeout));
    }

    /**
     * The default HTTP client's whole-request timeout.
     *
     * @param timeout &gt; 0
     * @return a new builder
     */
    public LoadRunBuilder requestTimeout(Duration timeout) {
        return new LoadRunBuilder(spec.withRequestTimeout(timeout));
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
        return new LoadRunBuilder(spec.withMaxConnections(n));
    }

    /**
     * Sends through this sender instead of the default HTTP client (tests, virtual time). The run
     * does not close it.
     *
     * @param sender the sender, or null for the default client
     * @return a new builder
     */
    public LoadRunBuilder sender(RequestSender sender) {
        return new LoadRunBuilder(spec.withSender(sender));
    }

    /**
     * Measures energy over the measured interval (J/token in the result). The run does not close it.
     *
     * @param sensor the sensor, or null for none
     * @return a new builder
     */
    public LoadRunBuilder powerSensor(PowerSensor sensor) {
        return new LoadRunBuilder(spec.withPowerSensor(sensor));
    }

    /**
     * The idle power of the measured devices together, for net J/token.
     *
     * @param watts ≥ 0, or NaN for none
     * @return a new builder
     */
    public LoadRunBuilder idleWatts(double watts) {
        return new LoadRunBuilder(spec.withIdleWatts(watts));
    }

    /**
     * Thresholds of the client self-check (defaults: lag p99 5 ms, 95 % of the scheduled rate).
     *
     * @param maxLagP99       largest acceptable p99 schedule lag
     * @param minRateFraction smallest acceptable achieved ÷ scheduled rate
     * @return a new builder
     */
    public LoadRunBuilder clientCheck(Duration maxLagP99, double minRateFraction) {
        ClientCheckThresholds t = ClientCheckThresholds.of(Objects.requireNonNull(maxLagP99, "maxLagP99"),
                minRateFraction);
        return new LoadRunBuilder(spec.withClientCheck(t));
    }

    /**
     * How long to wait for outstanding requests after the schedule ended (default 5 minutes); those
     * still outstanding are recorded as cancelled.
     *
     * @param timeout ≥ 0
     * @return a new builder
     */
    public LoadRunBuilder drainTimeout(Duration timeout) {
        return new LoadRunBuilder(spec.withDrainTimeout(timeout));
    }

    /**
     * How long before each due time the dispatcher stops parking and spins (default 100 µs).
     *
     * @param spin ≥ 0
     * @return a new builder
     */
    public LoadRunBuilder spin(Duration spin) {
        return new LoadRunBuilder(spec.withSpin(spin));
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
        if (fields.containsKey("cache_prompt") && spec.promptCache() != null) {
            throw new IllegalArgumentException("extraBody must not set cache_prompt when promptCache("
                    + spec.promptCache() + ") is set; use one of them");
        }
        return new LoadRunBuilder(spec.withExtraBody(java.util.Map.copyOf(fields)));
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
        if (spec.extraBody().containsKey("cache_prompt")) {
            throw new IllegalArgumentException("promptCache must not be set when extraBody already has "
                    + "cache_prompt (" + spec.extraBody().get("cache_prompt") + "); use one of them");
        }
        return new LoadRunBuilder(spec.withPromptCache(enabled));
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
        Spec s = spec;
        if (s.baseUrl() == null && s.sender() == null) {
            throw new IllegalArgumentException("baseUrl must be set (or a sender given), was null");
        }
        if (s.model() == null || s.model().isBlank()) {
            throw new IllegalArgumentException("model must be set, was "
                    + (s.model() == null ? "null" : "'" + s.model() + "'")
                    + "; name the served model, e.g. .model(\"meta-llama/Llama-2-13b-hf\")");
        }
        if (s.endpoint() == null) {
            throw new IllegalArgumentException("endpoint must be set, was null");
        }
        if (s.workload() == null) {
            throw new IllegalArgumentException("workload must be set, was null; e.g. .workload(synthetic(331, 231))");
        }
        if (s.arrivals() == null) {
            throw new IllegalArgumentException("arrivals must be set, was null; e.g. .arrivals(poisson(10))");
        }
        if (s.duration() == null && s.requests() < 0 && !s.arrivals().isFinite()) {
            throw new IllegalArgumentException("duration or requests must be set, was neither; "
                    + "e.g. .duration(Duration.ofSeconds(60)) or .requests(1000)");
        }
        if (s.warmup() == null || s.cooldown() == null || s.drainTimeout() == null || s.spin() == null) {
            throw new IllegalArgumentException("warmup, cooldown, drainTimeout and spin must not be null");
        }
        if (s.maxInFlight() > 0 && s.arrivals() instanceof io.qmeter.load.ClosedLoop c) {
            throw new IllegalArgumentException("maxInFlight must not be set with closedLoop(" + c.streams()
                    + "), was " + s.maxInFlight() + "; a closed loop's streams are its concurrency");
        }
        if (s.sender() != null) {
            // these configure the default HTTP client; a sender of one's own would silently ignore them
            java.util.List<String> clientOnly = new java.util.ArrayList<>();
            if (s.apiKey() != null) {
                clientOnly.add("apiKey");
            }
            if (s.connectTimeout() != null) {
                clientOnly.add("connectTimeout");
            }
            if (s.firstTokenTimeout() != null) {
                clientOnly.add("firstTokenTimeout");
            }
            if (s.idleTimeout() != null) {
                clientOnly.add("idleTimeout");
            }
            if (s.requestTimeout() != null) {
                clientOnly.add("requestTimeout");
            }
            if (s.maxConnections() > 0) {
                clientOnly.add("maxConnections");
            }
            if (!clientOnly.isEmpty()) {
                throw new IllegalArgumentException(String.join(", ", clientOnly) + " configure the default HTTP "
                        + "client, but a sender was given (" + s.sender().getClass().getSimpleName() + "), which "
                        + "would ignore them; set them on the sender itself (e.g. LlmClient.create(url)"
                        + ".requestTimeout(...)) or drop .sender(...)");
            }
        }
        if (s.baseUrl() != null && s.sender() == null) {
            // the client's own checks (scheme, host, port range), without opening anything
            io.qmeter.client.LlmClient.create(s.baseUrl()).close();
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
