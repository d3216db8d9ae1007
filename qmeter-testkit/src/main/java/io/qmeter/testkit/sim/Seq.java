package io.qmeter.testkit.sim;

import java.util.SplittableRandom;

/**
 * One request's state inside the scheduler (package-private, mutated by the iteration thread only,
 * except {@link #cancelled}).
 */
final class Seq {
    final long id;
    final long arrivalNanos;
    final int promptTokens;
    final int maxTokens;
    /** Output tokens this request will produce (maxTokens, or a seeded natural end). */
    final int targetTokens;
    /** Whoever waits for the tokens (a sink, or the simulator's record). */
    final Object owner;

    int generated;
    int computed;
    int blocks;
    int preemptions;
    int scheduledTokens;
    long firstTokenNanos = -1;
    long lastTokenNanos = -1;
    boolean finished;
    volatile boolean cancelled;

    Seq(long id, long arrivalNanos, int promptTokens, int maxTokens, int targetTokens, Object owner) {
        this.id = id;
        this.arrivalNanos = arrivalNanos;
        this.promptTokens = promptTokens;
        this.maxTokens = maxTokens;
        this.targetTokens = targetTokens;
        this.owner = owner;
    }

    /** Tokens whose KV the sequence needs: prompt plus every generated token. */
    int numTokens() {
        return promptTokens + generated;
    }

    /**
     * How many tokens a request produces: all of {@code maxTokens} when it ignores EOS, otherwise a
     * seeded "natural" end drawn uniformly from [⌈maxTokens / 4⌉, maxTokens].
     */
    static int targetTokens(SimRequest r, long configSeed) {
        if (r.ignoreEos()) {
            return r.maxTokens();
        }
        SplittableRandom rnd = new SplittableRandom(r.seed() * 0x9E3779B97F4A7C15L ^ configSeed);
        int lo = Math.max(1, (r.maxTokens() + 3) / 4);
        return lo + rnd.nextInt(r.maxTokens() - lo + 1);
    }
}
