package io.qmeter.examples;

import static java.lang.Double.NaN;

import io.qmeter.QMeter;
import io.qmeter.analysis.report.HtmlReport;
import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunExport;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.ConsoleProgress;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.quality.QualityOptions;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.QualityStep;
import io.qmeter.sweep.RunLength;
import io.qmeter.sweep.SearchProbeFactory;
import io.qmeter.sweep.SearchSettings;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepReport;
import io.qmeter.sweep.WorkloadSpec;
import io.qmeter.testkit.SimulatedEngineFactory;
import io.qmeter.testkit.sim.LengthDistribution;
import io.qmeter.testkit.sim.RequestResult;
import io.qmeter.testkit.sim.SimConfig;
import io.qmeter.testkit.sim.VirtualSaturationSearch;
import io.qmeter.testkit.sim.VirtualTimeProbe;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The README's main job: a quantization study of Llama-2-13B on one H100 against the in-process
 * simulated engine. For FP16, W8A16-INT, W4A16-INT, W8A8-FP and W4A8KV4 it finds the saturation
 * point (SLO: P90 TTFT &le; 1 s and P90 TPOT &le; 200 ms) on a ShareGPT-like workload (mean 331
 * input / 231 output tokens), runs 25/50/75/100 % of it over HTTP with an energy window per run,
 * stores every run in SQLite, exports a CSV and writes the HTML report beside it and prints a table.
 *
 * <p><b>How the saturation point is found.</b> With {@code --search virtual} (the default), core's
 * {@code SaturationSearch} and {@code SloJudge} search it over a {@link VirtualTimeProbe}: the same
 * scheduler and roofline code the HTTP engine serves with, run in virtual time, so that each probe
 * can be {@value #VIRTUAL_PROBE_REQUESTS} requests long (minutes of simulated arrivals, long enough
 * for a queue above saturation to build) and still cost well under a second. The sweep's runs then
 * go to the real-time engine over HTTP; the run at 100 % is the end-to-end check that real-time
 * serving agrees with the virtual-time search: its P90s should sit near the SLO's limits. With
 * {@code --search http} the search probes the HTTP engine in real time, with probes short enough
 * to fit the time budget (docs/main-job.md explains why those cannot see saturation).
 *
 * <p>Made to finish in under 3 minutes on 2 cores: the five configurations run in parallel; runs
 * last {@value #RUN_SECONDS} s of arrivals after a warm-up of {@value #WARMUP_REQUESTS} requests,
 * requests cut {@value #CUT_SECONDS} s after they were sent.
 *
 * <pre>{@code
 * mvn -B -q -DskipTests -Pmain-job package                                  # writes ./qmeter-results/
 * mvn -B -q -DskipTests -Pmain-job package -Dexec.args="/tmp/study --search http"
 * mvn -B -q -DskipTests -Pmain-job package -Dexec.args="/tmp/study --engine llama.cpp \
 *     --server $QMETER_LLAMA_SERVER --models $QMETER_LLAMA_MODEL_DIR"
 * }</pre>
 */
public final class QuantizationStudy {

    /** The methods compared. */
    public static final List<String> METHODS = List.of("FP16", "W8A16-INT", "W4A16-INT", "W8A8-FP", "W4A8KV4");
    /** The plan's id. */
    public static final String PLAN_ID = "quantization-study-13b-h100";
    /** The SLO. */
    public static final Slo SLO = Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1)).tpot(Percentile.of(90), Duration.ofMillis(200)).build();
    /** Requests per virtual-time probe. */
    public static final int VIRTUAL_PROBE_REQUESTS = 2000;
    /** Arrival time of each run after its warm-up, seconds. */
    public static final int RUN_SECONDS = 16;
    /** Warm-up requests of each run. */
    public static final int WARMUP_REQUESTS = 10;
    /** Each run's requests are cut this long after they were sent, seconds. */
    public static final int CUT_SECONDS = 10;
    /** GSM8K items scored per configuration (a seeded subset of the test file). */
    public static final int GSM8K_ITEMS = 50;
    /** The seed that picks the GSM8K subset and the few-shot examples. */
    public static final long GSM8K_SEED = 42;
    /** The classpath copy of the subset, used when the real test file is not found. */
    public static final String GSM8K_FIXTURE = "/io/qmeter/examples/gsm8k-test-subset-50.jsonl";

    /** How the saturation point is searched. */
    public enum SearchMode {
        /** Core's search over a virtual-time probe of the same simulated engine (default). */
        VIRTUAL,
        /** Core's search over short real-time HTTP probes. */
        HTTP
    }

    private QuantizationStudy() {
    }

    /**
     * Runs the study.
     *
     * @param args optional: the output folder (default {@code ./qmeter-results}),
     *             {@code --search virtual|http} (default virtual), and {@code --engine llama.cpp
     *             --server PATH --models DIR [--shape NAME]} to run the study on a real llama-server
     *             (FP16, W8A8-INT and W4A8 as GGUF F16, Q8_0 and Q4_0; see docs/main-job.md) instead
     *             of the simulated engine ({@code --engine simulated}, the default)
     */
    public static void main(String[] args) {
        run(args, System.out);
    }

    /**
     * Runs the study as {@link #main} does, printing to {@code out}.
     *
     * @param args as for {@link #main}, plus {@code --engine simulated|llama.cpp} (default simulated);
     *             with {@code llama.cpp}, {@code --server PATH} and {@code --models DIR} are needed and
     *             {@code --shape NAME} (default {@code tiny}) names the GGUF files
     * @param out  where to print
     * @return the sweep's report
     * @throws IllegalArgumentException naming an argument that is missing or wrong
     */
    public static SweepReport run(String[] args, PrintStream out) {
        Path dir = Path.of("qmeter-results");
        SearchMode mode = SearchMode.VIRTUAL;
        String engine = "simulated";
        Path server = null;
        Path models = null;
        String shape = "tiny";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--engine") || args[i].equals("--server") || args[i].equals("--models")
                    || args[i].equals("--shape")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                String v = args[++i];
                switch (args[i - 1]) {
                    case "--engine" -> engine = v;
                    case "--server" -> server = Path.of(v);
                    case "--models" -> models = Path.of(v);
                    default -> shape = v;
                }
            } else if (args[i].equals("--search") && i + 1 < args.length) {
                String m = args[++i].toUpperCase(Locale.ROOT);
                if (!m.equals("VIRTUAL") && !m.equals("HTTP")) {
                    throw new IllegalArgumentException("--search: expected virtual or http, was " + args[i]);
                }
                mode = SearchMode.valueOf(m);
            } else if (args[i].startsWith("--search=")) {
                mode = SearchMode.valueOf(args[i].substring("--search=".length()).toUpperCase(Locale.ROOT));
            } else {
                dir = Path.of(args[i]);
            }
        }
        if (engine.equals("llama.cpp")) {
            if (server == null || models == null) {
                throw new IllegalArgumentException("--engine llama.cpp needs --server PATH (the llama-server "
                        + "executable) and --models DIR (the folder of " + shape + "-F16/Q8_0/Q4_0.gguf, as "
                        + ".ci/llama.sh writes them); found " + (server == null ? "no --server" : "--server " + server)
                        + " and " + (models == null ? "no --models" : "--models " + models));
            }
            return LlamaCppStudy.run(GpuLlamaStudy.Options.cpu(server, models, dir).withShape(shape)
                    .withConfigurations(LlamaCppStudy.CONFIGS), out);
        }
        if (!engine.equals("simulated")) {
            throw new IllegalArgumentException("--engine: expected simulated (the default) or llama.cpp, was " + engine);
        }
        if (server != null || models != null) {
            throw new IllegalArgumentException("--server and --models are for --engine llama.cpp; the simulated "
                    + "engine takes neither");
        }
        return run(dir, out, mode);
    }

    /**
     * The study's plan, searched in virtual time.
     *
     * @return the plan
     */
    public static Plan plan() {
        return plan(SearchMode.VIRTUAL);
    }

    /**
     * The study's plan.
     *
     * @param mode how the saturation point is searched (sets the search's tolerance and budget)
     * @return the plan
     */
    public static Plan plan(SearchMode mode) {
        return plan(mode, null);
    }

    /**
     * The study's plan with a GSM8K quality step per configuration (5-shot, strict match, answered
     * by the simulated engine's seeded quality model, so the scores are simulated).
     *
     * @param mode  how the saturation point is searched
     * @param gsm8k the GSM8K file to score ({@link #gsm8kSubset(Path)}), or {@code null} for no quality step
     * @return the plan
     */
    public static Plan plan(SearchMode mode, Path gsm8k) {
        List<EngineSettings> configs = new ArrayList<>();
        for (String m : METHODS) {
            configs.add(EngineSettings.builder().engine("simulated").model("Llama-2-13B").quantization(m)
                    .tensorParallel(1).gpu("H100-80GB").build());
        }
        SearchSettings search = mode == SearchMode.VIRTUAL ? new SearchSettings(0.02, 20, Double.NaN)
                : new SearchSettings(0.10, 5, Double.NaN);
        Plan.Builder b = Plan.builder(PLAN_ID + (mode == SearchMode.VIRTUAL ? "" : "-http"))
                .description("Llama-2-13B on H100: saturation and energy per token across 5 quantization methods")
                .configurations(configs)
                .workload(WorkloadSpec.of("sharegpt-like", Map.of("meanInputTokens", 331L, "meanOutputTokens", 231L)))
                .slo(SLO)
                .saturationFractions(0.25, 0.5, 0.75, 1.0)
                .repetitions(1)
                .runLength(RunLength.duration(Duration.ofSeconds(RUN_SECONDS)).withWarmupRequests(WARMUP_REQUESTS))
                .seed(42)
                .search(search);
        if (gsm8k != null) {
            b = b.quality(QualityStep.of("gsm8k", QualityOptions.defaults().withDataset(gsm8k)
                    .withMaxItems(GSM8K_ITEMS).withFewShot(5).withSeed(GSM8K_SEED).withConcurrency(GSM8K_ITEMS)
                    .withMaxTokens(384)));
        }
        return b.build();
    }

    /**
     * Writes the study's GSM8K subset into a folder: {@value #GSM8K_ITEMS} problems of GSM8K's test
     * file drawn with seed {@value #GSM8K_SEED} (in file order), from {@code QMETER_GSM8K} or
     * {@code shared/datasets/gsm8k-test.jsonl} beside the repository (or a folder above it); when
     * neither exists, the same subset kept in this module's resources ({@value #GSM8K_FIXTURE}).
     *
     * @param dir the folder
     * @return the subset file
     * @throws java.io.UncheckedIOException when it cannot be written
     */
    public static Path gsm8kSubset(Path dir) {
        Path out = dir.resolve("gsm8k-test-subset-" + GSM8K_ITEMS + ".jsonl").toAbsolutePath();
        try {
            Optional<Path> real = gsm8kTestFile();
            List<String> lines;
            if (real.isPresent()) {
                lines = seededSubset(Files.readAllLines(real.get()), GSM8K_ITEMS, GSM8K_SEED);
            } else {
                try (java.io.InputStream in = QuantizationStudy.class.getResourceAsStream(GSM8K_FIXTURE)) {
                    if (in == null) {
                        throw new IllegalStateException("no GSM8K test file (set QMETER_GSM8K) and no " + GSM8K_FIXTURE
                                + " on the class path");
                    }
                    lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
                }
            }
            Files.createDirectories(dir);
            Files.write(out, lines);
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write the GSM8K subset " + out + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code n} of the non-blank lines, chosen with a seeded partial Fisher-Yates shuffle, kept in file order.
     *
     * @param lines the lines
     * @param n     how many
     * @param seed  the seed
     * @return the chosen lines
     */
    static List<String> seededSubset(List<String> lines, int n, long seed) {
        List<String> all = lines.stream().filter(l -> !l.isBlank()).toList();
        int[] idx = java.util.stream.IntStream.range(0, all.size()).toArray();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        int k = Math.min(n, idx.length);
        for (int i = 0; i < k; i++) {
            int j = i + rnd.nextInt(idx.length - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] chosen = Arrays.copyOf(idx, k);
        Arrays.sort(chosen);
        List<String> out = new ArrayList<>(k);
        for (int i : chosen) {
            out.add(all.get(i));
        }
        return out;
    }

    private static Optional<Path> gsm8kTestFile() {
        String env = System.getenv("QMETER_GSM8K");
        if (env != null && !env.isBlank() && Files.isRegularFile(Path.of(env))) {
            return Optional.of(Path.of(env));
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path f = p.resolve("shared").resolve("datasets").resolve("gsm8k-test.jsonl");
            if (Files.isRegularFile(f)) {
                return Optional.of(f);
            }
            p = p.getParent();
        }
        return Optional.empty();
    }

    /**
     * The prompt and output lengths of the plan's workload, for the virtual-time probe.
     *
     * @return the lengths {@code QMeter.sharegptLike(331, 231)} draws
     */
    public static LengthDistribution lengths() {
        return LengthDistribution.of(QMeter.sharegptLike(331, 231));
    }

    /**
     * The simulated engine's configuration for a plan's settings, exactly as the HTTP engine of the
     * same settings runs it.
     *
     * @param s the settings
     * @return the configuration
     */
    public static SimConfig simConfig(EngineSettings s) {
        return new SimulatedEngineFactory().simConfig(SweepCoordinator.settingsMap(s));
    }

    /**
     * The search probe per configuration: virtual time for simulated engines, else the real-time
     * default.
     *
     * @return the factory
     */
    public static SearchProbeFactory virtualSearch() {
        LengthDistribution lengths = lengths();
        return (settings, realTime) -> settings.engine().equals("simulated")
                ? VirtualTimeProbe.of(simConfig(settings), lengths) : realTime;
    }

    /**
     * The coordinator settings that keep the study short (see the class comment).
     *
     * @param store the store
     * @param out   where progress goes
     * @param mode  how the saturation point is searched
     * @return the coordinator
     */
    public static SweepCoordinator coordinator(ResultStore store, PrintStream out, SearchMode mode) {
        SweepCoordinator.Builder b = SweepCoordinator.builder(store)
                .parallelism(METHODS.size())
                .listener(ConsoleProgress.to(out))
                .runRequestTimeout(Duration.ofSeconds(CUT_SECONDS))
                .idleSettle(Duration.ofMillis(200))
                .clientCheck(Duration.ofMillis(200), 0.9);
        if (mode == SearchMode.VIRTUAL) {
            return b.searchProbe(virtualSearch())
                    .searchTuning(s -> s.requestsPerProbe(VIRTUAL_PROBE_REQUESTS))
                    .build();
        }
        return b.burstRequests(128)
                .maxRateOverBurst(1.0)
                .probeRequestTimeout(Duration.ofSeconds(8))
                .probeMinDuration(Duration.ofSeconds(10))
                .searchTuning(s -> s.requestsPerProbe(60).repeatUndecided(0, 1).maxWallTime(Duration.ofSeconds(95)))
                .build();
    }

    /**
     * Runs the study (virtual-time search) into a folder and prints the table.
     *
     * @param dir where the SQLite file, the CSV and the HTML report go (created)
     * @param out where to print
     * @return the report
     */
    public static SweepReport run(Path dir, PrintStream out) {
        return run(dir, out, SearchMode.VIRTUAL);
    }

    /**
     * Runs the study into a folder and prints the table.
     *
     * @param dir  where the SQLite file, the CSV and the HTML report go (created)
     * @param out  where to print
     * @param mode how the saturation point is searched
     * @return the report
     */
    public static SweepReport run(Path dir, PrintStream out, SearchMode mode) {
        long t0 = System.nanoTime();
        Plan plan = plan(mode, gsm8kSubset(dir));
        Path db = dir.resolve(plan.id() + ".db").toAbsolutePath();
        Path csv = dir.resolve(plan.id() + ".csv").toAbsolutePath();
        SweepReport report;
        List<StoredRun> runs;
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        Path html = dir.resolve(plan.id() + ".html").toAbsolutePath();
        double reportSeconds;
        try (ResultStore store = ResultStore.sqlite(db); SweepCoordinator c = coordinator(store, out, mode)) {
            report = c.run(plan);
            runs = store.findByPlan(plan.id());
            RunExport.csv(runs, csv);
            long r0 = System.nanoTime();
            HtmlReport.of(store).plan(plan.id()).writeTo(html);
            reportSeconds = (System.nanoTime() - r0) / 1e9;
        }
        printTable(plan, runs, mode, out);
        long failed = runs.stream().filter(r -> r.status() != RunStatus.OK).count();
        long cancelled = runs.stream().filter(r -> r.status() == RunStatus.CANCELLED).count();
        out.printf(Locale.ROOT, "%d runs stored (%d not OK%s) in %s%nCSV: %s%n", runs.size(), failed,
                cancelled == 0 ? "" : ", " + cancelled + " of them cancelled: run the study again to finish them", db,
                csv);
        out.printf(Locale.ROOT, "HTML report: %s (written in %.1f s)%n", html, reportSeconds);
        out.printf(Locale.ROOT, "wall time %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return report;
    }

    /**
     * What the virtual-time simulator predicts for a run of the study's shape at a rate: P90 TTFT
     * and P90 TPOT of the measured requests (after the warm-up; answers longer than the request
     * cut left out, as the HTTP run leaves them out), over several seeded traces.
     *
     * @param config the configuration
     * @param rate   the rate, req/s
     * @param seeds  how many traces, at least 1
     * @return {median, min, max} of P90 TTFT, then of P90 TPOT, in milliseconds
     */
    public static double[] virtualRunPrediction(SimConfig config, double rate, int seeds) {
        VirtualTimeProbe probe = VirtualTimeProbe.of(config, lengths());
        int n = WARMUP_REQUESTS + (int) Math.round(rate * RUN_SECONDS);
        double[] ttft = new double[seeds];
        double[] tpot = new double[seeds];
        for (int i = 0; i < seeds; i++) {
            List<RequestResult> rs = probe.simulate(rate, n, 1000L + i).requests();
            List<RequestResult> measured = rs.subList(Math.min(rs.size(), WARMUP_REQUESTS), rs.size()).stream()
                    .filter(r -> r.ok() && r.e2eNanos() <= CUT_SECONDS * 1_000_000_000L).toList();
            ttft[i] = p90(measured.stream().mapToDouble(RequestResult::ttftNanos).toArray()) / 1e6;
            tpot[i] = p90(measured.stream().mapToDouble(RequestResult::tpotNanos).filter(x -> !Double.isNaN(x))
                    .toArray()) / 1e6;
        }
        Arrays.sort(ttft);
        Arrays.sort(tpot);
        return new double[] {ttft[seeds / 2], ttft[0], ttft[seeds - 1], tpot[seeds / 2], tpot[0], tpot[seeds - 1]};
    }

    private static double p90(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        return v[Math.max(0, (int) Math.ceil(0.9 * v.length) - 1)];
    }

    private static void printTable(Plan plan, List<StoredRun> runs, SearchMode mode, PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "Llama-2-13B on H100-80GB (simulated), ShareGPT-like 331/231, SLO P90 TTFT <= 1 s, "
                + "P90 TPOT <= 200 ms%n");
        String h = "%-10s %6s %-23s %12s | %-20s | %-17s | %-25s | %6s %6s | %-11s%n";
        out.printf(Locale.ROOT, h, "method", "sat", "found by", "exact virt.", "P90 TTFT ms @100%", "P90 TPOT ms @100%",
                "100% run", "J/tok", "J/tok", "GSM8K sim.");
        out.printf(Locale.ROOT, h, "", "req/s", "", "(sat vs it)", " HTTP virt. [range]", " HTTP virt. [rng]",
                "vs virtual; vs SLO", "@50%", "net", "strict ± SE");
        int disagree = 0;
        int flagged = 0;
        for (EngineSettings s : plan.configurations()) {
            String cid = s.id();
            Optional<StoredRun> search = find(runs, cid, SweepCoordinator.SATURATION_LABEL);
            double sat = metric(runs, cid, SweepCoordinator.SATURATION_LABEL, "saturation_rps");
            String how = search.map(r -> (mode == SearchMode.VIRTUAL ? "virtual " : "http ")
                    + r.labels().getOrDefault("search_stop", "?").toLowerCase(Locale.ROOT).replace('_', ' ') + " "
                    + Math.round(r.metrics().getOrDefault("probes", Double.NaN)) + "p").orElse("none");
            SimConfig config = simConfig(s);
            double exact = VirtualSaturationSearch.builder(config).lengths(lengths()).requests(VIRTUAL_PROBE_REQUESTS)
                    .seed(42).relativePrecision(0.01).build().run().saturationRate();
            double ttft = metric(runs, cid, "1sat", "ttft_p90_ms");
            double tpot = metric(runs, cid, "1sat", "tpot_p90_ms");
            double[] v = sat > 0 ? virtualRunPrediction(config, sat, 5) : new double[] {NaN, NaN, NaN, NaN, NaN, NaN};
            Optional<StoredRun> full = find(runs, cid, "1sat");
            String check;
            if (full.isEmpty() || full.get().status() != RunStatus.OK) {
                check = "run " + full.map(r -> r.status().name()).orElse("missing");
                flagged++;
            } else {
                boolean agrees = within(ttft, v[1], v[2]) && within(tpot, v[4], v[5]);
                double worst = Math.max(ttft / SLO.thresholds().get(0).threshold().toMillis(),
                        tpot / SLO.thresholds().get(1).threshold().toMillis());
                String slo = worst > 1 ? String.format(Locale.ROOT, "VIOLATES (%.0f%%)", worst * 100)
                        : worst < 0.5 ? String.format(Locale.ROOT, "far below (%.0f%%)", worst * 100)
                        : String.format(Locale.ROOT, "near (%.0f%%)", worst * 100);
                check = (agrees ? "agrees" : "DIFFERS") + "; " + slo;
                disagree += agrees ? 0 : 1;
                flagged += worst > 1 || worst < 0.5 ? 1 : 0;
            }
            String quality = qualityCell(runs, cid);
            double jpt = metric(runs, cid, "0.5sat", "j_per_token");
            double jptNet = metric(runs, cid, "0.5sat", "j_per_token_net");
            out.printf(Locale.ROOT, "%-10s %6.2f %-23s %12s | %5.0f %-14s | %5.1f %-11s | %-25s | %6.3f %6.3f | %-11s%n",
                    s.quantization(), sat, how, String.format(Locale.ROOT, "%.2f (%+.0f%%)", exact,
                            (sat / exact - 1) * 100), ttft,
                    String.format(Locale.ROOT, "%.0f [%.0f-%.0f]", v[0], v[1], v[2]), tpot,
                    String.format(Locale.ROOT, "%.0f [%.0f-%.0f]", v[3], v[4], v[5]), check, jpt, jptNet, quality);
        }
        out.printf(Locale.ROOT, "sat: core's SaturationSearch + SloJudge over %s (Np: probes);%n",
                mode == SearchMode.VIRTUAL ? "virtual-time probes of " + VIRTUAL_PROBE_REQUESTS + " requests"
                        : "short real-time HTTP probes");
        out.printf(Locale.ROOT, "exact virt.: the same simulator on one %d-request trace, bisected to 1 %%.%n",
                VIRTUAL_PROBE_REQUESTS);
        out.printf(Locale.ROOT, "End-to-end check: the 100%% run is real-time serving over HTTP at sat (%d s of Poisson "
                + "arrivals after %d warm-up requests, requests cut at %d s);%n", RUN_SECONDS, WARMUP_REQUESTS,
                CUT_SECONDS);
        out.printf(Locale.ROOT, "virt. [range]: median [min-max] P90 that virtual time predicts for a run of that shape "
                + "(5 traces). %s%n", disagree == 0 ? "Every 100% run agrees with virtual time (within 1.3x its range)."
                : disagree + " row(s) DIFFER from virtual time by more than 1.3x its range.");
        out.printf(Locale.ROOT, "vs SLO: the worse P90 as a share of its limit. A %d-second run at the saturation point "
                + "stays below the limit: the queue that breaks%n", RUN_SECONDS);
        out.printf(Locale.ROOT, "the SLO over a %d-request probe builds over minutes (virtual time predicts the same). "
                + "%d row(s) flagged (VIOLATES, far below, or run not OK).%n", VIRTUAL_PROBE_REQUESTS, flagged);
        plan.quality().stream().findFirst().ifPresent(q -> out.printf(Locale.ROOT, "GSM8K sim.: lm-eval's gsm8k "
                + "strict match (%%), %d-shot, on a seeded %d-problem subset of the test set, asked of each engine "
                + "before its load runs;%nSIMULATED: answered by the simulated engine's seeded quality model "
                + "(testkit QualityModel), not by a model; ± is the standard error.%n", q.options().fewShot(),
                q.options().maxItems()));
    }

    private static String qualityCell(List<StoredRun> runs, String cid) {
        Optional<StoredRun> q = runs.stream().filter(x -> x.key().configurationId().equals(cid)
                && x.key().rateLabel().startsWith(QualityStep.LABEL_PREFIX)).findFirst();
        if (q.isEmpty()) {
            return "-";
        }
        StoredRun r = q.get();
        if (r.status() == RunStatus.FAILED || r.status() == RunStatus.CANCELLED) {
            // no score: failed, or stopped midway (a re-run of the study runs a cancelled step again)
            return r.status().name();
        }
        String cell = String.format(Locale.ROOT, "%4.1f ± %3.1f", r.metrics().getOrDefault("quality", NaN),
                r.metrics().getOrDefault("quality_stderr", NaN));
        return r.status() == RunStatus.OK ? cell : cell + " " + r.status();
    }

    private static boolean within(double x, double lo, double hi) {
        return x >= lo / 1.3 && x <= hi * 1.3;
    }

    private static Optional<StoredRun> find(List<StoredRun> runs, String cid, String rate) {
        return runs.stream().filter(x -> x.key().configurationId().equals(cid) && x.key().rateLabel().equals(rate))
                .findFirst();
    }

    private static double metric(List<StoredRun> runs, String cid, String rate, String name) {
        return find(runs, cid, rate).map(x -> x.metrics().getOrDefault(name, Double.NaN)).orElse(Double.NaN);
    }
}
