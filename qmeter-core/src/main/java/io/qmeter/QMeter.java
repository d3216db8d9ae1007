package io.qmeter;

import io.qmeter.client.RequestSender;
import io.qmeter.engine.EngineHandle;
import io.qmeter.load.ConstantArrivals;
import io.qmeter.load.GammaArrivals;
import io.qmeter.load.PoissonArrivals;
import io.qmeter.load.TraceArrivals;
import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.workload.LengthDistribution;
import io.qmeter.workload.ShareGptWorkload;
import io.qmeter.workload.SyntheticWorkload;
import io.qmeter.workload.TokenCounter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * qMeter's static entry point, made for {@code import static io.qmeter.QMeter.*} and jshell: load
 * runs, arrival processes, workloads, length distributions, SLOs and percentiles.
 *
 * <pre>{@code
 * import static io.qmeter.QMeter.*;
 * import static java.time.Duration.*;
 *
 * RunResult r = load("http://127.0.0.1:8000").model("llama-2-13b")
 *         .workload(synthetic(331, 231)).arrivals(poisson(10))
 *         .duration(ofSeconds(20)).warmup(ofSeconds(2))
 *         .slo(slo().ttft(p90, ofSeconds(1)).tpot(p90, ofMillis(200)).build())
 *         .seed(42).build().run();
 * System.out.println(r.summaryTable());
 * }</pre>
 */
public final class QMeter {

    /** The 50th percentile (median). */
    public static final Percentile p50 = Percentile.of(50);
    /** The 90th percentile. */
    public static final Percentile p90 = Percentile.of(90);
    /** The 95th percentile. */
    public static final Percentile p95 = Percentile.of(95);
    /** The 99th percentile. */
    public static final Percentile p99 = Percentile.of(99);
    /** The 99.9th percentile. */
    public static final Percentile p999 = Percentile.of(99.9);

    private QMeter() {
    }

    /**
     * Starts configuring a load run against an OpenAI-compatible server.
     *
     * @param baseUrl the base URL, e.g. {@code http://127.0.0.1:8000} (a trailing {@code /v1} is tolerated)
     * @return a builder
     */
    public static LoadRunBuilder load(URI baseUrl) {
        return LoadRunBuilder.start(Objects.requireNonNull(baseUrl, "baseUrl"), null);
    }

    /**
     * Starts configuring a load run against an OpenAI-compatible server.
     *
     * @param baseUrl the base URL as text
     * @return a builder
     * @throws IllegalArgumentException when it is not a URI
     */
    public static LoadRunBuilder load(String baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        return load(URI.create(baseUrl));
    }

    /**
     * Starts configuring a load run against a running engine (its base URL and model).
     *
     * @param engine the engine handle
     * @return a builder with the model set
     */
    public static LoadRunBuilder load(EngineHandle engine) {
        return load(engine.baseUrl()).model(engine.model());
    }

    /**
     * Starts configuring a load run that sends through a given sender (tests, virtual time,
     * a preconfigured {@code LlmClient}).
     *
     * @param sender the sender (not closed by the run)
     * @return a builder
     */
    public static LoadRunBuilder load(RequestSender sender) {
        return LoadRunBuilder.start(null, Objects.requireNonNull(sender, "sender"));
    }

    /**
     * Poisson arrivals.
     *
     * @param ratePerSecond mean rate, &gt; 0
     * @return the process
     */
    public static PoissonArrivals poisson(double ratePerSecond) {
        return new PoissonArrivals(ratePerSecond);
    }

    /**
     * Gamma arrivals with a burstiness factor (1 = Poisson; vLLM's {@code --burstiness}).
     *
     * @param ratePerSecond mean rate, &gt; 0
     * @param burstiness    gamma shape, &gt; 0
     * @return the process
     */
    public static GammaArrivals gamma(double ratePerSecond, double burstiness) {
        return new GammaArrivals(ratePerSecond, burstiness);
    }

    /**
     * Constant-rate arrivals.
     *
     * @param ratePerSecond rate, &gt; 0
     * @return the process
     */
    public static ConstantArrivals constant(double ratePerSecond) {
        return new ConstantArrivals(ratePerSecond);
    }

    /**
     * Arrivals replayed from a trace file (one timestamp in seconds per line).
     *
     * @param file the trace
     * @return the process
     */
    public static TraceArrivals trace(Path file) {
        return TraceArrivals.fromFile(file);
    }

    /**
     * A synthetic workload with fixed lengths (random token ids; exact lengths with ignore_eos).
     *
     * @param inputTokens  prompt length
     * @param outputTokens output length
     * @return the workload
     */
    public static SyntheticWorkload synthetic(int inputTokens, int outputTokens) {
        return SyntheticWorkload.fixed(inputTokens, outputTokens);
    }

    /**
     * A synthetic workload with distributed lengths.
     *
     * @param input  input lengths
     * @param output output lengths
     * @return the workload
     */
    public static SyntheticWorkload synthetic(LengthDistribution input, LengthDistribution output) {
        return SyntheticWorkload.of(input, output);
    }

    /**
     * A synthetic workload whose lengths are distributed like ShareGPT's around the given means.
     *
     * @param meanInputTokens  mean prompt length (331 for ShareGPT on Llama-2)
     * @param meanOutputTokens mean output length (231)
     * @return the workload
     */
    public static SyntheticWorkload sharegptLike(int meanInputTokens, int meanOutputTokens) {
        return SyntheticWorkload.sharegptLike(meanInputTokens, meanOutputTokens);
    }

    /**
     * ShareGPT replay with the default ~4 characters/token estimate.
     *
     * @param file the ShareGPT JSON file
     * @return the workload
     */
    public static ShareGptWorkload sharegpt(Path file) {
        return ShareGptWorkload.fromFile(file);
    }

    /**
     * ShareGPT replay with a given token counter.
     *
     * @param file    the ShareGPT JSON file
     * @param counter the token counter
     * @return the workload
     */
    public static ShareGptWorkload sharegpt(Path file, TokenCounter counter) {
        return ShareGptWorkload.fromFile(file, counter);
    }

    /**
     * Fixed lengths.
     *
     * @param tokens the length
     * @return the distribution
     */
    public static LengthDistribution fixed(int tokens) {
        return LengthDistribution.fixed(tokens);
    }

    /**
     * Uniform lengths in {@code [low, high]}.
     *
     * @param low  smallest
     * @param high largest
     * @return the distribution
     */
    public static LengthDistribution uniform(int low, int high) {
        return LengthDistribution.uniform(low, high);
    }

    /**
     * Normal lengths.
     *
     * @param mean mean
     * @param sd   standard deviation
     * @return the distribution
     */
    public static LengthDistribution normal(double mean, double sd) {
        return LengthDistribution.normal(mean, sd);
    }

    /**
     * Lognormal lengths with the given mean and standard deviation of the lengths.
     *
     * @param mean mean
     * @param sd   standard deviation
     * @return the distribution
     */
    public static LengthDistribution lognormal(double mean, double sd) {
        return LengthDistribution.lognormal(mean, sd);
    }

    /**
     * A new SLO builder.
     *
     * @return the builder
     */
    public static Slo.Builder slo() {
        return Slo.builder();
    }

    /**
     * A saturation search against one running server: the highest rate whose runs meet an SLO.
     * The probes are load runs of {@code base}, keeping its arrival process family.
     *
     * <pre>{@code
     * SearchResult r = saturation(load(url).model("m").workload(synthetic(128, 32)))
     *         .slo(slo().ttft(p90, Duration.ofMillis(500)).tpot(p90, Duration.ofMillis(50)).build())
     *         .requestsPerProbe(40).maxProbes(5).run();
     * }</pre>
     *
     * @param base server, model and workload (arrivals optional: Poisson by default)
     * @return the search, still needing an SLO
     */
    public static io.qmeter.search.Saturation saturation(LoadRunBuilder base) {
        return io.qmeter.search.Saturation.over(base);
    }

    /**
     * A plain rate sweep against one running server, without a plan or a store.
     *
     * <pre>{@code
     * List<RunResult> runs = rateSweep(load(url).model("m").workload(synthetic(128, 32)).requests(200))
     *         .fractionsOf(r, 0.25, 0.5, 0.75, 1.0).run();
     * }</pre>
     *
     * @param base server, model, workload and a bound (arrivals optional: Poisson by default)
     * @return the sweep, still needing its rates
     */
    public static io.qmeter.search.RateSweep rateSweep(LoadRunBuilder base) {
        return io.qmeter.search.RateSweep.over(base);
    }
}
