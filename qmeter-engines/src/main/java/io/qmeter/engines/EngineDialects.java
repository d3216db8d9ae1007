package io.qmeter.engines;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The engine dialects qMeter knows.
 *
 * <pre>{@code
 * EngineDialect d = EngineDialects.find("llama.cpp");
 * }</pre>
 */
public final class EngineDialects {

    private EngineDialects() {
    }

    /**
     * Every built-in dialect.
     *
     * @return the dialects
     */
    public static List<EngineDialect> all() {
        return List.of(); // filled in by the catalogue work
    }

    /**
     * The dialect of this name (case-insensitive; {@code llamacpp} and {@code llama.cpp} are one).
     *
     * @param name the engine kind
     * @return the dialect
     * @throws IllegalArgumentException listing the known names when none matches
     */
    public static EngineDialect find(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.toLowerCase(Locale.ROOT).replace("llamacpp", "llama.cpp");
        for (EngineDialect d : all()) {
            if (d.name().equals(n)) {
                return d;
            }
        }
        throw new IllegalArgumentException("engine must be one of " + all().stream().map(EngineDialect::name).toList()
                + ", was '" + name + "'");
    }
}
