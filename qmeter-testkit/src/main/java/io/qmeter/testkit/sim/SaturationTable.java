package io.qmeter.testkit.sim;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints, from virtual time, the simulated saturation points of Llama-2-13B on one H100 for FP16
 * and the seed paper's 11 methods on a ShareGPT-like workload, then the 7B one-stream and batch
 * figures beside the H100 calibration run (docs/simulated-engine.md shows the output).
 *
 * <p>Run it with {@code mvn -q -pl qmeter-testkit -am -Dqmeter.target=target-sim compile} and then
 * {@code java -cp qmeter-testkit/target-sim/classes:qmeter-core/target-sim/classes:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.16/slf4j-api-2.0.16.jar
 * io.qmeter.testkit.sim.SaturationTable} (exec:java cannot be used with {@code -am}: it would run
 * in every module of the reactor). Optional arguments: model, GPU, tensor-parallel degree,
 * requests per run, seed.
 *
 * <pre>{@code
 * SaturationTable.main(new String[] {"Llama-2-13B", "H100-80GB", "1", "2000", "42"});
 * }</pre>
 */
public final class SaturationTable {

    private SaturationTable() {
    }

    /**
     * Prints the tables to standard output.
     *
     * @param args optional: model, GPU, TP degree, requests per run, seed
     */
    public static void main(String[] args) {
        String model = args.length > 0 ? args[0] : "Llama-2-13B";
        String gpu = args.length > 1 ? args[1] : "H100-80GB";
        int tp = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int requests = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 42L;
        print(System.out, model, gpu, tp, requests, seed);
    }

    /**
     * Prints the saturation table and the calibration comparison.
     *
     * @param out      where to print
     * @param model    model name
     * @param gpu      GPU name
     * @param tp       tensor-parallel degree
     * @param requests requests per run
     * @param seed     seed of the arrival traces
     */
    public static void print(PrintStream out, String model, String gpu, int tp, int requests, long seed) {
        LengthDistribution lengths = LengthDistribution.shareGptLike();
        double[] means = lengths.realizedMeans(200_000, seed);
        out.printf(Locale.ROOT, "Saturation points of %s on %s x%d, virtual time%n", model, gpu, tp);
        out.printf(Locale.ROOT, "workload: Poisson arrivals, lognormal lengths (sigma %.1f / %.1f, clamped [%d,%d] / [%d,%d]),"
                        + " realized mean %.0f in / %.0f out; %d requests per run, seed %d%n",
                lengths.sigmaInput(), lengths.sigmaOutput(), lengths.minInput(), lengths.maxInput(), lengths.minOutput(),
                lengths.maxOutput(), means[0], means[1], requests, seed);
        out.println("SLO: P90 TTFT <= 1 s and P90 TPOT <= 200 ms; bracket by doubling from 1 req/s, bisect to 1 %");
        out.println();
        out.println("| method | weights GiB/GPU | KV tokens | TPOT 1 stream ms | J/token @5 req/s | P90 TPOT @5 ms "
                + "| saturation req/s | lowest fail req/s | P90 TTFT ms | P90 TPOT ms | J/token | W (all GPUs) | batch | preempt "
                + "| saturation, TRT-LLM-like KV reservation |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        long t0 = System.nanoTime();
        int runs = 0;
        for (QuantMethod q : QuantMethod.known()) {
            SimConfig c;
            try {
                c = SimConfig.builder().model(model).gpu(gpu).tensorParallel(tp).quantization(q).build();
            } catch (IllegalArgumentException e) {
                out.printf(Locale.ROOT, "| %s | — | — | — | — | — | n/a: %s | | | | | | | | |%n", q.name(), e.getMessage());
                continue;
            }
            MemoryPlan p = c.memoryPlan();
            SimulationResult one = new VirtualTimeSimulator(c).run(ArrivalTrace.burst(1, 331, 231), false);
            VirtualSaturationSearch search = VirtualSaturationSearch.builder(c).lengths(lengths).requests(requests)
                    .seed(seed).build();
            SimulationResult mid = search.runAt(5.0); // the paper's mid-range rate for this workload
            VirtualSaturationSearch.Result r = search.run();
            runs += r.runs();
            VirtualSaturationSearch.Result reserved = VirtualSaturationSearch.builder(
                    c.toBuilder().kvPolicy(KvPolicy.RESERVE_MAX_TOKENS).build()).lengths(lengths).requests(requests)
                    .seed(seed).build().run();
            runs += reserved.runs();
            SimulationResult s = r.atSaturation();
            out.printf(Locale.ROOT, "| %s | %.1f | %d | %.2f | %.3f | %.1f | %.2f | %.2f | %.0f | %.1f | %.3f | %.0f | %.0f | %d | %.2f |%n",
                    q.name(), p.weightBytes() / MemoryPlan.GIB, p.kvTokenCapacity(), one.tpotPercentileNanos(50) / 1e6,
                    mid.joulesPerToken(), mid.tpotPercentileNanos(90) / 1e6,
                    r.saturationRate(), r.lowestFailRate(), s == null ? Double.NaN : s.ttftPercentileNanos(90) / 1e6,
                    s == null ? Double.NaN : s.tpotPercentileNanos(90) / 1e6, s == null ? Double.NaN : s.joulesPerToken(),
                    s == null ? Double.NaN : s.averageWatts(), s == null ? Double.NaN : s.meanBatchSeqs(),
                    s == null ? 0 : s.preemptions(), reserved.saturationRate());
        }
        out.printf(Locale.ROOT, "(%d simulations in %.1f s)%n%n", runs, (System.nanoTime() - t0) / 1e9);

        out.println("Llama-2-7B on H100-80GB, 512 prompt / 128 output tokens, N concurrent requests (one closed round),"
                + " beside /work/shared/calibration/h100-llamacpp-7b.md");
        out.println("| config | engine model | streams | tok/s | W | J/token | TTFT med ms | TPOT med ms |");
        out.println("|---|---|---|---|---|---|---|---|");
        String[][] pairs = {{"F16", "FP16"}, {"Q8_0-like", "W8A16-INT"}, {"Q4_0-like", "W4A16-INT"}};
        for (double eff : new double[] {0.75, 0.45}) {
            for (String[] pair : pairs) {
                // llama.cpp-like: the calibration's 45 % of bandwidth for weights, attention scaled alike
                SimConfig c = SimConfig.builder().model("Llama-2-7B").gpu("H100-80GB").quantization(pair[1])
                        .bandwidthEfficiency(eff).attentionBandwidthEfficiency(eff * 0.5 / 0.75).build();
                for (int n : new int[] {1, 4, 16, 64}) {
                    SimulationResult r = new VirtualTimeSimulator(c).run(ArrivalTrace.burst(n, 512, 128), false);
                    out.printf(Locale.ROOT, "| %s (%s) | %s | %d | %.0f | %.0f | %.2f | %.0f | %.2f |%n", pair[0], pair[1],
                            eff == 0.75 ? "vLLM-like (bw 0.75/0.5)" : "llama.cpp-like (bw 0.45/0.3)", n, r.outputTokensPerSecond(),
                            r.averageWatts(), r.joulesPerToken(), r.ttftPercentileNanos(50) / 1e6,
                            r.tpotPercentileNanos(50) / 1e6);
                }
            }
        }
    }
}
