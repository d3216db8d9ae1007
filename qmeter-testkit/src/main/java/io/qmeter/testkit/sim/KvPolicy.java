package io.qmeter.testkit.sim;

/**
 * How the scheduler hands out KV-cache blocks.
 *
 * <pre>{@code
 * SimConfig c = SimConfig.builder().kvPolicy(KvPolicy.RESERVE_MAX_TOKENS).build();   // TensorRT-LLM-like
 * }</pre>
 */
public enum KvPolicy {
    /**
     * vLLM: blocks are allocated as tokens are computed; when the cache runs out the newest
     * running request is preempted and recomputed later. Admits the most requests.
     */
    PAGED_PREEMPT,
    /**
     * TensorRT-LLM's default {@code GUARANTEED_NO_EVICT} capacity scheduler: a request is admitted
     * only when blocks for its prompt plus all of its {@code max_tokens} are free, and they are
     * reserved at once; nothing is ever preempted. Admits fewer requests when outputs are long.
     */
    RESERVE_MAX_TOKENS
}
