package io.qmeter.testkit;

import java.util.SplittableRandom;

/**
 * Synthetic token text: one word per token, drawn from a small list by a seeded RNG. Package-private.
 */
final class Words {
    private static final String[] WORDS = {
        " the", " of", " and", " to", " in", " a", " is", " that", " for", " it", " as", " was", " with", " be",
        " by", " on", " not", " he", " this", " are", " or", " his", " from", " at", " which", " but", " have",
        " an", " had", " they", " you", " were", " their", " one", " all", " we", " can", " her", " has", " there",
        " been", " if", " more", " when", " will", " would", " who", " so", " no", " model", " token", " energy",
        " latency", " batch", " cache", " power", " river", " stone", " light", " quiet", " north", " green",
        " seven", " eleven"
    };

    private final SplittableRandom rng;

    Words(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    /** The text of the next {@code n} tokens. */
    String next(int n) {
        if (n == 1) {
            return WORDS[rng.nextInt(WORDS.length)];
        }
        StringBuilder b = new StringBuilder(n * 6);
        for (int i = 0; i < n; i++) {
            b.append(WORDS[rng.nextInt(WORDS.length)]);
        }
        return b.toString();
    }

    /**
     * The documented prompt-length estimate for a text prompt: one token per 4 characters, rounded
     * up, at least 1.
     */
    static int estimateTokens(int chars) {
        return Math.max(1, (chars + 3) / 4);
    }
}
