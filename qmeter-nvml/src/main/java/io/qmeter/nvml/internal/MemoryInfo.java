package io.qmeter.nvml.internal;

/**
 * nvmlMemory_t.
 *
 * <pre>{@code
 * MemoryInfo m = nvml.memoryInfo(gpu);
 * }</pre>
 *
 * @param totalBytes total device memory
 * @param freeBytes  unallocated
 * @param usedBytes  allocated
 */
public record MemoryInfo(long totalBytes, long freeBytes, long usedBytes) {
}
