package io.qmeter.engines;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A log line that means the engine cannot go on, with what it means and what to do.
 *
 * <pre>{@code
 * new FatalPattern(Pattern.compile("CUDA out of memory"), FailureKind.OUT_OF_MEMORY,
 *         "lower --gpu-memory-utilization or the context length, or use more GPUs");
 * }</pre>
 *
 * @param pattern a pattern searched for (find, not match) in each log line
 * @param kind    the failure it stands for
 * @param advice  what the user can do about it
 */
public record FatalPattern(Pattern pattern, FailureKind kind, String advice) {

    /** Validates. */
    public FatalPattern {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(advice, "advice");
    }

    /**
     * Whether this line shows the failure.
     *
     * @param line one log line
     * @return true when the pattern is found in it
     */
    public boolean matches(String line) {
        return pattern.matcher(line).find();
    }
}
