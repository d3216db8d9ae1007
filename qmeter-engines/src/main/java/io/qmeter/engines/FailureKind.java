package io.qmeter.engines;

/**
 * Why a launched engine failed, as far as its exit and its log tell.
 */
public enum FailureKind {
    /** The GPU ran out of memory (CUDA out of memory, KV cache does not fit). */
    OUT_OF_MEMORY,
    /** A collective-communication error between the engine's GPUs (NCCL). */
    NCCL,
    /** The port was already taken. */
    ADDRESS_IN_USE,
    /** The model, checkpoint or a file it needs was not found. */
    MODEL_NOT_FOUND,
    /** The engine does not support the quantization method or KV-cache type asked for. */
    UNSUPPORTED_QUANTIZATION,
    /** The engine refused its command line (unknown or invalid flag). */
    BAD_ARGUMENT,
    /** The executable could not be started at all (not found, not executable). */
    NOT_EXECUTABLE,
    /** A preparation step (quantize, engine build) exited non-zero. */
    PREPARATION_FAILED,
    /** The engine did not become ready before its deadline while its process stayed alive. */
    START_TIMEOUT,
    /** The engine stopped answering health checks while its process stayed alive. */
    HUNG,
    /** The process exited (or was killed) for a reason no known log line names. */
    CRASHED
}
