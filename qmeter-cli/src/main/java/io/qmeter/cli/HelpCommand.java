package io.qmeter.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code qmeter help [COMMAND | plan]}: a command's options, or the JSON plan schema (the text of
 * {@code docs/plan-schema.md}, packaged in the jar).
 */
@Command(name = "help", helpCommand = true,
        description = "Shows the help of a command, or the JSON plan schema: qmeter help plan")
public final class HelpCommand implements Callable<Integer> {

    /** The resource holding the plan schema (copied from docs/plan-schema.md by the build). */
    static final String PLAN_SCHEMA = "/io/qmeter/cli/plan-schema.md";

    @Parameters(arity = "0..1", paramLabel = "TOPIC", description = "A command name, or 'plan' for the JSON plan schema.")
    String topic;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public HelpCommand() {
    }

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        if (topic == null) {
            root.usage(spec.commandLine().getOut());
            return ExitCodes.OK;
        }
        if (topic.equalsIgnoreCase("plan") || topic.equalsIgnoreCase("plan-schema")) {
            spec.commandLine().getOut().print(planSchema());
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
        CommandLine sub = root.getSubcommands().get(topic);
        if (sub == null) {
            throw new UserError("unknown help topic '" + topic + "': expected 'plan' or one of "
                    + root.getSubcommands().keySet());
        }
        sub.usage(spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    /**
     * The plan schema as Markdown.
     *
     * @return the text of docs/plan-schema.md
     */
    static String planSchema() {
        try (InputStream in = HelpCommand.class.getResourceAsStream(PLAN_SCHEMA)) {
            if (in == null) {
                return "The plan schema is in docs/plan-schema.md (this build did not package it).\n";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
