package io.qmeter.cli;

import io.qmeter.LoadRunBuilder;
import io.qmeter.QMeter;
import io.qmeter.workload.Workload;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The server, model and workload options that {@code load} and {@code search} share.
 *
 * <pre>{@code
 * LoadRunBuilder b = target.base();   // load(url).model(m).workload(...)
 * }</pre>
 */
public final class TargetOptions {

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "Base URL of the OpenAI-compatible server, e.g. http://127.0.0.1:8000")
    String url;

    @Option(names = "--model", required = true, description = "Model name as the server knows it.")
    String model;

    @Option(names = "--input-tokens", defaultValue = "331", paramLabel = "N",
            description = "Prompt length in tokens (default: ${DEFAULT-VALUE}, the seed's ShareGPT mean).")
    int inputTokens;

    @Option(names = "--output-tokens", defaultValue = "231", paramLabel = "N",
            description = "Output length in tokens (default: ${DEFAULT-VALUE}).")
    int outputTokens;

    @Option(names = "--lengths", defaultValue = "fixed", paramLabel = "KIND",
            description = "fixed (every request exactly the lengths above) or sharegpt-like (ShareGPT-shaped "
                    + "lengths with those means; default: ${DEFAULT-VALUE}).")
    String lengths;

    @Option(names = "--dataset", paramLabel = "FILE",
            description = "A ShareGPT JSON file to take prompts from instead of synthetic ones.")
    Path dataset;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of workload and arrivals (default: ${DEFAULT-VALUE}).")
    long seed;

    /** Creates the options (picocli instantiates them). */
    public TargetOptions() {
    }

    /**
     * The workload the options describe.
     *
     * @return the workload
     * @throws UserError naming the option when a value is out of range
     */
    Workload workload() {
        if (dataset != null) {
            if (!Files.isRegularFile(dataset)) {
                throw new UserError("--dataset: no file " + dataset + "; give a ShareGPT JSON file");
            }
            return QMeter.sharegpt(dataset);
        }
        if (inputTokens < 1) {
            throw new UserError("--input-tokens: expected an integer >= 1, was " + inputTokens);
        }
        if (outputTokens < 1) {
            throw new UserError("--output-tokens: expected an integer >= 1, was " + outputTokens);
        }
        return switch (lengths.toLowerCase(java.util.Locale.ROOT)) {
            case "fixed" -> QMeter.synthetic(inputTokens, outputTokens);
            case "sharegpt-like" -> QMeter.sharegptLike(inputTokens, outputTokens);
            default -> throw new UserError("--lengths: expected fixed or sharegpt-like, was '" + lengths + "'");
        };
    }

    /**
     * The load builder: server, model, workload and seed.
     *
     * @return the builder
     */
    LoadRunBuilder base() {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new UserError("--url: expected a URL such as http://127.0.0.1:8000, was '" + url + "'", e);
        }
        if (u.getScheme() == null || u.getHost() == null
                || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
            throw new UserError("--url: expected an http or https URL such as http://127.0.0.1:8000, was '" + url
                    + "'");
        }
        return QMeter.load(u).model(model).workload(workload()).seed(seed);
    }
}
