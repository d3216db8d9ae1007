package io.qmeter.workload;

import java.util.Arrays;
import java.util.Objects;

/**
 * One prompt to send: its text or its token ids, how many input tokens it is expected to have,
 * how many output tokens to ask for, and an optional reference answer for quality scoring.
 *
 * <p>Exactly one of {@code text} and {@code tokenIds} is set. Token-id prompts make the input
 * length exact (the server does not re-tokenize them).
 *
 * <pre>{@code
 * PromptSpec p = PromptSpec.ofTokens(new int[] {1, 15043, 3186}, 128);
 * PromptSpec q = PromptSpec.ofText("Hello", 5, 64);
 * }</pre>
 *
 * @param text            prompt text, or {@code null} when {@code tokenIds} is given
 * @param tokenIds        prompt token ids, or {@code null} when {@code text} is given
 * @param inputTokens     expected input length in tokens (exact for token ids, estimated for text)
 * @param outputTokens    output tokens to request ({@code max_tokens}), at least 1
 * @param reference       reference answer, or {@code null}
 */
public record PromptSpec(String text, int[] tokenIds, int inputTokens, int outputTokens, String reference) {

    /** Validates that exactly one prompt form is present and lengths are positive. */
    public PromptSpec {
        if ((text == null) == (tokenIds == null)) {
            throw new IllegalArgumentException("exactly one of text and tokenIds must be set, was "
                    + (text == null ? "neither" : "both"));
        }
        if (inputTokens < 0) {
            throw new IllegalArgumentException("inputTokens must be >= 0, was " + inputTokens);
        }
        if (outputTokens < 1) {
            throw new IllegalArgumentException("outputTokens must be >= 1, was " + outputTokens);
        }
        if (tokenIds != null) {
            tokenIds = tokenIds.clone();
        }
    }

    /**
     * A prompt given as token ids; its input length is exactly {@code tokenIds.length}.
     *
     * @param tokenIds     token ids
     * @param outputTokens output tokens to request
     * @return the prompt
     */
    public static PromptSpec ofTokens(int[] tokenIds, int outputTokens) {
        Objects.requireNonNull(tokenIds, "tokenIds");
        return new PromptSpec(null, tokenIds, tokenIds.length, outputTokens, null);
    }

    /**
     * A prompt given as text.
     *
     * @param text         the prompt
     * @param inputTokens  its expected length in tokens
     * @param outputTokens output tokens to request
     * @return the prompt
     */
    public static PromptSpec ofText(String text, int inputTokens, int outputTokens) {
        return new PromptSpec(Objects.requireNonNull(text, "text"), null, inputTokens, outputTokens, null);
    }

    /**
     * Returns a copy of the token ids (never the internal array), or {@code null}.
     *
     * @return the token ids or {@code null}
     */
    @Override
    public int[] tokenIds() {
        return tokenIds == null ? null : tokenIds.clone();
    }

    /**
     * Whether the prompt is given as token ids.
     *
     * @return true for a token-id prompt
     */
    public boolean isTokens() {
        return tokenIds != null;
    }

    /**
     * A copy with a reference answer.
     *
     * @param reference the reference answer
     * @return the copy
     */
    public PromptSpec withReference(String reference) {
        return new PromptSpec(text, tokenIds, inputTokens, outputTokens, reference);
    }

    /**
     * A copy requesting another output length.
     *
     * @param outputTokens output tokens to request
     * @return the copy
     */
    public PromptSpec withOutputTokens(int outputTokens) {
        return new PromptSpec(text, tokenIds, inputTokens, outputTokens, reference);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PromptSpec p && Objects.equals(text, p.text) && Arrays.equals(tokenIds, p.tokenIds)
                && inputTokens == p.inputTokens && outputTokens == p.outputTokens
                && Objects.equals(reference, p.reference);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text, Arrays.hashCode(tokenIds), inputTokens, outputTokens, reference);
    }

    @Override
    public String toString() {
        return "PromptSpec[" + (text != null ? "text(" + text.length() + " chars)" : "tokens(" + tokenIds.length + ")")
                + ", inputTokens=" + inputTokens + ", outputTokens=" + outputTokens + "]";
    }
}
