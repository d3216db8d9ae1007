package io.qmeter.store;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The identity of one run in a sweep: plan, configuration, rate and repetition. A re-run of the
 * same plan maps to the same keys, so the store can skip what is done.
 *
 * <pre>{@code
 * RunKey key = new RunKey("quant-sweep-13b", "vllm-awq-tp1-h100-3f9c2a1b0d", "4rps", 0);
 * }</pre>
 *
 * @param planId          the plan's id: letters, digits, '.', '_', '-', 1 to 200 characters
 * @param configurationId the configuration's id, same alphabet
 * @param rateLabel       the rate's label, for example {@code "4rps"} or {@code "0.8sat"}, same alphabet
 * @param repetition      the repetition, from 0
 */
public record RunKey(String planId, String configurationId, String rateLabel, int repetition)
        implements Comparable<RunKey> {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    /** Validates the key. */
    public RunKey {
        check("planId", planId);
        check("configurationId", configurationId);
        check("rateLabel", rateLabel);
        if (repetition < 0) {
            throw new IllegalArgumentException("repetition must be >= 0, was " + repetition);
        }
    }

    private static void check(String name, String value) {
        Objects.requireNonNull(value, name);
        if (!ID.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " must be 1 to 200 of [A-Za-z0-9._-], was '" + value + "'");
        }
    }

    /**
     * The key as one string, {@code plan/configuration/rate/repetition}; unambiguous because the
     * parts cannot contain '/'.
     *
     * @return the string
     */
    public String asString() {
        return planId + "/" + configurationId + "/" + rateLabel + "/" + repetition;
    }

    /**
     * Parses {@link #asString()}.
     *
     * @param text {@code plan/configuration/rate/repetition}
     * @return the key
     * @throws IllegalArgumentException when the text has not four parts or a part is invalid
     */
    public static RunKey parse(String text) {
        String[] p = Objects.requireNonNull(text, "text").split("/", -1);
        if (p.length != 4) {
            throw new IllegalArgumentException("a run key is plan/configuration/rate/repetition, was '" + text + "'");
        }
        try {
            return new RunKey(p[0], p[1], p[2], Integer.parseInt(p[3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a run key's repetition must be an integer, was '" + p[3] + "'", e);
        }
    }

    @Override
    public int compareTo(RunKey o) {
        int c = planId.compareTo(o.planId);
        if (c == 0) {
            c = configurationId.compareTo(o.configurationId);
        }
        if (c == 0) {
            c = rateLabel.compareTo(o.rateLabel);
        }
        return c != 0 ? c : Integer.compare(repetition, o.repetition);
    }

    @Override
    public String toString() {
        return asString();
    }
}
