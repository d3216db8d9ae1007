package io.qmeter.testkit.sim;

/**
 * A snapshot of a serving backend's state, for {@code /metrics} (named as vLLM names them).
 *
 * <pre>{@code
 * BackendStats s = backend.stats();
 * System.out.println(s.running() + " running, " + s.waiting() + " waiting");
 * }</pre>
 *
 * @param running               requests being decoded or prefilled ({@code vllm:num_requests_running})
 * @param waiting               requests queued ({@code vllm:num_requests_waiting})
 * @param kvCacheUsage          fraction of KV-cache blocks in use, 0..1 ({@code vllm:gpu_cache_usage_perc})
 * @param promptTokensTotal     prompt tokens processed so far ({@code vllm:prompt_tokens_total})
 * @param generationTokensTotal output tokens produced so far ({@code vllm:generation_tokens_total})
 * @param requestsFinished      requests finished so far
 * @param preemptions           requests preempted so far ({@code vllm:num_preemptions_total})
 */
public record BackendStats(int running, int waiting, double kvCacheUsage, long promptTokensTotal,
                           long generationTokensTotal, long requestsFinished, long preemptions) {
}
