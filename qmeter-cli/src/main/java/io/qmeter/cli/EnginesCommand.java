package io.qmeter.cli;

import io.qmeter.engine.EngineFactory;
import io.qmeter.engines.EngineCatalog;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code qmeter engines}: the engine kinds a plan can name (registered {@link EngineFactory}s) and
 * the quantization catalogue ({@link EngineCatalog}): each method's bits and how each engine runs
 * it, and llama.cpp's GGUF types.
 */
@Command(name = "engines", mixinStandardHelpOptions = true,
        description = "Lists the engine kinds a plan can name and the quantization catalogue per engine.")
public final class EnginesCommand implements Callable<Integer> {

    @Option(names = "--gguf", description = "Also list llama.cpp's GGUF types and their closest seed method.")
    boolean gguf;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public EnginesCommand() {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Engine kinds (the plan's \"engine\"):");
        for (EngineFactory f : EngineFactory.available()) {
            out.println("  " + f.name());
        }
        out.println();
        out.println("Quantization methods (the plan's \"quantization\") and how each engine runs them:");
        out.println();
        out.print(EngineCatalog.methodTable());
        if (gguf) {
            out.println();
            out.println("llama.cpp GGUF types:");
            out.println();
            out.print(EngineCatalog.ggufTable());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
