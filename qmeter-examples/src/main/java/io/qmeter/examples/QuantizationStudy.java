package io.qmeter.examples;

import io.qmeter.search.Slo;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunExport;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.ConsoleProgress;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.RunLength;
import io.qmeter.sweep.SearchSettings;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepReport;
import io.qmeter.sweep.WorkloadSpec;
import io.qmeter.testkit.sim.LengthDistribution;
import io.qmeter.testkit.sim.SimConfig;
import io.qmeter.testkit.sim.VirtualSaturationSearch;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The README's main job: a quantization study of Llama-2-13B on one H100 against the in-process
 * simulated engine. For FP16, W8A16-INT, W4A16-INT, W8A8-FP and W4A8KV4 it finds the saturation
 * point (SLO: P90 TTFT &le; 1 s and P90 TPOT &le; 200 ms) on a ShareGPT-like workload (mean 331
 * input / 231 output tokens), runs 25/50/75/100 % of it with an energy window per run, stores every
 * run in SQLite, exports a CSV beside it and prints a table.
 *
 * <p>Made to finish in under 3 minutes on 2 cores: the five configurations run in parallel; each
 * search starts with a 128-request max-throughput burst and never probes above its throughput;
 * probes last at least 10 s of arrivals and cut requests 8 s after sending (5 probes at most, 10 %
 * tolerance, no repeats); runs last 8 s after a 3-request warm-up, requests cut at 8 s. That is far
 * too short to see a queue build up near saturation, so the study reports about the burst
 * throughput: the table prints, beside each result, the saturation point the virtual-time
 * simulator finds with 2000-request runs bisected to 1 % (docs/dev/README-main-job.md discusses
 * the difference).
 *
 * <pre>{@code
 * mvn -B -q -DskipTests -Pmain-job package                  # writes ./qmeter-results/
 * java ... io.qmeter.examples.QuantizationStudy /tmp/study  # or another folder
 * }</pre>
 */
public final class QuantizationStudy {

    /** The methods compared. */
    public static final List<String> METHODS = List.of("FP16", "W8A16-INT", "W4A16-INT", "W8A8-FP", "W4A8KV4");
    /** The plan's id. */
    public static final String PLAN_ID = "quantization-study-13b-h100";

    private QuantizationStudy() {
    }

    /**
     * Runs the study.
     *
     * @param args optional: the output folder (default {@code ./qmeter-results})
     */
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "qmeter-results");
        run(dir, System.out);
    }

    /**
     * The study's plan.
     *
     * @return the plan
     */
    public static Plan plan() {
        List<EngineSettings> configs = new ArrayList<>();
        for (String m : METHODS) {
            configs.add(EngineSettings.builder().engine("simulated").model("Llama-2-13B").quantization(m)
                    .tensorParallel(1).gpu("H100-80GB").build());
        }
        return Plan.builder(PLAN_ID)
                .description("Llama-2-13B on H100: saturation and energy per token across 5 quantization methods")
                .configurations(configs)
                .workload(WorkloadSpec.of("sharegpt-like", Map.of("meanInputTokens", 331L, "meanOutputTokens", 231L)))
                .slo(Slo.p90(Duration.ofSeconds(1), Duration.ofMillis(200)))
                .saturationFractions(0.25, 0.5, 0.75, 1.0)
                .repetitions(1)
                .runLength(RunLength.duration(Duration.ofSeconds(8)).withWarmupRequests(3))
                .seed(42)
                .search(new SearchSettings(0.10, 5, Double.NaN))
                .build();
    }

    /**
     * The coordinator settings that keep the study short (see the class comment).
     *
     * @param store the store
     * @param out   where progress goes
     * @return the coordinator
     */
    public static SweepCoordinator coordinator(ResultStore store, PrintStream out) {
        return SweepCoordinator.builder(store)
                .parallelism(METHODS.size())
                .listener(ConsoleProgress.to(out))
                .burstRequests(128)
                .maxRateOverBurst(1.0)
                .probeRequestTimeout(Duration.ofSeconds(8))
                .probeMinDuration(Duration.ofSeconds(10))
                .runRequestTimeout(Duration.ofSeconds(8))
                .idleSettle(Duration.ofMillis(200))
                .clientCheck(Duration.ofMillis(200), 0.9)
                .searchTuning(b -> b.requestsPerProbe(60).repeatUndecided(0, 1).maxWallTime(Duration.ofSeconds(95)))
                .build();
    }

    /**
     * Runs the study into a folder and prints the table.
     *
     * @param dir where the SQLite file and the CSV go (created)
     * @param out where to print
     * @return the report
     */
    public static SweepReport run(Path dir, PrintStream out) {
        long t0 = System.nanoTime();
        Plan plan = plan();
        Path db = dir.resolve(PLAN_ID + ".db").toAbsolutePath();
        Path csv = dir.resolve(PLAN_ID + ".csv").toAbsolutePath();
        SweepReport report;
        List<StoredRun> runs;
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        try (ResultStore store = ResultStore.sqlite(db); SweepCoordinator c = coordinator(store, out)) {
            report = c.run(plan);
            runs = store.findByPlan(plan.id());
            RunExport.csv(runs, csv);
        }
        out.println();
        out.printf(Locale.ROOT, "Llama-2-13B on H100-80GB (simulated), ShareGPT-like 331/231, SLO P90 TTFT <= 1 s, "
                + "P90 TPOT <= 200 ms%n");
        out.printf(Locale.ROOT, "%-10s %12s %12s %12s %12s %14s %14s %16s%n", "method", "sat. req/s", "P90 TTFT ms",
                "P90 TPOT ms", "J/tok @50%", "J/tok net @50%", "virt. sat req/s", "sat. vs virtual");
        for (EngineSettings s : plan.configurations()) {
            String cid = s.id();
            double sat = metric(runs, cid, SweepCoordinator.SATURATION_LABEL, "saturation_rps");
            double ttft = metric(runs, cid, "1sat", "ttft_p90_ms");
            double tpot = metric(runs, cid, "1sat", "tpot_p90_ms");
            double jpt = metric(runs, cid, "0.5sat", "j_per_token");
            double jptNet = metric(runs, cid, "0.5sat", "j_per_token_net");
            double virt = virtualSaturation(s.quantization());
            out.printf(Locale.ROOT, "%-10s %12.2f %12.0f %12.1f %12.3f %14.3f %14.2f %15.0f%%%n", s.quantization(), sat,
                    ttft, tpot, jpt, jptNet, virt, (sat / virt - 1) * 100);
        }
        long failed = runs.stream().filter(r -> r.status() != RunStatus.OK).count();
        out.printf(Locale.ROOT, "%d runs stored (%d not OK) in %s%nCSV: %s%n", runs.size(), failed, db, csv);
        out.printf(Locale.ROOT, "wall time %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return report;
    }

    private static double metric(List<StoredRun> runs, String cid, String rate, String name) {
        Optional<StoredRun> r = runs.stream().filter(x -> x.key().configurationId().equals(cid)
                && x.key().rateLabel().equals(rate)).findFirst();
        return r.map(x -> x.metrics().getOrDefault(name, Double.NaN)).orElse(Double.NaN);
    }

    /**
     * The saturation point of a method on the virtual-time simulator (2000-request runs, bisected to 1 %).
     *
     * @param method the quantization method
     * @return req/s
     */
    public static double virtualSaturation(String method) {
        SimConfig c = SimConfig.builder().model("Llama-2-13B").gpu("H100-80GB").quantization(method).build();
        return VirtualSaturationSearch.builder(c).lengths(LengthDistribution.shareGptLike()).requests(2000).seed(42)
                .build().run().saturationRate();
    }


}
