package io.qmeter.testkit.sim;

/**
 * How one GPU's memory is split, vLLM-style: {@code gpuMemoryUtilization × memory} is usable; the
 * weight shard and a reserve (CUDA context, NCCL buffers, CUDA graphs, peak activations) come off
 * first, the rest becomes paged KV-cache blocks.
 *
 * <pre>{@code
 * MemoryPlan p = config.memoryPlan();
 * System.out.println(p.kvBlocks() + " blocks = " + p.kvTokenCapacity() + " tokens");
 * }</pre>
 *
 * @param usableBytes        gpuMemoryUtilization × device memory
 * @param weightBytes        this GPU's share of the weights
 * @param reservedBytes      CUDA context, communication buffers, CUDA graphs and peak activations
 * @param kvBytes            bytes given to the KV cache
 * @param kvBytesPerToken    KV bytes one token takes on this GPU (all layers, K and V)
 * @param blockSize          tokens per KV block
 * @param kvBlocks           KV blocks (the same on every GPU of a tensor-parallel group)
 */
public record MemoryPlan(long usableBytes, long weightBytes, long reservedBytes, long kvBytes, double kvBytesPerToken,
                         int blockSize, int kvBlocks) {

    /** Bytes in a GiB, for messages. */
    static final double GIB = 1024.0 * 1024 * 1024;

    /**
     * Tokens the KV cache holds.
     *
     * @return kvBlocks × blockSize
     */
    public long kvTokenCapacity() {
        return (long) kvBlocks * blockSize;
    }

    /**
     * A one-line summary in GiB.
     *
     * @return for example "weights 24.2 GiB, reserved 1.9 GiB, KV 45.6 GiB = 58368 tokens"
     */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "weights %.1f GiB, reserved %.1f GiB, KV %.1f GiB = %d blocks x %d = %d tokens (of %.1f GiB usable)",
                weightBytes / GIB, reservedBytes / GIB, kvBytes / GIB, kvBlocks, blockSize, kvTokenCapacity(), usableBytes / GIB);
    }
}
