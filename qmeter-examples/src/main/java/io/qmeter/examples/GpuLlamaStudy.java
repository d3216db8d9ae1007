package io.qmeter.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmeter.QMeter;
import io.qmeter.engine.EngineFactory;
import io.qmeter.metrics.Slo;
import io.qmeter.metrics.SloThreshold;
import io.qmeter.nvml.GpuSelection;
import io.qmeter.nvml.NvmlPowerSensor;
import io.qmeter.nvml.NvmlSensorOptions;
import io.qmeter.power.EnergyQuality;
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
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A quantization study on a real llama.cpp server: for F16, Q8_0, Q4_0 and Q4_0 with a q8_0 KV
 * cache, qmeter-engines launches {@code llama-server} (the {@code llama.cpp} {@link EngineFactory}),
 * the sweep coordinator finds its saturation point under an SLO, runs 25 / 50 / 75 / 100 % of it,
 * and {@link NvmlPowerSensor} measures joules per output token over each run. Prints a table and
 * writes, into the output folder, {@code gpu-llamacpp.db} (the store), {@code .csv} (every stored
 * run), {@code .json} (the table) and {@code -windows.json} (each run's energy window in wall-clock time, for
 * {@code scripts/gpu/crosscheck.py}).
 *
 * <p>Made for one device call on the GPU machine ({@code scripts/gpu/run-h200.sh}, which builds the
 * server with CUDA and writes the random-weight models first), and runnable on a CPU
 * ({@code --cpu}: no GPU layers, an SLO for CPU speed). Without NVML the table says the energy is
 * unavailable and why; it never prints a zero.
 *
 * <pre>{@code
 * java -cp '.device/lib/*' io.qmeter.examples.GpuLlamaStudy --server build/bin/llama-server \
 *      --models /tmp/models --shape tinyllama --gpu 0 --out /tmp/out --budget-s 80
 * java -cp ... io.qmeter.examples.GpuLlamaStudy --cpu --server $QMETER_LLAMA_SERVER \
 *      --models $QMETER_LLAMA_MODEL_DIR --shape tiny --out /tmp/cpu-study
 * }</pre>
 */
public final class GpuLlamaStudy {

    /** The stored plan's and output files' base name. */
    public static final String NAME = "gpu-llamacpp";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GpuLlamaStudy() {
    }

    /**
     * One configuration of the study.
     *
     * @param label       a short label, e.g. {@code Q4_0+KVq8_0}
     * @param modelFormat the GGUF type of the model file ({@code F16}, {@code Q8_0}, {@code Q4_0})
     * @param kvCacheType the KV-cache type, or empty for the engine's default (f16)
     */
    public record Config(String label, String modelFormat, Optional<String> kvCacheType) {

        /** Validates. */
        public Config {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(modelFormat, "modelFormat");
            Objects.requireNonNull(kvCacheType, "kvCacheType");
        }

        /** The four configurations: F16, Q8_0, Q4_0 and Q4_0 with a q8_0 KV cache. */
        public static final List<Config> ALL = List.of(
                new Config("F16", "F16", Optional.empty()),
                new Config("Q8_0", "Q8_0", Optional.empty()),
                new Config("Q4_0", "Q4_0", Optional.empty()),
                new Config("Q4_0+KVq8_0", "Q4_0", Optional.of("q8_0")));
    }

    /**
     * What the study runs with. {@link #gpu()} or {@link #cpu()} give the defaults for either
     * place; {@code with} methods change one field.
     *
     * @param server         the llama-server executable
     * @param modelDir       where {@code SHAPE-F16.gguf}, {@code SHAPE-Q8_0.gguf} and {@code SHAPE-Q4_0.gguf} are
     * @param shape          the model shape's name (file prefix), e.g. {@code tinyllama} or {@code tiny}
     * @param gpuIndex       the CUDA device, or -1 for the CPU
     * @param out            the output folder
     * @param budget         search and sweep time per configuration (the search gets about 45 % of it)
     * @param inputTokens    prompt tokens per request
     * @param outputTokens   output tokens per request
     * @param slots          llama-server's parallel slots ({@code -np})
     * @param slo            the SLO whose saturation point is searched
     * @param runSeconds     arrival time of each sweep run after its warm-up
     * @param configurations which configurations
     * @param fractions      the sweep's fractions of the saturation point
     * @param serverArgs     extra llama-server arguments, separated by spaces (e.g. {@code -t 1}); may be empty
     */
    public record Options(Path server, Path modelDir, String shape, int gpuIndex, Path out, Duration budget,
                          int inputTokens, int outputTokens, int slots, Slo slo, int runSeconds,
                          List<Config> configurations, List<Double> fractions, String serverArgs) {

        /** Validates. */
        public Options {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(modelDir, "modelDir");
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(budget, "budget");
            Objects.requireNonNull(slo, "slo");
            configurations = List.copyOf(configurations);
            fractions = List.copyOf(fractions);
            Objects.requireNonNull(serverArgs, "serverArgs");
            if (fractions.isEmpty() || fractions.stream().anyMatch(f -> !(f > 0))) {
                throw new IllegalArgumentException("fractions must be a non-empty list of numbers > 0, was " + fractions);
            }
            if (inputTokens < 1 || outputTokens < 2 || slots < 1 || runSeconds < 1) {
                throw new IllegalArgumentException("inputTokens >= 1, outputTokens >= 2, slots >= 1 and runSeconds "
                        + ">= 1 expected, were " + inputTokens + ", " + outputTokens + ", " + slots + ", " + runSeconds);
            }
            if (configurations.isEmpty()) {
                throw new IllegalArgumentException("configurations must not be empty");
            }
        }

        /**
         * The GPU defaults: the random 1.1B model, 256 in / 64 out, 16 slots, SLO P90 TTFT &le;
         * 300 ms and P90 TPOT &le; 15 ms (at 16 busy slots the H200 gave about 16 ms a token, so the
         * SLO binds below the maximum throughput), 25 / 50 / 75 / 100 % in 6-second runs, 80 s of
         * search and sweep per configuration (four fit in one 10-minute device call with the build).
         *
         * @param server   the llama-server executable
         * @param modelDir the models' folder
         * @param out      the output folder
         * @return the options
         */
        public static Options gpu(Path server, Path modelDir, Path out) {
            return new Options(server, modelDir, "tinyllama", 0, out, Duration.ofSeconds(80), 256, 64, 16,
                    p90Slo(Duration.ofMillis(300), Duration.ofMillis(15)), 6, Config.ALL, List.of(0.25, 0.5, 0.75, 1.0),
                    "");
        }

        /**
         * The CPU defaults: the tiny CI model, 32 in / 16 out, 4 slots, SLO P90 TTFT &le; 2 s and
         * P90 TPOT &le; 250 ms (a loaded 2-core machine), 50 % and 100 % of the saturation point in
         * 3-second runs, 40 s per configuration, and one server thread ({@code -t 1}) so that the
         * load generator keeps a core.
         *
         * @param server   the llama-server executable
         * @param modelDir the models' folder
         * @param out      the output folder
         * @return the options
         */
        public static Options cpu(Path server, Path modelDir, Path out) {
            return new Options(server, modelDir, "tiny", -1, out, Duration.ofSeconds(40), 32, 16, 4,
                    p90Slo(Duration.ofSeconds(2), Duration.ofMillis(250)), 3, Config.ALL, List.of(0.5, 1.0), "-t 1");
        }

        /** @param v the shape @return a copy with it */
        public Options withShape(String v) {
            return new Options(server, modelDir, v, gpuIndex, out, budget, inputTokens, outputTokens, slots, slo,
                    runSeconds, configurations, fractions, serverArgs);
        }

        /** @param v the CUDA device, or -1 for the CPU @return a copy with it */
        public Options withGpuIndex(int v) {
            return new Options(server, modelDir, shape, v, out, budget, inputTokens, outputTokens, slots, slo,
                    runSeconds, configurations, fractions, serverArgs);
        }

        /** @param v the time per configuration @return a copy with it */
        public Options withBudget(Duration v) {
            return new Options(server, modelDir, shape, gpuIndex, out, v, inputTokens, outputTokens, slots, slo,
                    runSeconds, configurations, fractions, serverArgs);
        }

        /** @param v the configurations @return a copy with them */
        public Options withConfigurations(List<Config> v) {
            return new Options(server, modelDir, shape, gpuIndex, out, budget, inputTokens, outputTokens, slots, slo,
                    runSeconds, v, fractions, serverArgs);
        }

        /** @param in prompt tokens @param outTokens output tokens @return a copy with them */
        public Options withTokens(int in, int outTokens) {
            return new Options(server, modelDir, shape, gpuIndex, out, budget, in, outTokens, slots, slo,
                    runSeconds, configurations, fractions, serverArgs);
        }

        /** @param v the SLO @return a copy with it */
        public Options withSlo(Slo v) {
            return new Options(server, modelDir, shape, gpuIndex, out, budget, inputTokens, outputTokens, slots, v,
                    runSeconds, configurations, fractions, serverArgs);
        }

        /** @param v the slots @return a copy with them */
        public Options withSlots(int v) {
            return new Options(server, modelDir, shape, gpuIndex, out, budget, inputTokens, outputTokens, v, slo,
                    runSeconds, configurations, fractions, serverArgs);
        }

        /** @param v seconds per sweep run @return a copy with it */
        public Options withRunSeconds(int v) {
            return new Options(server, modelDir, shape, gpuIndex, out, budget, inputTokens, outputTokens, slots, slo,
                    v, configurations, fractions, serverArgs);
        }

        /** @param v the sweep's fractions of the saturation point @return a copy with them */
        public Options withFractions(List<Double> v) {
            return new Options(server, modelDir, shape, gpuIndex, out, budget, inputTokens, outputTokens, slots, slo,
                    runSeconds, configurations, v, serverArgs);
        }

        /** @param v extra llama-server arguments, space-separated @return a copy with them */
        public Options withServerArgs(String v) {
            return new Options(server, modelDir, shape, gpuIndex, out, budget, inputTokens, outputTokens, slots, slo,
                    runSeconds, configurations, fractions, v);
        }

        /** @return whether the server runs on a GPU */
        public boolean onGpu() {
            return gpuIndex >= 0;
        }

        /** @param c a configuration @return its model file */
        public Path modelFile(Config c) {
            return modelDir.resolve(shape + "-" + c.modelFormat() + ".gguf");
        }
    }

    /**
     * Runs the study.
     *
     * @param args {@code --server PATH --models DIR [--out DIR] [--shape NAME] [--gpu N | --cpu]
     *             [--budget-s S] [--tokens IN OUT] [--slots N] [--slo-ms TTFT TPOT] [--run-s S]
     *             [--configs F16,Q8_0,Q4_0,Q4_0+KVq8_0] [--fractions 0.25,0.5,0.75,1]
     *             [--server-args 'ARGS'] [--report-only]}; with {@code --report-only} nothing runs:
     *             the table and files are made from the store in the output folder
     */
    public static void main(String[] args) {
        if (List.of(args).contains("--help")) {
            System.out.println("usage: GpuLlamaStudy --server PATH --models DIR [--out DIR] [--shape NAME] "
                    + "[--gpu N | --cpu] [--budget-s S] [--tokens IN OUT] [--slots N] [--slo-ms TTFT TPOT] "
                    + "[--run-s S] [--configs F16,Q8_0,Q4_0,Q4_0+KVq8_0] [--fractions 0.25,0.5,0.75,1] "
                    + "[--server-args 'ARGS'] [--report-only]");
            return;
        }
        if (List.of(args).contains("--report-only")) {
            report(parse(List.of(args).stream().filter(a -> !a.equals("--report-only")).toArray(String[]::new)),
                    System.out);
            return;
        }
        SweepReport r = run(parse(args), System.out);
        if (r.failed() > 0) {
            System.out.printf(Locale.ROOT, "%d point(s) FAILED: see the table and the store%n", r.failed());
        }
    }

    /**
     * Parses the command line (see {@link #main}).
     *
     * @param args the arguments
     * @return the options
     * @throws IllegalArgumentException naming the argument that is missing or wrong
     */
    public static Options parse(String[] args) {
        Path server = null;
        Path models = null;
        Path out = Path.of(NAME + "-out");
        boolean cpu = false;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--server" -> server = Path.of(value(args, ++i, "--server"));
                case "--models" -> models = Path.of(value(args, ++i, "--models"));
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--cpu" -> cpu = true;
                default -> rest.add(args[i]);
            }
        }
        if (server == null || models == null) {
            throw new IllegalArgumentException("--server PATH and --models DIR are needed (the llama-server "
                    + "executable and the folder of SHAPE-F16/Q8_0/Q4_0.gguf); see --help");
        }
        Options o = cpu ? Options.cpu(server, models, out) : Options.gpu(server, models, out);
        String[] a = rest.toArray(String[]::new);
        for (int i = 0; i < a.length; i++) {
            switch (a[i]) {
                case "--shape" -> o = o.withShape(value(a, ++i, "--shape"));
                case "--gpu" -> o = o.withGpuIndex(Integer.parseInt(value(a, ++i, "--gpu")));
                case "--budget-s" -> o = o.withBudget(Duration.ofSeconds(Long.parseLong(value(a, ++i, "--budget-s"))));
                case "--tokens" -> {
                    int in = Integer.parseInt(value(a, ++i, "--tokens"));
                    o = o.withTokens(in, Integer.parseInt(value(a, ++i, "--tokens")));
                }
                case "--slots" -> o = o.withSlots(Integer.parseInt(value(a, ++i, "--slots")));
                case "--slo-ms" -> {
                    long ttft = Long.parseLong(value(a, ++i, "--slo-ms"));
                    o = o.withSlo(p90Slo(Duration.ofMillis(ttft),
                            Duration.ofMillis(Long.parseLong(value(a, ++i, "--slo-ms")))));
                }
                case "--run-s" -> o = o.withRunSeconds(Integer.parseInt(value(a, ++i, "--run-s")));
                case "--fractions" -> {
                    List<Double> f = new ArrayList<>();
                    for (String x : value(a, ++i, "--fractions").split(",")) {
                        f.add(Double.parseDouble(x));
                    }
                    o = o.withFractions(f);
                }
                case "--server-args" -> o = o.withServerArgs(value(a, ++i, "--server-args"));
                case "--configs" -> {
                    List<Config> chosen = new ArrayList<>();
                    for (String label : value(a, ++i, "--configs").split(",")) {
                        chosen.add(Config.ALL.stream().filter(c -> c.label().equalsIgnoreCase(label)).findFirst()
                                .orElseThrow(() -> new IllegalArgumentException("--configs: expected labels from "
                                        + Config.ALL.stream().map(Config::label).toList() + ", was " + label)));
                    }
                    o = o.withConfigurations(chosen);
                }
                default -> throw new IllegalArgumentException("unknown argument " + a[i] + "; see --help");
            }
        }
        return o;
    }

    /**
     * The SLO P90 TTFT &le; {@code ttft} and P90 TPOT &le; {@code tpot}.
     *
     * @param ttft the TTFT limit
     * @param tpot the TPOT limit
     * @return the SLO
     */
    public static Slo p90Slo(Duration ttft, Duration tpot) {
        return QMeter.slo().ttft(QMeter.p90, ttft).tpot(QMeter.p90, tpot).build();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /**
     * The engine settings of one configuration, as the {@code llama.cpp} {@link EngineFactory} reads
     * them (see {@code io.qmeter.engines.launch.DialectEngineFactory}): the GGUF file as the model,
     * its type as the quantization, the KV-cache type, the slots as {@code maxConcurrency}, the
     * executable, the engine logs' folder, and the GPU index ({@code cpu}, a name, for none).
     *
     * @param o the options
     * @param c the configuration
     * @return the settings
     */
    public static EngineSettings settings(Options o, Config c) {
        return settings(o, c, c.modelFormat());
    }

    /**
     * The engine settings of one configuration with another quantization label for the same GGUF
     * file: a seed method the llama.cpp dialect maps to the file's type (e.g. {@code W8A8-INT} for
     * a Q8_0 file), as {@code QuantizationStudy --engine llama.cpp} asks for it.
     *
     * @param o            the options
     * @param c            the configuration (its model file and KV-cache type)
     * @param quantization the label the engine gets (a GGUF type or a seed method)
     * @return the settings
     */
    public static EngineSettings settings(Options o, Config c, String quantization) {
        List<String> extra = new ArrayList<>();
        extra.add("executable=" + o.server());
        extra.add("maxConcurrency=" + o.slots());
        extra.add("contextLength=" + o.slots() * (o.inputTokens() + o.outputTokens() + 64));
        c.kvCacheType().ifPresent(kv -> extra.add("kvCacheType=" + kv));
        extra.add("logDir=" + o.out().toAbsolutePath().resolve("engine-logs"));
        extra.add("startTimeout=2m");
        if (!o.serverArgs().isBlank()) {
            extra.add("extraArgs=" + o.serverArgs().trim());
        }
        return EngineSettings.builder().engine("llama.cpp").model(o.modelFile(c).toString())
                .quantization(quantization).tensorParallel(1).gpu(o.onGpu() ? Integer.toString(o.gpuIndex()) : "cpu")
                .extraArgs(extra.toArray(String[]::new)).build();
    }

    /**
     * The study's plan: every configuration, a synthetic workload of the options' lengths, the
     * SLO, the saturation point searched (short probes: at least 20 requests, 15 % tolerance), then
     * the options' fractions of it.
     *
     * @param o the options
     * @return the plan
     */
    public static Plan plan(Options o) {
        List<EngineSettings> configs = o.configurations().stream().map(c -> settings(o, c)).toList();
        return plan(o, NAME + "-" + o.shape() + (o.onGpu() ? "-gpu" : "-cpu"),
                "llama.cpp " + o.shape() + " on " + (o.onGpu() ? "GPU " + o.gpuIndex() : "the CPU")
                        + ": saturation and J/token for " + o.configurations().stream().map(Config::label).toList(),
                configs);
    }

    /**
     * A plan of the study's shape (workload, SLO, search, fractions and run length from the
     * options) over other engine settings, under another id.
     *
     * @param o           the options
     * @param id          the plan's id
     * @param description the plan's description
     * @param configs     the engine settings, one per configuration
     * @return the plan
     */
    public static Plan plan(Options o, String id, String description, List<EngineSettings> configs) {
        return Plan.builder(id)
                .description(description)
                .configurations(configs)
                .workload(WorkloadSpec.synthetic(o.inputTokens(), o.outputTokens()))
                .slo(o.slo())
                .saturationFractions(o.fractions().stream().mapToDouble(Double::doubleValue).toArray())
                .repetitions(1)
                .runLength(RunLength.duration(Duration.ofSeconds(o.runSeconds())).withWarmupRequests(o.slots()))
                .seed(42)
                .search(new SearchSettings(0.15, 6, Double.NaN).withJudge(true, 0.9, 2, 20, 400))
                .build();
    }

    /**
     * A coordinator with short probes that fit the options' time budget.
     *
     * @param o      the options
     * @param store  the store
     * @param sensor the power sensor, or null for none
     * @param out    where progress goes
     * @return the coordinator
     */
    public static SweepCoordinator coordinator(Options o, ResultStore store, NvmlPowerSensor sensor, PrintStream out) {
        Duration search = Duration.ofMillis(o.budget().toMillis() * 45 / 100);
        SweepCoordinator.Builder b = SweepCoordinator.builder(store)
                .engineFactory(EngineFactory.find("llama.cpp"))
                .listener(ConsoleProgress.to(out))
                .startTimeout(Duration.ofMinutes(2))
                .idleSettle(Duration.ofSeconds(2))
                .burstRequests(4 * o.slots())
                .maxRateOverBurst(1.1)
                .probeRequestTimeout(Duration.ofSeconds(10))
                .runRequestTimeout(Duration.ofSeconds(15))
                .probeMinDuration(Duration.ofSeconds(3))
                .clientCheck(Duration.ofMillis(50), 0.9)
                .searchTuning(s -> s.maxWallTime(search))
                // cold prefill on every request: the seeded prompts repeat, and llama.cpp's prompt
                // cache (on by default) would otherwise cut TTFT to a few ms; recorded in each run
                .loadTuning(l -> l.promptCache(false));
        if (sensor != null) {
            b = b.powerSensor(sensor);
        }
        return b.build();
    }

    /**
     * Runs the study, prints the table and writes the files.
     *
     * @param o   the options
     * @param out where to print
     * @return the sweep's report
     */
    public static SweepReport run(Options o, PrintStream out) {
        long t0 = System.nanoTime();
        for (Config c : o.configurations()) {
            if (!Files.isRegularFile(o.modelFile(c))) {
                throw new IllegalArgumentException("expected the model " + o.modelFile(c) + " (" + c.label()
                        + "), found no such file: write it with make-random-llama.py and llama-quantize");
            }
        }
        try {
            Files.createDirectories(o.out());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + o.out() + ": " + e.getMessage(), e);
        }
        Plan plan = plan(o);
        Path db = o.out().resolve(NAME + ".db").toAbsolutePath();
        NvmlPowerSensor sensor = new NvmlPowerSensor(NvmlSensorOptions.defaults()
                .withGpus(GpuSelection.indices(Math.max(0, o.gpuIndex()))));
        String energyNote;
        if (sensor.capability().quality() == EnergyQuality.UNAVAILABLE) {
            energyNote = "energy unavailable: " + firstLine(sensor.capability().detail());
            sensor.close();
            sensor = null;
        } else {
            energyNote = "energy: NVML, " + sensor.capability().quality() + " (" + sensor.capability().detail() + ")";
        }
        out.println(energyNote);
        SweepReport report;
        List<StoredRun> runs;
        try (ResultStore store = ResultStore.sqlite(db); SweepCoordinator c = coordinator(o, store, sensor, out)) {
            report = c.run(plan);
            runs = store.findByPlan(plan.id());
        } finally {
            if (sensor != null) {
                sensor.close();
            }
        }
        writeReport(o, plan, runs, energyNote, out);
        out.printf(Locale.ROOT, "this call: %d points (%d OK, %d invalid, %d failed, %d already stored) in %s; wall time "
                + "%.0f s%n", report.totalPoints(), report.ok(), report.invalid(), report.failed(), report.skipped(), db,
                (System.nanoTime() - t0) / 1e9);
        return report;
    }

    /**
     * Prints the table and writes the CSV and JSON files from what the store holds, running
     * nothing: after the configurations were run one call each (so that a time limit cuts whole
     * configurations, never the report), one call with {@code --report-only} and all of them
     * gives the whole table.
     *
     * @param o   the options
     * @param out where to print
     * @return the stored runs of the plan
     */
    public static List<StoredRun> report(Options o, PrintStream out) {
        Plan plan = plan(o);
        Path db = o.out().resolve(NAME + ".db").toAbsolutePath();
        if (!Files.isRegularFile(db)) {
            throw new IllegalArgumentException("expected the store " + db + " of earlier runs, found no such file; "
                    + "run without --report-only first");
        }
        List<StoredRun> runs;
        try (ResultStore store = ResultStore.sqlite(db)) {
            runs = store.findByPlan(plan.id());
        }
        List<String> qualities = runs.stream().filter(r -> r.payload() != null)
                .map(r -> r.payload().path("result").path("energy").path("quality").asText(""))
                .filter(q -> !q.isEmpty()).distinct().toList();
        String note = qualities.isEmpty() ? "energy unavailable: no stored run has an energy figure"
                : "energy: " + String.join(", ", qualities) + " (as stored with each run)";
        writeReport(o, plan, runs, note, out);
        out.printf(Locale.ROOT, "%d runs stored in %s%n", runs.size(), db);
        return runs;
    }

    private static void writeReport(Options o, Plan plan, List<StoredRun> runs, String energyNote, PrintStream out) {
        RunExport.csv(runs, o.out().resolve(NAME + ".csv"));
        ArrayNode table = printTable(o, plan, runs, energyNote, out);
        write(o.out().resolve(NAME + ".json"), table);
        write(o.out().resolve(NAME + "-windows.json"),
                windows(o.configurations().stream().map(Config::label).toList(), plan, runs));
    }

    private static ArrayNode printTable(Options o, Plan plan, List<StoredRun> runs, String energyNote,
                                        PrintStream out) {
        ArrayNode rows = JSON.createArrayNode();
        out.println();
        out.printf(Locale.ROOT, "llama.cpp, random %s, %s, %d in / %d out, %d slots, SLO %s%n", o.shape(),
                o.onGpu() ? "GPU " + o.gpuIndex() : "CPU", o.inputTokens(), o.outputTokens(), o.slots(),
                describe(o.slo()));
        out.println(energyNote);
        String h = "%-12s %-11s %7s %6s %-7s %5s %8s %9s %9s %8s %8s %7s%n";
        out.printf(Locale.ROOT, h, "config", "point", "req/s", "ok", "status", "valid", "tok/s", "TTFT p90", "TPOT p90",
                "J/tok", "J/tok", "W avg");
        out.printf(Locale.ROOT, h, "", "", "", "", "", "", "", "ms", "ms", "gross", "net", "");
        for (int i = 0; i < plan.configurations().size(); i++) {
            EngineSettings s = plan.configurations().get(i);
            Config c = o.configurations().get(i);
            List<StoredRun> mine = runs.stream().filter(x -> x.key().configurationId().equals(s.id()))
                    .sorted((a, b) -> a.key().rateLabel().compareTo(b.key().rateLabel())).toList();
            if (mine.isEmpty()) {
                out.printf(Locale.ROOT, "%-12s not run (nothing stored for %s)%n", c.label(), s.id());
            }
            for (StoredRun r : mine) {
                String label = r.key().rateLabel();
                boolean search = label.equals(SweepCoordinator.SATURATION_LABEL);
                double rate = search ? m(r, "saturation_rps") : m(r, "achieved_rps");
                ObjectNode row = rows.addObject();
                row.put("configuration", c.label());
                row.put("point", label);
                row.put("status", r.status().name());
                row.put("cause", r.cause());
                r.metrics().forEach((k, v) -> {
                    if (Double.isFinite(v)) {
                        row.put(k, v);
                    } else {
                        row.putNull(k);
                    }
                });
                if (search) {
                    out.printf(Locale.ROOT, "%-12s %-11s %7.2f %6s %-7s %5s %s%n", c.label(), "saturation", rate, "",
                            r.status(), "", r.labels().getOrDefault("search_stop", "") + " after "
                                    + Math.round(m(r, "probes")) + " probes");
                    for (JsonNode p : r.payload() == null ? List.<JsonNode>of() : iterable(r.payload().path("probes"))) {
                        out.printf(Locale.ROOT, "%-12s   probe %d %-14s %7.2f -> %s%s%n", "", p.path("index").asInt(),
                                p.path("purpose").asText(), p.path("rate_rps").asDouble(Double.NaN),
                                p.path("decision").asText("?"), p.hasNonNull("judgement")
                                        ? ": " + firstLine(p.get("judgement").asText()) : p.hasNonNull("error")
                                        ? ": " + firstLine(p.get("error").asText()) : "");
                    }
                    continue;
                }
                out.printf(Locale.ROOT, "%-12s %-11s %7.2f %6.0f %-7s %5s %8.1f %9.1f %9.2f %8s %8s %7s%n",
                        c.label(), label, rate, m(r, "ok_requests"), r.status(), m(r, "valid") == 1.0 ? "yes" : "no",
                        m(r, "output_tok_per_s"), m(r, "ttft_p90_ms"), m(r, "tpot_p90_ms"), fmt(m(r, "j_per_token"), 4),
                        fmt(m(r, "j_per_token_net"), 4), fmt(m(r, "avg_watts"), 1));
                if (r.status() != RunStatus.OK && r.cause() != null && !r.cause().isBlank()) {
                    out.println("             cause: " + r.cause().lines().findFirst().orElse(""));
                }
            }
        }
        out.println("J/tok: NVML energy over each run's measured window / output tokens completed in it; net "
                + "subtracts the idle power of the GPU with the server loaded. n/a: no energy figure (never 0).");
        return rows;
    }

    /**
     * Each stored run's energy window in wall-clock seconds, with qMeter's joules, tokens and idle
     * watts, for {@code scripts/gpu/crosscheck.py}.
     *
     * @param labels the configurations' labels, in the plan's order
     * @param plan   the plan
     * @param runs   its stored runs
     * @return one object per run that has an energy report
     */
    static ArrayNode windows(List<String> labels, Plan plan, List<StoredRun> runs) {
        ArrayNode out = JSON.createArrayNode();
        for (int i = 0; i < plan.configurations().size(); i++) {
            String cid = plan.configurations().get(i).id();
            String label = labels.get(i);
            for (StoredRun r : runs) {
                if (!r.key().configurationId().equals(cid) || r.payload() == null) {
                    continue;
                }
                JsonNode result = r.payload().path("result");
                JsonNode energy = result.path("energy");
                if (!result.hasNonNull("startedAt") || energy.isMissingNode() || energy.isNull()) {
                    continue;
                }
                Instant start = Instant.parse(result.get("startedAt").asText());
                double startS = start.getEpochSecond() + start.getNano() / 1e9;
                ObjectNode w = out.addObject();
                w.put("configuration", label);
                w.put("rate_label", r.key().rateLabel());
                w.put("start_epoch_s", startS + energy.path("windowStartNanos").asLong() / 1e9);
                w.put("end_epoch_s", startS + energy.path("windowEndNanos").asLong() / 1e9);
                putNumber(w, "joules", energy.path("joules"));
                putNumber(w, "tokens", energy.path("outputTokens"));
                putNumber(w, "idle_watts", energy.path("idleWatts"));
                w.put("quality", energy.path("quality").asText());
            }
        }
        return out;
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static void putNumber(ObjectNode w, String name, JsonNode v) {
        if (v.isNumber() && Double.isFinite(v.asDouble())) {
            w.put(name, v.asDouble());
        } else {
            w.putNull(name);
        }
    }

    private static void write(Path file, JsonNode node) {
        try {
            JSON.writeValue(file.toFile(), node);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Slo slo) {
        return slo.thresholds().stream().map(SloThreshold::label).reduce((a, b) -> a + ", " + b).orElse("none");
    }

    private static String firstLine(String text) {
        String line = text == null ? "" : text.lines().findFirst().orElse("");
        return line.length() > 240 ? line.substring(0, 240) + "..." : line;
    }

    private static double m(StoredRun r, String name) {
        return r.metrics().getOrDefault(name, Double.NaN);
    }

    private static String fmt(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "n/a";
    }
}
