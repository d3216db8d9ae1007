package io.qmeter.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks shared by the builders, with the messages the house style asks for
 * ("name must be &gt; 0, was PT-1S").
 *
 * <pre>{@code
 * this.timeout = Checks.positive("idleTimeout", timeout);
 * }</pre>
 */
public final class Checks {

    private Checks() {
    }

    /**
     * Requires a strictly positive duration.
     *
     * @param name the field's name, for the message
     * @param d    the value
     * @return {@code d}
     * @throws NullPointerException     when {@code d} is null (message: the name)
     * @throws IllegalArgumentException when {@code d} is zero or negative
     */
    public static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, was " + d);
        }
        return d;
    }
}
