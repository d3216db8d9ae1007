package io.qmeter.engines.process;

import io.qmeter.engines.FatalPattern;
import java.util.Objects;

/**
 * A log line that matched one of the engine's {@link FatalPattern}s.
 *
 * <pre>{@code
 * p.fatal().ifPresent(m -> System.out.println(m.pattern().kind() + ": " + m.line()));
 * }</pre>
 *
 * @param pattern the pattern that matched (first match wins)
 * @param line    the log line
 */
public record FatalMatch(FatalPattern pattern, String line) {

    /** Validates. */
    public FatalMatch {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(line, "line");
    }
}
