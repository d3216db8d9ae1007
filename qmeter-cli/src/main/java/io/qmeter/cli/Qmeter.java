package io.qmeter.cli;

import io.qmeter.sweep.PlanException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The {@code qmeter} command: runs JSON plans, single load runs and saturation searches against
 * any OpenAI-compatible server, exports stored results (CSV, JSON Lines, vLLM's result JSON),
 * reports the quantization catalogue and the GPU's energy support, and runs plans on a GPU cluster
 * ({@code run-point}, {@code cluster dry-run|submit|progress|cancel} through Slurm or Kubernetes). {@code java -jar
 * qmeter-cli-<version>-all.jar --help} lists the commands; {@code docs/cli.md} has the details.
 *
 * <p>Exit codes ({@link ExitCodes}): 0 ok, 1 runs failed or are invalid, 2 bad input (the message
 * names the option or the plan field and its line:column; no stack trace unless {@code --verbose}),
 * 130 interrupted by Ctrl-C.
 *
 * <pre>{@code
 * int code = Qmeter.execute(new String[] {"engines"}, out, err);
 * }</pre>
 */
@Command(name = "qmeter", mixinStandardHelpOptions = true, versionProvider = Qmeter.Version.class,
        description = "Characterizes LLM serving: latency under open-loop load, saturation points, energy per "
                + "token and quality, against any OpenAI-compatible server.",
        subcommands = {RunCommand.class, LoadCommand.class, SearchCommand.class, ReportCommand.class, ExportCommand.class,
                EnginesCommand.class, CheckGpuCommand.class, RunPointCommand.class, ClusterCommand.class,
                HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 runs failed or are invalid, 2 bad input, 130 interrupted (Ctrl-C).",
                "The JSON plan format: qmeter help plan"})
public final class Qmeter implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show stack traces of errors (a user error shows only its message otherwise).")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The environment, Slurm runner, Kubernetes client and clock the subcommands use. */
    final CliContext context;

    /** Creates the root command (picocli instantiates it). */
    public Qmeter() {
        this(CliContext.system());
    }

    Qmeter(CliContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs the command and exits the JVM with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        if (java.util.Arrays.asList(args).contains("--verbose")
                && System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(execute(args, out, err));
    }

    /**
     * Runs the command in this JVM (tests, embedding) and returns its exit code.
     *
     * @param args the command line
     * @param out  standard output
     * @param err  standard error
     * @return the exit code ({@link ExitCodes})
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return commandLine(out, err).execute(args);
    }

    /**
     * The configured command line: exceptions become exit codes and short messages.
     *
     * @param out standard output
     * @param err standard error
     * @return the command line
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, CliContext.system());
    }

    /** The command line over another environment (tests: a fake Slurm, a mock Kubernetes API, a moved clock). */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, CliContext context) {
        CommandLine cl = new CommandLine(new Qmeter(context));
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Qmeter::handle);
        return cl;
    }

    private static int handle(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = verbose(parsed);
        int code;
        String message;
        if (isUserError(e)) {
            code = ExitCodes.BAD_INPUT;
            message = e.getMessage();
        } else {
            code = ExitCodes.FAILED;
            message = "failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
        }
        err.println("qmeter " + cl.getCommandName() + ": " + message);
        if (verbose) {
            StringWriter sw = new StringWriter();
            e.printStackTrace(new PrintWriter(sw));
            err.print(sw);
        } else if (code != ExitCodes.BAD_INPUT) {
            err.println("(run with --verbose for the stack trace)");
        }
        err.flush();
        return code;
    }

    /** Bad input: our own, an invalid plan, a builder's validation, a missing file. */
    static boolean isUserError(Throwable e) {
        return e instanceof UserError || e instanceof PlanException || e instanceof IllegalArgumentException
                || e instanceof NoSuchFileException
                || (e instanceof UncheckedIOException u && u.getCause() instanceof NoSuchFileException);
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** The version from the jar's manifest ({@code Implementation-Version}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Qmeter.class.getPackage().getImplementationVersion();
            return new String[] {"qmeter " + (v == null ? "(development build)" : v),
                    "Java " + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                            + System.getProperty("os.arch")};
        }
    }
}
