package io.qmeter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.RunResult;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunExport;
import io.qmeter.store.RunKey;
import io.qmeter.store.StoredRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code qmeter export --format csv|jsonl|vllm}: stored runs as CSV or JSON Lines ({@link RunExport}),
 * or each run as vLLM's benchmark result JSON ({@link VllmResultExport}; several runs are written one
 * JSON object per line, as {@code vllm bench serve --append-result} writes them).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Exports stored runs as CSV, JSON Lines, or vLLM's result JSON (vllm bench serve --save-result).",
        footer = {"", "Examples:", "  qmeter export --store results.db --format csv -o runs.csv",
                "  qmeter export --store results.db --run plan/config/4rps/0 --format vllm -o vllm.json",
                "  qmeter export --input run.json --format vllm      (a run written by qmeter load --out)",
                "Exit codes: 0 written, 2 bad input (no store, no such run, nothing to export)."})
public final class ExportCommand implements Callable<Integer> {

    /** The export formats. */
    public enum Format {
        /** One row per run, labels and metrics as columns. */
        csv,
        /** One JSON object per run. */
        jsonl,
        /** vLLM's benchmark result JSON per run. */
        vllm
    }

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "csv, jsonl or vllm.")
    Format format;

    @Option(names = "--store", paramLabel = "FILE", defaultValue = "results.db",
            description = "SQLite result store (default: ${DEFAULT-VALUE}).")
    Path storeFile;

    @Option(names = "--input", paramLabel = "FILE",
            description = "Export one RunResult JSON file (qmeter load --out) instead of the store (vllm format).")
    Path input;

    @Option(names = "--plan", paramLabel = "ID", description = "Only the runs of this plan.")
    String plan;

    @Option(names = "--run", paramLabel = "KEY", description = "Only this run: plan/configuration/rate/repetition.")
    String run;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (default: standard output).")
    Path output;

    @Option(names = "--payload", description = "jsonl: include each run's full JSON payload.")
    boolean payload;

    @Option(names = "--percentile-metrics", defaultValue = "ttft,tpot,itl", paramLabel = "LIST",
            description = "vllm: as vLLM's --percentile-metrics (ttft,tpot,itl,e2el; default: ${DEFAULT-VALUE}).")
    String percentileMetrics;

    @Option(names = "--metric-percentiles", defaultValue = "99", paramLabel = "LIST",
            description = "vllm: as vLLM's --metric-percentiles (default: ${DEFAULT-VALUE}).")
    String metricPercentiles;

    @Option(names = "--goodput", paramLabel = "LIST",
            description = "vllm: as vLLM's --goodput, e.g. ttft:1000,tpot:200 (milliseconds per request).")
    String goodput;

    @Option(names = "--detailed", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "vllm: per-request lists, as vLLM's --save-detailed (default: ${DEFAULT-VALUE}).")
    boolean detailed;

    @Option(names = "--backend", paramLabel = "NAME", description = "vllm: the backend to report "
            + "(default: openai, or openai-chat for chat runs).")
    String backend;

    @Option(names = "--label", description = "vllm: the label to report (default: null, as vLLM without --label).")
    String label;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public ExportCommand() {
    }

    @Override
    public Integer call() throws IOException {
        if (input != null) {
            if (format != Format.vllm) {
                throw new UserError("--input: only with --format vllm (csv and jsonl export a store), was --format "
                        + format);
            }
            if (!Files.isRegularFile(input)) {
                throw new UserError("--input: no file " + input + "; give a RunResult JSON (qmeter load --out)");
            }
            RunResult r;
            try {
                r = RunResult.readJson(input);
            } catch (RuntimeException e) {
                throw new UserError("--input: " + input + " is not a RunResult JSON: " + e.getMessage(), e);
            }
            write(List.of(vllm().toJson(r)));
            return ExitCodes.OK;
        }
        if (!Files.isRegularFile(storeFile)) {
            throw new UserError("--store: no result store " + storeFile + "; give the file qmeter run wrote");
        }
        List<StoredRun> runs;
        try (ResultStore store = ResultStore.sqlite(storeFile)) {
            runs = select(store);
        }
        if (runs.isEmpty()) {
            throw new UserError("nothing to export: no run in " + storeFile
                    + (run != null ? " with key " + run : plan != null ? " of plan " + plan : ""));
        }
        switch (format) {
            case csv -> withWriter(w -> RunExport.csv(runs, w));
            case jsonl -> withWriter(w -> RunExport.jsonLines(runs, w, payload));
            default -> {
                VllmResultExport x = vllm();
                List<String> lines = new ArrayList<>();
                for (StoredRun s : runs) {
                    RunResult r = result(s);
                    if (r == null) {
                        spec.commandLine().getErr().println("qmeter export: skipped " + s.key().asString() + " ("
                                + s.status() + "): it holds no load run result");
                        continue;
                    }
                    try {
                        lines.add(x.toJson(r));
                    } catch (IllegalArgumentException e) {
                        throw new UserError(s.key().asString() + ": " + e.getMessage(), e);
                    }
                }
                if (lines.isEmpty()) {
                    throw new UserError("nothing to export as vllm: none of the " + runs.size()
                            + " selected runs holds a load run result");
                }
                write(lines);
            }
        }
        return ExitCodes.OK;
    }

    private List<StoredRun> select(ResultStore store) {
        if (run != null) {
            RunKey key;
            try {
                key = RunKey.parse(run);
            } catch (IllegalArgumentException e) {
                throw new UserError("--run: " + e.getMessage(), e);
            }
            return store.find(key).map(List::of).orElseThrow(() -> new UserError("--run: no run " + run + " in "
                    + storeFile + "; list the keys with qmeter export --format csv"));
        }
        return plan != null ? store.findByPlan(plan) : store.list();
    }

    private static RunResult result(StoredRun s) {
        try {
            JsonNode n = new ObjectMapper().readTree(s.payloadJson()).get("result");
            return n == null || !n.isObject() ? null : RunResult.fromJson(n.toString());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private VllmResultExport vllm() {
        VllmResultExport x = VllmResultExport.options().withDetailed(detailed);
        try {
            x = x.withPercentileMetrics(percentileMetrics.split("\\s*,\\s*"));
        } catch (IllegalArgumentException e) {
            throw new UserError("--percentile-metrics: " + e.getMessage(), e);
        }
        try {
            x = x.withPercentiles(java.util.Arrays.stream(metricPercentiles.split("\\s*,\\s*"))
                    .mapToDouble(Double::parseDouble).toArray());
        } catch (IllegalArgumentException e) {
            throw new UserError("--metric-percentiles: expected numbers in (0, 100] such as 50,90,99, was '"
                    + metricPercentiles + "'", e);
        }
        if (goodput != null) {
            Map<String, Double> g = new LinkedHashMap<>();
            for (String kv : goodput.split("\\s*,\\s*")) {
                String[] p = kv.split(":");
                try {
                    g.put(p[0].trim(), Double.parseDouble(p[1].trim()));
                } catch (RuntimeException e) {
                    throw new UserError("--goodput: expected KEY:MILLISECONDS pairs such as ttft:1000,tpot:200, was '"
                            + kv + "'", e);
                }
            }
            try {
                x = x.withGoodput(g);
            } catch (IllegalArgumentException e) {
                throw new UserError("--goodput: " + e.getMessage(), e);
            }
        }
        if (backend != null) {
            x = x.withBackend(backend);
        }
        if (label != null) {
            x = x.withLabel(label);
        }
        return x;
    }

    private void write(List<String> jsonLines) {
        withWriter(w -> {
            try {
                for (String l : jsonLines) {
                    w.write(l);
                    w.write('\n');
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private void withWriter(java.util.function.Consumer<Writer> body) {
        if (output == null) {
            PrintWriter o = spec.commandLine().getOut();
            body.accept(o);
            o.flush();
            return;
        }
        try {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                body.accept(w);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + output + ": " + e.getMessage(), e);
        }
        spec.commandLine().getErr().println("written to " + output);
    }
}
