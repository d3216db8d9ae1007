package io.qmeter.engines;

import java.util.Objects;

/**
 * Whether an engine can serve a configuration, and why not.
 *
 * <pre>{@code
 * Support s = dialect.support(config, gpu);
 * if (!s.supported()) System.out.println(s.reason());
 * }</pre>
 *
 * @param supported true when the engine can serve it
 * @param reason    why not (what is needed, what was found, what to do); or, when supported, a note
 *                  such as which seed method an engine-native format stands closest to; may be empty
 */
public record Support(boolean supported, String reason) {

    /** Validates. */
    public Support {
        Objects.requireNonNull(reason, "reason");
        if (!supported && reason.isBlank()) {
            throw new IllegalArgumentException("a refusal must say why");
        }
    }

    /** @param note a note, may be empty @return a yes */
    public static Support yes(String note) {
        return new Support(true, note);
    }

    /** @param reason why not @return a no */
    public static Support no(String reason) {
        return new Support(false, reason);
    }
}
