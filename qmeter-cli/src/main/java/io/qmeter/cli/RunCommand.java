package io.qmeter.cli;

import com.fasterxml.jackson.core.JsonLocation;
import io.qmeter.engine.EngineFactory;
import io.qmeter.nvml.GpuSelection;
import io.qmeter.nvml.NvmlPowerSensor;
import io.qmeter.nvml.NvmlSensorOptions;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code qmeter run plan.json [--store results.db | --store jdbc:postgresql://..]}: runs a JSON plan
 * with {@link SweepCoordinator}, showing progress and an ETA, storing every point in an SQLite or
 * PostgreSQL store. Running the same plan again
 * resumes it (stored points are skipped). Ctrl-C stops cleanly: the load run in progress is stored as
 * {@link RunStatus#CANCELLED} (a re-run runs it again), the engine is stopped and the store closed.
 */
@Command(name = "run", description = {"Runs a JSON plan (a sweep of configurations x rates) and stores every "
        + "run; running it again resumes it.",
        "Engines are found by name (the plan's 'engine'), e.g. 'simulated' (no GPU), "
                + "'llama.cpp', 'vllm': qmeter engines lists them."},
        footer = {"", "The JSON plan format: qmeter help plan (docs/plan-schema.md).",
                "Exit codes: 0 every run OK, 1 some run of the plan failed, is invalid or was cancelled, 2 invalid "
                        + "plan or option, 130 interrupted (Ctrl-C; the run in progress is stored as cancelled)."},
        mixinStandardHelpOptions = true)
public final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PLAN", description = "The JSON plan file.")
    Path planFile;

    @Option(names = "--store", paramLabel = "FILE|URL", defaultValue = "results.db",
            description = "Result store: an SQLite file (created when missing; default: ${DEFAULT-VALUE}) or a "
                    + "PostgreSQL URL jdbc:postgresql://host:5432/db (password from QMETER_PG_PASSWORD or "
                    + "--password-file).")
    String storeLocation;

    @CommandLine.Mixin
    StoreOptions storeOptions = new StoreOptions();

    @Option(names = "--parallelism", defaultValue = "1", paramLabel = "N",
            description = "Configurations run at once when their engines are independent (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--max-attempts", defaultValue = "3", paramLabel = "N",
            description = "Attempts per point, restarting the engine after a failure (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--keep-records", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Store every request's record with each run (needed by 'export --format vllm'; "
                    + "default: ${DEFAULT-VALUE}).")
    boolean keepRecords;

    @Option(names = "--nvml", description = "Measure energy with NVML on the configuration's GPUs when its "
            + "engine has no power sensor of its own.")
    boolean nvml;

    @Option(names = "--idle-settle", paramLabel = "DURATION",
            description = "How long each configuration's idle power is measured (default 5s).")
    String idleSettle;

    @Option(names = "--max-client-lag", paramLabel = "DURATION",
            description = "Client self-check: the largest p99 schedule lag a valid run may have (default 5ms); "
                    + "raise it on a busy machine.")
    String maxClientLag;

    @Option(names = "--min-rate-fraction", paramLabel = "F",
            description = "Client self-check: the smallest achieved / target rate a valid run may have (default 0.95).")
    Double minRateFraction;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "MODE",
            description = "auto, bar, lines or none (default: ${DEFAULT-VALUE}: a bar on a terminal, lines otherwise).")
    ProgressBar.Mode progress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public RunCommand() {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (parallelism < 1) {
            throw new UserError("--parallelism: expected an integer >= 1, was " + parallelism);
        }
        if (maxAttempts < 1) {
            throw new UserError("--max-attempts: expected an integer >= 1, was " + maxAttempts);
        }
        java.time.Duration settle = null;
        if (idleSettle != null) {
            settle = CliValues.duration("--idle-settle", idleSettle);
            if (settle.isZero() || settle.isNegative()) {
                throw new UserError("--idle-settle: expected a duration > 0, was " + idleSettle);
            }
        }
        java.time.Duration lag = null;
        double fraction = minRateFraction == null ? 0.95 : minRateFraction;
        if (maxClientLag != null || minRateFraction != null) {
            lag = maxClientLag == null ? java.time.Duration.ofMillis(5)
                    : CliValues.duration("--max-client-lag", maxClientLag);
            if (!(fraction > 0 && fraction <= 1)) {
                throw new UserError("--min-rate-fraction: expected a number in (0, 1], was " + fraction);
            }
        }
        Plan plan = PlanFiles.read(planFile);
        checkEngines(plan);
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        SweepReport report;
        List<StoredRun> runs;
        try (ResultStore store = storeOptions.open("--store", storeLocation, CliContext.of(spec).env());
             ProgressBar bar = new ProgressBar(err, progress)) {
            SweepCoordinator.Builder b = SweepCoordinator.builder(store).parallelism(parallelism)
                    .maxAttempts(maxAttempts).keepRecords(keepRecords).listener(bar)
                    .loadTuning(lb -> {
                        bar.loadRunStarted();
                        return lb;
                    });
            if (settle != null) {
                b = b.idleSettle(settle);
            }
            if (lag != null) {
                b = b.clientCheck(lag, fraction);
            }
            if (nvml) {
                b = b.powerSensors(gpus -> new NvmlPowerSensor(NvmlSensorOptions.defaults().withGpus(
                        gpus.isEmpty() ? GpuSelection.fromEnvironment()
                                : GpuSelection.indices(gpus.stream().mapToInt(Integer::intValue).toArray()))));
            }
            try (SweepCoordinator c = b.build()) {
                Thread hook = new Thread(() -> {
                    interrupted.set(true);
                    err.println("qmeter run: interrupted; stopping the run in progress (it is stored as cancelled; "
                            + "run the same command again to resume)");
                    err.flush();
                    c.cancel();
                    try {
                        finished.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "qmeter-ctrl-c");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    report = c.run(plan);
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running: it waits for `finished`
                    }
                }
            }
            bar.close();
            runs = store.findByPlan(plan.id());
        } finally {
            finished.countDown();
        }
        printSummary(out, plan, report, runs);
        if (report.cancelled() || interrupted.get()) {
            err.println("qmeter run: cancelled; " + report.remaining() + " points left. Run the same command again "
                    + "to resume.");
            return ExitCodes.INTERRUPTED;
        }
        long bad = runs.stream().filter(r -> r.status() != RunStatus.OK).count();
        return bad > 0 ? ExitCodes.FAILED : ExitCodes.OK;
    }

    /** Every configuration's engine kind must be registered and accept its settings: bad input otherwise. */
    private void checkEngines(Plan plan) {
        String text;
        try {
            text = Files.readString(planFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            text = "";
        }
        Map<String, JsonLocation> positions = PlanFiles.positions(text);
        for (EngineSettings s : plan.configurations()) {
            try {
                EngineFactory.find(s.engine()).create(SweepCoordinator.settingsMap(s));
            } catch (IllegalArgumentException e) {
                String where = engineField(text, positions, s.engine());
                throw new UserError("invalid plan " + planFile + ":\n  " + planFile + ":" + where
                        + ": configuration " + s.id() + " (engine '" + s.engine() + "'): " + e.getMessage(), e);
            }
        }
    }

    /** Where the plan names this engine: the first "engine" field (or matrix element) holding it. */
    static String engineField(String text, Map<String, JsonLocation> positions, String engine) {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (IOException e) {
            return "1:1";
        }
        return positions.entrySet().stream()
                .filter(p -> p.getKey().matches("\\$\\.(configurations\\[\\d+]|matrix)\\.engine(\\[\\d+])?"))
                .filter(p -> {
                    String pointer = p.getKey().substring(1).replace('.', '/').replaceAll("\\[(\\d+)]", "/$1");
                    com.fasterxml.jackson.databind.JsonNode n = root.at(pointer);
                    return n.isTextual() && n.asText().equalsIgnoreCase(engine);
                })
                .map(Map.Entry::getValue)
                .sorted(java.util.Comparator.comparingInt(JsonLocation::getLineNr)
                        .thenComparingInt(JsonLocation::getColumnNr))
                .map(l -> l.getLineNr() + ":" + l.getColumnNr())
                .findFirst().orElse("1:1");
    }

    private static void printSummary(PrintWriter out, Plan plan, SweepReport report, List<StoredRun> runs) {
        out.printf(Locale.ROOT, "plan %s: %d points; this session: %d ok, %d invalid, %d failed, %d resumed from "
                        + "the store, %d left (%s)%n", plan.id(), report.totalPoints(), report.ok(), report.invalid(),
                report.failed(), report.skipped(), report.remaining(), ProgressBar.fmt(report.elapsed()));
        out.printf(Locale.ROOT, "%-60s %-9s %10s %12s %12s %10s%n", "run", "status", "rate rps", "P90 TTFT ms",
                "P90 TPOT ms", "J/token");
        for (StoredRun r : runs) {
            Map<String, Double> m = r.metrics();
            // a load run's target rate; a quality score under load: its background's; a search: its result
            Double rate = m.getOrDefault("target_rps", m.getOrDefault("background_target_rps", m.get("saturation_rps")));
            out.printf(Locale.ROOT, "%-60s %-9s %10s %12s %12s %10s%n", r.key().asString(), r.status(), num(rate),
                    num(m.get("ttft_p90_ms")), num(m.get("tpot_p90_ms")), num(m.get("j_per_token")));
            if (r.cause() != null) {
                out.println("    " + r.cause());
            }
        }
        out.flush();
    }

    private static String num(Double v) {
        return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.4g", v);
    }
}
