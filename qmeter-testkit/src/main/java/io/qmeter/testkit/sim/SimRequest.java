package io.qmeter.testkit.sim;

/**
 * A request as the simulated scheduler sees it: how long its prompt is and how many tokens it may
 * produce.
 *
 * <pre>{@code
 * SimRequest r = new SimRequest(331, 231, true, 42L);
 * }</pre>
 *
 * @param promptTokens prompt length in tokens (after tokenization), at least 1
 * @param maxTokens    the most output tokens to produce, at least 1
 * @param ignoreEos    true: produce exactly {@code maxTokens}; false: the request may stop earlier
 *                     at a seeded "natural" end of sequence
 * @param seed         per-request seed (natural length, token ids)
 */
public record SimRequest(int promptTokens, int maxTokens, boolean ignoreEos, long seed) {

    /** Validates the lengths. */
    public SimRequest {
        if (promptTokens < 1) {
            throw new IllegalArgumentException("promptTokens must be >= 1, was " + promptTokens);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
        }
    }
}
