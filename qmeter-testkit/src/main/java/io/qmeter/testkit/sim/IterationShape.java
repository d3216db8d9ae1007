package io.qmeter.testkit.sim;

/**
 * What one scheduled iteration contains, aggregated for the roofline (mutable, reused by the
 * scheduler; package-private).
 */
final class IterationShape {
    /** Tokens computed in this iteration (prefill chunks + one per decoding sequence). */
    int tokens;
    /** Sequences in the iteration. */
    int seqs;
    /** Sequences that sample a token at the end of the iteration (logits computed). */
    int logits;
    /** Prefill attention work: sum over chunks of c × (prior + (c + 1) / 2) query-key pairs. */
    double prefillPairs;
    /** KV tokens prefill attention reads: sum over chunks of prior + c. */
    long prefillKvTokens;
    /** Sequences decoding one token. */
    int decodeSeqs;
    /** KV tokens decode attention reads: sum over decoding sequences of their context. */
    long decodeKvTokens;

    void clear() {
        tokens = 0;
        seqs = 0;
        logits = 0;
        prefillPairs = 0;
        prefillKvTokens = 0;
        decodeSeqs = 0;
        decodeKvTokens = 0;
    }

    @Override
    public String toString() {
        return "IterationShape[tokens=" + tokens + ", seqs=" + seqs + ", decodeSeqs=" + decodeSeqs
                + ", prefillKv=" + prefillKvTokens + ", decodeKv=" + decodeKvTokens + "]";
    }
}
