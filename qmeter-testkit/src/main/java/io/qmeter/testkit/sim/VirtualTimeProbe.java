package io.qmeter.testkit.sim;

import io.qmeter.metrics.SloMetric;
import io.qmeter.search.Probe;
import io.qmeter.search.ProbeRequest;
import io.qmeter.search.ProbeResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A saturation-search {@link Probe} in virtual time: each probe runs a seeded Poisson trace
 * (or, for a burst, every request at time 0) through the {@link VirtualTimeSimulator} — the same
 * scheduler and roofline the real-time {@code SimulatedEngine} serves HTTP with — and returns the
 * per-request samples for the judge: TTFT and E2E from the arrival, TPOT as vLLM defines it; a
 * rejected request counts as {@code +Infinity}. A probe of thousands of requests costs
 * milliseconds to a second of CPU, so probes can be long enough for a queue above the saturation
 * point to build up, which short real-time probes cannot see.
 *
 * <p>Each probe uses the search's seed for its trace; {@link #withFixedSeed(long)} makes every
 * probe replay one trace at different speeds, so the SLO figures change smoothly with the rate
 * ({@link VirtualSaturationSearch} does that). The probe's summary is the {@link SimulationResult}.
 *
 * <pre>{@code
 * Probe probe = VirtualTimeProbe.of(simConfig, LengthDistribution.of(QMeter.sharegptLike(331, 231)));
 * SearchResult r = SaturationSearch.builder().slo(Slo.p90(ofSeconds(1), ofMillis(200)))
 *         .requestsPerProbe(2000).build().run(probe);
 * }</pre>
 */
public final class VirtualTimeProbe implements Probe {

    private final VirtualTimeSimulator simulator;
    private final LengthDistribution lengths;
    private final Long fixedSeed;

    private VirtualTimeProbe(SimConfig config, LengthDistribution lengths, Long fixedSeed) {
        this.simulator = new VirtualTimeSimulator(Objects.requireNonNull(config, "config"));
        this.lengths = Objects.requireNonNull(lengths, "lengths");
        this.fixedSeed = fixedSeed;
    }

    /**
     * A probe of one simulated configuration under a workload's lengths.
     *
     * @param config  the configuration (as the simulated engine of the same settings runs it)
     * @param lengths the workload's prompt and output lengths
     * @return the probe
     */
    public static VirtualTimeProbe of(SimConfig config, LengthDistribution lengths) {
        return new VirtualTimeProbe(config, lengths, null);
    }

    /**
     * A copy whose every probe uses this seed for its trace instead of the search's.
     *
     * @param seed the trace seed
     * @return the copy
     */
    public VirtualTimeProbe withFixedSeed(long seed) {
        return new VirtualTimeProbe(simulator.config(), lengths, seed);
    }

    /**
     * The configuration simulated.
     *
     * @return the configuration
     */
    public SimConfig config() {
        return simulator.config();
    }

    /**
     * Simulates one probe: {@code requests} Poisson arrivals at {@code ratePerSecond}, or a burst
     * when the rate is infinite (token times are not kept).
     *
     * @param ratePerSecond mean arrival rate, &gt; 0, or {@code +Infinity} for a burst
     * @param requests      number of requests, at least 1
     * @param seed          the trace's seed (ignored when a fixed seed was set)
     * @return the simulation
     */
    public SimulationResult simulate(double ratePerSecond, int requests, long seed) {
        long s = fixedSeed != null ? fixedSeed : seed;
        ArrivalTrace trace;
        if (Double.isInfinite(ratePerSecond) && ratePerSecond > 0) {
            SplittableRandom rnd = new SplittableRandom(s);
            List<TraceRequest> reqs = new ArrayList<>(requests);
            for (int i = 0; i < requests; i++) {
                int[] io = lengths.sample(rnd);
                reqs.add(new TraceRequest(0, io[0], io[1]));
            }
            trace = new ArrivalTrace(reqs, "burst of " + requests + ", seed " + s);
        } else {
            trace = ArrivalTrace.poisson(ratePerSecond, requests, lengths, s);
        }
        return simulator.run(trace, false);
    }

    @Override
    public ProbeResult run(ProbeRequest request) {
        SimulationResult r = simulate(request.ratePerSecond(), request.requestCount(), request.seed());
        return toProbeResult(r);
    }

    /**
     * The judge's samples of a simulation: per request TTFT, TPOT and E2E in nanoseconds
     * ({@code +Infinity} for a rejected request, TPOT {@code NaN} below 2 output tokens), completed
     * requests per second of simulated time as the achieved throughput, the simulation as summary.
     *
     * @param r the simulation
     * @return the probe result
     */
    public static ProbeResult toProbeResult(SimulationResult r) {
        List<RequestResult> reqs = r.requests();
        double[] ttft = new double[reqs.size()];
        double[] tpot = new double[reqs.size()];
        double[] e2e = new double[reqs.size()];
        for (int i = 0; i < reqs.size(); i++) {
            RequestResult q = reqs.get(i);
            ttft[i] = q.ok() ? q.ttftNanos() : Double.POSITIVE_INFINITY;
            tpot[i] = q.ok() ? q.tpotNanos() : Double.POSITIVE_INFINITY;
            e2e[i] = q.ok() ? q.e2eNanos() : Double.POSITIVE_INFINITY;
        }
        Map<String, double[]> samples = new LinkedHashMap<>();
        samples.put(SloMetric.TTFT.key(), ttft);
        samples.put(SloMetric.TPOT.key(), tpot);
        samples.put(SloMetric.E2E.key(), e2e);
        double seconds = r.durationNanos() / 1e9;
        return ProbeResult.ofSamples(samples).withAchievedThroughput(seconds > 0 ? r.completed() / seconds : Double.NaN)
                .withSummary(r);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "virtual-time probe of %s%s", simulator.config().label(),
                fixedSeed == null ? "" : ", trace seed " + fixedSeed);
    }
}
