package io.qmeter.eval;

import io.qmeter.quality.QualityException;

/**
 * The server cannot return the log-probabilities of prompt tokens ({@code echo} with
 * {@code logprobs} on {@code /v1/completions}), so log-likelihood scoring (multiple choice by
 * log-likelihood, perplexity) is refused instead of scoring at chance. {@link #reason()} says what
 * the server did; the message also says what to do.
 *
 * <pre>{@code
 * try { bench.run(handle, opts); }
 * catch (PromptLogprobsUnsupportedException e) { bench.withMode(MultipleChoiceBenchmark.Mode.GENERATE).run(handle, opts); }
 * }</pre>
 */
public class PromptLogprobsUnsupportedException extends QualityException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    /**
     * An exception.
     *
     * @param message the whole message: which server, what it did, what to do
     * @param reason  what the server did, in one line
     */
    public PromptLogprobsUnsupportedException(String message, String reason) {
        super(message);
        this.reason = reason;
    }

    /**
     * What the server did instead of returning prompt log-probabilities.
     *
     * @return the reason, one line
     */
    public String reason() {
        return reason;
    }
}
