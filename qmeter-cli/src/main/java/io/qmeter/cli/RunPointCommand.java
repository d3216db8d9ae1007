package io.qmeter.cli;

import io.qmeter.cluster.RunPoint;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code qmeter run-point --plan plan.json --index N --store jdbc:postgresql://..}: runs one
 * configuration of a plan exactly once across a cluster (a Slurm array task, a Kubernetes pod),
 * delegating to {@link RunPoint}: claims it in the shared store, runs it, releases the claim.
 */
@Command(name = "run-point", mixinStandardHelpOptions = true,
        description = {"Runs one configuration of a plan on this node, exactly once across a cluster: claims it in "
                + "the shared PostgreSQL store, runs its engine start, quality steps, saturation search and rate "
                + "sweep, stores every point, releases the claim. A configuration whose points are all stored is "
                + "skipped; one held by a live task is left to it.",
                "Prints CLAIMED, DONE <run key> <status>, RELEASED (or COMPLETE, HELD, LOST) lines. SIGTERM "
                        + "(scancel, a pod deletion) stops the run and releases the claim."},
        footer = {"", "The store's password comes from QMETER_PG_PASSWORD or a file (--password-file, "
                + "QMETER_PG_PASSWORD_FILE), never from the command line.",
                "Example: qmeter run-point --plan plan.json --index $SLURM_ARRAY_TASK_ID "
                        + "--store jdbc:postgresql://db:5432/qmeter --user qmeter",
                "Exit codes: 0 ran, already complete or held by another task; 1 failed, or the lease was lost "
                        + "(another task took the configuration over); 2 bad input."})
public final class RunPointCommand implements Callable<Integer> {

    @Option(names = "--plan", required = true, paramLabel = "FILE",
            description = "The plan file (the same on every node).")
    Path plan;

    @Option(names = "--index", required = true, paramLabel = "N",
            description = "The configuration's 0-based index in the plan (with --indices: an index into that list).")
    int index;

    @Option(names = "--indices", paramLabel = "I,J,..", split = ",",
            description = "Plan indices that --index picks from (a Kubernetes Job of one GPU shape).")
    List<Integer> indices;

    @Option(names = "--store", paramLabel = "URL",
            description = "The shared store, jdbc:postgresql://host:5432/db (else QMETER_PG_URL).")
    String store;

    @CommandLine.Mixin
    StoreOptions storeOptions = new StoreOptions();

    @Option(names = "--lease", defaultValue = "2m", paramLabel = "DURATION",
            description = "How long a claim lasts without renewal (default: ${DEFAULT-VALUE}).")
    String lease;

    @Option(names = "--renew", defaultValue = "30s", paramLabel = "DURATION",
            description = "How often the lease is renewed, shorter than --lease (default: ${DEFAULT-VALUE}).")
    String renew;

    @Option(names = "--wait", defaultValue = "0s", paramLabel = "DURATION",
            description = "How long to wait for a claim another task holds (default: ${DEFAULT-VALUE}).")
    String waitForClaim;

    @Option(names = "--failed", defaultValue = "skip", paramLabel = "skip|retry",
            description = "Points stored as FAILED: skip them like OK ones, or run them again (default: "
                    + "${DEFAULT-VALUE}). Points stored as CANCELLED always run again.")
    String failed;

    @Option(names = "--max-attempts", defaultValue = "3", paramLabel = "N",
            description = "Attempts per point before it is stored as failed (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--client-check", paramLabel = "LAG,RATE",
            description = "The client self-check: largest p99 schedule lag and smallest achieved / target rate, "
                    + "e.g. 5ms,0.95.")
    String clientCheck;

    @Option(names = "--node", paramLabel = "NAME",
            description = "This node's name for progress (default: SLURMD_NODENAME, NODE_NAME or the host name).")
    String node;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public RunPointCommand() {
    }

    @Override
    public Integer call() {
        List<String> args = arguments();
        CliContext ctx = CliContext.of(spec);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int rc;
        try (PrintStream o = new PrintStream(new WriterStream(out), true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(new WriterStream(err), true, StandardCharsets.UTF_8)) {
            rc = RunPoint.execute(args.toArray(String[]::new), ctx.env(), o, e);
        }
        if (rc == RunPoint.EXIT_USAGE) {
            return ExitCodes.BAD_INPUT;
        }
        if (rc == RunPoint.EXIT_LEASE_LOST) {
            err.println("qmeter run-point: the lease was lost; the task that took the configuration over runs the rest");
            err.flush();
            return ExitCodes.FAILED;
        }
        return rc == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** RunPoint's arguments, every value checked here first so that an error names the option. */
    List<String> arguments() {
        if (index < 0) {
            throw new UserError("--index: expected an integer >= 0, was " + index);
        }
        if (indices != null && index >= indices.size()) {
            throw new UserError("--index: " + index + " is outside --indices " + indices + " (0.." + (indices.size() - 1)
                    + ")");
        }
        if (maxAttempts < 1) {
            throw new UserError("--max-attempts: expected an integer >= 1, was " + maxAttempts);
        }
        Duration l = CliValues.duration("--lease", lease);
        Duration r = CliValues.duration("--renew", renew);
        Duration w = CliValues.duration("--wait", waitForClaim);
        if (l.isZero() || r.isZero() || r.compareTo(l) >= 0) {
            throw new UserError("--renew: expected 0 < --renew < --lease, was --renew " + renew + " and --lease " + lease);
        }
        String policy = failed.toLowerCase(Locale.ROOT);
        if (!policy.equals("skip") && !policy.equals("retry")) {
            throw new UserError("--failed: expected skip or retry, was " + failed);
        }
        // resolves the store and password now (errors name the option); RunPoint reads them again from
        // the same arguments and environment, so the password never becomes an argument
        var access = storeOptions.access("--store", java.util.Optional.ofNullable(store), CliContext.of(spec).env());
        List<String> a = new ArrayList<>(List.of("--plan", plan.toString(), "--index", Integer.toString(index),
                "--store", access.url(), "--user", access.user(), "--lease", l.toString(), "--renew", r.toString(),
                "--wait", w.toString(), "--failed", policy, "--max-attempts", Integer.toString(maxAttempts)));
        if (storeOptions.passwordFile != null) {
            a.addAll(List.of("--password-file", storeOptions.passwordFile.toString()));
        }
        if (indices != null) {
            a.addAll(List.of("--indices", String.join(",", indices.stream().map(String::valueOf).toList())));
        }
        if (clientCheck != null) {
            String[] p = clientCheck.split(",");
            if (p.length != 2) {
                throw new UserError("--client-check: expected LAG,RATE like 5ms,0.95, was " + clientCheck);
            }
            Duration lag = CliValues.duration("--client-check", p[0]);
            double rate;
            try {
                rate = Double.parseDouble(p[1].strip());
            } catch (NumberFormatException e) {
                throw new UserError("--client-check: expected a rate fraction in (0, 1] after the comma, was " + p[1]);
            }
            if (!(rate > 0 && rate <= 1)) {
                throw new UserError("--client-check: expected a rate fraction in (0, 1], was " + p[1]);
            }
            a.addAll(List.of("--client-check", lag + "," + rate));
        }
        if (node != null) {
            a.addAll(List.of("--node", node));
        }
        return a;
    }

    /** Bytes printed by RunPoint, decoded as UTF-8 onto the command's writer at each flush. */
    static final class WriterStream extends OutputStream {
        private final PrintWriter writer;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        WriterStream(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public synchronized void write(int b) {
            buffer.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            buffer.write(b, off, len);
        }

        @Override
        public synchronized void flush() {
            writer.print(buffer.toString(StandardCharsets.UTF_8));
            buffer.reset();
            writer.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
