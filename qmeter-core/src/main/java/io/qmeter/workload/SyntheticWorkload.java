package io.qmeter.workload;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * An endless synthetic workload: prompts of random token ids (so the input length is exact), with
 * fixed or distributed input and output lengths, all seeded. Send them with {@code ignore_eos} so
 * the output length is exact too. Token ids are drawn uniformly from
 * {@code [minTokenId, maxTokenIdExclusive)}; the default {@code [1000, 30000)} avoids the special and
 * byte-fallback ids at the bottom of Llama-family vocabularies and stays inside a 32,000-token
 * vocabulary (and below Llama-3's specials at 128,000).
 *
 * <pre>{@code
 * Workload fixed = SyntheticWorkload.fixed(331, 231);
 * Workload spread = SyntheticWorkload.of(LengthDistribution.uniform(100, 500), LengthDistribution.fixed(128));
 * Workload like = SyntheticWorkload.sharegptLike(331, 231);
 * }</pre>
 *
 * @param name                a name for results
 * @param input               input length distribution
 * @param output              output length distribution
 * @param minTokenId          smallest token id used
 * @param maxTokenIdExclusive one past the largest token id used
 */
public record SyntheticWorkload(String name, LengthDistribution input, LengthDistribution output, int minTokenId,
                                int maxTokenIdExclusive) implements Workload {

    /** Default smallest token id. */
    public static final int DEFAULT_MIN_TOKEN_ID = 1000;
    /** Default token id bound (exclusive). */
    public static final int DEFAULT_MAX_TOKEN_ID = 30_000;

    /** Validates the parameters. */
    public SyntheticWorkload {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        if (minTokenId < 0) {
            throw new IllegalArgumentException("minTokenId must be >= 0, was " + minTokenId);
        }
        if (maxTokenIdExclusive <= minTokenId) {
            throw new IllegalArgumentException("maxTokenIdExclusive must be > minTokenId (" + minTokenId
                    + "), was " + maxTokenIdExclusive);
        }
    }

    /**
     * Fixed lengths.
     *
     * @param inputTokens  prompt length, ≥ 1
     * @param outputTokens output length, ≥ 1
     * @return the workload
     */
    public static SyntheticWorkload fixed(int inputTokens, int outputTokens) {
        return of(LengthDistribution.fixed(inputTokens), LengthDistribution.fixed(outputTokens));
    }

    /**
     * Distributed lengths.
     *
     * @param input  input lengths
     * @param output output lengths
     * @return the workload
     */
    public static SyntheticWorkload of(LengthDistribution input, LengthDistribution output) {
        return new SyntheticWorkload("synthetic(" + input.label() + "/" + output.label() + ")", input, output,
                DEFAULT_MIN_TOKEN_ID, DEFAULT_MAX_TOKEN_ID);
    }

    /**
     * A ShareGPT-like workload: lognormal input and output lengths with the given means and a
     * coefficient of variation of about 1 (ShareGPT's lengths are heavy-tailed), input and output
     * clamped to {@code [4, 1024]} as vLLM's ShareGPT sampling bounds them. The underlying lognormal
     * is shifted so that the clamped lengths have the requested means (331 and 231 are ShareGPT's on
     * Llama-2's tokenizer).
     *
     * @param meanInputTokens  mean prompt length
     * @param meanOutputTokens mean output length
     * @return the workload
     */
    public static SyntheticWorkload sharegptLike(int meanInputTokens, int meanOutputTokens) {
        return new SyntheticWorkload("sharegpt-like(" + meanInputTokens + "/" + meanOutputTokens + ")",
                LengthDistribution.lognormalWithClampedMean(meanInputTokens, 1.0, 4, 1024),
                LengthDistribution.lognormalWithClampedMean(meanOutputTokens, 1.0, 4, 1024),
                DEFAULT_MIN_TOKEN_ID, DEFAULT_MAX_TOKEN_ID);
    }

    /**
     * A copy drawing token ids from another range (another vocabulary).
     *
     * @param minInclusive smallest id
     * @param maxExclusive one past the largest id (at most the vocabulary size, below special ids)
     * @return the copy
     */
    public SyntheticWorkload withTokenIds(int minInclusive, int maxExclusive) {
        return new SyntheticWorkload(name, input, output, minInclusive, maxExclusive);
    }

    @Override
    public Iterator<PromptSpec> prompts(long seed) {
        SplittableRandom lengths = new SplittableRandom(seed);
        SplittableRandom ids = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public PromptSpec next() {
                int in = input.sample(lengths);
                int out = output.sample(lengths);
                int[] tokens = new int[in];
                for (int i = 0; i < in; i++) {
                    tokens[i] = ids.nextInt(minTokenId, maxTokenIdExclusive);
                }
                return PromptSpec.ofTokens(tokens, out);
            }
        };
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("input", input.label());
        m.put("output", output.label());
        m.put("inputClamp", input.min() + ".." + input.max());
        m.put("outputClamp", output.min() + ".." + output.max());
        m.put("tokenIds", minTokenId + ".." + (maxTokenIdExclusive - 1));
        return m;
    }
}
