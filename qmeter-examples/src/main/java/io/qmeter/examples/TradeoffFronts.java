package io.qmeter.examples;

import io.qmeter.analysis.profile.ProfileKey;
import io.qmeter.analysis.profile.ProfileSet;
import io.qmeter.analysis.profile.SimulatedProfiles;
import io.qmeter.analysis.tradeoff.Dominance;
import io.qmeter.analysis.tradeoff.LatencyMetric;
import io.qmeter.analysis.tradeoff.TradeoffAnalysis;
import io.qmeter.analysis.tradeoff.TradeoffPoint;

import java.util.List;
import java.util.Locale;

/**
 * The seed's §4.2 trade-offs (Finding #1) on profiles the simulated engine produces in virtual
 * time (<b>simulated figures</b>): per workload and task, at the seed's mid-range load (50 % of
 * 13B W8A8-INT's saturation point on one H100), the Pareto front over (P90 TTFT or TPOT, J/token,
 * quality) across Llama-2-7B/13B, CodeLlama-34B and Llama-2-70B × 12 methods, each at the smallest
 * tensor parallelism that fits one H100 node, and the quantized larger models that dominate 13B
 * FP16, with the margins (strictly, and within 5 % per axis).
 *
 * <pre>{@code
 * mvn -B -q -DskipTests -Prun-main -Dmain=io.qmeter.examples.TradeoffFronts package
 * }</pre>
 */
public final class TradeoffFronts {

    private TradeoffFronts() {
    }

    /**
     * Prints the fronts.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.log.io.qmeter.search", "warn");
        long t0 = System.nanoTime();
        SimulatedProfiles.Generated g = SimulatedProfiles.seedGrid().withGpus(List.of("H100-80GB"))
                .withMinimalTensorParallel(true).generate();
        ProfileSet set = g.profiles();
        System.out.printf(Locale.ROOT, "%d simulated profiles (smallest TP that fits, H100) in %.1f s%n", set.size(),
                g.elapsed().toMillis() / 1e3);
        String[][] cases = {{"chat", "chat-r"}, {"chat", "chat-s"}, {"code", "code"}, {"summarization", "summarization"}};
        for (String[] c : cases) {
            double mid = TradeoffAnalysis.midRange(set, new ProfileKey("Llama-2-13B", "W8A8-INT", "H100-80GB", 1, c[0]));
            for (LatencyMetric m : LatencyMetric.values()) {
                TradeoffAnalysis.Result r = TradeoffAnalysis.at(set, c[0], c[1], mid, m);
                System.out.printf(Locale.ROOT, "%n== workload %s, task %s, mid-range %.2f req/s, P90 %s: %d configurations, "
                        + "%d cannot carry the load on one instance ==%n", c[0], c[1], mid, m, r.points().size(),
                        r.excluded().size());
                System.out.println("Pareto front (lower latency and J/token, higher quality):");
                for (TradeoffPoint p : r.front()) {
                    System.out.println("  " + p);
                }
                List<Dominance> strict = r.dominatingLarger("Llama-2-13B", 0);
                List<Dominance> loose = r.dominatingLarger("Llama-2-13B", 0.05);
                System.out.println("quantized larger models that dominate 13B FP16 (margins: negative = better):");
                strict.forEach(d -> System.out.println("  strictly:  " + d));
                loose.stream().filter(d -> !strict.contains(d)).forEach(d -> System.out.println("  within 5 %: " + d));
                if (loose.isEmpty()) {
                    System.out.println("  none, not even within 5 % per axis");
                }
            }
        }
        System.out.printf(Locale.ROOT, "%ntotal %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
