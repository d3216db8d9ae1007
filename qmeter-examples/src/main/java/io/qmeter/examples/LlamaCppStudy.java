package io.qmeter.examples;

import io.qmeter.engines.EngineDialects;
import io.qmeter.engines.ServerConfig;
import io.qmeter.metrics.SloThreshold;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunExport;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepReport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code QuantizationStudy --engine llama.cpp}: the main job's workflow (saturation point under an
 * SLO, then fractions of it, every run stored, a table per method) on a real {@code llama-server}
 * launched through qmeter-engines' {@code llama.cpp} engine factory, with
 * {@link GpuLlamaStudy}'s CPU options, plan shape and coordinator (prompt cache off). The study's
 * methods map to GGUF files through the llama.cpp dialect: FP16 runs the F16 file, W8A8-INT the
 * Q8_0 file, W4A8 the Q4_0 file; the engine is asked for the method label, and the dialect's
 * {@code support()} note, printed under the table, says how the GGUF type differs from the method.
 */
final class LlamaCppStudy {

    /** The study's methods on llama.cpp, in the order of {@link #CONFIGS}. */
    static final List<String> METHODS = List.of("FP16", "W8A8-INT", "W4A8");
    /** The GGUF files they run: F16, Q8_0, Q4_0 (no quantized KV cache). */
    static final List<GpuLlamaStudy.Config> CONFIGS = GpuLlamaStudy.Config.ALL.subList(0, 3);
    /** The quality column's text: the models have random weights, so no benchmark is scored. */
    static final String QUALITY = "n/a (real engine: random weights)";

    private LlamaCppStudy() {
    }

    /** @param o the options @return the plan's id */
    static String planId(GpuLlamaStudy.Options o) {
        return QuantizationStudy.PLAN_ID.replace("-13b-h100", "") + "-llamacpp-" + o.shape()
                + (o.onGpu() ? "-gpu" : "-cpu");
    }

    /**
     * The plan: one configuration per method, the GGUF file of its type, the method label as the
     * engine's quantization.
     *
     * @param o the options (their configurations must be {@link #CONFIGS})
     * @return the plan
     */
    static Plan plan(GpuLlamaStudy.Options o) {
        List<EngineSettings> configs = new ArrayList<>();
        for (int i = 0; i < METHODS.size(); i++) {
            configs.add(GpuLlamaStudy.settings(o, CONFIGS.get(i), METHODS.get(i)));
        }
        return GpuLlamaStudy.plan(o, planId(o), "quantization study on a real llama-server (" + o.shape()
                + "): saturation per method " + METHODS, configs);
    }

    /**
     * Runs it, prints the table and writes the store and CSV into the options' output folder.
     *
     * @param o   the options
     * @param out where to print
     * @return the sweep's report
     */
    static SweepReport run(GpuLlamaStudy.Options o, PrintStream out) {
        long t0 = System.nanoTime();
        if (!o.configurations().equals(CONFIGS)) {
            throw new IllegalArgumentException("expected the configurations " + CONFIGS + ", was " + o.configurations());
        }
        for (GpuLlamaStudy.Config c : CONFIGS) {
            if (!Files.isRegularFile(o.modelFile(c))) {
                throw new IllegalArgumentException("expected the model " + o.modelFile(c) + " (GGUF " + c.modelFormat()
                        + "), found no such file: write the models with .ci/llama.sh (or name the folder and "
                        + "--shape that hold SHAPE-F16/Q8_0/Q4_0.gguf)");
            }
        }
        try {
            Files.createDirectories(o.out());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + o.out() + ": " + e.getMessage(), e);
        }
        Plan plan = plan(o);
        Path db = o.out().resolve(plan.id() + ".db").toAbsolutePath();
        Path csv = o.out().resolve(plan.id() + ".csv").toAbsolutePath();
        SweepReport report;
        List<StoredRun> runs;
        try (ResultStore store = ResultStore.sqlite(db);
             SweepCoordinator c = GpuLlamaStudy.coordinator(o, store, null, out)) {
            report = c.run(plan);
            runs = store.findByPlan(plan.id());
            RunExport.csv(runs, csv);
        }
        printTable(o, plan, runs, out);
        long notOk = runs.stream().filter(r -> r.status() != RunStatus.OK).count();
        out.printf(Locale.ROOT, "%d runs stored (%d not OK) in %s%nCSV: %s%n", runs.size(), notOk, db, csv);
        out.printf(Locale.ROOT, "wall time %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return report;
    }

    /**
     * The llama.cpp dialect's note for a method on its GGUF file: how it runs and what the GGUF
     * type's closest seed method is.
     *
     * @param o      the options
     * @param method the method label
     * @param c      its configuration
     * @return the note, or why the dialect refuses it
     */
    static String dialectNote(GpuLlamaStudy.Options o, String method, GpuLlamaStudy.Config c) {
        String model = o.modelFile(c).toString();
        String asMethod = EngineDialects.find("llama.cpp").support(ServerConfig.of(model, method), Optional.empty())
                .reason();
        String asType = EngineDialects.find("llama.cpp").support(ServerConfig.of(model, c.modelFormat()),
                Optional.empty()).reason();
        return asMethod + ". " + asType;
    }

    private static void printTable(GpuLlamaStudy.Options o, Plan plan, List<StoredRun> runs, PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "Quantization study on a real llama-server (llama.cpp), random %s on the %s, %d in / %d "
                + "out, %d slots, SLO %s, prompt cache off%n", o.shape(), o.onGpu() ? "GPU " + o.gpuIndex() : "CPU",
                o.inputTokens(), o.outputTokens(), o.slots(), plan.slo().thresholds().stream()
                        .map(SloThreshold::label).reduce((a, b) -> a + ", " + b).orElse("none"));
        String h = "%-9s %-5s %7s %-22s | %9s %9s %8s | %-8s | %s%n";
        out.printf(Locale.ROOT, h, "method", "GGUF", "sat", "found by", "P90 TTFT", "P90 TPOT", "tok/s", "100% run",
                "quality");
        out.printf(Locale.ROOT, h, "", "", "req/s", "", "ms @100%", "ms @100%", "@100%", "", "");
        List<String> causes = new ArrayList<>();
        for (int i = 0; i < METHODS.size(); i++) {
            String method = METHODS.get(i);
            String cid = plan.configurations().get(i).id();
            Optional<StoredRun> search = find(runs, cid, SweepCoordinator.SATURATION_LABEL);
            Optional<StoredRun> full = find(runs, cid, "1sat");
            String sat;
            String how;
            if (search.isEmpty()) {
                sat = "-";
                how = "not run";
            } else if (search.get().status() != RunStatus.OK) {
                sat = search.get().status().name();
                how = "see cause below";
                causes.add(method + ": " + firstLine(search.get().cause()));
            } else {
                StoredRun r = search.get();
                sat = String.format(Locale.ROOT, "%7.2f", metric(r, "saturation_rps"));
                how = r.labels().getOrDefault("search_stop", "?").toLowerCase(Locale.ROOT).replace('_', ' ') + " "
                        + Math.round(metric(r, "probes")) + "p";
            }
            String fullStatus = full.map(r -> r.status().name()).orElse("missing");
            full.filter(r -> r.status() != RunStatus.OK && r.cause() != null && !r.cause().isBlank())
                    .ifPresent(r -> causes.add(method + " @100%: " + firstLine(r.cause())));
            out.printf(Locale.ROOT, "%-9s %-5s %7s %-22s | %9.1f %9.1f %8.1f | %-8s | %s%n", method,
                    CONFIGS.get(i).modelFormat(), sat, how, full.map(r -> metric(r, "ttft_p90_ms")).orElse(Double.NaN),
                    full.map(r -> metric(r, "tpot_p90_ms")).orElse(Double.NaN),
                    full.map(r -> metric(r, "output_tok_per_s")).orElse(Double.NaN), fullStatus, QUALITY);
        }
        for (String c : causes) {
            out.println("cause: " + c);
        }
        out.println("sat: core's SaturationSearch + SloJudge over short real-time probes of the server (Np: probes); "
                + "then the runs at " + o.fractions() + " of it, " + o.runSeconds() + " s each.");
        out.println("converged: a passing and a failing rate within the search's tolerance; max rate passes: the SLO "
                + "still held at the highest rate the search tries (about the server's burst throughput), so sat is a "
                + "lower bound.");
        out.println("quality: " + QUALITY + " - the CI models are random-weight GGUFs, so a benchmark score would "
                + "measure noise; the simulated study (no --engine) scores GSM8K.");
        out.println("How each method runs on llama.cpp (the dialect's support() note):");
        for (int i = 0; i < METHODS.size(); i++) {
            out.println("  " + METHODS.get(i) + ": " + dialectNote(o, METHODS.get(i), CONFIGS.get(i)));
        }
    }

    private static Optional<StoredRun> find(List<StoredRun> runs, String cid, String rate) {
        return runs.stream().filter(x -> x.key().configurationId().equals(cid) && x.key().rateLabel().equals(rate))
                .findFirst();
    }

    private static double metric(StoredRun r, String name) {
        return r.metrics().getOrDefault(name, Double.NaN);
    }

    private static String firstLine(String text) {
        String line = text == null ? "" : text.lines().findFirst().orElse("");
        return line.length() > 240 ? line.substring(0, 240) + "..." : line;
    }
}
