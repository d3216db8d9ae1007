package io.qmeter.examples;

import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.search.Probe;
import io.qmeter.search.SaturationSearch;
import io.qmeter.search.SearchResult;
import io.qmeter.testkit.sim.LengthDistribution;
import io.qmeter.testkit.sim.SimConfig;
import io.qmeter.testkit.sim.VirtualSaturationSearch;
import io.qmeter.testkit.sim.VirtualTimeSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How accurate is core's {@link SaturationSearch}? On the virtual-time simulator (Llama-2-13B, H100,
 * ShareGPT-like 331/231), it searches with a {@link Probe} backed by {@link VirtualTimeSimulator}
 * (the testkit's {@code VirtualTimeProbe}, judged by core's {@code SloJudge})
 * (default settings: burst start, 5 % tolerance, at most 8 probes) and compares the result with the
 * true saturation point found by a fine brute-force sweep (0.05 req/s steps) over the same arrival
 * trace. Prints probes used and error per configuration.
 *
 * <pre>{@code
 * java -cp ... io.qmeter.examples.SearchAccuracy            # FP16 and W4A16-INT
 * java -cp ... io.qmeter.examples.SearchAccuracy W8A8-FP    # other methods
 * }</pre>
 */
public final class SearchAccuracy {

    /** Requests per simulated run (one trace, seed 42, for every rate: common random numbers). */
    public static final int REQUESTS = 1000;
    /** Step of the brute-force sweep. */
    public static final double FINE_STEP = 0.05;

    private SearchAccuracy() {
    }

    /**
     * One configuration's accuracy.
     *
     * @param method       the quantization method
     * @param trueRate     highest passing rate of the brute-force sweep, req/s
     * @param foundRate    the search's saturation point, req/s
     * @param probes       probes the search used (burst included)
     * @param errorPercent (found − true) ÷ true × 100
     * @param stopReason   why the search stopped
     * @param bruteForceRuns simulations the brute-force sweep needed
     */
    public record Accuracy(String method, double trueRate, double foundRate, int probes, double errorPercent,
                           String stopReason, int bruteForceRuns) {
    }

    /**
     * Prints the accuracy of each method given (default FP16 and W4A16-INT).
     *
     * @param args quantization methods
     */
    public static void main(String[] args) {
        List<String> methods = args.length > 0 ? List.of(args) : List.of("FP16", "W4A16-INT");
        System.out.printf(Locale.ROOT, "Saturation search accuracy: Llama-2-13B on H100-80GB, virtual time, ShareGPT-like"
                + " lengths, %d requests per run, SLO P90 TTFT <= 1 s, P90 TPOT <= 200 ms%n", REQUESTS);
        System.out.printf(Locale.ROOT, "%-10s %14s %14s %8s %9s  %s%n", "method", "true req/s", "found req/s",
                "probes", "error", "stop");
        for (String m : methods) {
            Accuracy a = measure(m);
            System.out.printf(Locale.ROOT, "%-10s %14.2f %14.2f %8d %8.1f%%  %s (brute force: %d runs)%n", a.method(),
                    a.trueRate(), a.foundRate(), a.probes(), a.errorPercent(), a.stopReason(), a.bruteForceRuns());
        }
    }

    /**
     * Measures one method.
     *
     * @param method the quantization method
     * @return the accuracy
     */
    public static Accuracy measure(String method) {
        SimConfig c = SimConfig.builder().model("Llama-2-13B").gpu("H100-80GB").quantization(method).build();
        VirtualSaturationSearch vs = VirtualSaturationSearch.builder(c).lengths(LengthDistribution.shareGptLike())
                .requests(REQUESTS).seed(42).build();
        // brute force: coarse 0.5 req/s steps up to the first failure, then 0.05 req/s steps
        int runs = 0;
        double coarse = 0.5;
        while (vs.meetsSlo(vs.runAt(coarse))) {
            runs++;
            coarse += 0.5;
        }
        runs++;
        double truth = Double.NaN;
        for (double r = coarse - 0.5; r < coarse + 1e-9; r += FINE_STEP) {
            runs++;
            if (vs.meetsSlo(vs.runAt(r))) {
                truth = r;
            } else if (!Double.isNaN(truth)) {
                break;
            }
        }
        SearchResult found = SaturationSearch.builder().slo(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1)).tpot(Percentile.of(90), Duration.ofMillis(200)).build())
                .requestsPerProbe(REQUESTS).maxProbes(8).repeatUndecided(0, 1).seed(1).build().run(probe(c, vs));
        return new Accuracy(method, truth, found.saturationRate(), found.probeCount(),
                (found.saturationRate() / truth - 1) * 100, found.stopReason().name(), runs);
    }

    /**
     * The virtual-time probe over the seed-42 trace at the asked rate (a burst: every request at
     * time 0, reporting completed requests per second): {@link VirtualSaturationSearch#probe()}.
     *
     * @param c  the configuration
     * @param vs the trace settings
     * @return the probe
     */
    static Probe probe(SimConfig c, VirtualSaturationSearch vs) {
        return vs.probe();
    }
}
