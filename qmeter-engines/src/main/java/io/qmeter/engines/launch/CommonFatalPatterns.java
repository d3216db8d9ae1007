package io.qmeter.engines.launch;

import io.qmeter.engines.FailureKind;
import io.qmeter.engines.FatalPattern;
import io.qmeter.engines.process.FatalMatch;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Log lines that mean the same thing whatever the engine, used to name the cause of an exit when
 * none of the dialect's own {@link io.qmeter.engines.EngineDialect#fatalPatterns()} matched (the
 * dialect's patterns always win). Matched against the log tail only after the process exited.
 *
 * <pre>{@code
 * Optional<FatalMatch> m = CommonFatalPatterns.classify(List.of("OSError: [Errno 98] Address already in use"));
 * }</pre>
 */
public final class CommonFatalPatterns {

    /** The patterns, in the order they are tried. */
    public static final List<FatalPattern> ALL = List.of(
            new FatalPattern(Pattern.compile("(?i)address already in use|EADDRINUSE|couldn't bind|could not bind"),
                    FailureKind.ADDRESS_IN_USE, "another process listens on the port: stop it or choose another port "
                            + "(port 0 picks a free one)"),
            new FatalPattern(Pattern.compile("(?i)CUDA out of memory|CUDA error: out of memory|cudaMalloc failed"
                    + "|torch\\.OutOfMemoryError|not enough memory"), FailureKind.OUT_OF_MEMORY,
                    "the model or its KV cache does not fit: lower the context length or concurrency, use a "
                            + "smaller quantization or more GPUs"),
            new FatalPattern(Pattern.compile("NCCL error|ncclInternalError|ncclSystemError|ncclUnhandledCudaError"),
                    FailureKind.NCCL, "check the GPUs' interconnect and NCCL settings (NCCL_DEBUG=INFO), or lower "
                            + "the tensor-parallel degree"),
            new FatalPattern(Pattern.compile("(?i)unrecognized arguments?|unrecognised arguments?|unknown argument"
                    + "|invalid argument|unrecognized option|unknown option|error: argument |No such option"),
                    FailureKind.BAD_ARGUMENT, "the engine refused its command line: check the engine version "
                            + "against the flags qMeter generates, and any extra arguments"),
            new FatalPattern(Pattern.compile("(?i)FileNotFoundError|No such file or directory|failed to load model"
                    + "|Repository Not Found|is not a local folder and is not a valid model"),
                    FailureKind.MODEL_NOT_FOUND, "check the model path or name, and that it is readable here"));

    private CommonFatalPatterns() {
    }

    /**
     * The first pattern (in {@link #ALL}'s order) that any of these lines matches.
     *
     * @param lines log lines
     * @return the pattern with the line it matched, or empty
     */
    public static Optional<FatalMatch> classify(List<String> lines) {
        for (FatalPattern p : ALL) {
            for (String l : lines) {
                if (p.matches(l)) {
                    return Optional.of(new FatalMatch(p, l));
                }
            }
        }
        return Optional.empty();
    }
}
