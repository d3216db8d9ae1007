package io.qmeter.search;

import io.qmeter.LoadRunBuilder;
import io.qmeter.metrics.Slo;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A saturation search against one running server, set up from a load builder: the highest rate
 * whose runs still meet the SLO. Made by {@link io.qmeter.QMeter#saturation}; immutable, every
 * setter returns a new instance and checks its argument at once. The probes are real load runs
 * ({@link LoadProbe}) that keep the builder's arrival process family and change only its rate.
 *
 * <pre>{@code
 * SearchResult r = QMeter.saturation(load(url).model("m").workload(synthetic(128, 32)))
 *         .slo(slo().ttft(p90, Duration.ofMillis(500)).tpot(p90, Duration.ofMillis(50)).build())
 *         .requestsPerProbe(40).maxProbes(5).run();
 * }</pre>
 */
public final class Saturation {

    private final LoadProbe probe;
    private final SaturationSearch.Builder search;

    private Saturation(LoadProbe probe, SaturationSearch.Builder search) {
        this.probe = probe;
        this.search = search;
    }

    /**
     * A search over real load runs built from {@code base} (server, model, workload; its arrival
     * process, if any, gives the family; any bound it has is replaced by the probe's request count).
     *
     * @param base the load builder
     * @return the search, still needing an SLO
     */
    public static Saturation over(LoadRunBuilder base) {
        return new Saturation(LoadProbe.of(base), SaturationSearch.builder());
    }

    /**
     * The SLO a probed rate must meet (required).
     *
     * @param slo the objective, e.g. {@code Slo.builder().ttft(p90, ofSeconds(1)).build()}
     * @return a new search
     */
    public Saturation slo(Slo slo) {
        return new Saturation(probe, search.slo(slo));
    }

    /**
     * Requests per probe (see {@link SaturationSearch.Builder#requestsPerProbe}).
     *
     * @param requests at least 1
     * @return a new search
     */
    public Saturation requestsPerProbe(int requests) {
        return new Saturation(probe, search.requestsPerProbe(requests));
    }

    /**
     * The most probes the search runs (see {@link SaturationSearch.Builder#maxProbes}).
     *
     * @param probes at least 1
     * @return a new search
     */
    public Saturation maxProbes(int probes) {
        return new Saturation(probe, search.maxProbes(probes));
    }

    /**
     * The least arrival time of a probe (see {@link LoadProbe#withMinDuration}).
     *
     * @param d at least zero
     * @return a new search
     */
    public Saturation minProbeDuration(Duration d) {
        return new Saturation(probe.withMinDuration(d), search);
    }

    /**
     * Cuts each probe request this long after it was sent (see {@link LoadProbe#withRequestTimeout}).
     *
     * @param timeout &gt; 0
     * @return a new search
     */
    public Saturation requestTimeout(Duration timeout) {
        return new Saturation(probe.withRequestTimeout(timeout), search);
    }

    /**
     * The seed of the probes' schedules and workloads.
     *
     * @param seed any value
     * @return a new search
     */
    public Saturation seed(long seed) {
        return new Saturation(probe, search.seed(seed));
    }

    /**
     * Any other search setting (tolerance, rate range, time budgets...).
     *
     * <pre>{@code
     * saturation.search(b -> b.tolerance(0.05).maxWallTime(Duration.ofMinutes(10)))
     * }</pre>
     *
     * @param tuning adjusts the search builder
     * @return a new search
     */
    public Saturation search(UnaryOperator<SaturationSearch.Builder> tuning) {
        return new Saturation(probe, Objects.requireNonNull(
                Objects.requireNonNull(tuning, "tuning").apply(search), "the tuning returned null"));
    }

    /**
     * Runs the search, blocking.
     *
     * @return what it found (see {@link SearchResult#found()})
     * @throws IllegalStateException when no SLO was set
     */
    public SearchResult run() {
        return search.build().run(probe);
    }
}
