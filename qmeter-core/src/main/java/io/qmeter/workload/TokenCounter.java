package io.qmeter.workload;

/**
 * Counts the tokens of a text, for workloads that replay text (ShareGPT). Plug in a real tokenizer
 * when exact counts matter; the default {@link #estimate()} assumes about 4 characters per token
 * (OpenAI's rule of thumb for English), so expect ±25 % against a real tokenizer.
 *
 * <pre>{@code
 * TokenCounter c = TokenCounter.estimate();
 * int n = c.count("Hello, world");   // 3
 * }</pre>
 */
@FunctionalInterface
public interface TokenCounter {

    /**
     * Counts tokens.
     *
     * @param text the text
     * @return its length in tokens, ≥ 0
     */
    int count(String text);

    /**
     * The default estimate: {@code ceil(chars / 4)}, where chars are Unicode code points.
     *
     * @return the estimating counter
     */
    static TokenCounter estimate() {
        return text -> (text.codePointCount(0, text.length()) + 3) / 4;
    }
}
