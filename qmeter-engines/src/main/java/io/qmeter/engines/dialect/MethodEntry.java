package io.qmeter.engines.dialect;

import io.qmeter.engines.GpuCapability;
import io.qmeter.engines.Support;

import java.util.Optional;

/**
 * How one engine serves one seed method: its quantization flag value, KV-cache dtype and the
 * checkpoint it expects, the least compute capability and why; or why it cannot.
 */
record MethodEntry(Optional<String> quantization, Optional<String> kvCacheDtype, String checkpoint,
                   int minMajor, int minMinor, String capabilityNeed, Optional<String> refusal) {

    static MethodEntry of(String quantization, String kvCacheDtype, String checkpoint) {
        return new MethodEntry(Optional.ofNullable(quantization), Optional.ofNullable(kvCacheDtype), checkpoint,
                0, 0, "", Optional.empty());
    }

    static MethodEntry refused(String reason) {
        return new MethodEntry(Optional.empty(), Optional.empty(), "", 0, 0, "", Optional.of(reason));
    }

    /** @return a copy that needs compute capability {@code major.minor}, for the reason given */
    MethodEntry needs(int major, int minor, String what) {
        return new MethodEntry(quantization, kvCacheDtype, checkpoint, major, minor, what, refusal);
    }

    /** The GPU check: a refusal when the GPU is known and too old. */
    Optional<Support> checkGpu(Optional<GpuCapability> gpu) {
        if (minMajor == 0) {
            return Optional.empty();
        }
        return Common.needCapability(gpu, minMajor, minMinor, capabilityNeed);
    }
}
