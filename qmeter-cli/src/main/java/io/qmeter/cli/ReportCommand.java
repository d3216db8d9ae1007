package io.qmeter.cli;

import io.qmeter.analysis.report.HtmlReport;
import io.qmeter.store.ResultStore;
import io.qmeter.store.StoredRun;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code qmeter report results.db -o report.html}: one self-contained HTML file of a store's runs
 * ({@link HtmlReport}: figures inline, tables, each run's client self-check, failed and invalid runs
 * with their causes).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Writes one self-contained HTML report (figures inline) of the runs in a result store.",
        footer = {"", "Examples:", "  qmeter report results.db -o report.html",
                "  qmeter report results.db --plan quantization-study-13b-h100 -o study.html",
                "  QMETER_PG_PASSWORD=... qmeter report jdbc:postgresql://db:5432/qmeter --plan P -o p.html",
                "What each figure shows: docs/report.md.",
                "Exit codes: 0 written, 2 bad input (no store, no such plan, the file cannot be written)."})
public final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "STORE",
            description = "The result store: an SQLite file written by qmeter run, or a jdbc:postgresql:// URL.")
    String storeLocation;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "report.html",
            description = "The HTML file to write (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--plan", paramLabel = "ID", description = "Only the runs of this plan (default: every plan).")
    String plan;

    @Option(names = "--title", paramLabel = "TEXT", description = "The report's title.")
    String title;

    @CommandLine.Mixin
    StoreOptions storeOptions = new StoreOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The picocli constructor. */
    public ReportCommand() {
    }

    @Override
    public Integer call() {
        if (!StoreOptions.isPostgres(storeLocation) && !Files.isRegularFile(Path.of(storeLocation))) {
            throw new UserError("STORE: no result store " + storeLocation + "; give the file qmeter run wrote "
                    + "(--store of qmeter run) or a jdbc:postgresql:// URL");
        }
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        Path written;
        int runs;
        try (ResultStore store = storeOptions.open("STORE", storeLocation, CliContext.of(spec).env())) {
            List<StoredRun> all = plan == null ? store.list() : store.findByPlan(plan);
            runs = all.size();
            if (plan == null && runs == 0) {
                throw new UserError("STORE: " + storeLocation + " holds no runs; run a plan into it first");
            }
            // an unknown plan: the report refuses it, listing the plans the store holds
            HtmlReport r = HtmlReport.of(store);
            if (plan != null) {
                r = r.plan(plan);
            }
            if (title != null) {
                r = r.title(title);
            }
            written = r.writeTo(output);
        } catch (UncheckedIOException e) {
            throw new UserError("-o: cannot write " + output + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserError((plan != null ? "--plan: " : "STORE: ") + e.getMessage(), e);
        }
        out.printf(Locale.ROOT, "HTML report of %d runs: %s (%.1f s)%n", runs, written.toAbsolutePath(),
                (System.nanoTime() - t0) / 1e9);
        out.flush();
        return ExitCodes.OK;
    }
}
